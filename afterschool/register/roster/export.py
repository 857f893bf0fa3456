"""The roster as an XLSX in the import's columns (it imports back to no change), and the template."""

from __future__ import annotations

import io
from collections.abc import Iterator

from django.conf import settings
from django.utils.translation import gettext as _

from afterschool.register.models import (
    Guardianship,
    School,
    Student,
    grade_name,
)
from afterschool.register.normalize import (
    RELATIONS,
)
from afterschool.register.roster.columns import (
    _FORMULA_PREFIXES,
    COLUMNS,
    EXAMPLE_STUDENT_NO,
    GENDER,
    GRADE,
    GUARDIAN_MOBILE,
    GUARDIAN_NAME,
    HOMEROOM,
    MAY_PICK_UP,
    NAME,
    PRIORITIES,
    RELATION,
    STUDENT_NO,
    _file_labels,
    _gender_label,
    _relation_label,
)
from afterschool.register.roster.files import _megabytes
from afterschool.register.roster.parse import _homeroom_text, _priorities_text

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
