"""Nothing crosses a district line: a school never sees, or attaches to, what another district holds.

District A's school registered 王芳 (13812345678) for its child and she activated her account. District B's
school then types the same mobile, for its own child, as a guardian, in a roster, or as a new colleague.
"""

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse

from afterschool.register import roster, selectors, services
from afterschool.register.models import AuditEntry, Guardian, Role, User
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
MOBILE = "13812345678"


@dataclass
class World:
    a_school: object
    a_child: object
    a_parent: object
    b_school: object
    b_child: object
    b_admin: object

    @property
    def a_record(self) -> Guardian:
        return Guardian.objects.get(district=self.a_school.district, mobile=MOBILE)


@pytest.fixture
def world():
    a_school = SchoolFactory(name="甲区学校")
    a_child = StudentFactory(school=a_school, name="甲区孩子")
    a_parent = parent_of(a_child, mobile=MOBILE, username=MOBILE, full_name="王芳")
    b_school = SchoolFactory(name="乙区学校")  # another district
    assert b_school.district_id != a_school.district_id
    b_child = StudentFactory(school=b_school, name="乙区孩子")
    b_admin = school_admin(b_school, full_name="乙区管理员")
    return World(a_school, a_child, a_parent, b_school, b_child, b_admin)


def _add_guardian(client, student, name, mobile=MOBILE):
    return client.post(
        reverse("school:guardianship-create", kwargs={"student_pk": student.pk}),
        {"name": name, "mobile": mobile, "relation": "mother", "may_pick_up": "on"},
        follow=True,
    )


def test_adding_another_districts_parent_by_mobile_shows_nothing_of_them(client, world):
    # when district B's admin adds a guardian with district A's parent's mobile, under another name
    client.force_login(world.b_admin)
    page = _add_guardian(client, world.b_child, "王小芳", "138 1234 5678").content.decode()
    # then B sees its own record: the name it typed, no account badge, no note about another school
    assert "王小芳" in page
    assert "王芳" not in page and "已开通账号" not in page and "姓名保持为" not in page
    b_record = Guardian.objects.get(district=world.b_school.district, mobile=MOBILE)
    assert b_record != world.a_record
    assert (b_record.name, b_record.user) == ("王小芳", None)
    # and A's record, its account and its children are untouched
    a_record = world.a_record
    assert (a_record.name, a_record.user) == ("王芳", world.a_parent)
    assert list(a_record.students.all()) == [world.a_child]
    assert list(selectors.children_for_parent(world.a_parent)) == [world.a_child]


def test_a_guardian_page_reads_the_same_whatever_another_district_holds(client, world):
    # given a second school of district B adding a mobile nobody registered anywhere
    twin = SchoolFactory(district=world.b_school.district, name="乙区学校")
    twin_child = StudentFactory(school=twin, name="乙区孩子")
    client.force_login(world.b_admin)
    known = _add_guardian(client, world.b_child, "王小芳").content.decode()
    client.force_login(school_admin(twin, full_name="乙区管理员"))
    unknown = _add_guardian(client, twin_child, "王小芳", "13912345678").content.decode()

    def normal(page, student, mobile):
        page = page.replace(mobile, "M").replace(f"{mobile[:3]}****{mobile[-4:]}", "m")
        page = page.replace(student.student_no, "NO").replace(student.homeroom.name, "ROOM")
        page = re.sub(r"/\d+/", "/N/", page)
        return re.sub(r"[A-Za-z0-9]{64}", "TOKEN", page)  # CSRF tokens

    assert normal(known, world.b_child, MOBILE) == normal(unknown, twin_child, "13912345678")


def test_renumbering_a_guardian_to_another_districts_mobile_makes_no_link(client, world):
    client.force_login(world.b_admin)
    _add_guardian(client, world.b_child, "李四", "13900000001")
    link = world.b_child.guardianships.get()
    client.post(
        reverse(
            "school:guardianship-update", kwargs={"student_pk": world.b_child.pk, "pk": link.pk}
        ),
        {"name": "李四", "mobile": MOBILE, "relation": "father"},
    )
    link.refresh_from_db()
    assert link.guardian.district_id == world.b_school.district_id
    assert link.guardian.user is None and link.guardian.name == "李四"
    assert world.a_record.name == "王芳" and list(world.a_record.students.all()) == [world.a_child]


def test_a_roster_with_another_districts_mobile_gets_a_new_guardian_and_no_note(world):
    from tests.register.test_roster_import import row, xlsx_file

    rows = [row(学籍号="G0001", 监护人姓名="本校写法", 监护人手机=MOBILE)]
    preview = roster.roster_import(
        school=world.b_school, dataset_or_file=xlsx_file(rows), dry_run=True
    )
    assert preview.ok and preview.guardians_new == 1 and preview.guardians_renamed == 0
    assert (preview.changes, preview.notes) == ([], [])
    result = roster.roster_import(
        school=world.b_school, dataset_or_file=xlsx_file(rows), by=world.b_admin, dry_run=False
    )
    assert result.saved
    b_record = Guardian.objects.get(district=world.b_school.district, mobile=MOBILE)
    assert (b_record.name, b_record.user) == ("本校写法", None)
    assert world.a_record.name == "王芳" and world.a_record.students.count() == 1


def test_another_districts_parent_binds_this_districts_record_only_themselves(client, world):
    # given district B registered her mobile and printed a letter for its child
    client.force_login(world.b_admin)
    _add_guardian(client, world.b_child, "王小芳")
    (code,) = services.invitation_code_issue(students=[world.b_child], by=world.b_admin)
    detail = reverse("school:student-detail", kwargs={"pk": world.b_child.pk})
    assert "已开通账号" not in client.get(detail).content.decode()
    # when she, logged in with her account, redeems B's code
    client.force_login(world.a_parent)
    client.post(reverse("accounts:activate"), {"code": code.code, "mobile": MOBILE})
    # then she sees both children, and B's page shows B's record activated, under B's name
    home = client.get(reverse("home:family-home")).content.decode()
    assert "甲区孩子" in home and "乙区孩子" in home
    client.force_login(world.b_admin)
    page = client.get(detail).content.decode()
    assert "已开通账号" in page and "王小芳" in page and "王芳" not in page
    audit = client.get(
        reverse("school:audit-list", kwargs={"school_pk": world.b_school.pk})
    ).content.decode()
    assert "家长使用邀请码" in audit and "王芳" not in audit


def test_another_districts_school_cannot_reset_a_shared_account(client, world):
    # given she bound district B's record to her account
    client.force_login(world.b_admin)
    _add_guardian(client, world.b_child, "王小芳")
    (code,) = services.invitation_code_issue(students=[world.b_child], by=world.b_admin)
    services.parent_account_activate(
        code=code.code, mobile=MOBILE, password="", user=world.a_parent
    )
    # when B's admin issues a reset code for her and uses it
    b_record = Guardian.objects.get(district=world.b_school.district, mobile=MOBILE)
    (reset,) = services.invitation_code_issue(
        students=[world.b_child], by=world.b_admin, guardian=b_record
    )
    client.logout()
    page = client.post(
        reverse("accounts:activate"),
        {
            "code": reset.code,
            "mobile": MOBILE,
            "password1": "Taken-over-1",
            "password2": "Taken-over-1",
        },
    ).content.decode()
    # then the account keeps its password: district A's child is not B's to open
    assert "不能用重设密码码重设密码" in page
    world.a_parent.refresh_from_db()
    assert world.a_parent.check_password("pass-1234-word")


def test_a_school_never_links_a_child_to_an_account_of_another_district(world):
    services.guardianship_save(
        student=world.b_child,
        by=world.b_admin,
        name="王芳",
        mobile=MOBILE,
        relation="mother",
        may_pick_up=True,
    )
    assert world.b_child not in selectors.children_for_parent(world.a_parent)
    assert not Guardian.objects.filter(user=world.a_parent, district=world.b_school.district)


# --- Staff ----------------------------------------------------------------------------------------


def _add_staff(client, school, name, mobile):
    return client.post(
        reverse("school:staff-list", kwargs={"school_pk": school.pk}),
        {"full_name": name, "mobile": mobile, "kinds": ["teacher"]},
        follow=True,
    )


def _message(page: str) -> str:
    (alert,) = re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)<button', page, flags=re.S)
    return " ".join(alert.split())


@pytest.mark.parametrize("elsewhere", ["parent", "teacher"])
def test_adding_staff_answers_the_same_whatever_the_mobile_holds_elsewhere(
    client, world, elsewhere
):
    # given the mobile is a parent's account in district A (or a teacher's there)
    if elsewhere == "teacher":
        teacher(world.a_school, mobile="13812340000", username="13812340000", full_name="王芳")
    taken = MOBILE if elsewhere == "parent" else "13812340000"
    client.force_login(world.b_admin)
    # when B's admin adds that mobile, with the right name, and then a mobile nobody has
    known = _add_staff(client, world.b_school, "王芳", taken).content.decode()
    fresh = _add_staff(client, world.b_school, "王芳", "13700000000").content.decode()
    # then both answers read alike: an invitation with a code, and no roles for anyone yet
    code_pattern = r"[2-9A-HJ-NP-Z]{8}"
    assert re.sub(code_pattern, "C", _message(known)) == re.sub(code_pattern, "C", _message(fresh))
    assert "请当面告知" in _message(known)
    assert "已是一位家长" not in known and "已有账号" not in known
    assert not Role.objects.filter(school=world.b_school, kind=Role.Kind.TEACHER).exists()
    owner = User.objects.get(mobile=taken)
    assert not owner.roles.filter(school=world.b_school).exists()
    assert owner.check_password("pass-1234-word")
    assert world.a_record.user == world.a_parent


def test_staff_audit_and_pages_show_no_full_mobile_to_the_bureau(client, world):
    client.force_login(world.b_admin)
    _add_staff(client, world.b_school, "赵老师", "13700000000")
    entry = AuditEntry.objects.get(action="register.staff_invite")
    assert "13700000000" not in str(entry.details) and "137****0000" in str(entry.details)
    client.force_login(bureau_staff(world.b_school.district))
    page = client.get(
        reverse("school:audit-list", kwargs={"school_pk": world.b_school.pk})
    ).content.decode()
    assert "邀请 赵老师（137****0000）加入本校" in page and "13700000000" not in page


# --- What the bureau sees -------------------------------------------------------------------------


def test_no_page_the_bureau_opens_shows_a_full_mobile(client):
    from tests.test_url_walk import OBJECT_URLS, _fill, all_urls

    # given a school whose admin, teachers, head teacher and guardians all have mobiles
    school = SchoolFactory()
    admin = school_admin(school, mobile="13500000001", username="13500000001", full_name="管理员")
    # the head teacher's account has no name: its username, her mobile, must not show either
    head = teacher(school, mobile="13500000002", username="13500000002", full_name="")
    student = StudentFactory(
        school=school, homeroom=HomeroomFactory(school=school, head_teacher=head)
    )
    services.guardianship_save(
        student=student,
        by=admin,
        name="家长甲",
        mobile="13500000003",
        relation="mother",
        may_pick_up=True,
    )
    parent_of(student, mobile="13500000004", username="13500000004", full_name="家长乙")
    services.staff_add(
        school=school, full_name="新老师", mobile="13500000005", kinds=["teacher"], by=admin
    )
    services.staff_add(
        school=school, full_name="班主任", mobile="13500000002", kinds=["duty_leader"], by=admin
    )
    services.role_remove(role=head.roles.get(kind="duty_leader"), by=admin)
    services.homeroom_head_teacher_set(homeroom=student.homeroom, teacher=head, by=admin)
    mobiles = [f"1350000000{i}" for i in range(1, 6)]
    values = {
        "school": {"school_pk": school.pk},
        "student": {"pk": student.pk},
        "homeroom": {"pk": student.homeroom_id},
    }
    client.force_login(bureau_staff(school.district))
    pages = [reverse("home:bureau-overview")] + [
        _fill(route, values[OBJECT_URLS[name][0]])
        for name, route in all_urls()
        if name in OBJECT_URLS and "bureau" in OBJECT_URLS[name][2]
    ]
    assert len(pages) >= 8
    for path in pages:
        page = client.get(path).content.decode()
        assert not [m for m in mobiles if m in page], f"a full mobile on {path}"
    staff_page = client.get(
        reverse("school:staff-list", kwargs={"school_pk": school.pk})
    ).content.decode()
    assert "135****0002" in staff_page  # masked, as guardians' are
