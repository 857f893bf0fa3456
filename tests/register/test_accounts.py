import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from afterschool.register import services
from afterschool.register.models import Guardian, InvitationCode, Role
from tests.factories import (
    GuardianFactory,
    GuardianshipFactory,
    InvitationCodeFactory,
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


def test_login_with_username_lands_on_the_school_dashboard(client):
    school = SchoolFactory()
    admin = school_admin(school)
    response = client.post(
        reverse("accounts:login"), {"username": admin.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse(
        "home:school-dashboard", kwargs={"school_pk": school.pk}
    )


def test_login_with_mobile_number_in_any_format(client):
    student = StudentFactory()
    parent = parent_of(student, mobile="13812345678")
    response = client.post(
        reverse("accounts:login"),
        {"username": "+86 138-1234-5678", "password": PASSWORD},
        follow=True,
    )
    assert response.wsgi_request.user == parent
    assert response.redirect_chain[-1][0] == reverse("home:family-home")


@pytest.mark.parametrize(
    ("make_user", "home"),
    [
        (lambda s: teacher(s), "home:teacher-today"),
        (lambda s: bureau_staff(s.district), "home:bureau-overview"),
        (lambda s: UserFactory(), "accounts:no-role"),
    ],
)
def test_each_role_lands_on_its_own_home(client, make_user, home):
    user = make_user(SchoolFactory())
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 302
    assert response.url == reverse(home)
    assert client.get(response.url).status_code == 200


def test_wrong_password_says_so_in_chinese(client):
    admin = school_admin(SchoolFactory())
    response = client.post(
        reverse("accounts:login"), {"username": admin.username, "password": "nope"}
    )
    assert response.status_code == 200
    assert "用户名/手机号或密码不正确" in response.content.decode()


def test_repeated_failures_lock_the_account_even_with_the_right_password(client, settings):
    admin = school_admin(SchoolFactory())
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": admin.username, "password": "wrong"})
    response = client.post(
        reverse("accounts:login"), {"username": admin.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "已暂时锁定" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_email_password_reset_sends_a_working_link(client, django_capture_on_commit_callbacks):
    user = school_admin(SchoolFactory(), email="head@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("accounts:password-reset"), {"email": "head@example.cn"})
    assert len(mail.outbox) == 1
    link = next(
        line for line in mail.outbox[0].body.splitlines() if "/accounts/password/reset/" in line
    )
    path = link.split("testserver", 1)[1]
    form_url = client.get(path, follow=True).redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "brand-new-pass-42", "new_password2": "brand-new-pass-42"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("brand-new-pass-42")


# --- Invitation codes and parent activation -----------------------------------------------------------


def _student_with_guardian(mobile="13700000001"):
    student = StudentFactory()
    guardian = GuardianFactory(mobile=mobile, name="王芳", for_student=student)
    GuardianshipFactory(guardian=guardian, student=student)
    return student, guardian


def test_parent_activates_with_code_and_mobile_and_sees_the_child(client):
    student, guardian = _student_with_guardian()
    (code,) = services.invitation_code_issue(students=[student], by=school_admin(student.school))
    response = client.post(
        reverse("accounts:activate"),
        {
            "code": code.code.lower(),
            "mobile": "137 0000 0001",
            "password1": "Xy-secret-77",
            "password2": "Xy-secret-77",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("home:family-home")
    assert student.name in response.content.decode()
    guardian.refresh_from_db()
    assert guardian.user.username == "13700000001"
    code.refresh_from_db()
    assert code.state == InvitationCode.State.USED and code.used_by == guardian


def test_a_code_works_once(client):
    student, _ = _student_with_guardian()
    (code,) = services.invitation_code_issue(students=[student], by=None)
    data = {
        "code": code.code,
        "mobile": "13700000001",
        "password1": "Xy-secret-77",
        "password2": "Xy-secret-77",
    }
    client.post(reverse("accounts:activate"), data)
    client.logout()
    response = client.post(reverse("accounts:activate"), data)
    assert "已使用" in response.content.decode()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"revoked_at": timezone.now()}, "已作废"),
        (
            {
                "expires_at": timezone.now() - datetime.timedelta(seconds=1),
                "created_at": timezone.now() - datetime.timedelta(days=2),
            },
            "已过期",
        ),
    ],
)
def test_revoked_or_expired_codes_are_refused(client, change, message):
    student, guardian = _student_with_guardian()
    code = InvitationCodeFactory(student=student, **change)
    response = client.post(
        reverse("accounts:activate"),
        {
            "code": code.code,
            "mobile": guardian.mobile,
            "password1": "Xy-secret-77",
            "password2": "Xy-secret-77",
        },
    )
    assert message in response.content.decode()
    assert not Guardian.objects.get(pk=guardian.pk).user


def test_a_code_needs_the_mobile_the_school_registered(client):
    student, guardian = _student_with_guardian()
    (code,) = services.invitation_code_issue(students=[student], by=None)
    response = client.post(
        reverse("accounts:activate"),
        {
            "code": code.code,
            "mobile": "13911112222",
            "password1": "Xy-secret-77",
            "password2": "Xy-secret-77",
        },
    )
    assert "邀请码或手机号不正确" in response.content.decode()
    code.refresh_from_db()
    assert code.state == InvitationCode.State.ACTIVE


def test_mismatched_passwords_name_the_field(client):
    student, guardian = _student_with_guardian()
    (code,) = services.invitation_code_issue(students=[student], by=None)
    response = client.post(
        reverse("accounts:activate"),
        {
            "code": code.code,
            "mobile": guardian.mobile,
            "password1": "Xy-secret-77",
            "password2": "other-77-xx",
        },
    )
    assert "两次输入的密码不一致" in response.content.decode()


def test_a_reset_code_for_the_guardian_resets_a_forgotten_password_and_a_letter_code_does_not(
    client,
):
    student, guardian = _student_with_guardian()
    (first,) = services.invitation_code_issue(students=[student], by=None)
    services.parent_account_activate(
        code=first.code, mobile=guardian.mobile, password="Xy-secret-77"
    )
    (letter,) = services.invitation_code_issue(students=[student], by=None)
    with pytest.raises(ValidationError, match="已开通账号"):
        services.parent_account_activate(
            code=letter.code, mobile=guardian.mobile, password="Forgot-it-88"
        )
    (reset,) = services.invitation_code_issue(students=[student], by=None, guardian=guardian)
    services.parent_account_activate(
        code=reset.code, mobile=guardian.mobile, password="Forgot-it-88"
    )
    guardian.refresh_from_db()
    assert guardian.user.check_password("Forgot-it-88")


def test_logged_in_parent_adds_a_second_child(client):
    student, guardian = _student_with_guardian()
    sibling = StudentFactory(school=student.school)
    GuardianshipFactory(guardian=guardian, student=sibling)
    (first, second) = services.invitation_code_issue(students=[student, sibling], by=None)
    user = services.parent_account_activate(
        code=first.code, mobile=guardian.mobile, password="Xy-secret-77"
    )
    client.force_login(user)
    client.post(reverse("accounts:activate"), {"code": second.code, "mobile": guardian.mobile})
    second.refresh_from_db()
    assert second.state == InvitationCode.State.USED
    home = client.get(reverse("home:family-home")).content.decode()
    assert student.name in home and sibling.name in home


def test_issuing_a_new_code_revokes_the_old_one():
    student = StudentFactory()
    admin = school_admin(student.school)
    (old,) = services.invitation_code_issue(students=[student], by=admin)
    (new,) = services.invitation_code_issue(students=[student], by=admin)
    old.refresh_from_db()
    assert old.state == InvitationCode.State.REVOKED and old.revoked_by == admin
    assert new.state == InvitationCode.State.ACTIVE
    assert len(new.code) == 8 and not set(new.code) & set("01OIL")


def test_school_admin_revokes_a_code_and_cannot_revoke_it_twice(client):
    student = StudentFactory()
    admin = school_admin(student.school)
    (code,) = services.invitation_code_issue(students=[student], by=admin)
    client.force_login(admin)
    client.post(reverse("school:invitation-revoke", kwargs={"pk": code.pk}))
    code.refresh_from_db()
    assert code.state == InvitationCode.State.REVOKED
    response = client.post(reverse("school:invitation-revoke", kwargs={"pk": code.pk}), follow=True)
    assert "无法作废" in response.content.decode()


def test_class_letters_list_every_active_code(client):
    student = StudentFactory()
    StudentFactory(school=student.school, homeroom=student.homeroom)
    admin = school_admin(student.school)
    client.force_login(admin)
    response = client.post(
        reverse("school:homeroom-invitations-issue", kwargs={"pk": student.homeroom.pk}),
        follow=True,
    )
    codes = InvitationCode.objects.filter(student__homeroom=student.homeroom)
    assert codes.count() == 2
    page = response.content.decode()
    assert all(c.code in page for c in codes)
    assert 'lang="zh-CN"' in page


def test_bureau_staff_cannot_issue_codes(client):
    student = StudentFactory()
    client.force_login(bureau_staff(student.school.district))
    response = client.post(reverse("school:student-invitation-issue", kwargs={"pk": student.pk}))
    assert response.status_code == 404
    assert not InvitationCode.objects.exists()


def test_role_scope_is_enforced_by_the_database():
    from django.db import IntegrityError

    user = UserFactory()
    with pytest.raises(IntegrityError):
        Role.objects.create(user=user, kind=Role.Kind.BUREAU_STAFF, school=SchoolFactory())


def test_typing_the_mobile_differently_does_not_buy_more_attempts(client, settings):
    student = StudentFactory()
    parent_of(student, mobile="13812345678")
    spellings = [
        "13812345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        "+8613812345678",
        "0086 13812345678",
    ]
    for i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"), {"username": spellings[i % len(spellings)], "password": "x"}
        )
    response = client.post(
        reverse("accounts:login"), {"username": "138 1234 5678", "password": PASSWORD}
    )
    assert response.status_code == 429
