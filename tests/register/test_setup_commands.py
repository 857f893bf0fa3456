"""Operators set up districts, schools and bureau staff with commands, through the services: the admin
only reads."""

import pytest
from django.core.management import CommandError, call_command

from afterschool.register.models import AuditEntry, District, Role, School, StaffInvitation

pytestmark = pytest.mark.django_db


def test_a_district_a_school_and_its_first_admin_are_set_up_by_commands(capsys):
    call_command("district_add", "xihu", "西湖区")
    call_command(
        "school_add",
        "xihu",
        "xihu-shiyan",
        "西湖实验小学",
        "--stage",
        "primary",
        "--admin-name",
        "陈 卫东",
        "--admin-mobile",
        "13600001111",
    )
    call_command("bureau_staff_add", "xihu", "张振华", "13600002222")
    out = capsys.readouterr().out
    district = District.objects.get(code="xihu")
    school = School.objects.get(code="xihu-shiyan")
    assert district.bureau_name == "西湖区教育局" and school.district == district
    invitation = StaffInvitation.objects.get(school=school)
    assert invitation.full_name == "陈卫东" and invitation.kinds == ["school_admin"]
    assert "学校管理员邀请码：" in out and "初始密码：" in out
    assert Role.objects.filter(kind="bureau_staff", district=district).count() == 1
    assert {e.action for e in AuditEntry.objects.all()} >= {
        "register.district_save",
        "register.school_save",
        "register.staff_invite",
        "register.role_grant",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["school_add", "nowhere", "x-school", "某校"], "没有代码为 nowhere 的区县"),
        (["district_add", "Bad Code", "某区"], "代码只能用小写字母"),
    ],
)
def test_bad_setup_input_is_a_clear_message(args, message):
    with pytest.raises(CommandError, match=message):
        call_command(*args)
