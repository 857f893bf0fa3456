"""我的账号: everyone sees who they are; staff set the e-mail address their password is reset through."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from afterschool.register import services
from afterschool.register.models import AuditEntry
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
PASSWORD = "pass-1234-word"
URL = reverse("accounts:profile")


def _set_email(client, email, password=PASSWORD):
    return client.post(URL, {"email": email, "password": password}, follow=True)


def test_the_navbar_name_opens_the_account_page_which_links_to_password_change(client):
    user = teacher(SchoolFactory(), full_name="李老师", username="li-laoshi", mobile="13811112222")
    client.force_login(user)
    home = client.get(reverse("home:teacher-today")).content.decode()
    assert f'href="{URL}"' in home
    page = client.get(URL).content.decode()
    assert "李老师" in page and "li-laoshi" in page and "13811112222" in page
    assert reverse("accounts:password-change") in page


def test_staff_set_an_email_and_reset_their_password_through_it(
    client, django_capture_on_commit_callbacks
):
    school = SchoolFactory()
    admin = school_admin(school)
    client.force_login(admin)
    response = _set_email(client, " Head@Example.CN ")
    assert "找回密码邮箱已保存" in response.content.decode()
    admin.refresh_from_db()
    assert admin.email == "Head@example.cn"
    entry = AuditEntry.objects.get(action="register.email_set")
    assert (
        entry.school == school
        and entry.actor == admin
        and entry.details["new"] == "H***@example.cn"
    )
    # and the reset page now sends the link there
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "head@example.cn"})
    assert [m.to for m in mail.outbox] == [["Head@example.cn"]]


def test_setting_the_email_needs_the_current_password(client):
    user = bureau_staff(SchoolFactory().district)
    client.force_login(user)
    page = _set_email(client, "me@example.cn", password="wrong").content.decode()
    assert "当前密码不正确" in page
    user.refresh_from_db()
    assert user.email == ""


def test_guessing_the_password_on_the_account_page_meets_the_login_cap(client, settings):
    user = school_admin(SchoolFactory())
    client.force_login(user)
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        _set_email(client, "me@example.cn", password="wrong")
    page = _set_email(client, "me@example.cn").content.decode()
    assert "密码错误次数过多" in page
    user.refresh_from_db()
    assert user.email == ""


def test_guessing_the_old_password_when_changing_it_meets_the_login_cap(client, settings):
    user = school_admin(SchoolFactory())
    client.force_login(user)
    url = reverse("accounts:password-change")
    new = {"new_password1": "Brand-new-pass-42", "new_password2": "Brand-new-pass-42"}
    for _ in range(settings.AXES_ACCOUNT_FAILURE_LIMIT):
        client.post(url, {"old_password": "wrong", **new})
    page = client.post(url, {"old_password": PASSWORD, **new}).content.decode()
    assert "密码错误次数过多" in page
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


@pytest.mark.parametrize("email", ["not-an-address", "a@b", "王@", "x" * 250 + "@example.cn"])
def test_a_bad_address_is_refused_with_a_chinese_message(client, email):
    client.force_login(school_admin(SchoolFactory()))
    response = _set_email(client, email)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="error_1_id_email"' in page  # the message sits under the e-mail field
    assert "请输入有效的电子邮箱地址" in page or "254" in page
    assert not AuditEntry.objects.filter(action="register.email_set").exists()


def test_an_address_in_use_is_refused_without_saying_whose(client):
    school_admin(SchoolFactory(), email="taken@example.cn", full_name="张校长")
    client.force_login(teacher(SchoolFactory()))
    page = _set_email(client, "TAKEN@example.CN").content.decode()
    assert "该邮箱已被其他账号使用" in page
    assert "张校长" not in page


def test_the_database_keeps_addresses_unique_ignoring_case():
    from django.db import IntegrityError

    UserFactory(email="one@example.cn")
    with pytest.raises(IntegrityError):
        UserFactory(email="ONE@example.cn")


def test_accounts_without_an_email_do_not_clash():
    UserFactory(email="")
    UserFactory(email="")


def test_staff_may_clear_their_email(client):
    user = school_admin(SchoolFactory(), email="old@example.cn")
    client.force_login(user)
    _set_email(client, "")
    user.refresh_from_db()
    assert user.email == ""


def test_parents_see_their_account_and_are_told_how_to_reset_their_password(client):
    parent = parent_of(StudentFactory(), mobile="13766667777")
    client.force_login(parent)
    page = client.get(URL).content.decode()
    assert "13766667777" in page and "重设密码码" in page
    assert 'name="email"' not in page
    assert client.post(URL, {"email": "p@example.cn", "password": PASSWORD}).status_code == 404
    with pytest.raises(ValidationError):
        services.user_email_set(user=parent, email="p@example.cn", by=parent)


def test_the_reset_page_sends_parents_to_their_school(client):
    page = client.get(reverse("accounts:password-reset")).content.decode()
    assert "学校的管理员" in page and "重设密码码" in page
    assert reverse("accounts:activate") in page
