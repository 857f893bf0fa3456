"""Each demo role logs in on a 360-pixel phone and lands on its own home, which fits the screen."""

import re

import pytest
from playwright.sync_api import expect

from afterschool.register.models import School, User
from tests.browser.conftest import horizontal_overflow, log_in

pytestmark = pytest.mark.browser


def _primary_school_home() -> tuple[str, str]:
    school = School.objects.get(code="demo-primary")
    return rf"/school/{school.pk}/$", school.name


ROLES = {
    # username → (landing path pattern, heading), or a callable giving them once the demo exists
    "demo-admin": _primary_school_home,
    "demo-teacher": lambda: (r"/today/$", "今日"),
    "demo-parent": lambda: (r"/family/$", "我的孩子"),
    "demo-bureau": lambda: (r"/bureau/$", "全区概览"),
}


@pytest.mark.parametrize("username", list(ROLES))
def test_role_lands_on_its_home_and_fits_a_phone(
    demo, live_server, phone, screenshot_dir, username
):
    path, heading = ROLES[username]()
    # The parent logs in with her mobile number, as parents do.
    login_name = (
        User.objects.get(username="demo-parent").mobile if username == "demo-parent" else username
    )

    # when
    log_in(phone, live_server, login_name)

    # then
    expect(phone).to_have_url(re.compile(re.escape(live_server.url) + path))
    expect(phone.locator("h1")).to_contain_text(heading)
    phone.screenshot(path=screenshot_dir / f"{username}-home.png", full_page=True)
    widths = horizontal_overflow(phone)
    assert widths["document"] <= widths["inner"], widths
    assert widths["body"] <= widths["inner"], widths
    assert widths["elements"] == [], widths


def test_parent_home_lists_both_children(demo, live_server, phone):
    log_in(phone, live_server, User.objects.get(username="demo-parent").mobile)
    expect(phone.get_by_text("王梓涵")).to_be_visible()
    expect(phone.get_by_text("王梓轩")).to_be_visible()


def test_teacher_home_shows_the_class_she_leads(demo, live_server, phone):
    log_in(phone, live_server, "demo-teacher")
    expect(phone.get_by_text("我是班主任")).to_be_visible()
    expect(phone.get_by_role("link", name=re.compile("三年级（2）班"))).to_have_count(2)
    expect(phone.get_by_role("link", name=re.compile("三年级（1）班"))).to_have_count(1)


def test_teacher_home_counts_the_children_of_each_class(demo, live_server, phone):
    log_in(phone, live_server, "demo-teacher")
    for room in ("三年级（1）班", "三年级（2）班"):
        for link in phone.get_by_role("link", name=re.compile(room)).all():
            expect(link.locator(".badge")).to_have_text("10 名学生")


def test_wrong_password_shows_the_chinese_error(demo, live_server, phone, screenshot_dir):
    # when
    log_in(phone, live_server, "demo-teacher", password="not-the-password")
    # then
    expect(phone).to_have_url(re.compile(r"/accounts/login/"))
    expect(phone.get_by_text("用户名/手机号或密码不正确。")).to_be_visible()
    phone.screenshot(path=screenshot_dir / "login-wrong-password.png", full_page=True)
    widths = horizontal_overflow(phone)
    assert widths["document"] <= widths["inner"] and widths["elements"] == [], widths


def test_navbar_toggler_opens_the_menu_on_a_phone(demo, live_server, phone, screenshot_dir):
    log_in(phone, live_server, "demo-admin")
    menu = phone.locator("#main-nav")
    logout = phone.get_by_role("button", name="退出")
    expect(menu).to_be_hidden()
    expect(logout).to_be_hidden()

    # when
    phone.get_by_role("button", name="菜单").click()

    # then
    expect(menu).to_have_class(re.compile(r"\bshow\b"))  # the collapse transition has ended
    expect(menu).to_be_visible()
    expect(logout).to_be_visible()
    expect(menu.get_by_role("link", name="学校")).to_be_visible()
    expect(menu.get_by_text("陈卫东")).to_be_visible()
    phone.screenshot(path=screenshot_dir / "demo-admin-menu-open.png", full_page=True)
    widths = horizontal_overflow(phone)
    assert widths["document"] <= widths["inner"] and widths["elements"] == [], widths
