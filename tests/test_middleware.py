"""Pages are never cached; idle sessions end (staff soon, parents on their own phones later)."""

import time

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from afterschool.middleware import SessionIdleTimeoutMiddleware as Idle
from tests.factories import (
    SchoolFactory,
    StudentFactory,
    UserFactory,
    bureau_staff,
    parent_of,
    school_admin,
    teacher,
)

pytestmark = pytest.mark.django_db


# --- Cache-Control --------------------------------------------------------------------------------


def _no_store(response):
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


@pytest.mark.parametrize("name", ["accounts:login", "accounts:activate", "accounts:password-reset"])
def test_public_pages_with_forms_are_not_stored(client, name):
    assert _no_store(client.get(reverse(name)))


def test_pages_of_a_logged_in_user_are_not_stored(client):
    student = StudentFactory()
    client.force_login(school_admin(student.school))
    for path in (
        reverse("school:student-list", kwargs={"school_pk": student.school_id}),
        reverse("school:student-detail", kwargs={"pk": student.pk}),
        reverse("school:roster-export", kwargs={"school_pk": student.school_id}),
        reverse("home:index"),  # a redirect, too
    ):
        assert _no_store(client.get(path)), path


def test_the_family_pages_are_not_stored(client):
    student = StudentFactory()
    client.force_login(parent_of(student))
    assert _no_store(client.get(reverse("home:family-child", kwargs={"pk": student.pk})))


@override_settings(WHITENOISE_USE_FINDERS=True, WHITENOISE_AUTOREFRESH=True)
def test_static_files_keep_their_caching():
    response = Client().get("/static/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "max-age" in response["Cache-Control"]


# --- Idle sessions ----------------------------------------------------------------------------------


def _idle_for(client, seconds):
    """Pretend the last request was ``seconds`` ago."""
    session = client.session
    session[Idle.SEEN] = int(time.time()) - seconds
    session.save()


@pytest.mark.parametrize(
    "make_staff",
    [
        lambda s: school_admin(s),
        lambda s: teacher(s),
        lambda s: bureau_staff(s.district),
        lambda s: UserFactory(is_staff=True),
    ],
    ids=["school-admin", "teacher", "bureau", "site-staff"],
)
def test_staff_are_logged_out_after_the_idle_time_with_a_chinese_message(
    client, settings, make_staff
):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    client.force_login(make_staff(SchoolFactory()))
    _idle_for(client, 30 * 60 - 5)
    assert client.get(reverse("accounts:no-role")).wsgi_request.user.is_authenticated
    _idle_for(client, 30 * 60 + 5)
    response = client.get(reverse("accounts:no-role"), follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=/accounts/no-role/"
    assert not response.wsgi_request.user.is_authenticated
    assert "已自动退出" in response.content.decode()


def test_each_request_extends_the_time(client, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    client.force_login(school_admin(SchoolFactory()))
    for _ in range(3):
        _idle_for(client, 20 * 60)  # 20 minutes between requests, an hour in all
        assert client.get(reverse("accounts:no-role")).status_code == 200
        assert client.session[Idle.SEEN] >= int(time.time()) - 1


def test_a_session_is_not_written_on_every_request(client):
    client.force_login(school_admin(SchoolFactory()))
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("accounts:no-role"))
        assert not [q for q in queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]]


def test_parents_stay_logged_in_for_days(client, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    settings.PARENT_SESSION_DAYS = 30
    student = StudentFactory()
    client.force_login(parent_of(student))
    _idle_for(client, 29 * 24 * 60 * 60)
    assert client.get(reverse("home:family-home")).status_code == 200
    _idle_for(client, 31 * 24 * 60 * 60)
    assert client.get(reverse("home:family-home")).status_code == 302


def test_a_parent_who_is_also_a_teacher_gets_the_staff_time(client, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    school = SchoolFactory()
    user = teacher(school)
    parent = parent_of(StudentFactory(school=school))
    parent.guardian_records.update(user=user)
    client.force_login(user)
    _idle_for(client, 31 * 60)
    assert client.get(reverse("home:family-home")).status_code == 302


def test_logging_in_starts_the_clock(client, settings):
    admin = school_admin(SchoolFactory())
    client.post(
        reverse("accounts:login"), {"username": admin.username, "password": "pass-1234-word"}
    )
    assert client.session[Idle.LIMIT] == settings.STAFF_SESSION_IDLE_MINUTES * 60
    assert client.session[Idle.SEEN] >= int(time.time()) - 1


def test_an_htmx_request_is_sent_to_log_in_as_a_whole_page(client):
    client.force_login(school_admin(SchoolFactory()))
    _idle_for(client, 24 * 60 * 60)
    response = client.get(reverse("accounts:no-role"), HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"].startswith("/accounts/login/")
