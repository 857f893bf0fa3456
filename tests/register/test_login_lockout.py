"""Failed logins count against the account, however it was named, and per client address behind nginx."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from afterschool.register.backends import lockout_username
from tests.factories import SchoolFactory, StudentFactory, parent_of, school_admin

pytestmark = pytest.mark.django_db
PASSWORD = "pass-1234-word"
NGINX = "10.0.0.2"


@pytest.fixture
def behind_nginx(settings):
    settings.CLIENT_IP_PROXY_COUNT = 1


@pytest.fixture
def account():
    """A staff member who also has a mobile number: two names for one account."""
    return school_admin(SchoolFactory(), username="wang-li", mobile="13812345678")


def _login(client, username, password, client_address=None, **extra):
    if client_address is not None:
        extra.update(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=client_address)
    return client.post(
        reverse("accounts:login"), {"username": username, "password": password}, **extra
    )


@pytest.mark.parametrize(
    ("guessed_as", "then_as"),
    [
        ("wang-li", "13812345678"),
        ("wang-li", "+86 138 1234 5678"),
        ("13812345678", "WANG-LI"),
        ("WANG-LI", "wang-li"),
    ],
)
def test_failures_under_one_name_lock_out_every_name_of_the_account(
    client, settings, account, guessed_as, then_as
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, guessed_as, "wrong")
    response = _login(client, then_as, PASSWORD)
    assert response.status_code == 429
    assert not response.wsgi_request.user.is_authenticated


def test_every_name_of_an_account_is_counted_as_the_account(rf, account):
    names = ["wang-li", "WANG-LI ", "13812345678", "+86 138-1234-5678", "0086 13812345678"]
    assert {lockout_username(rf.post("/"), {"username": n}) for n in names} == {
        f"user:{account.pk}"
    }
    unknown = {lockout_username(rf.post("/"), {"username": n}) for n in ["Nobody", "nobody"]}
    assert unknown == {"name:nobody"}


def test_an_unknown_name_is_locked_out_exactly_like_an_account(client, settings, account):
    pages = []
    for name in ("wang-li", "no-such-person"):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            _login(client, name, "wrong")
        response = _login(client, name, "wrong", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
        assert response.status_code == 429
        # CSRF tokens differ from page to page
        pages.append(re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode()))
    assert pages[0] == pages[1]
    assert "user:" not in pages[0] and "wang-li" not in pages[0]


def test_the_locked_out_page_is_chinese_and_says_how_long(client, settings, account):
    settings.AXES_COOLOFF_TIME = 0.25
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wang-li", "wrong")
    page = _login(client, "wang-li", PASSWORD).content.decode()
    assert "登录失败次数过多，账号已暂时锁定" in page
    assert "请 15 分钟后再试" in page


def test_one_clients_failures_do_not_lock_out_another_client(
    client, settings, account, behind_nginx
):
    # given: one client (sending a made-up address of its own each time) locks itself out
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wang-li", "wrong", f"198.51.100.{i}, 203.0.113.1")
    assert _login(client, "wang-li", PASSWORD, "203.0.113.1").status_code == 429
    # then: the account's owner, elsewhere behind the same nginx, logs in
    response = _login(client, "wang-li", PASSWORD, "203.0.113.2")
    assert response.status_code == 302
    assert response.wsgi_request.user == account


def test_one_client_alone_never_reaches_the_account_cap(client, settings, account, behind_nginx):
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT * 2):
        _login(client, "wang-li", "wrong", "203.0.113.1")
    assert _login(client, "wang-li", PASSWORD, "203.0.113.2").status_code == 302


def test_guessing_spread_over_thirty_addresses_meets_the_account_cap(
    client, settings, account, behind_nginx
):
    answers = [
        _login(client, "wang-li", "wrong", f"203.0.113.{i}").status_code for i in range(1, 31)
    ]
    cap = settings.AXES_ACCOUNT_FAILURE_LIMIT
    assert answers == [200] * cap + [429] * (30 - cap)
    # Until the cool-off ends, even the right password from a fresh address is refused, under any name.
    assert _login(client, "+86 13812345678", PASSWORD, "203.0.113.99").status_code == 429


def test_below_the_cap_another_client_still_logs_in(client, settings, account, behind_nginx):
    # given: one client locked out, and guesses from other addresses, all short of the cap
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "wang-li", "wrong", "203.0.113.1")
    for i in range(settings.AXES_ACCOUNT_FAILURE_LIMIT - settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wang-li", "wrong", f"198.51.100.{i}")
    # then: the owner logs in from home
    assert _login(client, "wang-li", PASSWORD, "203.0.113.200").status_code == 302


def test_the_cap_counts_unknown_names_too(client, settings, behind_nginx):
    for i in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        _login(client, "no-such-person", "wrong", f"203.0.113.{i}")
    assert _login(client, "No-Such-Person", "wrong", "203.0.113.250").status_code == 429


def test_logging_in_right_does_not_use_up_the_cap(client, settings, behind_nginx):
    parent = parent_of(StudentFactory(), mobile="13712345678")
    for i in range(settings.AXES_ACCOUNT_FAILURE_LIMIT * 2):
        response = _login(client, "13712345678", PASSWORD, f"203.0.113.{i}")
        assert response.status_code == 302
        assert response.wsgi_request.user == parent
        client.logout()


def test_a_failed_login_does_the_same_work_for_an_account_and_an_unknown_name(client, account):
    counts = []
    for name in ("wang-li", "no-such-person"):
        with CaptureQueriesContext(connection) as queries:
            assert _login(client, name, "wrong").status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_failed_attempts_are_kept_without_the_search_that_led_to_the_login_page(client, account):
    from axes.models import AccessAttempt

    next_url = "/school/1/students/?q=G110101201501011234"
    client.post(
        f"{reverse('accounts:login')}?next={next_url}",
        {"username": "wang-li", "password": "wrong", "next": next_url},
    )
    (attempt,) = AccessAttempt.objects.all()
    assert "G110101201501011234" not in attempt.get_data + attempt.post_data
    assert "wang-li" not in attempt.post_data
