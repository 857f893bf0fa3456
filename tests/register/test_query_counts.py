"""The busiest pages run a fixed number of queries, whatever the size of the roster."""

import pytest
from django.urls import reverse

from afterschool.register.models import TeachingAssignment
from tests.factories import (
    GradeFactory,
    GuardianshipFactory,
    HomeroomFactory,
    SchoolFactory,
    StudentFactory,
    bureau_staff,
    parent_of,
    school_admin,
    teacher,
)

pytestmark = pytest.mark.django_db


def _fill(homeroom, n):
    for _ in range(n):
        student = StudentFactory(school=homeroom.school, homeroom=homeroom)
        GuardianshipFactory(student=student)
        GuardianshipFactory(student=student, relation="father", may_pick_up=False)


@pytest.fixture(params=[3, 30], ids=["small-class", "full-class"])
def school(request):
    school = SchoolFactory()
    for grade in (1, 2):
        for number in (1, 2):
            homeroom = HomeroomFactory(
                school=school, grade=GradeFactory(school=school, number=grade), number=number
            )
            _fill(homeroom, request.param)
            homeroom.head_teacher = teacher(school)
            homeroom.save()
    return school


@pytest.mark.parametrize(
    ("url", "limit"),
    [
        # 13: the grades, this year's classes (links to each class page), the year and the counts.
        (lambda s: reverse("home:school-dashboard", kwargs={"school_pk": s.pk}), 13),
        (lambda s: reverse("school:student-list", kwargs={"school_pk": s.pk}), 10),
        (
            lambda s: reverse("school:homeroom-detail", kwargs={"pk": s.homerooms.first().pk}),
            10,
        ),
        (lambda s: reverse("school:staff-list", kwargs={"school_pk": s.pk}), 10),
    ],
    ids=["dashboard", "student-list", "homeroom-detail", "staff-list"],
)
def test_school_pages_run_fixed_queries(client, school, django_assert_max_num_queries, url, limit):
    client.force_login(school_admin(school))
    path = url(school)
    with django_assert_max_num_queries(limit):
        assert client.get(path).status_code == 200


def test_bureau_overview_runs_fixed_queries(client, school, django_assert_max_num_queries):
    for _ in range(3):
        SchoolFactory(district=school.district)
    client.force_login(bureau_staff(school.district))
    with django_assert_max_num_queries(7):
        assert client.get(reverse("home:bureau-overview")).status_code == 200


def test_teacher_today_runs_fixed_queries(client, school, django_assert_max_num_queries):
    user = teacher(school)
    for homeroom in school.homerooms.all():
        TeachingAssignment.objects.create(teacher=user, homeroom=homeroom, subject="体育")
    client.force_login(user)
    # 12: two of them find each school's current year (one per school the teacher works at).
    with django_assert_max_num_queries(12):
        assert client.get(reverse("home:teacher-today")).status_code == 200


def test_family_home_runs_fixed_queries(client, school, django_assert_max_num_queries):
    students = list(school.students.all()[:3])
    user = parent_of(students[0])
    for sibling in students[1:]:
        GuardianshipFactory(guardian=user.guardian_records.get(), student=sibling)
    client.force_login(user)
    with django_assert_max_num_queries(7):
        page = client.get(reverse("home:family-home"))
    assert all(s.name in page.content.decode() for s in students)


def test_teacher_today_counts_every_enrolled_child_of_each_class(client):
    school = SchoolFactory()
    user = teacher(school)
    rooms = [HomeroomFactory(school=school, head_teacher=user), HomeroomFactory(school=school)]
    TeachingAssignment.objects.create(teacher=user, homeroom=rooms[1], subject="数学")
    for room, n in zip(rooms, (4, 2), strict=True):
        for _ in range(n):
            StudentFactory(school=school, homeroom=room)
    StudentFactory(school=school, homeroom=rooms[1], status="transferred")
    client.force_login(user)
    response = client.get(reverse("home:teacher-today"))
    assert {h.pk: h.student_count for h in response.context["homerooms"]} == {
        rooms[0].pk: 4,
        rooms[1].pk: 2,
    }


def test_bureau_overview_counts_each_school_on_its_own(client):
    from afterschool.register.models import Role

    school = SchoolFactory()
    other = SchoolFactory(district=school.district)
    rooms = [
        HomeroomFactory(school=school, grade=GradeFactory(school=school, number=n)) for n in (1, 2)
    ]
    for room in rooms:
        StudentFactory(school=school, homeroom=room)
    StudentFactory(school=school, homeroom=rooms[0], status="transferred")
    teacher(school)
    both = teacher(school)
    Role.objects.create(user=both, kind=Role.Kind.DUTY_LEADER, school=school)
    Role.objects.create(user=teacher(other), kind=Role.Kind.PROVIDER_STAFF, school=school)
    client.force_login(bureau_staff(school.district))
    counted = {s.pk: s for s in client.get(reverse("home:bureau-overview")).context["schools"]}
    assert (counted[school.pk].student_count, counted[school.pk].homeroom_count) == (2, 2)
    assert (
        counted[school.pk].staff_count == 2
    )  # the provider is not staff; a person with two roles counts once
    assert (counted[other.pk].student_count, counted[other.pk].staff_count) == (0, 1)
