"""Roster import and export: a school's students with their guardians, from and to XLSX or CSV.

One service, ``roster_import``, serves the school admin's page, the Django admin and the ``import_roster``
command. It reads the file through django-import-export's formats (hardened: size, content sniffing,
GB18030 CSV; an XLSX is first parsed by ``xlsx_guard``), validates the whole sheet first, collecting every
bad row with its spreadsheet row number, and only then writes, all in one transaction: grades and
homerooms, the new students (bulk rows), the changed ones (a bulk ``ModelResource``), the guardians and
their links (bulk). One bad row and nothing is written.

One row is one guardian link: a student with two guardians appears on two rows with the same 学籍号.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime
import gc
import hashlib
import io
import json
import logging
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import tablib
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DatabaseError, IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from import_export import exceptions as import_export_exceptions
from import_export import fields, resources
from import_export.formats import base_formats
from import_export.instance_loaders import BaseInstanceLoader, CachedInstanceLoader
from import_export.results import Result, RowResult

from afterschool.register import audit_entries
from afterschool.register.audit import audit_entry, audit_record, audit_record_many
from afterschool.register.bulk import insert_objects, insert_rows
from afterschool.register.models import (
    Grade,
    Guardian,
    Guardianship,
    Homeroom,
    School,
    Student,
    grade_name,
)
from afterschool.register.normalize import (
    RELATIONS,
    clean_name,
    clean_text,
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
from afterschool.register.xlsx_guard import XlsxRefused, XlsxReport, xlsx_inspect

logger = logging.getLogger(__name__)

# --- Columns ----------------------------------------------------------------------------------------

STUDENT_NO = "学籍号"
NAME = "姓名"
GENDER = "性别"
GRADE = "年级"
HOMEROOM = "班级"
GUARDIAN_NAME = "监护人姓名"
GUARDIAN_MOBILE = "监护人手机"
RELATION = "关系"
MAY_PICK_UP = "可接送"
PRIORITIES = "优先类别"

COLUMNS = [
    STUDENT_NO,
    NAME,
    GENDER,
    GRADE,
    HOMEROOM,
    GUARDIAN_NAME,
    GUARDIAN_MOBILE,
    RELATION,
    MAY_PICK_UP,
    PRIORITIES,
]
REQUIRED_COLUMNS = [STUDENT_NO, NAME, GENDER, HOMEROOM]

# Headers schools actually use for the same columns (the district's 学籍 system, older class lists).
HEADER_ALIASES = {
    "学籍号": STUDENT_NO,
    "学籍编号": STUDENT_NO,
    "全国学籍号": STUDENT_NO,
    "学生学籍号": STUDENT_NO,
    "姓名": NAME,
    "学生姓名": NAME,
    "性别": GENDER,
    "学生性别": GENDER,
    "年级": GRADE,
    "班级": HOMEROOM,
    "班级名称": HOMEROOM,
    "班别": HOMEROOM,
    "监护人姓名": GUARDIAN_NAME,
    "家长姓名": GUARDIAN_NAME,
    "监护人": GUARDIAN_NAME,
    "监护人手机": GUARDIAN_MOBILE,
    "监护人手机号": GUARDIAN_MOBILE,
    "监护人电话": GUARDIAN_MOBILE,
    "监护人联系电话": GUARDIAN_MOBILE,
    "家长手机": GUARDIAN_MOBILE,
    "家长手机号": GUARDIAN_MOBILE,
    "家长电话": GUARDIAN_MOBILE,
    "联系电话": GUARDIAN_MOBILE,
    "手机号": GUARDIAN_MOBILE,
    "关系": RELATION,
    "与学生关系": RELATION,
    "与学生的关系": RELATION,
    "监护人关系": RELATION,
    "可接送": MAY_PICK_UP,
    "是否可接送": MAY_PICK_UP,
    "可否接送": MAY_PICK_UP,
    "优先类别": PRIORITIES,
    "优先保障类别": PRIORITIES,
    "特殊群体": PRIORITIES,
}

# The spreadsheet row number travels with each row in this extra column of the dataset.
ROW_NUMBER = "__row__"
# The template's example row: importing it by mistake is refused.
EXAMPLE_STUDENT_NO = "G000000000000000000"
MAX_ROWS = 50_000
MAX_COLUMNS = 64
# A sheet may hold values this far below the last roster row (blank lines, a note) before it is refused.
_EXTENT_MARGIN_ROWS = 1_000
_HEADER_SCAN_ROWS = 10
# No roster value is this long (names stop at 50): a longer cell is refused, naming its row and column.
MAX_CELL_CHARS = 200
# Errors kept for the preview, the admin and the command; beyond these they are only counted.
MAX_ERRORS = 1_000
# How many of each list (errors, changes, new students, new links) a preview page shows.
PREVIEW_LIMIT = 200

PRIORITY_EXPORT_WORDS = {
    "is_disabled": "残疾",
    "is_left_behind": "留守",
    "is_migrant_family": "随迁",
    "is_financial_difficulty": "困难",
}


@lru_cache
def _file_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    """A model's choice labels as roster files write them: Chinese, whatever the interface language."""
    with translation.override("zh-hans"):
        return {value: str(label) for value, label in choices.choices}


def _relation_label(value: str) -> str:
    return _file_labels(Guardianship.Relation).get(value, value)


def _gender_label(value: str) -> str:
    return _file_labels(Student.Gender).get(value, value)


_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# A previewed upload waits in this folder of ``roster_upload_storage()`` until it is confirmed; the
# hourly ``roster_uploads_purge`` task deletes the ones never confirmed.
ROSTER_UPLOAD_FOLDER = "roster-uploads"


def roster_upload_storage():
    """The storage holding previewed uploads: ``STORAGES["import_export"]``, else the default storage."""
    from django.core.files.storage import default_storage, storages

    return storages["import_export"] if "import_export" in storages.backends else default_storage


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


# --- Reading files ----------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls, and password-protected .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _header_key(value) -> str:
    """A header cell as a lookup key: no spaces, no "*" or "(必填)" marks, aliases resolved."""
    text = clean_text(value).replace(" ", "")
    text = re.sub(r"[*＊]|\((必填|选填|可选|可不填)\)", "", text)
    return HEADER_ALIASES.get(text, text)


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _dataset_from_rows(rows: Iterable[tuple[int, Iterable]]) -> tablib.Dataset:
    """Build the dataset from ``(row number, cells)``: find the header row, keep each row's number."""
    rows = iter(rows)
    headers, header_row = None, None
    scanned = []
    for number, cells in rows:
        cells = list(cells)
        if all(_blank(c) for c in cells):
            continue
        scanned.append((number, cells))
        keys = {_header_key(c) for c in cells if not _blank(c)}
        # A title row ("某某小学学生名册") may sit above the header: take the first row naming columns.
        if len(keys & set(COLUMNS)) >= 2:
            headers, header_row = cells, number
            break
        if len(scanned) >= _HEADER_SCAN_ROWS:
            break
    if headers is None:
        if not scanned:
            raise RosterFileError(_("文件中没有任何内容。"))
        # No recognisable header: take the first row, so the missing columns get named in the errors.
        header_row, headers = scanned[0]
        remaining = [(n, c) for n, c in scanned[1:]]
    else:
        remaining = [(n, c) for n, c in scanned if n > header_row]
    # Columns end at the last header: cells further right are ignored, never padded (a wide header
    # row and many short rows would otherwise multiply into gigabytes).
    last = max((i for i, h in enumerate(headers) if not _blank(h)), default=-1)
    if last >= MAX_COLUMNS:
        raise RosterFileError(
            _("列数过多：名册最多 {n} 列，请删除多余的列。").format(n=MAX_COLUMNS)
        )
    headers = headers[: last + 1]
    width = len(headers)
    kept = []
    keep = kept.append
    for number, cells in _chain(remaining, rows):
        # Cells under no header are ignored (trailing empty cells are common); short rows are padded.
        line = [number, *cells[:width]]
        if len(line) <= width:
            line += [None] * (width + 1 - len(line))
        for cell in line[1:]:
            if cell is not None and (cell.__class__ is not str or cell.strip()):
                break
        else:
            continue  # a blank row
        keep(line)
        if len(kept) > MAX_ROWS:
            raise RosterFileError(
                _("行数过多：一次最多导入 {n} 行，请分批导入。").format(n=MAX_ROWS)
            )
    # Built at once: appending row by row re-validates the whole row each time.
    return tablib.Dataset(*kept, headers=[ROW_NUMBER, *[clean_text(h) for h in headers]])


def _chain(first, rest) -> Iterator:
    yield from first
    yield from rest


def _check_xlsx(data: bytes) -> XlsxReport:
    """Refuse a workbook that calamine cannot open safely (``xlsx_guard``), before it opens it."""
    try:
        return xlsx_inspect(data, max_row=MAX_ROWS + _EXTENT_MARGIN_ROWS, max_column=MAX_COLUMNS)
    except XlsxRefused as e:
        raise RosterFileError(e.message) from None


def decode_csv(data: bytes | str) -> str:
    """CSV bytes as Chinese Excel and WPS save them: UTF-8 (with or without BOM), GB18030/GBK, UTF-16."""
    if isinstance(data, str):
        return data
    if data.startswith((_ZIP_MAGIC, _OLE_MAGIC)):
        raise RosterFileError(
            _("这是 Excel 工作簿，不是 CSV 文件。请上传 .xlsx 文件，或在 Excel 中“另存为” CSV。")
        )
    text = None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode 文本" export: UTF-16 with a BOM, tab-separated.
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    elif b"\x00" not in data:
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None or _CONTROL_CHARS.search(text):
        raise RosterFileError(
            _(
                "文件不是可读的 CSV 文本（可能是其他类型的文件被改了扩展名）。"
                "请用 Excel 或 WPS 另存为 CSV（UTF-8 或 GBK 编码）。"
            )
        )
    return text


class RosterXLSX(base_formats.XLSX):
    """django-import-export's XLSX, checked before it is opened, keeping each row's spreadsheet number.

    Reads the first sheet that has a roster header (the template's instructions sheet may be the active
    one), and accepts a title row above the header. Reading uses calamine (python-calamine), which reads a
    workbook more than ten times faster than openpyxl; openpyxl still writes the export and the template.
    """

    def create_dataset(self, in_stream):
        from python_calamine import CalamineWorkbook

        data = in_stream if isinstance(in_stream, bytes) else in_stream.read()
        _check_xlsx(data)
        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheets = [book.get_sheet_by_name(name) for name in book.sheet_names]
            if not sheets:
                raise RosterFileError(_("文件中没有任何内容。"))
            chosen = sheets[0]
            for sheet in sheets:
                head = sheet.to_python(skip_empty_area=False, nrows=_HEADER_SCAN_ROWS)
                keys = {_header_key(c) for row in head for c in row if not _blank(c)}
                if STUDENT_NO in keys and NAME in keys:
                    chosen = sheet
                    break
            # calamine gives "" for an empty cell where openpyxl gave None; the parser treats both
            # as blank.
            rows = chosen.to_python(skip_empty_area=False)
        except RosterFileError:
            raise
        except Exception as e:  # any failure of the reader means a file it cannot read
            logger.info("roster: unreadable xlsx: %r", e)
            raise RosterFileError(
                _("无法打开该 Excel 工作簿，文件可能已损坏。请在 Excel 中重新保存后再上传。")
            ) from None
        except BaseException as e:
            # A Rust panic inside calamine arrives as pyo3's PanicException, a BaseException.
            if type(e).__name__ != "PanicException":
                raise
            logger.warning("roster: calamine panicked on an upload: %r", e)
            raise RosterFileError(
                _("无法打开该 Excel 工作簿，文件可能已损坏。请在 Excel 中重新保存后再上传。")
            ) from None
        return _dataset_from_rows(enumerate(rows, 1))


class RosterCSV(base_formats.CSV):
    """django-import-export's CSV, decoded here (UTF-8 or GB18030) so its bytes are read as bytes."""

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        text = decode_csv(in_stream)
        first_line = text.split("\n", 1)[0]
        delimiter = ","
        if "," not in first_line:
            if "\t" in first_line:
                delimiter = "\t"
            elif ";" in first_line:
                delimiter = ";"
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            return _dataset_from_rows(enumerate(reader, 1))
        except csv.Error:
            # An unclosed quote, or a field longer than the csv module reads (128 KB).
            raise RosterFileError(
                _("CSV 文件第 {line} 行附近格式有误或内容过长，无法读取。").format(
                    line=reader.line_num
                )
            ) from None


ROSTER_FORMATS = {".xlsx": RosterXLSX, ".csv": RosterCSV}
# The formats offered in the admin's import form, in its order.
ADMIN_FORMATS = [RosterXLSX, RosterCSV]


def roster_format_for(file_name: str) -> type[base_formats.Format]:
    ext = os.path.splitext(file_name or "")[1].lower()
    if ext == ".xls":
        raise RosterFileError(
            _("不支持旧版 .xls 文件。请在 Excel 或 WPS 中“另存为” .xlsx 格式后再上传。")
        )
    if ext not in ROSTER_FORMATS:
        raise RosterFileError(_("只能导入 .xlsx 或 .csv 文件。"))
    return ROSTER_FORMATS[ext]


def roster_file_message(file_name: str, message: str) -> str:
    """A reason a file cannot be read, naming the file: “名册.xlsx”：…"""
    if not file_name:
        return message
    return _("“{name}”：{message}").format(name=excerpt(file_name, 60), message=message)


def roster_check_size(size: int | None) -> None:
    limit = settings.ROSTER_UPLOAD_MAX_BYTES
    if size is not None and size > limit:
        raise RosterFileError(
            _("文件过大（{size}），上限为 {limit}。").format(
                size=_megabytes(size), limit=_megabytes(limit)
            )
        )


def _megabytes(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB"


def roster_sniff(file_name: str, data: bytes) -> None:
    """Refuse a file that is too large or is not what its extension claims, before parsing it."""
    fmt = roster_format_for(file_name)
    roster_check_size(len(data))
    if not data:
        raise RosterFileError(_("文件是空的。"))
    if fmt is RosterXLSX:
        _check_xlsx(data)
    else:
        decode_csv(data)


def roster_read(file) -> tablib.Dataset:
    """Read an uploaded or opened file (anything with ``name`` and ``read``) into a dataset."""
    name = os.path.basename(getattr(file, "name", "") or "")
    fmt = roster_format_for(name)
    roster_check_size(getattr(file, "size", None))
    limit = settings.ROSTER_UPLOAD_MAX_BYTES
    try:
        if hasattr(file, "seek"):
            file.seek(0)
        data = file.read(limit + 1)
    except (OSError, ValueError) as e:
        logger.info("roster: cannot read %r: %r", name, e)
        raise RosterFileError(_("无法读取文件，请重新上传。")) from None
    if isinstance(data, str):
        data = data.encode("utf-8")
    roster_check_size(len(data))
    if not data:
        raise RosterFileError(_("文件是空的。"))
    return fmt().create_dataset(data)


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

        name = clean_name(v[NAME])
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

        guardian_name = clean_name(v[GUARDIAN_NAME])
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


# --- Writing students: django-import-export in bulk -------------------------------------------------


class _PlannedInstanceLoader(CachedInstanceLoader):
    """The cached loader, fed with the students ``roster_import`` has already loaded for its plan."""

    def __init__(self, resource, dataset=None):
        BaseInstanceLoader.__init__(self, resource, dataset)
        self.pk_field = resource.fields["student_no"]
        self.all_instances = resource.known_students


class StudentResource(resources.ModelResource):
    """Updates a school's students in bulk. Rows arrive validated and normalised by ``roster_import``.

    The dataset holds only changed students (the plan has already compared every row; new ones are
    inserted as plain rows), so with
    ``skip_diff`` the resource does no per-row copying; ``skip_row`` still guards against writing an
    unchanged row, comparing with the values the instance was loaded with.
    """

    student_no = fields.Field(attribute="student_no", column_name="student_no")
    name = fields.Field(attribute="name", column_name="name")
    gender = fields.Field(attribute="gender", column_name="gender")
    homeroom = fields.Field(attribute="homeroom_id", column_name="homeroom")
    is_disabled = fields.Field(attribute="is_disabled", column_name="is_disabled")
    is_left_behind = fields.Field(attribute="is_left_behind", column_name="is_left_behind")
    is_migrant_family = fields.Field(attribute="is_migrant_family", column_name="is_migrant_family")
    is_financial_difficulty = fields.Field(
        attribute="is_financial_difficulty", column_name="is_financial_difficulty"
    )

    class Meta:
        model = Student
        fields = (
            "student_no",
            "name",
            "gender",
            "homeroom",
            "is_disabled",
            "is_left_behind",
            "is_migrant_family",
            "is_financial_difficulty",
        )
        import_id_fields = ("student_no",)
        instance_loader_class = _PlannedInstanceLoader
        use_bulk = True
        batch_size = 1000
        skip_unchanged = True
        skip_diff = True
        report_skipped = False
        clean_model_instances = False

    def __init__(self, *, school: School, known_students: dict[str, Student] | None = None):
        super().__init__()
        self.school = school
        self.known_students = known_students or {}
        self.instances: dict[str, Student] = {}
        self._loaded: dict[str, tuple] = {}
        self._now = timezone.now()
        self._copy = [(f.attribute, f.column_name) for f in self.get_import_fields()]

    @classmethod
    def dataset_headers(cls) -> list[str]:
        return [f.column_name for f in cls.fields.values()]

    def get_queryset(self):
        return Student.objects.filter(school=self.school)

    def init_instance(self, row=None):
        return Student(school_id=self.school.pk)

    def import_instance(self, instance, row, **kwargs):
        """Copy the row onto the student as it is: ``_Parser`` has already cleaned and checked each value,
        so the widgets' per-cell cleaning (most of import-export's time per row) would only repeat it."""
        for attribute, column in self._copy:
            setattr(instance, attribute, row[column])

    def _values(self, instance) -> tuple:
        return tuple(getattr(instance, f.attribute) for f in self.fields.values())

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            self._loaded[instance.student_no] = self._values(instance)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        loaded = self._loaded.get(instance.student_no)
        return loaded is not None and loaded == self._values(instance)

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is not None:
            # bulk_update does not touch auto_now fields
            instance.updated_at = self._now
        self.instances[instance.student_no] = instance

    def get_bulk_update_fields(self):
        return [*super().get_bulk_update_fields(), "updated_at"]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        """import-export's bulk create, through COPY on PostgreSQL (``bulk.insert_objects``)."""
        if self.create_instances and (using_transactions or not dry_run):
            try:
                insert_objects(self.create_instances)
            except Exception as e:
                self.handle_import_error(result, e, raise_errors)
            finally:
                self.create_instances.clear()


# --- The service ------------------------------------------------------------------------------------


def _masked(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}"


def _chunks(items: list, size: int = 5000) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class _Plan:
    """Compares the clean lines with the database: what to create, what to update, what is unchanged."""

    def __init__(self, school: School, lines: list[_Line], result: RosterResult):
        self.school = school
        self.lines = lines
        self.result = result

    def build(self) -> None:
        school, result = self.school, self.result
        students: dict[str, _Line] = {}
        for line in self.lines:
            students.setdefault(line.student_no, line)
        self.students = students

        self.grades = {g.number: g for g in Grade.objects.filter(school=school)}
        self.homerooms = {
            (h.grade.number, h.number): h
            for h in Homeroom.objects.filter(school=school).select_related("grade")
        }
        wanted_rooms = {(s.grade, s.room) for s in students.values()}
        self.new_grades = sorted({g for g, _r in wanted_rooms} - set(self.grades))
        self.new_rooms = sorted(wanted_rooms - set(self.homerooms))
        result.grades_new = len(self.new_grades)
        result.homerooms_new = len(self.new_rooms)
        room_of_id = {h.pk: key for key, h in self.homerooms.items()}

        # Existing rows are read as named tuples, not model instances: on a re-import of 20,000
        # students nearly all of them are unchanged and never become objects.
        self.existing = {}
        for chunk in _chunks(list(students)):
            for s in Student.objects.filter(school=school, student_no__in=chunk).values_list(
                "pk",
                "student_no",
                "name",
                "gender",
                "homeroom_id",
                *Student.PRIORITY_FIELDS,
                named=True,
            ):
                self.existing[s.student_no] = s
        self.student_rows: list[_Line] = []
        self.student_nos_to_write: set[str] = set()
        for no, line in students.items():
            old = self.existing.get(no)
            if old is None:
                result.students_new += 1
                result.students_added.append(line)
                self.student_rows.append(line)
                continue
            diffs = []
            if old.name != line.name:
                diffs.append(_("姓名“{a}”改为“{b}”").format(a=old.name, b=line.name))
            if old.gender != line.gender:
                diffs.append(
                    _("性别“{a}”改为“{b}”").format(
                        a=_gender_label(old.gender), b=_gender_label(line.gender)
                    )
                )
            old_room = room_of_id.get(old.homeroom_id)
            if old_room != (line.grade, line.room):
                diffs.append(
                    _("班级“{a}”改为“{b}”").format(
                        a=_homeroom_text(*old_room) if old_room else "?",
                        b=_homeroom_text(line.grade, line.room),
                    )
                )
            old_priorities = frozenset(f for f in Student.PRIORITY_FIELDS if getattr(old, f))
            if old_priorities != line.priorities:
                diffs.append(
                    _("优先类别“{a}”改为“{b}”").format(
                        a=_priorities_text(old_priorities) or _("无"),
                        b=_priorities_text(line.priorities) or _("无"),
                    )
                )
            if diffs:
                result.students_updated += 1
                self.student_nos_to_write.add(no)
                subject = _("学生 {no} {name}").format(no=no, name=line.name)
                result.changes.append(RosterChange(line.row, "update", subject, "；".join(diffs)))
                self.student_rows.append(line)
            else:
                result.students_unchanged += 1

        # Guardians: matched by mobile among the district's records only. A mobile another district
        # registered is a new guardian here, and nothing of that district's record is read.
        guardian_lines: dict[str, _Line] = {}
        for line in self.lines:
            if line.mobile:
                guardian_lines.setdefault(line.mobile, line)
        self.guardians = {}
        for chunk in _chunks(list(guardian_lines)):
            for g in Guardian.objects.filter(
                district=school.district_id, mobile__in=chunk
            ).values_list("pk", "mobile", "name", named=True):
                self.guardians[g.mobile] = g
        existing_ids = [s.pk for s in self.existing.values()]
        self.links = {}
        for chunk in _chunks(existing_ids):
            for link in Guardianship.objects.filter(student_id__in=chunk).values_list(
                "pk", "student_id", "guardian_id", "relation", "may_pick_up", named=True
            ):
                self.links[(link.student_id, link.guardian_id)] = link
        # The schools (all of this district) each known guardian's children attend.
        schools_of: dict[int, set[int]] = {}
        for chunk in _chunks([g.pk for g in self.guardians.values()]):
            for guardian_id, school_id in (
                Guardianship.objects.filter(guardian_id__in=chunk)
                .order_by()
                .values_list("guardian_id", "student__school_id")
                .distinct()
            ):
                schools_of.setdefault(guardian_id, set()).add(school_id)
        self.new_guardians: list[_Line] = []
        self.renamed: list[Guardian] = []
        for mobile, line in guardian_lines.items():
            guardian = self.guardians.get(mobile)
            if guardian is None:
                result.guardians_new += 1
                self.new_guardians.append(line)
                continue
            schools = schools_of.get(guardian.pk, set())
            # Counted as new when new to this school: the count must not tell that the mobile is
            # already registered elsewhere.
            if school.pk not in schools:
                result.guardians_new += 1
            if guardian.name == line.guardian_name:
                continue
            subject = _("监护人 {name}（{mobile}）").format(
                name=line.guardian_name, mobile=_masked(mobile)
            )
            if schools - {school.pk}:
                # Another school of the district has the record: linked under the name it has. The
                # name is the one person's, as the other school typed it; it shows a mistyped mobile
                # before a stranger is linked. The other school and its children are never named.
                result.notes.append(
                    RosterChange(
                        line.row,
                        "note",
                        subject,
                        _("手机号 {mobile} 已登记在其他学校，姓名保持为“{name}”").format(
                            mobile=_masked(mobile), name=guardian.name
                        ),
                    )
                )
            elif schools:
                # Only this school's children: its roster decides the name.
                result.guardians_renamed += 1
                self.renamed.append(guardian)
                result.changes.append(
                    RosterChange(
                        line.row,
                        "update",
                        subject,
                        _("该手机号已登记的监护人姓名“{a}”将更新为“{b}”（以本校名册为准）").format(
                            a=guardian.name, b=line.guardian_name
                        ),
                    )
                )
            else:
                # Linked to no student at all: to this school a new guardian (counted above), named
                # as its roster says, without telling that the mobile was registered before.
                self.renamed.append(guardian)

        # Links: one per (student, guardian mobile).
        self.new_links: list[_Line] = []
        self.changed_links = []
        seen = set()
        for line in self.lines:
            if not line.mobile or (line.student_no, line.mobile) in seen:
                continue
            seen.add((line.student_no, line.mobile))
            student = self.existing.get(line.student_no)
            guardian = self.guardians.get(line.mobile)
            link = self.links.get((student.pk, guardian.pk)) if student and guardian else None
            if link is None:
                result.links_new += 1
                result.links_added.append(line)
                self.new_links.append(line)
            elif link.relation != line.relation or link.may_pick_up != line.may_pick_up:
                result.links_updated += 1
                self.changed_links.append((link, line))
                subject = _("学生 {no} 与监护人 {name}").format(
                    no=line.student_no, name=line.guardian_name
                )
                diffs = []
                if link.relation != line.relation:
                    diffs.append(
                        _("关系“{a}”改为“{b}”").format(
                            a=_relation_label(link.relation),
                            b=_relation_label(line.relation),
                        )
                    )
                if link.may_pick_up != line.may_pick_up:
                    diffs.append(
                        _("可接送“{a}”改为“{b}”").format(
                            a=_("是") if link.may_pick_up else _("否"),
                            b=_("是") if line.may_pick_up else _("否"),
                        )
                    )
                withdrawn = link.may_pick_up and not line.may_pick_up
                result.changes.append(
                    RosterChange(
                        line.row, "withdraw" if withdrawn else "update", subject, "；".join(diffs)
                    )
                )
            else:
                result.links_unchanged += 1
        result.changes.sort(key=lambda c: c.row)
        result.notes.sort(key=lambda c: c.row)

    def write(self, by) -> None:
        school = self.school
        if self.new_grades:
            created = Grade.objects.bulk_create(
                [Grade(school=school, number=n) for n in self.new_grades]
            )
            self.grades.update({g.number: g for g in created})
        if self.new_rooms:
            created = Homeroom.objects.bulk_create(
                [Homeroom(school=school, grade=self.grades[g], number=r) for g, r in self.new_rooms]
            )
            self.homerooms.update({(h.grade.number, h.number): h for h in created})

        students = {no: s.pk for no, s in self.existing.items()}
        # New students go in as plain rows (COPY on PostgreSQL), like guardians and links: through the
        # resource below each new row cost as much as reading and checking it.
        added = [line for line in self.student_rows if line.student_no not in self.existing]
        if added:
            now = timezone.now()
            rows = [
                (
                    school.pk,
                    line.student_no,
                    line.name,
                    line.gender,
                    self.homerooms[(line.grade, line.room)].pk,
                    Student.Status.ENROLLED,
                    *(f in line.priorities for f in Student.PRIORITY_FIELDS),
                    now,
                    now,
                )
                for line in added
            ]
            columns = ["school_id", "student_no", "name", "gender", "homeroom_id", "status"]
            columns += [*Student.PRIORITY_FIELDS, "created_at", "updated_at"]
            ids = insert_rows(Student, columns, rows, return_ids=True)
            students.update({line.student_no: pk for line, pk in zip(added, ids, strict=True)})
        changed_rows = [line for line in self.student_rows if line.student_no in self.existing]
        if changed_rows:
            dataset = tablib.Dataset(headers=StudentResource.dataset_headers())
            for line in changed_rows:
                dataset.append(
                    [
                        line.student_no,
                        line.name,
                        line.gender,
                        self.homerooms[(line.grade, line.room)].pk,
                        *(f in line.priorities for f in Student.PRIORITY_FIELDS),
                    ]
                )
            changed = [s.pk for no, s in self.existing.items() if no in self.student_nos_to_write]
            known = {
                s.student_no: s
                for chunk in _chunks(changed)
                for s in Student.objects.filter(pk__in=chunk)
            }
            resource = StudentResource(school=school, known_students=known)
            resource.import_data(dataset, dry_run=False, raise_errors=True, use_transactions=True)
            students.update({no: s.pk for no, s in resource.instances.items()})

        guardians = {mobile: g.pk for mobile, g in self.guardians.items()}
        if self.new_guardians:
            rows = [
                (school.district_id, line.guardian_name, line.mobile) for line in self.new_guardians
            ]
            ids = insert_rows(Guardian, ["district_id", "name", "mobile"], rows, return_ids=True)
            guardians.update({row[2]: pk for row, pk in zip(rows, ids, strict=True)})
        if self.renamed:
            names = {line.mobile: line.guardian_name for line in self.lines if line.mobile}
            Guardian.objects.bulk_update(
                [Guardian(pk=g.pk, mobile=g.mobile, name=names[g.mobile]) for g in self.renamed],
                ["name"],
                batch_size=2000,
            )

        if self.new_links:
            insert_rows(
                Guardianship,
                ["student_id", "guardian_id", "relation", "may_pick_up"],
                [
                    (
                        students[line.student_no],
                        guardians[line.mobile],
                        line.relation,
                        line.may_pick_up,
                    )
                    for line in self.new_links
                ],
            )
        if self.changed_links:
            Guardianship.objects.bulk_update(
                [
                    Guardianship(pk=link.pk, relation=line.relation, may_pick_up=line.may_pick_up)
                    for link, line in self.changed_links
                ],
                ["relation", "may_pick_up"],
                batch_size=2000,
            )
        self.record_pickup_changes(by, students)

    def record_pickup_changes(self, by, students: dict[str, int]) -> None:
        """One audit entry per grant or withdrawal of a guardian's permission to pick a child up."""
        names = {mobile: g.name for mobile, g in self.guardians.items()}
        names.update({g.mobile: line_name for g, line_name in self._renamed_names()})
        for line in self.new_guardians:
            names[line.mobile] = line.guardian_name
        source = _("名册导入“{file}”").format(file=self.result.file_name or "-")
        changes = [(line, None, line.may_pick_up) for line in self.new_links]
        changes += [(line, link.may_pick_up, line.may_pick_up) for link, line in self.changed_links]
        entries = []
        for line, before, after in changes:
            if bool(before) == bool(after):
                continue
            entries.append(
                audit_entry(
                    by=by,
                    action=audit_entries.PICKUP_GRANT if after else audit_entries.PICKUP_WITHDRAW,
                    school=self.school,
                    target=Student(pk=students[line.student_no], name=line.name),
                    guardian=f"{names[line.mobile]}（{_masked(line.mobile)}）",
                    relation=_relation_label(line.relation),
                    source=source,
                )
            )
        audit_record_many(entries)

    def _renamed_names(self):
        names = {line.mobile: line.guardian_name for line in self.lines if line.mobile}
        return [(g, names[g.mobile]) for g in self.renamed]


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while tens of thousands of rows and instances are alive.

    They are all reachable until the import ends, so each collection scans them in vain; on 20,000
    students this took about a third of the import's time. Collection resumes (and catches up) after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def roster_import(
    *,
    school: School,
    dataset_or_file,
    by=None,
    dry_run: bool,
    file_name: str = "",
    expect_fingerprint: str | None = None,
) -> RosterResult:
    """Import a roster of students with guardians into ``school``: all rows or none.

    ``dataset_or_file`` is a ``tablib.Dataset`` or a file (an upload, or any object with ``name`` and
    ``read``). With ``dry_run`` nothing is written and the result is the preview. ``by`` is the user
    recorded in the audit trail (None for a command run without ``--user``). ``expect_fingerprint``
    is the previewed result's ``fingerprint``: when the plan made now differs, nothing is written and
    the result, marked ``stale``, is the new preview.
    """
    with _gc_paused():
        return _roster_import(
            school=school,
            dataset_or_file=dataset_or_file,
            by=by,
            dry_run=dry_run,
            file_name=file_name,
            expect_fingerprint=expect_fingerprint,
        )


def _roster_import(
    *, school, dataset_or_file, by, dry_run, file_name, expect_fingerprint
) -> RosterResult:
    file_name = file_name or os.path.basename(getattr(dataset_or_file, "name", "") or "")
    result = RosterResult(school=school, file_name=file_name, dry_run=dry_run)
    if isinstance(dataset_or_file, tablib.Dataset):
        dataset = dataset_or_file
    else:
        try:
            dataset = roster_read(dataset_or_file)
        except RosterFileError as e:
            result.errors.append(RowError(None, None, roster_file_message(file_name, e.message)))
            return result

    parser = _Parser(school, dataset)
    parser.parse()
    result.rows = parser.rows
    result.errors = sorted(parser.errors, key=_error_order)
    result.errors_omitted = parser.error_count - len(parser.errors)
    result.bad_rows = len(parser.error_rows)
    try:
        with transaction.atomic():
            if not dry_run and not result.errors:
                # One import per school at a time: a second one waits and then sees the first's rows.
                School.objects.select_for_update().filter(pk=school.pk).exists()
            plan = _Plan(school, parser.lines, result)
            plan.build()
            if (
                expect_fingerprint is not None
                and not result.errors
                and result.fingerprint != expect_fingerprint
            ):
                result.stale = True
                result.errors.append(
                    RowError(None, None, _("预览之后名册已有变动，请核对新的预览后再确认导入。"))
                )
                return result
            if dry_run or result.errors:
                return result
            plan.write(by)
            _log(result, by)
            result.saved = True
    except (IntegrityError, DatabaseError) as e:
        _save_failed(result, e)
    except import_export_exceptions.ImportError as e:
        # The students' resource (raise_errors=True) wraps a database error in its own exception.
        if not isinstance(e.error, DatabaseError):
            raise
        _save_failed(result, e.error)
    return result


def _save_failed(result: RosterResult, error: DatabaseError) -> None:
    """The transaction was rolled back: say so, without the database's own words."""
    logger.warning("roster import into %s failed: %r", result.school.code, error)
    result.saved = False
    result.errors.append(
        RowError(
            None,
            None,
            _("保存时发生冲突（可能有人同时在修改名册），没有导入任何数据。请稍后重试。"),
        )
    )


def _error_order(error: RowError) -> tuple[int, int]:
    return error.row or 0, COLUMNS.index(error.column) if error.column in COLUMNS else len(COLUMNS)


def _log(result: RosterResult, by) -> None:
    """Record who imported what in the register's audit trail (``by`` may be None for a command run)."""
    logger.info(
        "roster import into %s by %s from %r: %s",
        result.school.code,
        getattr(by, "pk", None),
        result.file_name,
        result.summary(),
    )
    audit_record(
        by=by,
        action=audit_entries.ROSTER_IMPORT,
        school=result.school,
        label=result.file_name or "-",
        summary=result.summary(),
        rows=result.rows,
        students_new=result.students_new,
        students_updated=result.students_updated,
        students_unchanged=result.students_unchanged,
        guardians_new=result.guardians_new,
        guardians_renamed=result.guardians_renamed,
        links_new=result.links_new,
        links_updated=result.links_updated,
        grades_new=result.grades_new,
        homerooms_new=result.homerooms_new,
        # The first changes, for the record; pickup permissions are each an entry of their own.
        changes=[str(c) for c in result.changes[:200]],
        pickups_withdrawn=[str(c) for c in result.pickups_withdrawn[:200]],
        notes=[str(n) for n in result.notes[:200]],
    )


# --- Export and template ----------------------------------------------------------------------------


def neutralise_formula(value):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def roster_rows(*, school: School) -> Iterator[list[str]]:
    """The school's roster as rows of ``COLUMNS``: one row per guardian link, a row for a student without any."""
    links: dict[int, list[Guardianship]] = {}
    for link in (
        Guardianship.objects.filter(student__school=school)
        .select_related("guardian")
        .order_by("student_id", "pk")
    ):
        links.setdefault(link.student_id, []).append(link)
    students = (
        Student.objects.filter(school=school)
        .select_related("homeroom__grade")
        .order_by("homeroom__grade__number", "homeroom__number", "student_no")
    )
    for student in students:
        grade = student.homeroom.grade.number
        base = [
            student.student_no,
            student.name,
            _gender_label(student.gender),
            grade_name(grade),
            _homeroom_text(grade, student.homeroom.number),
        ]
        priorities = _priorities_text({f for f in Student.PRIORITY_FIELDS if getattr(student, f)})
        for link in links.get(student.pk) or [None]:
            if link is None:
                guardian = ["", "", "", ""]
            else:
                guardian = [
                    link.guardian.name,
                    link.guardian.mobile,
                    _relation_label(link.relation),
                    "是" if link.may_pick_up else "否",
                ]
            yield [neutralise_formula(v) for v in (*base, *guardian, priorities)]


_WIDTHS = [22, 10, 6, 8, 14, 12, 14, 8, 8, 16]


def _workbook_bytes(book) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def roster_export(*, school: School) -> bytes:
    """The school's roster as an XLSX in the import's columns, so that it imports back to no change."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(_("名册"))
    for i, width in enumerate(_WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header = []
    for column in COLUMNS:
        cell = WriteOnlyCell(sheet, value=column)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in roster_rows(school=school):
        sheet.append(row)
    return _workbook_bytes(book)


def roster_template() -> bytes:
    """The import template: the header row, one example row, and a sheet explaining every column."""
    import openpyxl
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = _("名册")
    sheet.append(COLUMNS)
    sheet.append(
        [
            EXAMPLE_STUDENT_NO,
            "张小明",
            "男",
            "三年级",
            "三年级(2)班",
            "张伟",
            "13800138000",
            "父亲",
            "是",
            "留守、随迁",
        ]
    )
    bold = Font(bold=True)
    grey = PatternFill("solid", fgColor="EEEEEE")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = grey
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="888888")
    text_rows = 1000
    for i, width in enumerate(_WIDTHS, 1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = width
    # 学籍号 and 手机 as text, so Excel keeps every digit and leading zeros.
    for column in ("A", "G"):
        for r in range(2, text_rows + 2):
            sheet[f"{column}{r}"].number_format = "@"
    sheet.freeze_panes = "A2"
    for col, choices in (
        ("C", "男,女"),
        ("H", ",".join(_file_labels(Guardianship.Relation).values())),
        ("I", "是,否"),
    ):
        validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        validation.add(f"{col}2:{col}{text_rows + 1}")
        sheet.add_data_validation(validation)

    notes = book.create_sheet(_("填写说明"))
    notes.append([_("列名"), _("必填"), _("说明"), _("可填写的值 / 示例")])
    relation_words = "、".join(sorted(set(RELATIONS), key=lambda w: list(RELATIONS).index(w)))
    rows = [
        (
            STUDENT_NO,
            _("必填"),
            _("全国中小学生学籍号。按学籍号匹配本校已有学生：已有则更新，没有则新增。"),
            _("4–30 位字母或数字，如 G110101201609010018。请把该列设为“文本”格式。"),
        ),
        (NAME, _("必填"), _("学生姓名。"), _("如 张小明")),
        (GENDER, _("必填"), _("学生性别。"), _("男、女（也可填 M/F、1/2）")),
        (
            GRADE,
            _("选填"),
            _("班级名称里已写明年级时可以不填；两者都填时必须一致。须在本校学段的年级范围内。"),
            _("1–9，或 三年级、初一、七年级 等"),
        ),
        (
            HOMEROOM,
            _("必填"),
            _("学生所在班级。尚不存在的年级和班级会自动建立。"),
            _("三年级(2)班、3年级2班、3.2、3-2；已填年级时也可只写班号 2"),
        ),
        (
            GUARDIAN_NAME,
            _("有监护人时必填"),
            _("每行只写一位监护人。有两位监护人的学生写两行，学生信息两行须一致。"),
            _("如 张伟"),
        ),
        (
            GUARDIAN_MOBILE,
            _("有监护人时必填"),
            _(
                "按手机号识别监护人：手机号已登记而姓名不同时，以本校名册为准更新姓名；"
                "该监护人也登记在其他学校时，保留已登记的姓名。"
                "同一手机号在名册中只能对应一位监护人。"
            ),
            _("11 位大陆手机号，可带 +86、空格或短横线"),
        ),
        (RELATION, _("选填"), _("监护人与学生的关系，留空视为“其他”。"), relation_words),
        (MAY_PICK_UP, _("选填"), _("该监护人能否接孩子放学，留空视为“是”。"), _("是、否")),
        (
            PRIORITIES,
            _("选填"),
            _("优先保障的群体，多项用顿号分隔，没有则留空。"),
            _("残疾、留守、随迁（进城务工人员随迁子女）、困难（家庭经济困难、低保、建档立卡）"),
        ),
    ]
    for row in rows:
        notes.append([str(v) for v in row])
    notes.append([])
    for tip in (
        _("第 2 行是示例，导入前请删除；第 1 行的表头请勿修改。"),
        _("支持 .xlsx 和 .csv（UTF-8 或 GBK 编码）文件，大小不超过 {limit}。").format(
            limit=_megabytes(settings.ROSTER_UPLOAD_MAX_BYTES)
        ),
        _("导入前会先预览：只要有一行出错，就不会导入任何数据。请按提示修改后重新上传。"),
        _("同一文件重复导入不会产生重复学生；名册中没有的学生和监护关系不会被删除。"),
    ):
        notes.append([tip])
    for cell in notes[1]:
        cell.font = bold
        cell.fill = grey
    for letter, width in zip("ABCD", (14, 14, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return _workbook_bytes(book)


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
