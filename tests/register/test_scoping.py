"""Who sees which students, homerooms and schools: decided in register.selectors, tested here across roles."""

import pytest

from afterschool.register import selectors
from afterschool.register.models import Role, TeachingAssignment
from tests.factories import (
    DistrictFactory,
    HomeroomFactory,
    RoleFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
    bureau_staff,
    parent_of,
    school_admin,
    teacher,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def district():
    d = DistrictFactory()
    school = SchoolFactory(district=d)
    other_school = SchoolFactory(district=d)
    far_school = SchoolFactory()
    led = HomeroomFactory(school=school)
    taught = HomeroomFactory(school=school)
    untouched = HomeroomFactory(school=school)
    students = {
        "led": StudentFactory(school=school, homeroom=led),
        "taught": StudentFactory(school=school, homeroom=taught),
        "untouched": StudentFactory(school=school, homeroom=untouched),
        "other_school": StudentFactory(school=other_school),
        "far": StudentFactory(school=far_school),
    }
    return {"district": d, "school": school, "led": led, "taught": taught, "students": students}


def _names(qs, students):
    return {k for k, s in students.items() if qs.filter(pk=s.pk).exists()}


def test_school_admin_sees_one_school(district):
    admin = school_admin(district["school"])
    assert _names(selectors.students_for_user(admin), district["students"]) == {
        "led",
        "taught",
        "untouched",
    }
    assert list(selectors.schools_for_user(admin)) == [district["school"]]


def test_teacher_sees_the_homerooms_they_lead_or_teach(district):
    user = teacher(district["school"])
    district["led"].head_teacher = user
    district["led"].save()
    TeachingAssignment.objects.create(teacher=user, homeroom=district["taught"], subject="数学")
    assert _names(selectors.students_for_user(user), district["students"]) == {"led", "taught"}
    assert set(selectors.homerooms_for_user(user)) == {district["led"], district["taught"]}
    assert not selectors.schools_for_user(
        user
    ).exists()  # the school dashboard is for admins and the bureau


def test_a_head_teacher_who_left_the_school_sees_nothing(district):
    user = UserFactory()
    district["led"].head_teacher = user
    district["led"].save()
    assert not selectors.students_for_user(user).exists()


def test_duty_leader_sees_the_whole_school(district):
    user = RoleFactory(kind=Role.Kind.DUTY_LEADER, school=district["school"]).user
    assert _names(selectors.students_for_user(user), district["students"]) == {
        "led",
        "taught",
        "untouched",
    }


def test_provider_staff_see_no_child_until_they_teach_a_section(district):
    user = RoleFactory(kind=Role.Kind.PROVIDER_STAFF, school=district["school"]).user
    assert not selectors.students_for_user(user).exists()


def test_bureau_sees_its_district_only(district):
    user = bureau_staff(district["district"])
    assert _names(selectors.students_for_user(user), district["students"]) == {
        "led",
        "taught",
        "untouched",
        "other_school",
    }
    assert selectors.schools_for_user(user).count() == 2


def test_parent_sees_only_their_own_children(district):
    user = parent_of(district["students"]["led"])
    assert _names(selectors.students_for_user(user), district["students"]) == {"led"}
    assert list(selectors.children_for_parent(user)) == [district["students"]["led"]]


def test_anonymous_sees_nothing(district):
    from django.contrib.auth.models import AnonymousUser

    assert not selectors.students_for_user(AnonymousUser()).exists()
    assert not selectors.schools_for_user(AnonymousUser()).exists()


def test_a_user_with_two_roles_sees_the_union(district):
    user = parent_of(district["students"]["far"])
    Role.objects.create(user=user, kind=Role.Kind.SCHOOL_ADMIN, school=district["school"])
    assert _names(selectors.students_for_user(user), district["students"]) == {
        "led",
        "taught",
        "untouched",
        "far",
    }
