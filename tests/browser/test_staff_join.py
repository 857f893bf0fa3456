"""A new colleague opens the join page on a phone, types the code the admin told her, and lands on 今日."""

import re

import pytest
from playwright.sync_api import expect

from afterschool.register import services
from afterschool.register.models import School, User
from tests.browser.conftest import horizontal_overflow

pytestmark = pytest.mark.browser


def test_a_new_teacher_joins_with_the_code_on_a_phone(demo, live_server, phone, screenshot_dir):
    # given: the admin invited her (the code was told face to face)
    school = School.objects.get(code="demo-primary")
    admin = User.objects.get(username="demo-admin")
    added = services.staff_add(
        school=school, full_name="新老师", mobile="13600001234", kinds=["teacher"], by=admin
    )
    # when: she opens the join page, types the code, her mobile and a password
    phone.goto(f"{live_server.url}/accounts/staff/join/")
    phone.locator("input[name=code]").fill(added.code.lower())
    phone.locator("input[name=mobile]").fill("136 0000 1234")
    phone.locator("input[name=password1]").fill("Xin-lao-shi-2026")
    phone.locator("input[name=password2]").fill("Xin-lao-shi-2026")
    phone.screenshot(path=screenshot_dir / "staff-join.png", full_page=True)
    phone.get_by_role("button", name="接受邀请").click()
    # then: her day at the school, fitting the phone
    expect(phone).to_have_url(re.compile(r"/today/$"))
    expect(phone.get_by_text(re.compile("您已加入"))).to_be_visible()
    overflow = horizontal_overflow(phone)
    assert overflow["document"] <= overflow["inner"] and not overflow["elements"], overflow
