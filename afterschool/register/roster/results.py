"""What an import found and did: bad rows, planned changes, counts."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from afterschool.register.models import (
    School,
)

if TYPE_CHECKING:
    from afterschool.register.roster.parse import _Line

# --- Results ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """What is wrong, where: the spreadsheet row (None for the file as a whole) and the column."""

    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = _("第 {row} 行").format(row=self.row) if self.row else ""
        if self.column:
            where += f"「{self.column}」"
        return f"{where}：{self.message}" if where else self.message


@dataclass(frozen=True)
class RosterChange:
    """One change the import makes (or would make), for the preview: a new student, a renamed guardian…"""

    row: int
    # "update", "withdraw" (an update that takes away a guardian's permission to pick up), or "note"
    # for something kept as it is. What is new is listed from the file's lines (``students_added``).
    kind: str
    subject: str
    detail: str

    def __str__(self) -> str:
        return _("第 {row} 行 {subject}：{detail}").format(
            row=self.row, subject=self.subject, detail=self.detail
        )


@dataclass
class RosterResult:
    """What an import found and did; ``saved`` is True only when the rows were written."""

    school: School
    file_name: str = ""
    # The year the file's classes are in (``roster_years``).
    school_year: object = None
    dry_run: bool = True
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    # Errors found beyond those in ``errors`` (only the first ``MAX_ERRORS`` are kept), and the number
    # of rows with any error.
    errors_omitted: int = 0
    bad_rows: int = 0
    changes: list[RosterChange] = field(default_factory=list)
    # What the import adds, as the file's lines: each new student, each new guardian link (the preview
    # lists them; they are formatted only as far as a page shows them).
    students_added: list[_Line] = field(default_factory=list)
    links_added: list[_Line] = field(default_factory=list)
    # What the import keeps although the file says otherwise (a guardian shared with another school).
    notes: list[RosterChange] = field(default_factory=list)
    students_new: int = 0
    students_updated: int = 0
    students_unchanged: int = 0
    guardians_new: int = 0
    guardians_renamed: int = 0
    links_new: int = 0
    links_updated: int = 0
    links_unchanged: int = 0
    grades_new: int = 0
    homerooms_new: int = 0
    saved: bool = False
    # The register changed after the preview: nothing was written, and this result is the new preview.
    stale: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def fingerprint(self) -> str:
        """A digest of the planned changes, so the confirm step writes only the plan the preview showed."""
        counts = [
            self.rows,
            self.students_new,
            self.students_updated,
            self.students_unchanged,
            self.guardians_new,
            self.guardians_renamed,
            self.links_new,
            self.links_updated,
            self.links_unchanged,
            self.grades_new,
            self.homerooms_new,
        ]
        plan = [
            counts,
            sorted(str(c) for c in self.changes),
            sorted(str(n) for n in self.notes),
            [(a.row, a.student_no, a.name, a.grade, a.room) for a in self.students_added],
            [(a.row, a.student_no, a.mobile, a.relation, a.may_pick_up) for a in self.links_added],
        ]
        return hashlib.sha256(json.dumps(plan, ensure_ascii=False).encode()).hexdigest()

    @property
    def pickups_withdrawn(self) -> list[RosterChange]:
        """The updates that take away a guardian's permission to pick up a child (可接送 是→否)."""
        return [c for c in self.changes if c.kind == "withdraw"]

    @property
    def error_count(self) -> int:
        return len(self.errors) + self.errors_omitted

    @property
    def has_changes(self) -> bool:
        return bool(
            self.students_new
            or self.students_updated
            or self.guardians_new
            or self.guardians_renamed
            or self.links_new
            or self.links_updated
            or self.grades_new
            or self.homerooms_new
        )

    @property
    def error_rows(self) -> int:
        return max(self.bad_rows, len({e.row for e in self.errors if e.row}))

    def summary(self) -> str:
        return _(
            "新增学生 {sn} 名，更新 {su} 名，未变 {ss} 名；新增监护人 {gn} 名，更新监护人姓名 {gr} 名；"
            "新增监护关系 {ln} 条，更新 {lu} 条；新建年级 {grn} 个、班级 {hn} 个。"
        ).format(
            sn=self.students_new,
            su=self.students_updated,
            ss=self.students_unchanged,
            gn=self.guardians_new,
            gr=self.guardians_renamed,
            ln=self.links_new,
            lu=self.links_updated,
            grn=self.grades_new,
            hn=self.homerooms_new,
        )


class RosterFileError(ValueError):
    """The upload is not a roster we can read: too large, not what its extension claims, unknown encoding."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
