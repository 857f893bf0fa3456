"""The roster import on messy input: Excel's numbers and dates, encodings, export and round trip, query counts."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from afterschool.register.models import (
    Guardian,
    Guardianship,
    School,
    Student,
)
from afterschool.register.roster import (
    COLUMNS,
    EXAMPLE_STUDENT_NO,
    roster_export,
    roster_import,
    roster_read,
    roster_template,
)
from tests.factories import (
    GuardianFactory,
    GuardianshipFactory,
    HomeroomFactory,
    SchoolFactory,
    StudentFactory,
    school_admin,
)
from tests.register.roster_files import (
    DEFAULTS,
    csv_file,
    row,
    student_rows,
    xlsx_bytes,
    xlsx_file,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory(stage=School.Stage.PRIMARY)


@pytest.fixture
def admin_user(school):
    return school_admin(school)


def run(school, file, *, dry_run=False, by=None):
    return roster_import(school=school, dataset_or_file=file, by=by, dry_run=dry_run)


def counts():
    return (Student.objects.count(), Guardian.objects.count(), Guardianship.objects.count())


def messages(result):
    return [str(e) for e in result.errors]


# --- Messy input ------------------------------------------------------------------------------------


def test_full_width_digits_brackets_and_stray_spaces_are_normalised(school):
    rows = [
        row(
            学籍号=" ｇ１１０１ ０１２ ",
            姓名=" 张　小明 ",
            性别=" 女 ",
            年级="",
            班级="三年级（２）班",
            监护人姓名="张 伟",
            监护人手机="１３８ ００１３ ８０００",
        )
    ]
    result = run(school, xlsx_file(rows))
    assert result.saved, messages(result)
    student = Student.objects.get()
    assert (student.student_no, student.name, student.gender) == ("G1101012", "张小明", "F")
    assert (student.homeroom.grade.number, student.homeroom.number) == (3, 2)
    assert Guardian.objects.get().name == "张伟"
    assert Guardian.objects.get().mobile == "13800138000"


@pytest.mark.parametrize(
    ("grade", "homeroom"),
    [
        ("", "三年级(2)班"),
        ("", "3年级2班"),
        ("", "3.2"),
        ("", 3.2),
        ("三年级", "2"),
        (3, 2),
        (3.0, 2.0),
        ("3", "(2)班"),
        ("三年级", "三年级(2)班"),
        ("", datetime.datetime(2025, 3, 2)),  # noqa: DTZ001 (Excel turned "3-2" into 3月2日)
    ],
)
def test_class_written_many_ways_lands_in_grade_3_class_2(school, grade, homeroom):
    result = run(school, xlsx_file([row(年级=grade, 班级=homeroom)]))
    assert result.saved, messages(result)
    student = Student.objects.get()
    assert (student.homeroom.grade.number, student.homeroom.number) == (3, 2)


@pytest.mark.parametrize(
    ("grade", "homeroom", "column", "fragment"),
    [
        ("四年级", "三年级(2)班", "班级", "二者不一致"),
        ("", "2", "班级", "只有班号"),
        ("", 3.1, "班级", "分不清是 1 班还是 10 班"),
        ("", "", "班级", "不能为空"),
        ("高一", "2", "年级", "无法识别"),
        ("", "初一(2)班", "班级", "没有初一"),
    ],
)
def test_ambiguous_or_contradictory_classes_are_refused(school, grade, homeroom, column, fragment):
    result = run(school, xlsx_file([row(年级=grade, 班级=homeroom)]))
    assert not result.saved
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert fragment in result.errors[0].message


def test_excel_number_cells_for_student_no_and_mobile(school):
    rows = [row(学籍号=20250001, 监护人手机=13800138000)]
    result = run(school, xlsx_file(rows))
    assert result.saved, messages(result)
    assert Student.objects.get().student_no == "20250001"
    assert Guardian.objects.get().mobile == "13800138000"


def test_a_student_no_mangled_by_excel_into_a_float_is_refused_with_advice(school):
    result = run(school, xlsx_file([row(学籍号=110101201601010011)]))  # stored as a double
    assert [(e.row, e.column) for e in result.errors] == [(2, "学籍号")]
    assert "末几位已经丢失" in result.errors[0].message


@pytest.mark.parametrize(
    "mobile", ["+86 138 0013 8000", "138-0013-8000", "+86-13800138000", "(+86)13800138000"]
)
def test_phone_numbers_with_prefix_spaces_or_dashes(school, mobile):
    assert run(school, xlsx_file([row(监护人手机=mobile)])).saved
    assert Guardian.objects.get().mobile == "13800138000"


def test_exactly_repeated_rows_are_harmless(school):
    rows = [row(), row(), row(监护人姓名="张妈", 监护人手机="13900000000", 关系="母亲"), row()]
    result = run(school, xlsx_file(rows))
    assert result.saved, messages(result)
    assert counts() == (1, 2, 2)


def test_two_guardians_on_two_rows_whose_student_fields_disagree_is_an_error_naming_both_rows(
    school,
):
    rows = [
        row(),
        row(姓名="张晓明", 监护人姓名="张妈", 监护人手机="13900000000", 关系="母亲"),
    ]
    result = run(school, xlsx_file(rows))
    assert not result.saved and counts() == (0, 0, 0)
    assert [(e.row, e.column) for e in result.errors] == [(3, "姓名")]
    message = result.errors[0].message
    assert "第 2 行" in message and "第 3 行" in message
    assert "张小明" in message and "张晓明" in message


def test_same_student_no_with_conflicting_class_is_an_error(school):
    rows = [row(), row(班级="三年级(3)班")]
    result = run(school, xlsx_file(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "班级")]


def test_the_same_mobile_under_two_names_in_one_file_is_an_error(school):
    rows = [row(学籍号="G0001"), row(学籍号="G0002", 监护人姓名="李四")]
    result = run(school, xlsx_file(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "监护人姓名")]
    assert "13800138000" in result.errors[0].message


def test_the_same_link_twice_with_different_relation_is_an_error(school):
    rows = [row(), row(关系="母亲")]
    result = run(school, xlsx_file(rows))
    assert [(e.row, e.column) for e in result.errors] == [(3, "关系")]


def test_siblings_share_a_guardian(school):
    rows = [row(学籍号="G0001"), row(学籍号="G0002", 姓名="张小红", 性别="女")]
    assert run(school, xlsx_file(rows)).saved
    assert counts() == (2, 1, 2)


def test_empty_rows_are_skipped_and_row_numbers_stay_those_of_the_sheet(school):
    rows = [row(学籍号="G0001"), ["" for _ in COLUMNS], row(学籍号="G0003", 性别="?")]
    result = run(school, xlsx_file(rows))
    assert [(e.row, e.column) for e in result.errors] == [(4, "性别")]


# --- Encodings and file checks ----------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_in_utf8_with_or_without_bom_and_gbk(school, encoding):
    rows = [row(姓名="欧阳娜娜", 班级="三年级（2）班", 监护人姓名="欧阳爸爸")]
    result = run(school, csv_file(rows, encoding=encoding))
    assert result.saved, messages(result)
    assert Student.objects.get().name == "欧阳娜娜"
    assert Guardian.objects.get().name == "欧阳爸爸"


def test_csv_row_numbers_count_records_like_excel_does(school):
    rows = [row(学籍号="G0001"), row(学籍号="G0002", 性别="x")]
    result = run(school, csv_file(rows, encoding="gbk"))
    assert [(e.row, e.column) for e in result.errors] == [(3, "性别")]


def test_file_over_the_size_limit_is_refused(school, settings):
    settings.ROSTER_UPLOAD_MAX_BYTES = 1000
    file = csv_file(student_rows(40))
    result = run(school, file)
    assert not result.saved and counts() == (0, 0, 0)
    assert len(result.errors) == 1 and "文件过大" in result.errors[0].message


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("roster.xlsx", b"this is not a workbook", "不是有效的 .xlsx"),
        ("roster.xlsx", b"PK\x03\x04garbage", "不是有效的 .xlsx"),
        ("roster.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "旧版 .xls"),
        ("roster.csv", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "不是可读的 CSV"),
        ("roster.csv", xlsx_bytes([row()]), "这是 Excel 工作簿"),
        ("roster.xls", b"anything", "不支持旧版 .xls"),
        ("roster.pdf", b"%PDF-1.4", "只能导入 .xlsx 或 .csv"),
        ("roster.csv", b"", "文件是空的"),
    ],
)
def test_files_that_are_not_what_they_claim_are_refused(school, name, data, fragment):
    result = run(school, SimpleUploadedFile(name, data))
    assert not result.saved
    assert len(result.errors) == 1 and fragment in result.errors[0].message
    assert result.errors[0].row is None


def test_a_zip_that_is_not_a_workbook_is_refused(school):
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    result = run(school, SimpleUploadedFile("roster.xlsx", out.getvalue()))
    assert "不是有效的 .xlsx" in result.errors[0].message


def test_roster_read_keeps_spreadsheet_row_numbers():
    dataset = roster_read(ContentFile(xlsx_bytes([row(), row()]), name="r.xlsx"))
    assert dataset.headers[1:] == COLUMNS
    assert [r[0] for r in dataset] == [2, 3]


# --- Export, template, round trip -------------------------------------------------------------------


def _sheet_rows(data: bytes, index=0):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return [list(r) for r in book.worksheets[index].iter_rows(values_only=True)]


def test_export_has_the_import_columns_one_row_per_guardian_link(school):
    student = StudentFactory(school=school, student_no="G0001", name="王五")
    GuardianshipFactory(student=student, relation="mother", may_pick_up=False)
    GuardianshipFactory(student=student, relation="father")
    StudentFactory(school=school, student_no="G0002")  # no guardian yet
    StudentFactory(student_no="G0003")  # another school's student
    rows = _sheet_rows(roster_export(school=school))
    assert rows[0] == COLUMNS
    assert [r[0] for r in rows[1:]] == ["G0001", "G0001", "G0002"]
    assert rows[1][COLUMNS.index("关系")] == "母亲"
    assert rows[1][COLUMNS.index("可接送")] == "否"
    assert rows[3][COLUMNS.index("监护人手机")] is None


def test_export_neutralises_formula_injection(school):
    student = StudentFactory(school=school, name='=HYPERLINK("http://x")')
    GuardianshipFactory(
        student=student, guardian=GuardianFactory(name="+cmd|' /C calc'!A0", for_student=student)
    )
    other = StudentFactory(school=school, name="@SUM(1)")
    GuardianshipFactory(student=other, guardian=GuardianFactory(name="-2+3", for_student=other))
    StudentFactory(school=school, name="\tTAB")
    book = openpyxl.load_workbook(io.BytesIO(roster_export(school=school)))
    cells = [c for row_ in book.active.iter_rows(min_row=2) for c in row_]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    for dangerous in ("=", "+", "-", "@", "\t"):
        assert not any(t.startswith(dangerous) for t in texts)
    assert '\'=HYPERLINK("http://x")' in texts
    assert all(c.data_type != "f" for c in cells)


def test_export_then_import_is_a_no_op(school):
    # given a roster imported from a messy file and then edited in the admin
    run(school, xlsx_file(student_rows(12)))
    Student.objects.filter(student_no="G000000000000000003").update(name="=1+1", is_disabled=True)
    StudentFactory(
        school=school, student_no="G0099", homeroom=HomeroomFactory(school=school, number=9)
    )
    exported = roster_export(school=school)
    before = counts()
    stamps = dict(Student.objects.values_list("student_no", "updated_at"))
    # when
    result = run(school, SimpleUploadedFile("export.xlsx", exported))
    # then
    assert result.saved, messages(result)
    assert not result.has_changes, [str(c) for c in result.changes]
    assert counts() == before
    assert dict(Student.objects.values_list("student_no", "updated_at")) == stamps
    assert Student.objects.get(student_no="G000000000000000003").name == "=1+1"


def test_template_has_header_example_row_and_instructions(school):
    data = roster_template()
    book = openpyxl.load_workbook(io.BytesIO(data))
    assert len(book.worksheets) == 2
    rows = _sheet_rows(data)
    assert rows[0] == COLUMNS
    assert rows[1][0] == EXAMPLE_STUDENT_NO
    notes = _sheet_rows(data, 1)
    described = {r[0] for r in notes[1:] if r and r[0]}
    assert set(COLUMNS) <= described
    assert any("三年级(2)班" in (r[3] or "") for r in notes[1:] if len(r) > 3)


def test_template_with_its_example_replaced_imports(school):
    book = openpyxl.load_workbook(io.BytesIO(roster_template()))
    sheet = book.worksheets[0]
    for i, value in enumerate(row(), 1):
        sheet.cell(row=2, column=i, value=value)
    out = io.BytesIO()
    book.save(out)
    assert run(school, SimpleUploadedFile("filled.xlsx", out.getvalue())).saved


# --- Query count ------------------------------------------------------------------------------------


@pytest.mark.parametrize("students", [10, 200])
def test_import_query_count_does_not_grow_with_rows(
    school, students, django_assert_max_num_queries
):
    data = xlsx_bytes(student_rows(students))
    # One more for the content type of the pickup entries (cached after), one for inserting them.
    with django_assert_max_num_queries(28):
        assert run(school, SimpleUploadedFile("r.xlsx", data)).saved
    with django_assert_max_num_queries(15):
        assert run(school, SimpleUploadedFile("r.xlsx", data)).saved


def test_default_values_match_the_helper():
    assert list(DEFAULTS) == COLUMNS


def test_a_workbook_with_one_cell_far_away_is_refused_before_it_is_opened(school):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["学籍号", "姓名", "性别", "年级", "班级"])
    sheet.cell(row=1_048_576, column=16_384, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    result = roster_import(
        school=school, dataset_or_file=ContentFile(buffer.getvalue(), name="far.xlsx"), dry_run=True
    )
    assert not result.ok and "名册范围之外" in result.errors[0].message


def test_a_wide_header_with_many_short_rows_is_not_padded(school):
    header = ",".join(["学籍号", "姓名", "性别", "年级", "班级", *[""] * 5000]) + "\n"
    data = (header + "x\n" * 2000).encode()
    result = roster_import(
        school=school, dataset_or_file=ContentFile(data, name="wide.csv"), dry_run=True
    )
    assert not result.ok  # short rows are errors, but the file was read without multiplying


def test_more_than_64_named_columns_is_refused(school):
    header = ",".join(["学籍号", "姓名", *[f"列{i}" for i in range(70)]]) + "\n"
    result = roster_import(
        school=school, dataset_or_file=ContentFile(header.encode(), name="w.csv"), dry_run=True
    )
    assert not result.ok and "列数过多" in result.errors[0].message


@pytest.mark.parametrize(
    ("row", "column", "refused"),
    [(60, 64, False), (60, 65, True), (50_999, 3, False), (51_001, 3, True)],
)
def test_the_extent_check_draws_the_line_at_64_columns_and_51000_rows(school, row, column, refused):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["学籍号", "姓名", "性别", "年级", "班级"])
    sheet.cell(row=row, column=column, value="x")
    buffer = io.BytesIO()
    book.save(buffer)
    result = roster_import(
        school=school, dataset_or_file=ContentFile(buffer.getvalue(), name="e.xlsx"), dry_run=True
    )
    assert any("名册范围之外" in e.message for e in result.errors) is refused
