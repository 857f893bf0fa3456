"""The roster import service: files, validation, all-or-nothing, idempotence, updates, messy input."""

import io

import openpyxl
import pytest
import tablib
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
    roster_import,
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
    csv_bytes,
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
