"""The Django admin for the register: inspection for superusers, never a side door.

Every change to the register goes through a service (the site's pages, the ``import_roster``,
``district_add`` and ``school_add`` commands), which checks it, keeps district lines and records who did
it. So the admin here only reads: no add, change or delete on any register model or inline. Its one
action, the roster import, runs the same ``roster_import`` service as the school's page.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin

from afterschool.register import roster
from afterschool.register.audit import audit_sentence
from afterschool.register.models import (
    AuditEntry,
    District,
    Grade,
    Guardian,
    Guardianship,
    Homeroom,
    InvitationCode,
    Role,
    School,
    StaffInvitation,
    Student,
    TeachingAssignment,
    Term,
    TermDay,
    User,
)
from afterschool.register.views import roster as roster_views


class InspectOnly:
    """Read, never write: superusers inspect; changes go through the services."""

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser


class InspectOnlyInline(InspectOnly, admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = False


class RoleInline(InspectOnlyInline):
    model = Role


@admin.register(User)
class UserAdmin(InspectOnly, DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("课后服务"), {"fields": ("full_name", "mobile")}),
    )
    list_display = ("username", "full_name", "mobile", "is_staff", "is_active")
    search_fields = ("username", "full_name", "mobile", "email")
    inlines = [RoleInline]


@admin.register(District)
class DistrictAdmin(InspectOnly, admin.ModelAdmin):
    list_display = ("name", "code", "bureau_name")
    search_fields = ("name", "code")


@admin.register(School)
class SchoolAdmin(InspectOnly, admin.ModelAdmin):
    list_display = ("name", "code", "district", "stage")
    list_filter = ("district", "stage")
    search_fields = ("name", "code")


class TermDayInline(InspectOnlyInline):
    model = TermDay


@admin.register(Term)
class TermAdmin(InspectOnly, admin.ModelAdmin):
    list_display = ("name", "school", "start_date", "end_date")
    list_filter = ("school",)
    inlines = [TermDayInline]


@admin.register(Grade)
class GradeAdmin(InspectOnly, admin.ModelAdmin):
    list_display = ("__str__", "school")
    list_filter = ("school",)


@admin.register(Homeroom)
class HomeroomAdmin(InspectOnly, admin.ModelAdmin):
    list_display = ("__str__", "school", "head_teacher")
    list_filter = ("school", "grade__number")
    list_select_related = ("grade", "school", "head_teacher")


class GuardianshipInline(InspectOnlyInline):
    model = Guardianship


@admin.register(Guardian)
class GuardianAdmin(InspectOnly, admin.ModelAdmin):
    list_display = ("name", "mobile", "district", "user")
    list_filter = ("district",)
    list_select_related = ("district", "user")
    search_fields = ("name", "mobile")
    inlines = [GuardianshipInline]


@admin.register(Role)
class RoleAdmin(InspectOnly, admin.ModelAdmin):
    list_display = ("user", "kind", "school", "district")
    list_filter = ("kind", "school", "district")
    list_select_related = ("user", "school", "district")


@admin.register(TeachingAssignment)
class TeachingAssignmentAdmin(InspectOnly, admin.ModelAdmin):
    list_display = ("teacher", "homeroom", "subject")
    list_select_related = ("teacher", "homeroom__grade")


@admin.register(InvitationCode)
class InvitationCodeAdmin(InspectOnly, admin.ModelAdmin):
    list_display = ("code", "student", "created_at", "expires_at", "used_at", "revoked_at")
    search_fields = ("code", "student__name", "student__student_no")
    readonly_fields = (
        "code",
        "student",
        "created_at",
        "created_by",
        "used_at",
        "used_by",
        "revoked_at",
        "revoked_by",
    )
    list_select_related = ("student",)


@admin.register(Student)
class StudentAdmin(InspectOnly, ImportMixin, admin.ModelAdmin):
    """Students, with the roster import (students and guardians) run by ``roster.roster_import``."""

    list_display = ("student_no", "name", "gender", "homeroom", "school", "status")
    list_filter = ("school", "status", "homeroom__grade__number")
    search_fields = ("student_no", "name")
    list_select_related = ("homeroom__grade", "school")
    inlines = [GuardianshipInline]

    resource_classes = [roster.RosterResource]
    import_form_class = roster_views.RosterAdminImportForm
    confirm_form_class = roster_views.RosterAdminConfirmForm
    tmp_storage_class = "afterschool.register.views.roster.RosterUploadStorage"
    # roster_import records the import in the audit trail; one summary, not a log entry per row.
    skip_admin_log = True

    def has_import_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def get_import_formats(self):
        return roster.ADMIN_FORMATS

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["school"] = import_form.cleaned_data["school"].pk
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        school = getattr(form, "cleaned_data", {}).get("school") if form is not None else None
        return {"school": school}

    def add_data_read_fail_error_to_form(self, form, e):
        """A file the roster readers refuse: their Chinese reason, naming the file (not the exception's
        class name, as import-export says it)."""
        upload = form.cleaned_data.get("import_file")
        name = getattr(upload, "name", "")
        if isinstance(e, roster.RosterFileError):
            message = e.message
        else:
            message = _("无法读取该文件，请确认它是用 Excel 或 WPS 保存的 .xlsx 或 .csv 文件。")
        form.add_error("import_file", roster.roster_file_message(name, str(message)))

    def process_import(self, request, **kwargs):
        # The confirmed file is read again; if it can no longer be (gone from storage, unreadable),
        # say so on the import page rather than answer 500.
        try:
            return super().process_import(request, **kwargs)
        except (roster.RosterFileError, OSError) as e:
            reason = e.message if isinstance(e, roster.RosterFileError) else _("预览已过期")
            messages.error(request, _("没有导入任何数据：{reason}").format(reason=reason))
            return HttpResponseRedirect(
                reverse("admin:{}_{}_import".format(*self.get_model_info()))
            )

    def process_result(self, result, request):
        if result.has_validation_errors():
            # The register changed between preview and confirmation: nothing was saved.
            for row in result.invalid_rows:
                for field, errors in row.error_dict.items():
                    messages.error(request, f"{row.number} {field}: {'；'.join(errors)}")
            return HttpResponseRedirect(
                reverse("admin:{}_{}_import".format(*self.get_model_info()))
            )
        return super().process_result(result, request)


@admin.register(AuditEntry)
class AuditEntryAdmin(InspectOnly, admin.ModelAdmin):
    """The trail for inspection: read-only, as everywhere."""

    list_display = ("at", "actor_label", "school", "action", "sentence")
    list_filter = ("action", "school")
    list_select_related = ("school",)
    search_fields = ("target_label", "actor_label")

    @admin.display(description=_("内容"))
    def sentence(self, entry):
        return audit_sentence(entry)


@admin.register(StaffInvitation)
class StaffInvitationAdmin(InspectOnly, admin.ModelAdmin):
    """For inspection: invitations are issued, revoked and accepted through the site's services only."""

    list_display = ("full_name", "school", "created_at", "expires_at", "accepted_at", "revoked_at")
    list_filter = ("school",)
    list_select_related = ("school",)
    search_fields = ("full_name",)
    exclude = ("code_digest",)
