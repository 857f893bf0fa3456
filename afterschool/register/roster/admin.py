"""The Django admin's view of the same import (django-import-export's Resource and Result)."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.results import Result, RowResult

from afterschool.register.models import (
    School,
)
from afterschool.register.roster.columns import (
    GENDER,
    GRADE,
    GUARDIAN_MOBILE,
    GUARDIAN_NAME,
    HOMEROOM,
    MAY_PICK_UP,
    NAME,
    PREVIEW_LIMIT,
    PRIORITIES,
    RELATION,
    STUDENT_NO,
)
from afterschool.register.roster.results import RosterResult
from afterschool.register.roster.service import roster_import

# --- The admin's view of the same import ------------------------------------------------------------


class RosterResource(resources.Resource):
    """The roster as django-import-export's admin sees it: Chinese columns, imported by ``roster_import``.

    The admin reads the file with ``RosterXLSX``/``RosterCSV`` and hands over the dataset; this resource
    runs the same service as the school's page and translates its result for the admin's templates.
    """

    student_no = fields.Field(column_name=STUDENT_NO)
    name = fields.Field(column_name=NAME)
    gender = fields.Field(column_name=GENDER)
    grade = fields.Field(column_name=GRADE)
    homeroom = fields.Field(column_name=HOMEROOM)
    guardian_name = fields.Field(column_name=GUARDIAN_NAME)
    guardian_mobile = fields.Field(column_name=GUARDIAN_MOBILE)
    relation = fields.Field(column_name=RELATION)
    may_pick_up = fields.Field(column_name=MAY_PICK_UP)
    priorities = fields.Field(column_name=PRIORITIES)

    def __init__(self, school: School | None = None, **kwargs):
        super().__init__(**kwargs)
        self.school = school

    @classmethod
    def get_display_name(cls):
        return _("学生名册（含监护人）")

    def import_data(
        self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs
    ):
        if self.school is None:
            raise ValueError("RosterResource needs a school")
        roster = roster_import(
            school=self.school,
            dataset_or_file=dataset,
            by=kwargs.get("user"),
            dry_run=dry_run,
            file_name=kwargs.get("file_name") or "",
        )
        return roster_admin_result(roster)


def roster_admin_result(roster: RosterResult) -> Result:
    """A ``RosterResult`` as django-import-export's ``Result``, for its admin templates."""
    result = Result()
    result.total_rows = roster.rows
    if roster.errors:
        result.diff_headers = []
        for error in roster.errors[:PREVIEW_LIMIT]:
            key = error.column or NON_FIELD_ERRORS
            result.append_invalid_row(error.row or "-", {}, ValidationError({key: [error.message]}))
        more = roster.error_count - min(len(roster.errors), PREVIEW_LIMIT)
        if more > 0:
            result.append_invalid_row(
                "-",
                {},
                ValidationError({NON_FIELD_ERRORS: [_("还有 {n} 处错误未列出。").format(n=more)]}),
            )
        return result
    result.diff_headers = [_("行"), _("对象"), _("变化")]
    limit = PREVIEW_LIMIT
    for change in roster.changes[:limit]:
        row = RowResult()
        row.import_type = RowResult.IMPORT_TYPE_UPDATE
        row.diff = [change.row, change.subject, change.detail]
        result.append_row_result(row)
    for line in roster.students_added[:limit]:
        row = RowResult()
        row.import_type = RowResult.IMPORT_TYPE_NEW
        row.diff = [line.row, f"{line.student_no} {line.name}", line.homeroom_text()]
        result.append_row_result(row)
    for line in roster.links_added[:limit]:
        row = RowResult()
        row.import_type = RowResult.IMPORT_TYPE_NEW
        row.diff = [
            line.row,
            f"{line.student_no} {line.name}",
            _("新增监护人 {name}（{relation}，{mobile}），可接送：{pick_up}").format(
                name=line.guardian_name,
                relation=line.relation_text(),
                mobile=line.masked_mobile(),
                pick_up=_("是") if line.may_pick_up else _("否"),
            ),
        ]
        result.append_row_result(row)
    for note in roster.notes[:limit]:
        # Shown as skipped: the file's value is not applied.
        row = RowResult()
        row.import_type = RowResult.IMPORT_TYPE_SKIP
        row.diff = [note.row, note.subject, note.detail]
        result.append_row_result(row)
    result.totals[RowResult.IMPORT_TYPE_NEW] = roster.students_new
    result.totals[RowResult.IMPORT_TYPE_UPDATE] = roster.students_updated
    result.totals[RowResult.IMPORT_TYPE_SKIP] = roster.students_unchanged
    return result
