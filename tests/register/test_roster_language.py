"""Roster files are Chinese whatever language the admin's interface speaks, so they import back."""

import pytest
from django.utils import translation

from afterschool.register.roster import roster_rows
from tests.factories import GuardianshipFactory, StudentFactory

pytestmark = pytest.mark.django_db


def test_an_export_made_from_the_english_interface_keeps_chinese_values():
    student = StudentFactory(gender="F")
    GuardianshipFactory(student=student, relation="mother")
    with translation.override("en"):
        *_, last = roster_rows(school=student.school)
    assert "女" in last and "母亲" in last
