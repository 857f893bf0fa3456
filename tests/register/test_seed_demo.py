"""The demo district built by ``manage.py seed_demo``."""

import datetime
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from afterschool.register.demo import demo_district_build
from afterschool.register.demo.write import _term_dates
from afterschool.register.models import (
    District,
    Grade,
    Guardian,
    Guardianship,
    Homeroom,
    Role,
    School,
    Student,
    TeachingAssignment,
    Term,
    TermDay,
    User,
)

PASSWORD = "afterschool-demo"
MODELS = [
    District,
    School,
    Term,
    TermDay,
    Grade,
    Homeroom,
    User,
    Role,
    TeachingAssignment,
    Student,
    Guardian,
    Guardianship,
]

pytestmark = pytest.mark.django_db


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


def fingerprint() -> dict:
    return {
        "students": set(
            Student.objects.values_list(
                "school__code",
                "student_no",
                "name",
                "gender",
                "homeroom__grade__number",
                "homeroom__number",
            )
        ),
        "guardians": set(Guardian.objects.values_list("name", "mobile", "user__username")),
        "links": set(
            Guardianship.objects.values_list("guardian__mobile", "student__student_no", "relation")
        ),
        "users": set(User.objects.values_list("username", "full_name", "mobile", "password")),
    }


@pytest.fixture
def small_demo():
    return demo_district_build(size="small")


def test_small_demo_has_two_classes_of_ten_per_grade(small_demo):
    primary = School.objects.get(code="demo-primary")
    middle = School.objects.get(code="demo-middle")
    assert primary.stage == School.Stage.PRIMARY and middle.stage == School.Stage.MIDDLE
    assert primary.district == middle.district
    assert primary.district.bureau_name == "示例区教育局"
    assert list(primary.grades.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert list(middle.grades.values_list("number", flat=True)) == [7, 8, 9]
    assert primary.homerooms.count() == 12 and middle.homerooms.count() == 6
    assert primary.students.count() == 120 and middle.students.count() == 60
    per_room = Homeroom.objects.annotate(n=Count("students")).values_list("n", flat=True)
    assert set(per_room) == {10}


def test_full_demo_has_the_promised_school_sizes():
    # when
    summary = demo_district_build(size="full")
    # then
    primary = School.objects.get(code="demo-primary")
    middle = School.objects.get(code="demo-middle")
    assert primary.homerooms.count() == 24
    assert middle.homerooms.count() == 9
    assert 900 <= primary.students.count() <= 1000
    assert 330 <= middle.students.count() <= 380
    sizes = set(Homeroom.objects.annotate(n=Count("students")).values_list("n", flat=True))
    assert min(sizes) >= 38 and max(sizes) <= 42
    assert summary.totals["students"] == Student.objects.count()

    # about 60 staff in the primary school: every class has its own head teacher among the teachers
    teachers = set(
        Role.objects.filter(school=primary, kind=Role.Kind.TEACHER).values_list("user", flat=True)
    )
    assert 50 <= len(teachers) <= 62
    heads = set(primary.homerooms.values_list("head_teacher", flat=True))
    assert len(heads) == 24 and heads <= teachers
    subjects = set(
        TeachingAssignment.objects.filter(homeroom__school=primary).values_list(
            "subject", flat=True
        )
    )
    assert subjects == {"语文", "数学", "英语", "体育", "音乐", "美术", "科学"}
    for room in primary.homerooms.all():
        assert set(room.teaching_assignments.values_list("subject", flat=True)) == subjects
    assert Role.objects.filter(school=primary, kind=Role.Kind.DUTY_LEADER).count() == 2
    assert Role.objects.filter(school=primary, kind=Role.Kind.SCHOOL_ADMIN).count() == 2
    assert Role.objects.filter(school=middle, kind=Role.Kind.SCHOOL_ADMIN).exists()
    assert Role.objects.filter(school=middle, kind=Role.Kind.TEACHER).count() >= 9

    # every child has one or two guardians; some guardians have two children (siblings)
    links = Counter(Guardianship.objects.values_list("student", flat=True))
    assert set(links.values()) == {1, 2}
    assert len(links) == Student.objects.count()
    assert Guardian.objects.annotate(n=Count("guardianships")).filter(n=2).count() > 20
    relations = Counter(Guardianship.objects.values_list("relation", flat=True))
    assert relations.most_common(2)[0][0] == Guardianship.Relation.MOTHER
    assert relations[Guardianship.Relation.FATHER] > 500
    assert relations[Guardianship.Relation.GRANDMOTHER] > 0

    # a few percent of children in each priority group
    total = Student.objects.count()
    for flag in Student.PRIORITY_FIELDS:
        share = Student.objects.filter(**{flag: True}).count() / total
        assert 0.005 <= share <= 0.10, flag

    # mobile numbers look real but are not: 11 digits, 13x00…
    mobiles = list(Guardian.objects.values_list("mobile", flat=True))
    assert len(set(mobiles)) == len(mobiles)
    assert all(
        len(m) == 11 and m[:3] in {"139", "138", "137"} and m[3:5] in {"00", "10"} for m in mobiles
    )


def test_term_covers_today_with_the_national_day_holidays(small_demo):
    today = timezone.localdate()
    for school in School.objects.all():
        term = Term.objects.get(school=school)
        assert term.start_date <= today <= term.end_date
        assert term.service_weekdays == [1, 2, 3, 4, 5]
        if term.start_date <= datetime.date(2026, 10, 1) <= term.end_date:
            assert term.name == "2026—2027 学年第一学期"
            holidays = set(term.calendar_days.filter(kind="holiday").values_list("date", flat=True))
            assert {datetime.date(2026, 10, d) for d in range(1, 8)} <= holidays
            assert not term.is_service_day(datetime.date(2026, 10, 6))  # a Tuesday off
            assert term.is_service_day(datetime.date(2026, 10, 10))  # a Saturday worked (调休)


@pytest.mark.parametrize(
    "today",
    [
        "2026-09-01",
        "2026-11-22",
        "2027-01-22",
        "2027-01-30",
        "2027-03-15",
        "2027-07-25",
        "2027-08-31",
    ],
)
def test_there_is_a_term_covering_any_day_of_the_year(today):
    day = datetime.date.fromisoformat(today)
    name, start, end = _term_dates(day)
    assert start <= day <= end
    assert "学年第" in name


def test_demo_accounts_hold_the_documented_roles(small_demo):
    primary = School.objects.get(code="demo-primary")
    admin = User.objects.get(username="demo-admin")
    teacher = User.objects.get(username="demo-teacher")
    parent = User.objects.get(username="demo-parent")
    bureau = User.objects.get(username="demo-bureau")

    assert admin.full_name and teacher.full_name and parent.full_name and bureau.full_name
    assert list(admin.roles.values_list("kind", "school")) == [(Role.Kind.SCHOOL_ADMIN, primary.pk)]
    assert list(bureau.roles.values_list("kind", "district")) == [
        (Role.Kind.BUREAU_STAFF, primary.district_id)
    ]
    assert list(teacher.roles.values_list("kind", "school")) == [(Role.Kind.TEACHER, primary.pk)]
    led = teacher.led_homerooms.get()
    assert (led.school, led.grade.number, led.number) == (primary, 3, 2)
    taught = set(teacher.teaching_assignments.values_list("homeroom", flat=True))
    assert led.pk in taught and len(taught) >= 2

    assert not parent.roles.exists()
    guardian = parent.guardian_records.get()
    assert parent.mobile and guardian.mobile == parent.mobile
    children = list(
        guardian.guardianships.select_related("student__homeroom__grade").order_by(
            "-student__homeroom__grade__number"
        )
    )
    assert [g.relation for g in children] == [Guardianship.Relation.MOTHER] * 2
    older, younger = (g.student for g in children)
    assert (older.homeroom.grade.number, older.homeroom.number) == (3, 2)
    assert younger.homeroom.grade.number < 3
    assert older.name[0] == younger.name[0]  # siblings share a surname


@pytest.mark.parametrize(
    ("username", "home"),
    [
        ("demo-admin", "/school/"),
        ("demo-teacher", "/today/"),
        ("demo-parent", "/family/"),
        ("demo-bureau", "/bureau/"),
    ],
)
def test_demo_accounts_log_in_with_the_demo_password(client, small_demo, username, home):
    # django-axes wants the request that carries the credentials.
    request = RequestFactory().post(reverse("accounts:login"))
    assert client.login(request=request, username=username, password=PASSWORD)
    response = client.get("/", follow=True)
    assert response.status_code == 200
    assert response.redirect_chain[0][0] == home


def test_demo_parent_logs_in_with_her_mobile_number(client, small_demo):
    mobile = User.objects.get(username="demo-parent").mobile
    response = client.post(
        reverse("accounts:login"), {"username": mobile, "password": PASSWORD}, follow=True
    )
    assert response.request["PATH_INFO"] == reverse("home:family-home")
    assert "王梓涵" in response.text and "王梓轩" in response.text


def test_second_run_changes_nothing(small_demo):
    before, prints = counts(), fingerprint()
    # when
    again = demo_district_build(size="small")
    # then
    assert counts() == before
    assert fingerprint() == prints
    assert set(again.created.values()) == {0}


def test_a_rerun_tops_up_what_was_deleted(small_demo):
    before = counts()
    Student.objects.filter(homeroom__grade__number=5).delete()
    User.objects.get(username="demo-bureau").delete()
    # when
    again = demo_district_build(size="small")
    # then
    assert counts() == before
    assert again.created["students"] == 20 and again.created["users"] == 1


def test_the_small_demo_is_part_of_the_full_one(small_demo):
    small = fingerprint()["students"]
    demo_district_build(size="full")
    assert small <= fingerprint()["students"]
    assert Student.objects.filter(school__code="demo-primary").count() >= 900


def test_command_prints_the_accounts_password_and_address():
    out = StringIO()
    call_command("seed_demo", "--small", stdout=out)
    text = out.getvalue()
    for username in ("demo-admin", "demo-teacher", "demo-parent", "demo-bureau"):
        assert username in text
    assert PASSWORD in text
    assert "http://127.0.0.1:8000" in text
    assert User.objects.get(username="demo-parent").mobile in text


def test_command_refuses_without_demo_password(settings):
    del settings.DEMO_PASSWORD
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        call_command("seed_demo", "--small", stdout=StringIO())
    assert not User.objects.filter(username__startswith="demo-").exists()
