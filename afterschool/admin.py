"""Django admin for the register. Roster import/export is wired in by ``register.roster`` (django-import-export)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

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
    Student,
    TeachingAssignment,
    Term,
    TermDay,
    User,
)


class RoleInline(admin.TabularInline):
    model = Role
    extra = 0
    autocomplete_fields = ["school", "district"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        (_("课后服务"), {"fields": ("full_name", "mobile")}),
    )
    list_display = ("username", "full_name", "mobile", "is_staff", "is_active")
    search_fields = ("username", "full_name", "mobile", "email")
    inlines = [RoleInline]


@admin.register(District)
class DistrictAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "bureau_name")
    search_fields = ("name", "code")


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "district", "stage")
    list_filter = ("district", "stage")
    search_fields = ("name", "code")


class TermDayInline(admin.TabularInline):
    model = TermDay
    extra = 0


@admin.register(Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ("name", "school", "start_date", "end_date")
    list_filter = ("school",)
    inlines = [TermDayInline]


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "school")
    list_filter = ("school",)


@admin.register(Homeroom)
class HomeroomAdmin(admin.ModelAdmin):
    list_display = ("__str__", "school", "head_teacher")
    list_filter = ("school", "grade__number")
    list_select_related = ("grade", "school", "head_teacher")
    autocomplete_fields = ["head_teacher"]


class GuardianshipInline(admin.TabularInline):
    model = Guardianship
    extra = 0
    autocomplete_fields = ["guardian", "student"]


@admin.register(Guardian)
class GuardianAdmin(admin.ModelAdmin):
    list_display = ("name", "mobile", "user")
    search_fields = ("name", "mobile")
    inlines = [GuardianshipInline]


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("user", "kind", "school", "district")
    list_filter = ("kind", "school", "district")
    list_select_related = ("user", "school", "district")


@admin.register(TeachingAssignment)
class TeachingAssignmentAdmin(admin.ModelAdmin):
    list_display = ("teacher", "homeroom", "subject")
    list_select_related = ("teacher", "homeroom__grade")


@admin.register(InvitationCode)
class InvitationCodeAdmin(admin.ModelAdmin):
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

    def has_add_permission(self, request):
        return False  # codes are issued through the school pages, which revoke the old ones


@admin.register(Student)
class StudentAdmin(admin.ModelAdmin):
    list_display = ("student_no", "name", "gender", "homeroom", "school", "status")
    list_filter = ("school", "status", "homeroom__grade__number")
    search_fields = ("student_no", "name")
    list_select_related = ("homeroom__grade", "school")
    inlines = [GuardianshipInline]


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "school", "action", "target")
    list_filter = ("action", "school")
    list_select_related = ("actor", "school")
    search_fields = ("target",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
