"""An invitation code opens a parent's own account and nothing more."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from afterschool.register import services
from afterschool.register.models import InvitationCode, Role
from tests.factories import (
    GuardianFactory,
    GuardianshipFactory,
    HomeroomFactory,
    InvitationCodeFactory,
    SchoolFactory,
    StudentFactory,
    bureau_staff,
    school_admin,
    teacher,
)

pytestmark = pytest.mark.django_db
NEW = "Brand-new-pass-42"


def _activate(client, code, mobile, password=NEW):
    return client.post(
        reverse("accounts:activate"),
        {"code": code, "mobile": mobile, "password1": password, "password2": password},
    )


def test_another_school_cannot_take_over_a_teacher_who_is_also_a_parent(client):
    # given: a teacher at school A, who linked her own child there with her staff account
    school_a = SchoolFactory()
    colleague = teacher(school_a, mobile="13811112222")
    child = StudentFactory(school=school_a)
    GuardianshipFactory(
        guardian=GuardianFactory(mobile="13811112222", user=colleague, for_student=child),
        student=child,
    )
    # when: school B's admin puts her number on one of B's students and prints a code for it
    school_b = SchoolFactory(district=school_a.district)
    admin_b = school_admin(school_b)
    decoy = StudentFactory(school=school_b)
    services.guardianship_save(
        student=decoy,
        by=admin_b,
        name="某家长",
        mobile="13811112222",
        relation="other",
        may_pick_up=True,
    )
    (code,) = services.invitation_code_issue(students=[decoy], by=admin_b)
    response = _activate(client, code.code, "13811112222")
    # then
    colleague.refresh_from_db()
    assert colleague.check_password("pass-1234-word")
    assert "最早由其他学校登记" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_another_school_cannot_reset_a_parent_of_a_child_elsewhere(client):
    school_a = SchoolFactory()
    child = StudentFactory(school=school_a)
    guardian = GuardianFactory(mobile="13833334444", for_student=child)
    GuardianshipFactory(guardian=guardian, student=child)
    (first,) = services.invitation_code_issue(students=[child], by=None)
    parent = services.parent_account_activate(
        code=first.code, mobile="13833334444", password="Mine-own-77"
    )
    school_b = SchoolFactory(district=school_a.district)
    decoy = StudentFactory(school=school_b)
    GuardianshipFactory(guardian=guardian, student=decoy)
    (code,) = services.invitation_code_issue(students=[decoy], by=school_admin(school_b))
    response = _activate(client, code.code, "13833334444")
    parent.refresh_from_db()
    assert parent.check_password("Mine-own-77")
    assert "最早由其他学校登记" in response.content.decode()


def test_a_logged_in_account_binds_only_its_own_mobile(client):
    student = StudentFactory()
    GuardianshipFactory(
        guardian=GuardianFactory(mobile="13855556666", for_student=student), student=student
    )
    (code,) = services.invitation_code_issue(students=[student], by=None)
    stranger = teacher(SchoolFactory(), mobile="13900009999")
    client.force_login(stranger)
    response = client.post(
        reverse("accounts:activate"), {"code": code.code, "mobile": "13855556666"}
    )
    assert "只能绑定您账号自己的手机号" in response.content.decode()
    code.refresh_from_db()
    assert code.state == InvitationCode.State.ACTIVE


def test_wrong_code_and_wrong_mobile_get_the_same_answer(client):
    student = StudentFactory()
    GuardianshipFactory(
        guardian=GuardianFactory(mobile="13855556666", for_student=student), student=student
    )
    (code,) = services.invitation_code_issue(students=[student], by=None)
    wrong_code = _activate(client, "ZZZZZZZZ", "13855556666").content.decode()
    wrong_mobile = _activate(client, code.code, "13800000000").content.decode()
    assert "邀请码或手机号不正确" in wrong_code and "邀请码或手机号不正确" in wrong_mobile


def test_guessing_against_one_code_is_stopped_after_five_tries(client):
    student = StudentFactory()
    GuardianshipFactory(
        guardian=GuardianFactory(mobile="13855556666", for_student=student), student=student
    )
    (code,) = services.invitation_code_issue(students=[student], by=None)
    for guess in range(5):
        _activate(client, code.code, f"1380000000{guess}")
    response = _activate(client, code.code, "13855556666")
    assert response.status_code == 429
    assert "尝试次数过多" in response.content.decode()
    code.refresh_from_db()
    assert code.state == InvitationCode.State.ACTIVE


def test_one_address_is_stopped_after_thirty_failures(client):
    for guess in range(30):
        _activate(client, f"GUESS{guess:03d}", "13800000000")
    assert _activate(client, "ANYTHING", "13800000000").status_code == 429


def test_a_code_typed_on_a_chinese_keyboard_works(client):
    student = StudentFactory()
    guardian = GuardianFactory(mobile="13855556666", for_student=student)
    GuardianshipFactory(guardian=guardian, student=student)
    InvitationCodeFactory(student=student, code="ABCD2345")
    response = _activate(client, "ａｂｃｄ２３４５", "13855556666")
    assert response.status_code == 302
    guardian.refresh_from_db()
    assert guardian.user is not None


def test_a_child_never_has_two_live_codes():
    student = StudentFactory()
    InvitationCodeFactory(student=student)
    with pytest.raises(IntegrityError):
        InvitationCodeFactory(student=student)


def test_the_head_teacher_issues_a_code_for_her_class_and_no_other(client):
    school = SchoolFactory()
    head = teacher(school)
    mine = StudentFactory(school=school, homeroom=HomeroomFactory(school=school, head_teacher=head))
    other_room = HomeroomFactory(school=school)
    Role.objects.create(
        user=head, kind=Role.Kind.TEACHER, school=SchoolFactory()
    )  # a second school
    from afterschool.register.models import TeachingAssignment

    TeachingAssignment.objects.create(teacher=head, homeroom=other_room, subject="体育")
    theirs = StudentFactory(school=school, homeroom=other_room)
    client.force_login(head)
    assert (
        client.post(reverse("school:student-invitation-issue", kwargs={"pk": mine.pk})).status_code
        == 302
    )
    assert (
        client.post(
            reverse("school:student-invitation-issue", kwargs={"pk": theirs.pk})
        ).status_code
        == 404
    )
    assert InvitationCode.objects.filter(student=mine).exists()
    assert not InvitationCode.objects.filter(student=theirs).exists()


def test_class_codes_skip_families_already_served(client):
    school = SchoolFactory()
    homeroom = HomeroomFactory(school=school)
    activated, with_code, waiting = (
        StudentFactory(school=school, homeroom=homeroom) for _ in range(3)
    )
    GuardianshipFactory(
        student=activated,
        guardian=GuardianFactory(user=teacher(SchoolFactory()), for_student=activated),
    )
    (kept,) = services.invitation_code_issue(students=[with_code], by=None)
    client.force_login(school_admin(school))
    client.post(reverse("school:homeroom-invitations-issue", kwargs={"pk": homeroom.pk}))
    kept.refresh_from_db()
    assert kept.state == InvitationCode.State.ACTIVE
    assert not InvitationCode.objects.filter(student=activated).exists()
    assert InvitationCode.objects.filter(student=waiting, revoked_at__isnull=True).count() == 1


def test_letters_carry_the_address_and_a_qr_code(client):
    school = SchoolFactory()
    student = StudentFactory(school=school)
    (code,) = services.invitation_code_issue(students=[student], by=None)
    client.force_login(school_admin(school))
    page = client.get(
        reverse("school:homeroom-letters-print", kwargs={"pk": student.homeroom_id})
    ).content.decode()
    assert f"http://testserver/accounts/activate/?code={code.code}" in page
    assert "<svg" in page


def test_the_bureau_sees_parents_numbers_masked_and_the_school_in_full(client):
    student = StudentFactory()
    GuardianshipFactory(
        student=student, guardian=GuardianFactory(mobile="13812345678", for_student=student)
    )
    url = reverse("school:student-detail", kwargs={"pk": student.pk})
    client.force_login(bureau_staff(student.school.district))
    page = client.get(url).content.decode()
    assert "138****5678" in page and "13812345678" not in page
    client.force_login(school_admin(student.school))
    assert 'href="tel:13812345678"' in client.get(url).content.decode()


def test_a_teacher_who_is_a_parent_is_told_to_log_in_and_bind(client):
    school = SchoolFactory()
    mum = teacher(school, mobile="13877778888")
    child = StudentFactory(school=school)
    GuardianshipFactory(
        guardian=GuardianFactory(mobile="13877778888", for_student=child), student=child
    )
    (code,) = services.invitation_code_issue(students=[child], by=None)
    assert "请先用它登录" in _activate(client, code.code, "13877778888").content.decode()
    client.force_login(mum)
    client.post(reverse("accounts:activate"), {"code": code.code, "mobile": "13877778888"})
    assert child.name in client.get(reverse("home:family-home")).content.decode()


def test_a_reset_code_works_only_for_its_own_guardian(client):
    student = StudentFactory()
    mother = GuardianFactory(mobile="13866660001", for_student=student)
    father = GuardianFactory(mobile="13866660002", for_student=student)
    for g in (mother, father):
        GuardianshipFactory(guardian=g, student=student)
    for g in (mother, father):
        (code,) = services.invitation_code_issue(students=[student], by=None)
        services.parent_account_activate(code=code.code, mobile=g.mobile, password="Own-pass-2026")
    (reset,) = services.invitation_code_issue(students=[student], by=None, guardian=father)
    response = _activate(
        client, reset.code, mother.mobile
    )  # the mother tries the father's reset code
    assert "邀请码或手机号不正确" in response.content.decode()
    father.refresh_from_db()
    assert father.user.check_password("Own-pass-2026")


def test_only_the_school_admin_issues_reset_codes(client):
    school = SchoolFactory()
    head = teacher(school)
    student = StudentFactory(
        school=school, homeroom=HomeroomFactory(school=school, head_teacher=head)
    )
    link = GuardianshipFactory(
        student=student,
        guardian=GuardianFactory(user=teacher(SchoolFactory()), for_student=student),
    )
    url = reverse(
        "school:guardian-reset-code-issue", kwargs={"student_pk": student.pk, "pk": link.pk}
    )
    client.force_login(head)
    assert client.post(url).status_code == 404
    client.force_login(school_admin(school))
    page = client.post(url, follow=True).content.decode()
    code = InvitationCode.objects.get(student=student)
    assert code.guardian == link.guardian and code.code in page


def test_another_school_cannot_open_an_account_for_a_guardian_it_did_not_register(client):
    # given: a parent registered at school B, who has not signed up yet
    school_b = SchoolFactory()
    b_child = StudentFactory(school=school_b, name="乙校孩子")
    GuardianshipFactory(
        guardian=GuardianFactory(mobile="13899990000", for_student=b_child), student=b_child
    )
    # when: school A puts the number on one of its children and signs up with it
    school_a = SchoolFactory(district=school_b.district)
    admin_a = school_admin(school_a)
    decoy = StudentFactory(school=school_a)
    services.guardianship_save(
        student=decoy,
        by=admin_a,
        name="某人",
        mobile="13899990000",
        relation="other",
        may_pick_up=True,
    )
    (code,) = services.invitation_code_issue(students=[decoy], by=admin_a)
    response = _activate(client, code.code, "13899990000")
    # then
    assert "最早由其他学校登记" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated
    # and a staff account made for that number cannot bind it either
    added = services.staff_add(
        school=school_a, full_name="某人", mobile="13899990000", kinds=["teacher"], by=admin_a
    )
    fake, _ = services.staff_invitation_accept(
        code=added.code, mobile="13899990000", password="Fake-pass-2026"
    )
    client.force_login(fake)
    client.post(reverse("accounts:activate"), {"code": code.code, "mobile": "13899990000"})
    assert "乙校孩子" not in client.get(reverse("home:family-home")).content.decode()


def test_a_bad_password_is_refused_before_the_code_is_looked_at(client):
    student = StudentFactory()
    GuardianshipFactory(
        guardian=GuardianFactory(mobile="13855556666", for_student=student), student=student
    )
    (code,) = services.invitation_code_issue(students=[student], by=None)
    right = _activate(client, code.code, "13855556666", password="1").content.decode()
    wrong = _activate(client, "ZZZZ2345", "13855556666", password="1").content.decode()
    assert "邀请码或手机号不正确" not in right and "邀请码或手机号不正确" not in wrong


def test_the_limit_counts_attempts_before_they_run():
    from afterschool.register import throttle

    # Five attempts in flight at once all count: the sixth is refused even before any has failed.
    assert all(throttle.activation_attempt(ip="10.0.0.1", code="ABCD2345") for _ in range(5))
    assert not throttle.activation_attempt(ip="10.0.0.2", code="ABCD2345")


def test_parents_who_get_it_right_do_not_use_up_a_shared_address():
    from afterschool.register import throttle

    for i in range(100):  # a parents' meeting on the school's Wi-Fi
        assert throttle.activation_attempt(ip="10.0.0.9", code=f"CODE{i:04d}")
        throttle.activation_succeeded(ip="10.0.0.9", code=f"CODE{i:04d}")


def test_an_ipv6_client_is_counted_by_its_network():
    from afterschool.register import throttle

    for i in range(30):
        throttle.activation_attempt(ip=f"2001:db8::{i:x}", code="")
    assert not throttle.activation_attempt(ip="2001:db8::ffff", code="")


def test_the_letters_link_keeps_the_code_out_of_the_address_bar(client):
    student = StudentFactory()
    GuardianshipFactory(
        guardian=GuardianFactory(mobile="13855556666", for_student=student), student=student
    )
    (code,) = services.invitation_code_issue(students=[student], by=None)
    # when: the QR code opens the page with the code in the address
    response = client.get(f"{reverse('accounts:activate')}?code={code.code.lower()}")
    # then: the page reloads at a clean address, the code filled in from the session
    assert response.status_code == 302 and response.url == reverse("accounts:activate")
    page = client.get(response.url).content.decode()
    assert f'value="{code.code}"' in page
    # and once used, the code is forgotten
    _activate(client, code.code, "13855556666")
    assert "activation_code" not in client.session


def test_a_code_in_the_address_is_cleaned_before_it_is_kept(client):
    client.get(reverse("accounts:activate"), {"code": "<script>" + "x" * 500})
    assert client.session["activation_code"] == ("SCRIPT" + "X" * 500)[:20]


def test_the_wrong_code_message_follows_the_chosen_language(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    page = _activate(client, "ZZZZ2345", "13855556666").content.decode()
    assert "The invitation code or mobile number is not correct" in page
