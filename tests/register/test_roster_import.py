"""The roster import service: files, validation, all-or-nothing, idempotence, updates, messy input."""

import datetime
import io

import openpyxl
import pytest
import tablib
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from import_export import exceptions as import_export_exceptions

from afterschool.register.models import (
    AuditEntry,
    Grade,
    Guardian,
    Guardianship,
    Homeroom,
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
from afterschool.register.services import student_update
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
    csv_bytes,
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


# --- Good files -------------------------------------------------------------------------------------


def test_good_xlsx_imports_students_guardians_links_and_creates_grades_and_homerooms(
    school, admin_user
):
    # given a roster of 10 students, every second one with two guardians
    file = xlsx_file(student_rows(10))
    # when
    result = run(school, file, by=admin_user)
    # then
    assert result.ok and result.saved
    assert (result.students_new, result.guardians_new, result.links_new) == (10, 15, 15)
    assert counts() == (10, 15, 15)
    assert Grade.objects.filter(school=school).count() == 1
    assert Homeroom.objects.filter(school=school).count() == 4
    student = Student.objects.get(student_no="G000000000000000002")
    assert student.school == school
    assert (student.homeroom.grade.number, student.homeroom.number) == (3, 3)
    assert student.gender == "F"
    links = {g.relation: g for g in student.guardianships.select_related("guardian")}
    assert links["mother"].guardian.mobile == "13900000002"
    assert links["mother"].may_pick_up is True
    assert links["father"].may_pick_up is False


def test_import_is_recorded_in_the_audit_trail_with_who_and_what(school, admin_user):
    run(school, xlsx_file(student_rows(3), name="三年级.xlsx"), by=admin_user)
    entry = AuditEntry.objects.get(action="register.roster_import")
    assert entry.actor == admin_user
    assert entry.school == school
    assert entry.target_label == "三年级.xlsx"
    assert entry.details["students_new"] == 3


def test_dry_run_previews_counts_and_writes_nothing(school):
    result = run(school, xlsx_file(student_rows(4)), dry_run=True)
    assert result.ok and not result.saved
    assert (result.students_new, result.guardians_new, result.homerooms_new) == (4, 6, 4)
    assert counts() == (0, 0, 0)
    assert not Homeroom.objects.exists()
    assert not AuditEntry.objects.exists()


def test_priorities_and_optional_columns(school):
    rows = [
        row(学籍号="G0001", 优先类别="留守、随迁"),
        row(学籍号="G0002", 监护人手机="13800000002", 优先类别="残疾，低保", 关系="", 可接送=""),
    ]
    assert run(school, xlsx_file(rows)).saved
    first = Student.objects.get(student_no="G0001")
    assert first.is_left_behind and first.is_migrant_family and not first.is_disabled
    second = Student.objects.get(student_no="G0002")
    assert second.is_disabled and second.is_financial_difficulty
    link = second.guardianships.get()
    assert (link.relation, link.may_pick_up) == ("other", True)


def test_a_student_without_guardian_columns_is_imported(school):
    headers = ["学籍号", "姓名", "性别", "班级"]
    data = xlsx_bytes([["G0001", "王芳", "女", "三年级(1)班"]], headers=headers)
    result = run(school, SimpleUploadedFile("r.xlsx", data))
    assert result.saved
    assert counts() == (1, 0, 0)


def test_header_aliases_and_a_title_row_above_the_header(school):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["第一小学 2025 年学生名册"])
    sheet.append(["学生姓名", "学籍号*", "性别", "班级", "家长姓名", "家长手机号", "与学生关系"])
    sheet.append(["李雷", "G0001", "男", "4年级1班", "李父", "13800000001", "爸爸"])
    out = io.BytesIO()
    book.save(out)
    result = run(school, SimpleUploadedFile("r.xlsx", out.getvalue()))
    assert result.saved, messages(result)
    student = Student.objects.get()
    assert (student.name, student.homeroom.grade.number) == ("李雷", 4)
    assert student.guardianships.get().relation == "father"


def test_the_roster_sheet_is_found_even_when_another_sheet_is_active(school):
    book = openpyxl.load_workbook(io.BytesIO(roster_template()))
    sheet = book.worksheets[0]
    sheet.delete_rows(2)
    sheet.append(row(学籍号="G0001"))
    book.active = 1  # the instructions sheet
    out = io.BytesIO()
    book.save(out)
    assert run(school, SimpleUploadedFile("r.xlsx", out.getvalue())).saved


def test_a_tablib_dataset_is_accepted_with_row_numbers_from_its_position(school):
    dataset = tablib.Dataset(row(), row(学籍号="bad!"), headers=COLUMNS)
    result = run(school, dataset)
    assert messages(result) == [
        "第 3 行「学籍号」：“bad!”不是有效的学籍号（应为 4–30 位字母或数字）。"
    ]


# --- Bad files: nothing imported, every bad row listed ---------------------------------------------


def test_bad_file_imports_nothing_and_lists_every_bad_row_with_row_number_and_column(school):
    rows = [
        row(学籍号="G0001"),  # row 2: fine
        row(学籍号="G0002", 性别="未知"),  # row 3
        row(学籍号="G0003", 班级="五年级甲班", 监护人手机="12345"),  # row 4: two errors
        row(学籍号="G0004"),  # row 5: fine
        row(学籍号="", 姓名=""),  # row 6: two errors
        row(学籍号="G0007", 关系="邻居", 可接送="也许"),  # row 7
        row(学籍号="G0008", 年级="七年级", 班级="2"),  # row 8: a primary school has no grade 7
    ]
    result = run(school, xlsx_file(rows))
    assert not result.saved
    assert counts() == (0, 0, 0)
    assert not Homeroom.objects.exists()
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "性别"),
        (4, "班级"),
        (4, "监护人手机"),
        (6, "学籍号"),
        (6, "姓名"),
        (7, "关系"),
        (7, "可接送"),
        (8, "年级"),
    ]
    text = messages(result)
    assert text[0] == "第 3 行「性别」：无法识别“未知”，请填写“男”或“女”。"
    assert "五年级甲班" in text[1]
    assert "12345" in text[2] and "手机号" in text[2]
    assert "没有初一" in text[7]
    assert result.error_rows == 5


def test_missing_required_columns_are_named(school):
    data = xlsx_bytes([["G0001", "张三"]], headers=["学籍号", "姓名"])
    result = run(school, SimpleUploadedFile("r.xlsx", data))
    assert [(e.row, e.column) for e in result.errors] == [(None, "性别"), (None, "班级")]
    assert str(result.errors[0]) == "「性别」：缺少此列。请使用导入模板的表头。"


def test_the_template_example_row_is_refused(school):
    result = run(school, xlsx_file([row(学籍号=EXAMPLE_STUDENT_NO)]))
    assert messages(result) == ["第 2 行「学籍号」：这是导入模板中的示例行，请删除后再导入。"]


def test_one_bad_row_among_many_good_ones_leaves_the_register_untouched(school):
    StudentFactory(school=school, student_no="G000000000000000001", name="旧名")
    rows = [*student_rows(50), row(学籍号="G9999", 班级="三年级(0)班")]
    result = run(school, xlsx_file(rows))
    assert not result.saved and len(result.errors) == 1
    assert result.errors[0].row == 77  # 50 students on 75 rows after the header
    assert Student.objects.get().name == "旧名"
    assert counts() == (1, 0, 0)


# --- Re-import and updates --------------------------------------------------------------------------


def test_same_file_again_changes_nothing(school):
    data = xlsx_bytes(student_rows(20))
    run(school, SimpleUploadedFile("r.xlsx", data))
    before = {s.student_no: s.updated_at for s in Student.objects.all()}
    before_counts = counts()
    result = run(school, SimpleUploadedFile("r.xlsx", data))
    assert result.saved and not result.has_changes
    assert (result.students_unchanged, result.links_unchanged) == (20, 30)
    assert result.changes == []
    assert counts() == before_counts
    assert {s.student_no: s.updated_at for s in Student.objects.all()} == before


def test_reimport_writes_nothing_but_the_audit_entry(school):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    data = csv_bytes(student_rows(10))
    run(school, SimpleUploadedFile("r.csv", data))
    with CaptureQueriesContext(connection) as ctx:
        run(school, SimpleUploadedFile("r.csv", data))
    writes = [
        q["sql"]
        for q in ctx.captured_queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1 and "audit" in writes[0].lower()


def _refuse_students(error):
    """``insert_rows`` that fails on the students' insert, as a database or a bug would."""
    from afterschool.register.roster import plan

    real = plan.insert_rows

    def insert_rows(model, *args, **kwargs):
        if model is Student:
            raise error
        return real(model, *args, **kwargs)

    return insert_rows


def test_a_database_error_while_inserting_students_imports_nothing(school, monkeypatch):
    # given a database that refuses the new students' insert
    monkeypatch.setattr(
        "afterschool.register.roster.plan.insert_rows",
        _refuse_students(IntegrityError("duplicate key value violates unique constraint")),
    )
    # when the roster is imported
    result = run(school, xlsx_file(student_rows(3)))
    # then nothing is saved, grades and homerooms included, and the admin is told so
    assert not result.saved and not result.ok
    assert "保存时发生冲突（可能有人同时在修改名册），没有导入任何数据。请稍后重试。" in messages(
        result
    )
    assert counts() == (0, 0, 0)
    assert not Grade.objects.exists() and not Homeroom.objects.exists()
    assert not AuditEntry.objects.filter(action="register.roster_import").exists()


def test_a_database_error_while_updating_students_imports_nothing(school, monkeypatch):
    # given a changed student, and a database that refuses the update (the resource wraps the error)
    StudentFactory(school=school, student_no="G0001", name="旧名")

    def refuse(self):
        raise IntegrityError("could not serialize access")

    monkeypatch.setattr(
        "afterschool.register.roster.StudentResource.get_bulk_update_fields", refuse
    )
    result = run(school, xlsx_file([row(学籍号="G0001", 姓名="新名"), row(学籍号="G0002")]))
    assert not result.saved
    assert "保存时发生冲突（可能有人同时在修改名册），没有导入任何数据。请稍后重试。" in messages(
        result
    )
    assert Student.objects.get().name == "旧名" and counts() == (1, 0, 0)


def test_an_error_in_writing_students_that_is_not_the_databases_is_raised(school, monkeypatch):
    # a bug is raised, not reported to the admin as a conflict
    monkeypatch.setattr(
        "afterschool.register.roster.plan.insert_rows", _refuse_students(ValueError("a bug"))
    )
    with pytest.raises(ValueError, match="a bug"):
        run(school, xlsx_file(student_rows(1)))
    assert counts() == (0, 0, 0)


def test_an_error_inside_the_students_resource_that_is_not_the_databases_is_raised(
    school, monkeypatch
):
    StudentFactory(school=school, student_no="G0001", name="旧名")

    def broken(self):
        raise ValueError("a bug")

    monkeypatch.setattr(
        "afterschool.register.roster.StudentResource.get_bulk_update_fields", broken
    )
    with pytest.raises(import_export_exceptions.ImportError):
        run(school, xlsx_file([row(学籍号="G0001", 姓名="新名")]))
    assert Student.objects.get().name == "旧名"


def test_a_plan_changed_since_the_preview_is_not_written(school, admin_user):
    # given a preview renaming an existing student, and a new one
    student = StudentFactory(school=school, student_no="G0001", name="旧名")
    rows = [row(学籍号="G0001", 姓名="新名"), row(学籍号="G0002", 监护人手机="13800000002")]
    preview = run(school, xlsx_file(rows), dry_run=True)
    # when someone renames the student before the admin confirms
    student_update(student=student, by=admin_user, name="别人改的名")
    result = roster_import(
        school=school,
        dataset_or_file=xlsx_file(rows),
        by=admin_user,
        dry_run=False,
        expect_fingerprint=preview.fingerprint,
    )
    # then nothing is written and the result is the new preview
    assert not result.saved and result.stale
    assert "预览之后名册已有变动，请核对新的预览后再确认导入。" in messages(result)
    assert "姓名“别人改的名”改为“新名”" in str(result.changes[0])
    assert result.fingerprint != preview.fingerprint
    assert Student.objects.count() == 1
    assert Student.objects.get().name == "别人改的名"
    # and the new plan, once confirmed, is written
    again = roster_import(
        school=school,
        dataset_or_file=xlsx_file(rows),
        by=admin_user,
        dry_run=False,
        expect_fingerprint=result.fingerprint,
    )
    assert again.saved and not again.stale
    assert Student.objects.get(student_no="G0001").name == "新名"
    assert Student.objects.count() == 2


def test_the_fingerprint_is_the_same_for_the_preview_and_an_unchanged_register(school):
    rows = student_rows(4)
    preview = run(school, xlsx_file(rows), dry_run=True)
    assert run(school, xlsx_file(rows), dry_run=True).fingerprint == preview.fingerprint
    result = roster_import(
        school=school,
        dataset_or_file=xlsx_file(rows),
        dry_run=False,
        expect_fingerprint=preview.fingerprint,
    )
    assert result.saved
    assert run(school, xlsx_file(rows), dry_run=True).fingerprint != preview.fingerprint


def test_changed_rows_update_student_guardian_and_link(school):
    run(school, xlsx_file(student_rows(4)))
    old = Student.objects.get(student_no="G000000000000000002")
    untouched = Student.objects.get(student_no="G000000000000000001").updated_at
    rows = student_rows(4)
    # student 2: new name, gender, homeroom and priorities; mother renamed; father may now pick up
    for r in rows:
        if r[0] == "G000000000000000002":
            r[COLUMNS.index("姓名")] = "新名字"
            r[COLUMNS.index("性别")] = "男"
            r[COLUMNS.index("班级")] = "3.4"
            r[COLUMNS.index("优先类别")] = "困难"
            if r[COLUMNS.index("关系")] == "母亲":
                r[COLUMNS.index("监护人姓名")] = "母亲改名"
            else:
                r[COLUMNS.index("可接送")] = "是"
    preview = run(school, xlsx_file(rows), dry_run=True)
    assert (preview.students_updated, preview.guardians_renamed, preview.links_updated) == (1, 1, 1)
    assert preview.students_unchanged == 3
    details = " ".join(str(c) for c in preview.changes)
    assert "姓名“学生2”改为“新名字”" in details
    assert "班级“三年级（3）班”改为“三年级（4）班”" in details
    assert "母亲2" in details and "母亲改名" in details  # the guardian is on this school's roster
    assert "可接送“否”改为“是”" in details

    result = run(school, xlsx_file(rows))
    assert result.saved
    student = Student.objects.get(student_no="G000000000000000002")
    assert (student.name, student.gender, student.homeroom.number) == ("新名字", "M", 4)
    assert student.is_financial_difficulty
    assert student.updated_at > old.updated_at
    assert Guardian.objects.get(mobile="13900000002").name == "母亲改名"
    assert student.guardianships.get(relation="father").may_pick_up is True
    assert Student.objects.get(student_no="G000000000000000001").updated_at == untouched
    assert counts() == (4, 6, 6)


def test_a_guardian_shared_with_another_school_keeps_its_name_and_the_preview_notes_it(school):
    # given a guardian of another school's child, and of this school's child, as "别校写法"
    guardian = GuardianFactory(name="别校写法", mobile="13812345678", district=school.district)
    neighbour = SchoolFactory(district=school.district)
    GuardianshipFactory(student=StudentFactory(school=neighbour), guardian=guardian)
    GuardianshipFactory(
        student=StudentFactory(school=school, student_no="G0002"), guardian=guardian
    )
    rows = [row(学籍号="G0001", 监护人姓名="本校写法", 监护人手机="13812345678")]
    # when this school's roster names the same mobile differently
    preview = run(school, xlsx_file(rows), dry_run=True)
    # then no rename is planned, only a note with the masked mobile and the name kept
    assert preview.ok and preview.guardians_renamed == 0 and preview.changes == []
    (note,) = preview.notes
    assert note.row == 2
    assert "手机号 138****5678 已登记在其他学校，姓名保持为“别校写法”" in str(note)
    assert "13812345678" not in str(note)
    result = run(school, xlsx_file(rows))
    assert result.saved
    guardian.refresh_from_db()
    assert guardian.name == "别校写法"
    assert guardian.students.count() == 3  # linked to the new student under its existing name


def test_a_guardian_of_this_schools_children_only_is_renamed_as_the_roster_says(school):
    # given a guardian of one of this school's students who is not in the file
    guardian = GuardianFactory(name="旧写法", mobile="13812345678", district=school.district)
    GuardianshipFactory(
        student=StudentFactory(school=school, student_no="G0002"), guardian=guardian
    )
    rows = [row(学籍号="G0001", 监护人姓名="新写法", 监护人手机="13812345678")]
    preview = run(school, xlsx_file(rows), dry_run=True)
    assert (preview.guardians_renamed, preview.guardians_new, preview.notes) == (1, 0, [])
    assert "监护人姓名“旧写法”将更新为“新写法”" in str(preview.changes[0])
    assert run(school, xlsx_file(rows)).saved
    guardian.refresh_from_db()
    assert guardian.name == "新写法"


def test_the_preview_does_not_tell_that_a_mobile_is_registered_at_another_school(school):
    # given a guardian known only through another school, under the same name this school uses
    link = GuardianshipFactory(
        student=StudentFactory(school=SchoolFactory(district=school.district)),
        guardian=GuardianFactory(name="张伟", mobile="13800000009", district=school.district),
    )
    rows = [row(学籍号="G0001", 监护人手机="13800000009")]
    known = run(school, xlsx_file(rows), dry_run=True)
    # when nobody had registered that mobile
    link.delete()
    link.guardian.delete()
    unknown = run(school, xlsx_file(rows), dry_run=True)
    # then the preview reads exactly the same
    assert known.summary() == unknown.summary()
    assert known.guardians_new == 1
    assert (known.changes, known.notes) == ([], [])
    assert known.links_added == unknown.links_added
    assert known.fingerprint == unknown.fingerprint


def test_a_guardian_linked_to_no_student_is_renamed_without_telling_it_existed(school):
    guardian = GuardianFactory(name="旧写法", mobile="13812345678", district=school.district)
    rows = [row(学籍号="G0001", 监护人姓名="新写法", 监护人手机="13812345678")]
    preview = run(school, xlsx_file(rows), dry_run=True)
    assert (preview.guardians_new, preview.guardians_renamed) == (1, 0)
    assert (preview.changes, preview.notes) == ([], [])
    assert run(school, xlsx_file(rows)).saved
    guardian.refresh_from_db()
    assert guardian.name == "新写法"


def test_existing_students_are_matched_by_student_no_within_the_school_only(school):
    other_school = SchoolFactory()
    StudentFactory(school=other_school, student_no="G0001", name="别校学生")
    run(school, xlsx_file([row(学籍号="G0001")]))
    assert Student.objects.filter(student_no="G0001").count() == 2
    assert Student.objects.get(school=other_school).name == "别校学生"


def test_existing_homerooms_are_reused(school):
    homeroom = HomeroomFactory(school=school, number=2)  # grade 3 from the factory
    run(school, xlsx_file([row()]))
    assert Student.objects.get().homeroom == homeroom
    assert Homeroom.objects.count() == 1


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
