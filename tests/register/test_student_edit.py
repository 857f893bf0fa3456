import pytest
from django.urls import reverse

from afterschool.register.models import AuditEntry, Guardian, Guardianship
from tests.factories import (
    GuardianFactory,
    GuardianshipFactory,
    HomeroomFactory,
    SchoolFactory,
    StudentFactory,
    bureau_staff,
    school_admin,
    teacher,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(client):
    student = StudentFactory(name="张小明")
    admin = school_admin(student.school, full_name="教务王老师")
    client.force_login(admin)
    return student, admin


def _student_data(student, **changes):
    data = {
        "name": student.name,
        "gender": student.gender,
        "homeroom": student.homeroom_id,
        "status": student.status,
    }
    data.update(changes)
    return data


def test_moving_a_student_to_another_class_is_recorded(client, setup):
    student, admin = setup
    other = HomeroomFactory(school=student.school)
    old_homeroom = student.homeroom
    response = client.post(
        reverse("school:student-edit", kwargs={"pk": student.pk}),
        _student_data(student, homeroom=other.pk, is_left_behind="on"),
    )
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.homeroom == other and student.is_left_behind
    entry = AuditEntry.objects.get(action="register.student_update")
    assert entry.actor == admin
    assert entry.details["changes"]["班级"] == [old_homeroom.name, other.name]
    assert entry.details["changes"]["留守儿童"] == ["否", "是"]


def test_a_student_cannot_move_to_another_schools_class(client, setup):
    student, _ = setup
    foreign = HomeroomFactory(school=SchoolFactory())
    response = client.post(
        reverse("school:student-edit", kwargs={"pk": student.pk}),
        _student_data(student, homeroom=foreign.pk),
    )
    assert response.status_code == 200
    student.refresh_from_db()
    assert student.homeroom != foreign


def test_an_empty_name_is_refused_by_field(client, setup):
    student, _ = setup
    response = client.post(
        reverse("school:student-edit", kwargs={"pk": student.pk}), _student_data(student, name="")
    )
    assert "这个字段是必填项" in response.content.decode()


def test_adding_a_guardian_by_mobile_reuses_the_person(client, setup):
    student, _ = setup
    sibling_parent = GuardianFactory(mobile="13600000001", name="李娜", for_student=student)
    response = client.post(
        reverse("school:guardianship-create", kwargs={"student_pk": student.pk}),
        {"name": "李娜", "mobile": "136-0000-0001", "relation": "mother", "may_pick_up": "on"},
    )
    assert response.status_code == 302
    link = Guardianship.objects.get(student=student)
    assert link.guardian == sibling_parent and link.may_pick_up
    assert Guardian.objects.filter(mobile="13600000001").count() == 1


def test_withdrawing_pickup_permission_is_recorded_with_the_previous_value(client, setup):
    student, admin = setup
    link = GuardianshipFactory(student=student, relation="father", may_pick_up=True)
    client.post(
        reverse("school:guardianship-update", kwargs={"student_pk": student.pk, "pk": link.pk}),
        {"name": link.guardian.name, "mobile": link.guardian.mobile, "relation": "father"},
    )
    link.refresh_from_db()
    assert link.may_pick_up is False
    entry = AuditEntry.objects.get(action="register.guardian_save")
    assert entry.details["changes"] == {"可接送": ["是", "否"]}
    assert entry.actor == admin
    withdrawal = AuditEntry.objects.get(action="register.pickup_withdraw")
    assert withdrawal.target_id == student.pk and withdrawal.actor == admin
    assert link.guardian.name in withdrawal.details["guardian"]


def test_the_same_guardian_cannot_be_added_twice(client, setup):
    student, _ = setup
    link = GuardianshipFactory(student=student)
    response = client.post(
        reverse("school:guardianship-create", kwargs={"student_pk": student.pk}),
        {"name": "x", "mobile": link.guardian.mobile, "relation": "other"},
    )
    assert "已登记为这名学生的监护人" in response.content.decode()


def test_a_bad_mobile_names_the_field(client, setup):
    student, _ = setup
    response = client.post(
        reverse("school:guardianship-create", kwargs={"student_pk": student.pk}),
        {"name": "王五", "mobile": "1234", "relation": "other"},
    )
    assert "请输入 11 位大陆手机号" in response.content.decode()
    assert not Guardian.objects.filter(name="王五").exists()


def test_removing_a_guardian_keeps_the_person(client, setup):
    student, _ = setup
    link = GuardianshipFactory(student=student)
    client.post(
        reverse("school:guardianship-remove", kwargs={"student_pk": student.pk, "pk": link.pk})
    )
    assert not Guardianship.objects.filter(pk=link.pk).exists()
    assert Guardian.objects.filter(pk=link.guardian_id).exists()
    assert AuditEntry.objects.filter(action="register.guardian_remove").exists()


def test_the_audit_page_shows_who_did_what(client, setup):
    student, admin = setup
    client.post(
        reverse("school:student-edit", kwargs={"pk": student.pk}),
        _student_data(student, name="张晓明"),
    )
    page = client.get(
        reverse("school:audit-list", kwargs={"school_pk": student.school_id})
    ).content.decode()
    assert "修改学生信息" in page and "教务王老师" in page


@pytest.mark.parametrize(
    "make_user", [lambda s: teacher(s.school), lambda s: bureau_staff(s.school.district)]
)
def test_only_the_schools_admin_edits(client, make_user):
    student = StudentFactory()
    client.force_login(make_user(student))
    assert client.get(reverse("school:student-edit", kwargs={"pk": student.pk})).status_code == 404


def test_a_guardian_shared_with_another_school_keeps_their_name_and_number(client, setup):
    student, _ = setup
    elsewhere = StudentFactory(school=SchoolFactory(district=student.school.district))
    shared = GuardianFactory(mobile="13600000009", name="周敏", for_student=elsewhere)
    GuardianshipFactory(guardian=shared, student=elsewhere)
    response = client.post(
        reverse("school:guardianship-create", kwargs={"student_pk": student.pk}),
        {"name": "周小敏", "mobile": "13600000009", "relation": "mother", "may_pick_up": "on"},
        follow=True,
    )
    shared.refresh_from_db()
    assert shared.name == "周敏"
    assert "姓名保持为“周敏”" in response.content.decode()
    link = Guardianship.objects.get(student=student)
    # A new number typed for the shared guardian makes a new guardian: the other school's number stands.
    client.post(
        reverse("school:guardianship-update", kwargs={"student_pk": student.pk, "pk": link.pk}),
        {"name": "周敏", "mobile": "13600000010", "relation": "mother", "may_pick_up": "on"},
    )
    shared.refresh_from_db()
    assert shared.mobile == "13600000009"
    link.refresh_from_db()
    assert link.guardian.mobile == "13600000010" and link.guardian != shared


def test_a_guardian_of_this_school_only_is_renamed_and_renumbered(client, setup):
    student, _ = setup
    link = GuardianshipFactory(
        student=student,
        guardian=GuardianFactory(mobile="13600000011", name="钱一", for_student=student),
    )
    client.post(
        reverse("school:guardianship-update", kwargs={"student_pk": student.pk, "pk": link.pk}),
        {"name": "钱二", "mobile": "13600000012", "relation": "father"},
    )
    link.guardian.refresh_from_db()
    assert (link.guardian.name, link.guardian.mobile) == ("钱二", "13600000012")


def test_a_name_typed_on_a_page_is_kept_as_the_roster_would_keep_it(client, setup):
    # "张 伟" typed on the page must not look renamed when next term's roster says "张伟".
    from afterschool.register.roster import roster_import
    from tests.register.roster_files import row, xlsx_file

    student, _admin = setup
    student.student_no = "G110101201601010011"
    student.save()
    student.homeroom.number = 2  # factories number classes in sequence; a roster says 1–99
    student.homeroom.save()
    client.post(
        reverse("school:student-edit", kwargs={"pk": student.pk}),
        _student_data(student, name=" 张 小 明 "),
    )
    client.post(
        reverse("school:guardianship-create", kwargs={"student_pk": student.pk}),
        {"name": "张　伟", "mobile": "13800138000", "relation": "father", "may_pick_up": "on"},
    )
    student.refresh_from_db()
    guardian = student.guardianships.get().guardian
    assert (student.name, guardian.name) == ("张小明", "张伟")
    result = roster_import(
        school=student.school,
        dataset_or_file=xlsx_file(
            [
                row(
                    学籍号=student.student_no,
                    姓名="张小明",
                    班级=f"{student.homeroom.grade.number}.{student.homeroom.number}",
                    年级="",
                    性别="女",
                )
            ]
        ),
        dry_run=True,
    )
    assert result.ok and result.students_updated == 0 and result.guardians_renamed == 0


def test_an_admin_cannot_remove_their_own_admin_role_in_the_service_either(setup):
    from django.core.exceptions import ValidationError

    from afterschool.register import services

    student, admin = setup
    role = admin.roles.get(kind="school_admin")
    with pytest.raises(ValidationError, match="不能取消自己的管理员角色"):
        services.role_remove(role=role, by=admin)
    assert admin.roles.filter(kind="school_admin").exists()
