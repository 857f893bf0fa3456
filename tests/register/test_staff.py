import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from afterschool.register.models import AuditEntry, Role, StaffInvitation, User
from tests.factories import (
    HomeroomFactory,
    SchoolFactory,
    StudentFactory,
    bureau_staff,
    parent_of,
    school_admin,
    teacher,
)

pytestmark = pytest.mark.django_db
NEW = "Brand-new-pass-42"


def _add(client, school, **data):
    payload = {"full_name": "李老师", "mobile": "138 0000 1111", "kinds": ["teacher"]} | data
    return client.post(
        reverse("school:staff-list", kwargs={"school_pk": school.pk}), payload, follow=True
    )


def _code(page: str) -> str:
    return re.search(r"邀请码：([2-9A-HJ-NP-Z]{8})", page).group(1)


def _join(client, code, mobile="13800001111", password=NEW, **extra):
    data = {"code": code, "mobile": mobile, "password1": password, "password2": password} | extra
    return client.post(reverse("accounts:staff-join"), data, follow=True)


def test_admin_invites_a_teacher_who_joins_with_the_code_and_logs_in_by_mobile(client):
    # given the admin adds a teacher: an invitation, its code shown once
    school = SchoolFactory()
    client.force_login(school_admin(school))
    page = _add(client, school).content.decode()
    code = _code(page)
    assert "请当面告知" in page and not User.objects.filter(mobile="13800001111").exists()
    invitation = StaffInvitation.objects.get()
    assert code not in str(vars(invitation))  # only a keyed digest is stored
    # when the teacher opens the join page, types the code and her mobile, and sets a password
    client.logout()
    assert client.get(reverse("accounts:staff-join") + f"?code={code}").status_code == 200
    response = _join(client, code.lower(), mobile="138-0000-1111")
    # then she has the role, under the name the school typed, and lands on her day
    assert response.redirect_chain[-1][0] == reverse("home:teacher-today")
    user = User.objects.get(mobile="13800001111")
    assert (user.full_name, user.roles.get().kind) == ("李老师", Role.Kind.TEACHER)
    invitation.refresh_from_db()
    assert invitation.state == StaffInvitation.State.ACCEPTED and invitation.accepted_by == user
    assert AuditEntry.objects.filter(action="register.staff_invite_accept", actor=user).exists()
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": "13800001111", "password": NEW}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home:teacher-today")
    # and the code works once
    client.logout()
    assert "已接受" in _join(client, code).content.decode()


def test_adding_a_colleague_of_this_school_adds_the_roles_at_once(client):
    school = SchoolFactory()
    colleague = teacher(school, mobile="13800001111", full_name="钱老师")
    client.force_login(school_admin(school))
    page = _add(client, school, full_name="别的名字", kinds=["duty_leader"]).content.decode()
    assert "已为 钱老师 添加角色" in page and "邀请码：" not in page
    assert set(colleague.roles.values_list("kind", flat=True)) == {"teacher", "duty_leader"}
    entry = AuditEntry.objects.get(action="register.role_grant")
    assert entry.details["roles"] == ["带班领导"] and entry.target_label == "钱老师"
    assert not StaffInvitation.objects.exists()


def test_someone_with_an_account_elsewhere_logs_in_to_accept(client):
    # given a teacher of another district's school
    elsewhere = teacher(SchoolFactory(), mobile="13800001111", full_name="孙老师")
    school = SchoolFactory()
    client.force_login(school_admin(school))
    code = _code(_add(client, school, kinds=["teacher", "duty_leader"]).content.decode())
    client.logout()
    # when she uses the code without logging in, she is asked to log in; nothing is used up
    page = _join(client, code).content.decode()
    assert "该手机号已有账号，请先登录" in page
    assert StaffInvitation.objects.get().state == StaffInvitation.State.ACTIVE
    # when she logs in and accepts
    client.force_login(elsewhere)
    page = client.get(reverse("accounts:staff-join") + f"?code={code}").content.decode()
    assert "孙老师" in page  # she is told the name the school will see
    response = client.post(
        reverse("accounts:staff-join"), {"code": code, "mobile": "13800001111"}, follow=True
    )
    # then the roles are hers, and her password and other school stand
    assert response.status_code == 200
    assert set(elsewhere.roles.filter(school=school).values_list("kind", flat=True)) == {
        "teacher",
        "duty_leader",
    }
    assert elsewhere.roles.count() == 3
    elsewhere.refresh_from_db()
    assert elsewhere.check_password("pass-1234-word") and elsewhere.full_name == "孙老师"


def test_a_parent_accepts_a_staff_invitation_for_her_own_mobile(client):
    school = SchoolFactory()
    mum = parent_of(StudentFactory(school=school), mobile="13800001111", full_name="周敏")
    client.force_login(school_admin(school))
    code = _code(_add(client, school, full_name="周敏").content.decode())
    client.force_login(mum)
    client.post(reverse("accounts:staff-join"), {"code": code, "mobile": "13800001111"})
    assert mum.roles.get().kind == Role.Kind.TEACHER
    client.force_login(mum)
    assert client.get(reverse("home:family-home")).status_code == 200


def test_an_account_with_another_mobile_cannot_accept(client):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    code = _code(_add(client, school).content.decode())
    stranger = teacher(SchoolFactory(), mobile="13900009999")
    client.force_login(stranger)
    page = client.post(
        reverse("accounts:staff-join"), {"code": code, "mobile": "13800001111"}
    ).content.decode()
    assert "只能接受发给您本人手机号的邀请" in page
    assert not stranger.roles.filter(school=school).exists()
    assert StaffInvitation.objects.get().state == StaffInvitation.State.ACTIVE


def test_a_wrong_code_and_a_wrong_mobile_get_the_same_answer(client):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    code = _code(_add(client, school).content.decode())
    client.logout()
    wrong_code = _join(client, "ZZZZ2345").content.decode()
    wrong_mobile = _join(client, code, mobile="13800002222").content.decode()
    assert "邀请码或手机号不正确" in wrong_code and "邀请码或手机号不正确" in wrong_mobile
    assert not User.objects.filter(mobile__in=["13800001111", "13800002222"]).exists()


@pytest.mark.parametrize(("state", "message"), [("revoked", "已作废"), ("expired", "已过期")])
def test_a_revoked_or_expired_code_is_refused(client, state, message):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    code = _code(_add(client, school).content.decode())
    now = timezone.now()
    if state == "revoked":
        StaffInvitation.objects.update(revoked_at=now)
    else:
        StaffInvitation.objects.update(
            created_at=now - datetime.timedelta(days=30),
            expires_at=now - datetime.timedelta(days=1),
        )
    client.logout()
    assert message in _join(client, code).content.decode()
    assert not User.objects.filter(mobile="13800001111").exists()


def test_admin_revokes_and_reissues_a_pending_invitation(client):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    first = _code(_add(client, school).content.decode())
    invitation = StaffInvitation.objects.get()
    listing = client.get(reverse("school:staff-list", kwargs={"school_pk": school.pk}))
    assert "待接受" in listing.content.decode() and "138****1111" in listing.content.decode()
    kwargs = {"school_pk": school.pk, "pk": invitation.pk}
    page = client.post(
        reverse("school:staff-invitation-reissue", kwargs=kwargs), follow=True
    ).content.decode()
    second = _code(page)
    invitation.refresh_from_db()
    assert invitation.state == StaffInvitation.State.REVOKED and second != first
    renewed = StaffInvitation.objects.pending().get()
    page = client.post(
        reverse(
            "school:staff-invitation-revoke", kwargs={"school_pk": school.pk, "pk": renewed.pk}
        ),
        follow=True,
    ).content.decode()
    assert "已作废" in page and not StaffInvitation.objects.pending().exists()
    client.logout()
    assert "邀请码已作废" in _join(client, second).content.decode()
    assert "邀请码已作废" in _join(client, first).content.decode()
    assert {e.action for e in AuditEntry.objects.all()} >= {
        "register.staff_invite",
        "register.staff_invite_revoke",
    }


def test_adding_the_same_mobile_again_replaces_the_open_invitation(client):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    first = _code(_add(client, school).content.decode())
    second = _code(_add(client, school, kinds=["duty_leader"]).content.decode())
    client.logout()
    assert "已作废" in _join(client, first).content.decode()
    _join(client, second)
    assert User.objects.get(mobile="13800001111").roles.get().kind == Role.Kind.DUTY_LEADER


def test_guessing_staff_codes_is_stopped(client):
    for guess in range(30):
        _join(client, f"GUESS{guess:03d}")
    response = client.post(
        reverse("accounts:staff-join"),
        {"code": "ANYTHING", "mobile": "13800001111", "password1": NEW, "password2": NEW},
    )
    assert response.status_code == 429 and "尝试次数过多" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"mobile": "12345"}, "请输入 11 位大陆手机号"),
        ({"full_name": " "}, "这个字段是必填项"),
        ({"kinds": []}, "请至少选择一个角色"),
    ],
)
def test_bad_staff_input_names_the_field(client, data, message):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    assert message in _add(client, school, **data).content.decode()
    assert not User.objects.filter(mobile="13800001111").exists()


def test_removing_the_teacher_role_ends_head_teaching(client):
    school = SchoolFactory()
    head = teacher(school)
    homeroom = HomeroomFactory(school=school, head_teacher=head)
    client.force_login(school_admin(school))
    role = head.roles.get()
    client.post(reverse("school:role-remove", kwargs={"school_pk": school.pk, "pk": role.pk}))
    homeroom.refresh_from_db()
    assert homeroom.head_teacher is None


def test_an_admin_cannot_remove_their_own_admin_role(client):
    school = SchoolFactory()
    admin = school_admin(school)
    client.force_login(admin)
    role = admin.roles.get()
    page = client.post(
        reverse("school:role-remove", kwargs={"school_pk": school.pk, "pk": role.pk}), follow=True
    )
    assert "不能取消自己的管理员角色" in page.content.decode()
    assert Role.objects.filter(pk=role.pk).exists()


def test_head_teacher_must_teach_at_the_school(client):
    school = SchoolFactory()
    homeroom = HomeroomFactory(school=school)
    outsider = teacher(SchoolFactory())
    client.force_login(school_admin(school))
    url = reverse("school:homeroom-head-teacher-set", kwargs={"pk": homeroom.pk})
    client.post(url, {"head_teacher": outsider.pk})
    homeroom.refresh_from_db()
    assert homeroom.head_teacher is None
    colleague = teacher(school)
    client.post(url, {"head_teacher": colleague.pk})
    homeroom.refresh_from_db()
    assert homeroom.head_teacher == colleague


def test_a_new_head_teacher_sees_the_class_on_their_today_page(client):
    school = SchoolFactory()
    homeroom = HomeroomFactory(school=school)
    StudentFactory(school=school, homeroom=homeroom)
    colleague = teacher(school)
    client.force_login(school_admin(school))
    client.post(
        reverse("school:homeroom-head-teacher-set", kwargs={"pk": homeroom.pk}),
        {"head_teacher": colleague.pk},
    )
    client.force_login(colleague)
    page = client.get(reverse("home:teacher-today")).content.decode()
    assert "我是班主任" in page and homeroom.name in page


def test_bureau_sees_staff_but_cannot_add(client):
    school = SchoolFactory()
    teacher(school, full_name="赵老师")
    client.force_login(bureau_staff(school.district))
    url = reverse("school:staff-list", kwargs={"school_pk": school.pk})
    assert "赵老师" in client.get(url).content.decode()
    assert (
        client.post(
            url, {"full_name": "x", "mobile": "13800001111", "kinds": ["teacher"]}
        ).status_code
        == 404
    )


def test_the_homeroom_page_offers_the_schools_teachers_as_head_teacher(client):
    school = SchoolFactory()
    homeroom = HomeroomFactory(school=school)
    teacher(school, full_name="钱老师")
    teacher(SchoolFactory(), full_name="孙老师")
    client.force_login(school_admin(school))
    page = client.get(
        reverse("school:homeroom-detail", kwargs={"pk": homeroom.pk})
    ).content.decode()
    assert "钱老师" in page and "孙老师" not in page


def test_only_the_schools_admin_revokes_or_reissues_its_invitations(client):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    _add(client, school)
    invitation = StaffInvitation.objects.get()
    elsewhere = SchoolFactory()
    intruders = [
        (bureau_staff(school.district), school),
        (teacher(school), school),
        (school_admin(elsewhere), elsewhere),  # through their own school's address
    ]
    for user, through in intruders:
        client.force_login(user)
        for name in ("school:staff-invitation-revoke", "school:staff-invitation-reissue"):
            url = reverse(name, kwargs={"school_pk": through.pk, "pk": invitation.pk})
            assert client.post(url).status_code == 404, (user, name)
    invitation.refresh_from_db()
    assert invitation.state == StaffInvitation.State.ACTIVE
    client.force_login(bureau_staff(school.district))
    page = client.get(reverse("school:staff-list", kwargs={"school_pk": school.pk}))
    assert "待接受的邀请" not in page.content.decode()


def test_a_double_submitted_invitation_leaves_one_open():
    from afterschool.register import services

    school = SchoolFactory()
    admin = school_admin(school)
    for _ in range(2):
        services.staff_add(
            school=school, full_name="李老师", mobile="13800001111", kinds=["teacher"], by=admin
        )
    assert StaffInvitation.objects.pending().count() == 1
    assert StaffInvitation.objects.count() == 2
