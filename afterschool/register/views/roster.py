"""Roster import and export pages for a school's administrators.

Upload → preview (a dry run listing every bad row and every change) → confirm. Between preview and
confirm the uploaded bytes wait in import-export's media tmp storage under a random name kept in the
session, never in the page: the confirm form carries only a token that must match the session's. The
session also keeps the preview's fingerprint: if the register has changed since, confirming writes
nothing and shows the new preview instead.
"""

import contextlib
import secrets
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.tmp_storages import MediaStorage

from afterschool.register import permissions, selectors
from afterschool.register.models import School
from afterschool.register.params import token_param
from afterschool.register.roster import (
    ADMIN_FORMATS,
    PREVIEW_LIMIT,
    ROSTER_UPLOAD_FOLDER,
    RosterFileError,
    roster_check_size,
    roster_export,
    roster_file_message,
    roster_format_for,
    roster_import,
    roster_sniff,
    roster_template,
    roster_upload_storage,
    roster_years,
)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SESSION_KEY = "roster_upload"


@dataclass(frozen=True)
class _Shown:
    """The first ``PREVIEW_LIMIT`` of a list, and how many more there are: the page stays small."""

    items: list
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


def _shown(items: list, total: int | None = None) -> _Shown:
    return _Shown(items[:PREVIEW_LIMIT], len(items) if total is None else total)


def _preview(request, school, result, token: str):
    """The preview page: the counts, every error (up to a limit), and who is added, changed or loses
    the permission to pick up."""
    context = {
        "school": school,
        "result": result,
        "token": token,
        "errors": _shown(result.errors, result.error_count),
        "withdrawn": _shown(result.pickups_withdrawn),
        "changes": _shown(result.changes),
        "students_added": _shown(result.students_added),
        "links_added": _shown(result.links_added),
        "notes": _shown(result.notes),
    }
    return render(request, "register/roster_preview.html", context)


class RosterUploadStorage(MediaStorage):
    """import-export's media tmp storage in the folder and storage that ``roster_uploads_purge`` cleans."""

    def _configure_storage(self):
        self._storage = roster_upload_storage()

    def __init__(self, **kwargs):
        super().__init__(MEDIA_FOLDER=ROSTER_UPLOAD_FOLDER, **kwargs)


class RosterUploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("名册文件"),
        help_text=gettext_lazy("支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )
    year = forms.TypedChoiceField(
        label=gettext_lazy("学年"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=gettext_lazy(
            "名册中的班级属于哪个学年。暑假里导入新学年的名册：学生升入新学年的班级，"
            "上一学年的班级和记录保持不变。"
        ),
    )
    dry_run = forms.BooleanField(
        label=gettext_lazy("先预览，不保存"),
        required=False,
        initial=True,
        help_text=gettext_lazy(
            "预览无误后再确认导入。取消勾选则直接导入（有错误时仍不会保存任何数据）。"
        ),
    )

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.years = {y.start_date.year: y for y in years}
        this, following = years
        self.fields["year"].choices = [
            (this.start_date.year, _("%(year)s（本学年）") % {"year": this.name}),
            (following.start_date.year, _("%(year)s（下一学年）") % {"year": following.name}),
        ]
        self.fields["year"].initial = this.start_date.year

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            roster_format_for(upload.name)
            roster_check_size(upload.size)
        except RosterFileError as e:
            raise forms.ValidationError(roster_file_message(upload.name, e.message)) from None
        return upload


class RosterAdminImportForm(ImportForm):
    """The admin's import form (django-import-export) plus the roster's school, and the upload checks."""

    school = forms.ModelChoiceField(queryset=School.objects.all(), label=gettext_lazy("学校"))
    field_order = ["school", "resource", "import_file", "format"]

    def clean(self):
        data = super().clean()
        upload, choice = data.get("import_file"), data.get("format")
        if upload is not None and choice not in (None, ""):
            try:
                expected = roster_format_for(upload.name)
                roster_check_size(upload.size)
                upload.seek(0)
                roster_sniff(upload.name, upload.read())
                upload.seek(0)
            except RosterFileError as e:
                self.add_error("import_file", roster_file_message(upload.name, e.message))
            else:
                if ADMIN_FORMATS[int(choice)] is not expected:
                    self.add_error("format", _("所选格式与文件扩展名不符。"))
        return data


class RosterAdminConfirmForm(ConfirmImportForm):
    school = forms.ModelChoiceField(queryset=School.objects.all(), widget=forms.HiddenInput())


def _managed_school_or_404(request, school_pk):
    school = selectors.school_get(request.user, school_pk)
    if not permissions.can_manage_school(request.user, school):
        raise Http404
    return school


def _pending_uploads(request) -> dict:
    return request.session.get(SESSION_KEY, {})


def _forget_upload(request, school_pk) -> None:
    """Drop the school's waiting upload, from the session and from storage."""
    uploads = _pending_uploads(request)
    pending = uploads.pop(str(school_pk), None)
    if pending:
        with contextlib.suppress(OSError, KeyError):
            RosterUploadStorage(name=pending["name"]).remove()
        request.session[SESSION_KEY] = uploads


def _keep_upload(request, school_pk, upload, data: bytes, fingerprint: str, year) -> str:
    """Store the previewed file for the confirm step; return the token the confirm form must send."""
    _forget_upload(request, school_pk)
    storage = RosterUploadStorage()
    storage.save(data)
    uploads = _pending_uploads(request)
    uploads[str(school_pk)] = {
        "name": storage.name,
        "file_name": upload.name,
        "year": year.start_date.year,
    }
    request.session[SESSION_KEY] = uploads
    return _new_token(request, school_pk, fingerprint)


def _new_token(request, school_pk, fingerprint: str) -> str:
    """A fresh confirm token for the waiting upload, bound to the plan its preview showed."""
    token = secrets.token_urlsafe(16)
    uploads = _pending_uploads(request)
    uploads[str(school_pk)].update(token=token, fingerprint=fingerprint)
    request.session[SESSION_KEY] = uploads
    return token


@login_required
def roster_import_view(request, school_pk):
    """Upload a roster; by default a dry run whose preview offers to confirm the import."""
    school = _managed_school_or_404(request, school_pk)
    form = RosterUploadForm(request.POST or None, request.FILES or None, years=roster_years(school))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        dry_run = form.cleaned_data["dry_run"]
        year = form.years.get(form.cleaned_data["year"]) or roster_years(school)[0]
        data = upload.read(settings.ROSTER_UPLOAD_MAX_BYTES + 1)
        result = roster_import(
            school=school,
            dataset_or_file=ContentFile(data, name=upload.name),
            by=request.user,
            dry_run=dry_run,
            school_year=year,
        )
        if result.saved:
            _forget_upload(request, school.pk)
            messages.success(request, _("名册已导入。") + result.summary())
            return redirect("home:school-dashboard", school_pk=school.pk)
        token = (
            _keep_upload(request, school.pk, upload, data, result.fingerprint, year)
            if result.ok
            else ""
        )
        return _preview(request, school, result, token)
    return render(request, "register/roster_import.html", {"school": school, "form": form})


@login_required
@require_POST
def roster_import_confirm(request, school_pk):
    """Import the file shown in the preview, kept since the upload."""
    school = _managed_school_or_404(request, school_pk)
    pending = _pending_uploads(request).get(str(school.pk))
    token = token_param(request.POST, "token")
    if not pending or not token or not secrets.compare_digest(pending["token"], token):
        messages.error(request, _("预览已过期，请重新上传名册。"))
        return redirect("school:roster-import", school_pk=school.pk)
    try:
        data = RosterUploadStorage(name=pending["name"]).read()
    except OSError:
        _forget_upload(request, school.pk)
        messages.error(request, _("预览已过期，请重新上传名册。"))
        return redirect("school:roster-import", school_pk=school.pk)
    years = {y.start_date.year: y for y in roster_years(school)}
    if pending.get("year") not in years:
        # Previewed for a year no longer offered (the upload waited past 31 July).
        _forget_upload(request, school.pk)
        messages.error(request, _("预览已过期，请重新上传名册。"))
        return redirect("school:roster-import", school_pk=school.pk)
    result = roster_import(
        school=school,
        dataset_or_file=ContentFile(data, name=pending["file_name"]),
        by=request.user,
        dry_run=False,
        school_year=years[pending["year"]],
        # A preview kept from before fingerprints (no key) counts as outdated.
        expect_fingerprint=pending.get("fingerprint") or "",
    )
    if not result.saved:
        # The register changed since the preview: the new plan may be confirmed in its turn. Other
        # failures (a concurrent import, a file now invalid) show what is wrong, with no confirm.
        token = _new_token(request, school.pk, result.fingerprint) if result.stale else ""
        return _preview(request, school, result, token)
    _forget_upload(request, school.pk)
    messages.success(request, _("名册已导入。") + result.summary())
    return redirect("home:school-dashboard", school_pk=school.pk)


def _xlsx_response(data: bytes, file_name: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name)
    return response


@login_required
def roster_export_view(request, school_pk):
    """The school's roster as XLSX, in the import's columns (it imports back to no change)."""
    school = _managed_school_or_404(request, school_pk)
    stamp = timezone.localdate().strftime("%Y%m%d")
    return _xlsx_response(
        roster_export(school=school),
        _("{school}名册-{date}.xlsx").format(school=school.name, date=stamp),
    )


@login_required
def roster_template_view(request, school_pk):
    """The empty import template with an example row and an instructions sheet."""
    _managed_school_or_404(request, school_pk)
    return _xlsx_response(roster_template(), _("学生名册导入模板.xlsx"))
