"""One rule, two readings: each query filter of ``permissions`` agrees with its predicate on every object."""

import pytest

from afterschool.register import permissions
from afterschool.register.models import Homeroom, Role, Student
from tests.factories import (
    HomeroomFactory,
    SchoolFactory,
    StudentFactory,
    UserFactory,
    bureau_staff,
    school_admin,
    teacher,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    school = SchoolFactory()
    other = SchoolFactory(district=school.district)
    head = teacher(school)
    former = teacher(school)  # led a class, then lost the teacher role
    rooms = [
        HomeroomFactory(school=school, head_teacher=head),
        HomeroomFactory(school=school, head_teacher=former),
        HomeroomFactory(school=school),
        HomeroomFactory(
            school=other, head_teacher=head
        ),  # a class at a school where she is not a teacher
    ]
    Role.objects.filter(user=former, kind=Role.Kind.TEACHER).delete()
    for room in rooms:
        StudentFactory(school=room.school, homeroom=room)
    users = {
        "head teacher": head,
        "former head teacher": former,
        "another teacher": teacher(school),
        "admin": school_admin(school),
        "bureau": bureau_staff(school.district),
        "nobody": UserFactory(),
    }
    return users, rooms


def test_leading_a_class_reads_the_same_as_a_filter_and_as_a_predicate(world):
    users, rooms = world
    for who, user in users.items():
        user = type(user).objects.get(pk=user.pk)  # fresh roles
        by_filter = set(Homeroom.objects.filter(permissions.leads_filter(user)))
        by_predicate = {room for room in rooms if permissions.leads_homeroom(user, room)}
        assert by_filter == by_predicate, who
    head = users["head teacher"]
    assert {r.pk for r in Homeroom.objects.filter(permissions.leads_filter(head))} == {rooms[0].pk}


def test_issuing_codes_follows_the_same_rule_as_seeing_a_class(world):
    users, rooms = world
    for who, user in users.items():
        user = type(user).objects.get(pk=user.pk)
        for room in rooms:
            student = Student.objects.get(homeroom=room)
            sees = Student.objects.filter(permissions.students_filter(user), pk=student.pk).exists()
            if permissions.can_issue_invitation(user, student):
                assert sees, (who, room)
            if permissions.leads_homeroom(user, room):
                assert permissions.can_manage_homeroom_invitations(user, room), (who, room)
