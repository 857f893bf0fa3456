"""The school admin opens a term in Chrome and saves it unchanged: the dates show and the term saves."""

import re

import pytest
from playwright.sync_api import expect

from afterschool.register.models import School
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_term_opened_and_saved_unchanged_in_the_browser_saves(
    demo, live_server, browser, screenshot_dir
):
    school = School.objects.get(code="demo-primary")
    term = school.terms.order_by("start_date").first()
    page = browser.new_page(locale="zh-CN")
    log_in(page, live_server, "demo-admin")
    page.goto(f"{live_server.url}/school/{school.pk}/terms/{term.pk}/")
    # then: the browser shows the dates it was given
    expect(page.locator("input[name=start_date]")).to_have_value(term.start_date.isoformat())
    expect(page.locator("input[name=end_date]")).to_have_value(term.end_date.isoformat())
    page.screenshot(path=screenshot_dir / "term-form-desktop.png", full_page=True)
    # when
    page.get_by_role("button", name="保存").click()
    # then
    expect(page).to_have_url(re.compile(rf"/school/{school.pk}/terms/$"))
    expect(page.get_by_text("学期已保存。")).to_be_visible()
    page.close()
