"""A parent scans the letter's QR code in WeChat, types her mobile and a password, and sees her child."""

import re

import pytest
from playwright.sync_api import expect

from afterschool.register import services
from afterschool.register.models import Guardian, Student
from tests.browser.conftest import horizontal_overflow

pytestmark = pytest.mark.browser


def test_a_parent_activates_from_the_letter_on_a_phone(demo, live_server, phone, screenshot_dir):
    # given: a child whose father has no account yet, and a fresh letter for that child
    guardian = Guardian.objects.filter(
        user__isnull=True, guardianships__student__school__code__isnull=False
    ).first()
    student = Student.objects.filter(guardianships__guardian=guardian).first()
    (code,) = services.invitation_code_issue(students=[student], by=None)
    # when: the QR code opens the activation page with the code filled in
    phone.goto(f"{live_server.url}/accounts/activate/?code={code.code}")
    expect(phone.locator("input[name=code]")).to_have_value(code.code)
    phone.locator("input[name=mobile]").fill(
        f"{guardian.mobile[:3]} {guardian.mobile[3:7]} {guardian.mobile[7:]}"
    )
    phone.locator("input[name=password1]").fill("Qiu-tian-2026")
    phone.locator("input[name=password2]").fill("Qiu-tian-2026")
    phone.screenshot(path=screenshot_dir / "parent-activate.png", full_page=True)
    phone.get_by_role("button", name="确定").click()
    # then: the family home, with the child, fitting the phone
    expect(phone).to_have_url(re.compile(r"/family/$"))
    expect(phone.get_by_text(student.name)).to_be_visible()
    overflow = horizontal_overflow(phone)
    assert overflow["document"] <= overflow["inner"] and not overflow["elements"], overflow
    phone.screenshot(path=screenshot_dir / "parent-activated-home.png", full_page=True)


def test_a_wrong_mobile_is_refused_in_chinese(demo, live_server, phone):
    student = Student.objects.first()
    (code,) = services.invitation_code_issue(students=[student], by=None)
    phone.goto(f"{live_server.url}/accounts/activate/?code={code.code}")
    phone.locator("input[name=mobile]").fill("13000000000")
    phone.locator("input[name=password1]").fill("Qiu-tian-2026")
    phone.locator("input[name=password2]").fill("Qiu-tian-2026")
    phone.get_by_role("button", name="确定").click()
    expect(phone.get_by_text(re.compile("邀请码或手机号不正确"))).to_be_visible()
