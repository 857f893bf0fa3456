"""A homeroom belongs to a school year: next September's roster makes new classes and moves the children
into them, and last year's classes, with what was recorded of them, stay as they were."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from afterschool.register import services
from afterschool.register.models import (
    Homeroom,
    HomeroomMembership,
    School,
    SchoolYear,
    Student,
    TeachingAssignment,
)
from afterschool.register.roster import roster_import, roster_years
from tests.factories import SchoolFactory, school_admin, teacher
from tests.register.roster_files import row, xlsx_file

pytestmark = pytest.mark.django_db

D = datetime.date


def _rows(grade: int) -> list:
    return [
        row(学籍号=f"G11010120160101{i:04d}", 姓名=f"学生{i}", 年级="", 班级=f"{grade}.{1 + i % 2}",
            监护人姓名=f"家长{i}", 监护人手机=f"1390000{i:04d}")
        for i in range(1, 5)
    ]  # fmt: skip


def test_the_school_year_runs_from_august_to_july():
    assert SchoolYear.bounds_for(D(2026, 9, 1)) == (D(2026, 8, 1), D(2027, 7, 31))
    assert SchoolYear.bounds_for(D(2027, 7, 31)) == (D(2026, 8, 1), D(2027, 7, 31))
    assert SchoolYear.bounds_for(D(2027, 8, 1)) == (D(2027, 8, 1), D(2028, 7, 31))


def test_next_years_roster_moves_children_into_new_classes_and_keeps_last_years():
    # given this year's roster: third grade, classes 1 and 2, and a teacher of class 1
    school = SchoolFactory(stage=School.Stage.PRIMARY)
    admin = school_admin(school)
    this_year, next_year = roster_years(school)
    assert roster_import(
        school=school, dataset_or_file=xlsx_file(_rows(3)), by=admin, dry_run=False
    ).saved
    old_room = Homeroom.objects.get(school=school, grade__number=3, number=1)
    assert old_room.school_year.start_date == this_year.start_date
    TeachingAssignment.objects.create(teacher=teacher(school), homeroom=old_room, subject="数学")
    # when next September's roster arrives: the same children in fourth grade
    preview = roster_import(
        school=school, dataset_or_file=xlsx_file(_rows(4)), dry_run=True, school_year=next_year
    )
    assert preview.ok and preview.students_updated == 4 and preview.homerooms_new == 2
    moved = [c for c in preview.changes if "学生1" in c.subject][0]
    assert f"{next_year.name}编入“四年级（2）班”（原为“三年级（2）班”）" in str(moved)
    assert not SchoolYear.objects.filter(
        start_date=next_year.start_date
    ).exists()  # a preview writes nothing
    result = roster_import(
        school=school, dataset_or_file=xlsx_file(_rows(4)), by=admin, dry_run=False,
        school_year=next_year,
    )  # fmt: skip
    assert result.saved
    # then each child is in this year's class and next year's, last year's class untouched
    child = Student.objects.get(name="学生1")
    new_year = SchoolYear.objects.get(school=school, start_date=next_year.start_date)
    assert (child.homeroom.grade.number, child.homeroom.school_year) == (4, new_year)
    history = {
        m.school_year.start_date.year: (m.homeroom.grade.number, m.homeroom.number)
        for m in HomeroomMembership.objects.filter(student=child)
    }
    assert history == {this_year.start_date.year: (3, 2), new_year.start_date.year: (4, 2)}
    old_room.refresh_from_db()
    assert old_room.grade.number == 3 and old_room.teaching_assignments.count() == 1
    assert Homeroom.objects.filter(school=school).count() == 4
    # and importing next year's roster again changes nothing
    again = roster_import(
        school=school, dataset_or_file=xlsx_file(_rows(4)), dry_run=True, school_year=next_year
    )
    assert again.students_updated == 0 and again.homerooms_new == 0


def test_a_roster_cannot_go_into_a_past_year():
    school = SchoolFactory()
    this_year, _next = roster_years(school)
    past = SchoolYear.objects.create(
        school=school,
        start_date=this_year.start_date.replace(year=this_year.start_date.year - 1),
        end_date=this_year.end_date.replace(year=this_year.end_date.year - 1),
    )
    result = roster_import(
        school=school, dataset_or_file=xlsx_file(_rows(3)), dry_run=True, school_year=past
    )
    assert [e.message for e in result.errors] == ["只能导入本学年或下一学年的名册。"]


def test_a_term_belongs_to_the_year_it_starts_in_and_stays_inside_it():
    school = SchoolFactory()
    term = services.term_save(
        school=school, by=None, name="秋季", start_date=D(2026, 9, 1), end_date=D(2027, 1, 22),
        service_weekdays=[1, 2, 3, 4, 5], days=[],
    )  # fmt: skip
    assert term.school_year.name == "2026—2027 学年"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="学期须在一个学年之内"):
        services.term_save(
            school=school, by=None, name="跨学年", start_date=D(2027, 6, 1),
            end_date=D(2027, 9, 10), service_weekdays=[1, 2, 3, 4, 5], days=[],
        )  # fmt: skip


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_terms_homerooms_and_children_their_year():
    apps = _migrate([("afterschool", "0010_school_year")])
    try:
        m = {n: apps.get_model("afterschool", n) for n in
             ["District", "School", "Grade", "Homeroom", "Student", "Term", "SchoolYear"]}  # fmt: skip
        district = m["District"].objects.create(name="d", code="d")
        school = m["School"].objects.create(district=district, name="s", code="s")
        grade = m["Grade"].objects.create(school=school, number=3)
        room = m["Homeroom"].objects.create(school=school, grade=grade, number=1)
        m["Student"].objects.create(
            school=school, homeroom=room, student_no="G1", name="甲", gender="F"
        )
        m["Term"].objects.create(
            school=school, name="t", start_date=D(2026, 9, 1), end_date=D(2027, 1, 22)
        )
        apps = _migrate([("afterschool", "0011_school_year_fill")])
        term = apps.get_model("afterschool", "Term").objects.get()
        room = apps.get_model("afterschool", "Homeroom").objects.get()
        membership = apps.get_model("afterschool", "HomeroomMembership").objects.get()
        assert term.school_year.start_date == D(2026, 8, 1)
        assert room.school_year_id is not None
        assert (membership.homeroom_id, membership.school_year_id) == (room.pk, room.school_year_id)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_the_upload_page_offers_this_year_and_next_and_confirms_into_the_chosen_one(client):
    from django.urls import reverse

    school = SchoolFactory(stage=School.Stage.PRIMARY)
    client.force_login(school_admin(school))
    this_year, next_year = roster_years(school)
    url = reverse("school:roster-import", kwargs={"school_pk": school.pk})
    page = client.get(url).content.decode()
    assert f"{this_year.name}（本学年）" in page and f"{next_year.name}（下一学年）" in page
    upload = xlsx_file(_rows(4))
    upload.name = "新学年.xlsx"
    preview = client.post(
        url, {"file": upload, "dry_run": "on", "year": next_year.start_date.year}
    ).content.decode()
    assert f"导入到 {next_year.name}" in preview
    token = preview.split('name="token" value="')[1].split('"')[0]
    client.post(
        reverse("school:roster-import-confirm", kwargs={"school_pk": school.pk}), {"token": token}
    )
    assert {h.school_year.start_date for h in Homeroom.objects.filter(school=school)} == {
        next_year.start_date
    }
