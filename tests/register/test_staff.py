import pytest
from django.urls import reverse

from afterschool.register.models import Role, User
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


def _add(client, school, **data):
    payload = {"full_name": "李老师", "mobile": "138 0000 1111", "kinds": ["teacher"]} | data
    return client.post(
        reverse("school:staff-list", kwargs={"school_pk": school.pk}), payload, follow=True
    )


def test_admin_adds_a_teacher_who_can_then_log_in_by_mobile(client):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    page = _add(client, school).content.decode()
    user = User.objects.get(mobile="13800001111")
    assert user.roles.get().kind == Role.Kind.TEACHER
    password = page.split("初始密码 ")[1].split("（")[0]
    client.logout()
    response = client.post(
        reverse("accounts:login"), {"username": "13800001111", "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("teacher:today")


def test_adding_an_existing_person_adds_the_role_without_a_new_password(client):
    school = SchoolFactory()
    existing = teacher(SchoolFactory(), mobile="13800001111")
    client.force_login(school_admin(school))
    page = _add(client, school, kinds=["teacher", "duty_leader"]).content.decode()
    assert "初始密码" not in page
    assert set(existing.roles.filter(school=school).values_list("kind", flat=True)) == {
        "teacher",
        "duty_leader",
    }


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
    url = reverse("school:homeroom-head-teacher", kwargs={"pk": homeroom.pk})
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
        reverse("school:homeroom-head-teacher", kwargs={"pk": homeroom.pk}),
        {"head_teacher": colleague.pk},
    )
    client.force_login(colleague)
    page = client.get(reverse("teacher:today")).content.decode()
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


def test_a_parents_number_with_another_name_is_refused(client):
    school = SchoolFactory()
    parent_of(StudentFactory(school=school), mobile="13800001111", full_name="王芳")
    client.force_login(school_admin(school))
    assert "已是一位家长的账号" in _add(client, school).content.decode()


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
