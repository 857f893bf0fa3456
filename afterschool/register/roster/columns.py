"""The roster file's columns, their Chinese headers and aliases, limits, and where uploads wait."""

from __future__ import annotations

import logging
from functools import lru_cache

from django.db import models
from django.utils import translation

from afterschool.register.models import (
    Guardianship,
    Student,
)

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


def _masked(mobile: str) -> str:
    return f"{mobile[:3]}****{mobile[-4:]}"
