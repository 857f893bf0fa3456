"""Turning a sheet's rows into clean lines, every bad row and column named in one pass."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache

import tablib
from django.utils.translation import gettext as _

from afterschool.register.models import (
    Guardianship,
    School,
    Student,
    grade_name,
)
from afterschool.register.normalize import (
    excerpt,
    normalize_bool,
    normalize_gender,
    normalize_grade,
    normalize_mobile,
    normalize_priorities,
    normalize_relation,
    normalize_student_no,
    split_homeroom,
)
from afterschool.register.roster.columns import (
    COLUMNS,
    EXAMPLE_STUDENT_NO,
    GENDER,
    GRADE,
    GUARDIAN_MOBILE,
    GUARDIAN_NAME,
    HOMEROOM,
    MAX_CELL_CHARS,
    MAX_ERRORS,
    MAY_PICK_UP,
    NAME,
    PRIORITIES,
    PRIORITY_EXPORT_WORDS,
    RELATION,
    REQUIRED_COLUMNS,
    ROW_NUMBER,
    STUDENT_NO,
    _file_labels,
    _gender_label,
    _masked,
    _relation_label,
)
from afterschool.register.roster.files import _blank, _header_key
from afterschool.register.roster.results import RowError
from afterschool.register.rules import person_name

# --- Parsing rows -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Line:
    row: int
    student_no: str
    name: str
    gender: str
    grade: int
    room: int
    priorities: frozenset
    guardian_name: str
    mobile: str
    relation: str
    may_pick_up: bool

    def student_values(self) -> dict:
        return {
            NAME: self.name,
            GENDER: self.gender,
            HOMEROOM: (self.grade, self.room),
            PRIORITIES: self.priorities,
        }

    # For the preview's lists of what the import adds.
    def homeroom_text(self) -> str:
        return _homeroom_text(self.grade, self.room)

    def masked_mobile(self) -> str:
        return _masked(self.mobile)

    def relation_text(self) -> str:
        return _relation_label(self.relation)


# Few distinct values per column: normalise each distinct cell once (a 20,000-row sheet has maybe a
# hundred distinct class names). ``typed`` keeps 1, 1.0 and True apart.
_gender = lru_cache(maxsize=256, typed=True)(normalize_gender)
_grade = lru_cache(maxsize=256, typed=True)(normalize_grade)
_split_homeroom = lru_cache(maxsize=4096, typed=True)(split_homeroom)
_relation = lru_cache(maxsize=256, typed=True)(normalize_relation)
_priorities = lru_cache(maxsize=1024, typed=True)(
    lambda v: None if (p := normalize_priorities(v)) is None else frozenset(p)
)


@lru_cache(maxsize=256, typed=True)
def _pick_up(value):
    return normalize_bool(value, default=True)


def _shown(value) -> str:
    """A bad value as a message shows it: a short excerpt, never the whole cell."""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() else value.strftime("%Y-%m-%d")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return excerpt(value)


def _homeroom_text(grade: int, room: int) -> str:
    return _("{grade}（{n}）班").format(grade=grade_name(grade), n=room)


def _priorities_text(priorities) -> str:
    return "、".join(PRIORITY_EXPORT_WORDS[p] for p in Student.PRIORITY_FIELDS if p in priorities)


def _student_value_text(column: str, value) -> str:
    if column == GENDER:
        return _gender_label(value)
    if column == HOMEROOM:
        return _homeroom_text(*value)
    if column == PRIORITIES:
        return _priorities_text(value) or _("无")
    return str(value)


class _Parser:
    """Turns the dataset's rows into clean ``_Line``s, collecting every error with its row and column."""

    def __init__(self, school: School, dataset: tablib.Dataset):
        self.school = school
        self.dataset = dataset
        self.errors: list[RowError] = []
        self.error_count = 0
        self.error_rows: set[int] = set()
        self.lines: list[_Line] = []
        self.rows = 0
        # The first line seen for each student, guardian link and mobile: later lines must agree.
        self.first_of_student: dict[str, _Line] = {}
        self.first_of_link: dict[tuple[str, str], _Line] = {}
        self.first_of_mobile: dict[str, _Line] = {}

    def error(self, row, column, message):
        # Every error is counted; the first MAX_ERRORS are kept (a file bad on every row of 50,000
        # would otherwise hold hundreds of thousands of messages).
        self.error_count += 1
        if row:
            self.error_rows.add(row)
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(row, column, message))

    def too_long(self, row: int, values: dict) -> None:
        """Name each cell longer than any roster value can be (such a row is not read further)."""
        for column, value in values.items():
            if value.__class__ is str and len(value) > MAX_CELL_CHARS:
                self.error(
                    row,
                    column,
                    _("内容过长（{n} 个字），每格最多 {limit} 个字：“{v}”。").format(
                        n=len(value), limit=MAX_CELL_CHARS, v=excerpt(value)
                    ),
                )

    def parse(self) -> None:
        headers = list(self.dataset.headers or [])
        has_numbers = bool(headers) and headers[0] == ROW_NUMBER
        offset = 1 if has_numbers else 0
        index: dict[str, int] = {}
        for i, header in enumerate(headers[offset:], offset):
            key = _header_key(header)
            if key in COLUMNS:
                if key in index:
                    self.error(None, key, _("表头中出现了两次，请删除重复的列。"))
                index[key] = i
        missing = [c for c in REQUIRED_COLUMNS if c not in index]
        for column in missing:
            self.error(None, column, _("缺少此列。请使用导入模板的表头。"))
        if missing or self.error_count:
            return
        if GRADE not in index:
            index[GRADE] = None
        get = [(c, index.get(c)) for c in COLUMNS]
        grades = self.school.grade_range
        for position, cells in enumerate(self.dataset, 2):
            row = cells[0] if has_numbers else position
            # One pass over the row's cells: its values, whether it is blank, whether a cell is
            # longer than any roster value (50,000 rows: this loop is the parser's hot path).
            values = {}
            blank, long = True, False
            for column, i in get:
                value = values[column] = cells[i] if i is not None else None
                if value is None:
                    continue
                if value.__class__ is str:
                    if len(value) > MAX_CELL_CHARS:
                        long, blank = True, False
                    elif blank and value and not value.isspace():
                        blank = False
                else:
                    blank = False
            if blank:
                continue
            self.rows += 1
            if long:
                self.too_long(row, values)
                continue
            line = self.parse_row(row, values, grades)
            # Rows are checked against the rows before them in the same pass, so a file lists
            # every bad row at once.
            if line is not None and self.agrees_with_earlier(line):
                self.lines.append(line)
        if not self.rows and not self.error_count:
            self.error(None, None, _("文件中没有学生数据。"))

    def parse_row(self, row: int, v: dict, grades: range) -> _Line | None:
        before = self.error_count
        raw_no = v[STUDENT_NO]
        student_no = normalize_student_no(raw_no)
        if _blank(raw_no):
            self.error(row, STUDENT_NO, _("不能为空。"))
        elif student_no is None:
            if isinstance(raw_no, float) and raw_no >= 1e15:
                self.error(
                    row,
                    STUDENT_NO,
                    _(
                        "Excel 把学籍号存成了数字，末几位已经丢失。请把该列设为“文本”格式，"
                        "重新填写后再导入。"
                    ),
                )
            else:
                self.error(
                    row,
                    STUDENT_NO,
                    _("“{v}”不是有效的学籍号（应为 4–30 位字母或数字）。").format(v=_shown(raw_no)),
                )
        elif student_no == EXAMPLE_STUDENT_NO:
            self.error(row, STUDENT_NO, _("这是导入模板中的示例行，请删除后再导入。"))

        name = person_name(v[NAME])
        if not name:
            self.error(row, NAME, _("不能为空。"))
        elif len(name) > 50:
            self.error(row, NAME, _("不能超过 50 个字。"))

        gender = _gender(v[GENDER])
        if gender is None:
            self.error(
                row,
                GENDER,
                _("无法识别“{v}”，请填写“男”或“女”。").format(v=_shown(v[GENDER]))
                if not _blank(v[GENDER])
                else _("不能为空，请填写“男”或“女”。"),
            )

        grade, room = self.parse_class(row, v[GRADE], v[HOMEROOM], grades)

        priorities = _priorities(v[PRIORITIES])
        if priorities is None:
            self.error(
                row,
                PRIORITIES,
                _(
                    "无法识别“{v}”。可填写：残疾、留守、随迁、困难（多项用顿号分隔），没有则留空。"
                ).format(v=_shown(v[PRIORITIES])),
            )

        guardian_name = person_name(v[GUARDIAN_NAME])
        raw_mobile = v[GUARDIAN_MOBILE]
        mobile, relation, may_pick_up = "", "other", True
        has_guardian = guardian_name or not _blank(raw_mobile)
        if has_guardian:
            mobile = normalize_mobile(raw_mobile) or ""
            if _blank(raw_mobile):
                self.error(row, GUARDIAN_MOBILE, _("填写了监护人姓名，但没有填写手机号。"))
            elif not mobile:
                self.error(
                    row,
                    GUARDIAN_MOBILE,
                    _("“{v}”不是有效的手机号（应为 11 位、以 1 开头的大陆手机号）。").format(
                        v=_shown(raw_mobile)
                    ),
                )
            if not guardian_name:
                self.error(row, GUARDIAN_NAME, _("填写了监护人手机，但没有填写姓名。"))
            elif len(guardian_name) > 50:
                self.error(row, GUARDIAN_NAME, _("不能超过 50 个字。"))
            relation = _relation(v[RELATION])
            if relation is None:
                self.error(
                    row,
                    RELATION,
                    _("无法识别“{v}”。可填写：{choices}。").format(
                        v=_shown(v[RELATION]),
                        choices="、".join(_file_labels(Guardianship.Relation).values()),
                    ),
                )
            may_pick_up = _pick_up(v[MAY_PICK_UP])
            if may_pick_up is None:
                self.error(
                    row,
                    MAY_PICK_UP,
                    _("无法识别“{v}”，请填写“是”或“否”（留空视为“是”）。").format(
                        v=_shown(v[MAY_PICK_UP])
                    ),
                )
        elif not _blank(v[RELATION]) or not _blank(v[MAY_PICK_UP]):
            self.error(row, GUARDIAN_MOBILE, _("填写了关系或可接送，但没有填写监护人姓名和手机。"))

        if self.error_count > before:
            return None
        return _Line(
            row=row,
            student_no=student_no,
            name=name,
            gender=gender,
            grade=grade,
            room=room,
            priorities=priorities,
            guardian_name=guardian_name,
            mobile=mobile,
            relation=relation,
            may_pick_up=may_pick_up,
        )

    def parse_class(self, row, raw_grade, raw_room, grades: range) -> tuple[int | None, int | None]:
        grade = None
        if not _blank(raw_grade):
            grade = _grade(raw_grade)
            if grade is None:
                self.error(
                    row,
                    GRADE,
                    _("无法识别“{v}”，请填写 1–9 或“三年级”“初一”等。").format(v=_shown(raw_grade)),
                )
                return None, None
        if _blank(raw_room):
            self.error(row, HOMEROOM, _("不能为空。"))
            return None, None
        parsed = _split_homeroom(raw_room)
        if parsed is None:
            if isinstance(raw_room, float):
                message = _(
                    "Excel 把“{v}”存成了数字，分不清是 1 班还是 10 班。请把该列设为“文本”，"
                    "写成“3年级1班”或“3.10”这样的形式。"
                )
            else:
                message = _("无法识别“{v}”，请写成“三年级(2)班”“3年级2班”“3.2”或只写班号“2”。")
            self.error(row, HOMEROOM, message.format(v=_shown(raw_room)))
            return None, None
        named, room = parsed
        if named is None and grade is None:
            self.error(
                row,
                HOMEROOM,
                _("“{v}”只有班号，请填写「年级」，或写成“三年级(2)班”。").format(
                    v=_shown(raw_room)
                ),
            )
            return None, None
        if named is not None and grade is not None and named != grade:
            self.error(
                row,
                HOMEROOM,
                _("「年级」是{grade}，「班级」“{v}”却属于{named}，二者不一致。").format(
                    grade=grade_name(grade), v=_shown(raw_room), named=grade_name(named)
                ),
            )
            return None, None
        final = named if named is not None else grade
        if final not in grades:
            self.error(
                row,
                GRADE if grade is not None else HOMEROOM,
                _("本校（{stage}）只有{first}到{last}，没有{grade}。").format(
                    stage=self.school.get_stage_display(),
                    first=grade_name(grades[0]),
                    last=grade_name(grades[-1]),
                    grade=grade_name(final),
                ),
            )
            return None, None
        return final, room

    def agrees_with_earlier(self, line: _Line) -> bool:
        """Rows sharing a 学籍号 must describe the same student; a mobile belongs to one guardian."""
        ok = True
        first = self.first_of_student.setdefault(line.student_no, line)
        if first is not line:
            a, b = first.student_values(), line.student_values()
            for column in (NAME, GENDER, HOMEROOM, PRIORITIES):
                if a[column] != b[column]:
                    ok = False
                    self.error(
                        line.row,
                        column,
                        _(
                            "与第 {first} 行的学籍号相同（{no}），但填写不一致："
                            "第 {first} 行是“{a}”，第 {row} 行是“{b}”。"
                        ).format(
                            first=first.row,
                            row=line.row,
                            no=line.student_no,
                            a=_student_value_text(column, a[column]),
                            b=_student_value_text(column, b[column]),
                        ),
                    )
        if line.mobile:
            same = self.first_of_mobile.setdefault(line.mobile, line)
            if same.guardian_name != line.guardian_name:
                ok = False
                self.error(
                    line.row,
                    GUARDIAN_NAME,
                    _(
                        "手机号 {mobile} 在第 {first} 行登记为“{a}”，第 {row} 行却是“{b}”；"
                        "同一手机号只能属于一位监护人。"
                    ).format(
                        mobile=line.mobile,
                        first=same.row,
                        row=line.row,
                        a=same.guardian_name,
                        b=line.guardian_name,
                    ),
                )
            link = self.first_of_link.setdefault((line.student_no, line.mobile), line)
            if link is not line:
                for column, a, b in (
                    (RELATION, link.relation, line.relation),
                    (MAY_PICK_UP, link.may_pick_up, line.may_pick_up),
                ):
                    if a != b:
                        ok = False
                        shown = (
                            (_relation_label(a), _relation_label(b))
                            if column == RELATION
                            else ("是" if a else "否", "是" if b else "否")
                        )
                        self.error(
                            line.row,
                            column,
                            _(
                                "与第 {first} 行是同一学生的同一监护人，但填写不一致："
                                "第 {first} 行是“{a}”，第 {row} 行是“{b}”。"
                            ).format(first=link.row, row=line.row, a=shown[0], b=shown[1]),
                        )
        return ok
