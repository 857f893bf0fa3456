"""Pages say only what works today. What each kind of user can do is declared once, by the app that does it
(afterschool/features.py), and the letter to parents and the role homes list those lines: when a feature
arrives, its declaration makes the promise; until then nothing promises it."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from afterschool import features
from afterschool.register import services
from afterschool.register.models import TermDay
from tests.factories import (
    HomeroomFactory,
    SchoolFactory,
    StudentFactory,
    TermFactory,
    parent_of,
    school_admin,
    teacher,
)

pytestmark = pytest.mark.django_db

NOT_YET = ["服务安排", "报名", "请假", "签到", "签退", "缴费", "考勤"]


@pytest.fixture
def letters(client):
    school = SchoolFactory()
    homeroom = HomeroomFactory(school=school)
    student = StudentFactory(school=school, homeroom=homeroom)
    services.invitation_code_issue(students=[student], by=None)
    client.force_login(school_admin(school))
    return lambda: client.get(
        reverse("school:homeroom-letters-print", kwargs={"pk": homeroom.pk})
    ).content.decode()


def test_the_register_declares_what_parents_and_teachers_can_do():
    assert [f.key for f in features.features_for(features.PARENT)][:2] == [
        "register.children",
        "register.pickup",
    ]
    assert features.features_for(features.TEACHER)


def test_the_letter_to_parents_promises_only_what_works_today(letters):
    page = letters()
    for feature in features.features_for(features.PARENT):
        assert str(feature.text) in page
    for word in NOT_YET:
        assert word not in page, word


@pytest.fixture
def leave_requests():
    """A feature that does not exist yet, declared as its app would declare it."""
    feature = features.Feature("safety.leave", features.PARENT, "为孩子请假", order=50)
    features.feature_declare(feature)
    yield feature
    features.feature_forget(feature.key)


def test_a_declared_feature_appears_on_the_letter_and_the_family_home(
    client, letters, leave_requests
):
    assert "为孩子请假" in letters()
    student = StudentFactory()
    client.force_login(parent_of(student))
    assert "为孩子请假" in client.get(reverse("home:family-home")).content.decode()


def test_the_family_home_lists_what_a_parent_can_do(client):
    student = StudentFactory()
    client.force_login(parent_of(student))
    page = client.get(reverse("home:family-home")).content.decode()
    for feature in features.features_for(features.PARENT):
        assert str(feature.text) in page
    for word in NOT_YET:
        assert word not in page, word


# --- The teacher's 今日 ------------------------------------------------------------------------------

MONDAY = datetime.date(2026, 10, 12)


@pytest.fixture
def today_page(client, monkeypatch):
    def page(today, *, term=True, **term_fields):
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today)
        school = SchoolFactory(name="第一实验小学")
        user = teacher(school)
        HomeroomFactory(school=school, head_teacher=user)
        if term:
            defaults = {
                "name": "2026—2027 学年第一学期",
                "start_date": datetime.date(2026, 9, 1),
                "end_date": datetime.date(2027, 1, 22),
            }
            made = TermFactory(school=school, **{**defaults, **term_fields})
            for day, note in [(datetime.date(2026, 10, 13), "运动会")]:
                TermDay.objects.create(term=made, date=day, kind=TermDay.Kind.HOLIDAY, note=note)
        client.force_login(user)
        return client.get(reverse("home:teacher-today")).content.decode()

    return page


def test_today_names_the_term_and_says_there_is_service_today(today_page):
    page = today_page(MONDAY)
    assert "2026—2027 学年第一学期" in page
    assert "今天有课后服务" in page


def test_today_without_service_names_the_next_service_day(today_page):
    page = today_page(datetime.date(2026, 10, 10))  # a Saturday
    assert "今天没有课后服务" in page
    assert "下一个服务日：10月12日 星期一" in page


def test_a_holiday_says_which_holiday_and_skips_it(today_page):
    page = today_page(datetime.date(2026, 10, 13))
    assert "运动会" in page
    assert "下一个服务日：10月14日 星期三" in page


def test_before_the_term_begins_today_names_its_first_service_day(today_page):
    page = today_page(datetime.date(2026, 8, 20))
    assert "下一个服务日：9月1日 星期二" in page


def test_after_the_last_term_today_says_the_service_has_ended(today_page):
    page = today_page(datetime.date(2027, 2, 1))
    assert "本学期的课后服务已结束" in page


def test_without_a_term_today_says_so(today_page):
    assert "学校尚未设置学期" in today_page(MONDAY, term=False)


def test_today_promises_nothing_that_does_not_exist(today_page):
    page = today_page(MONDAY)
    for word in NOT_YET:
        assert word not in page, word
    for feature in features.features_for(features.TEACHER):
        assert str(feature.text) in page
