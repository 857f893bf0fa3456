"""Under the strict Content-Security-Policy, every role's pages run without a single refusal: no console
error, no ``securitypolicyviolation`` event, and the behaviours moved out of inline handlers still work.
"""

import re

import pytest
from playwright.sync_api import expect

from afterschool.register import services
from afterschool.register.models import Guardianship, Homeroom, School, Student, User
from tests.browser.conftest import DEMO_PASSWORD, log_in

pytestmark = pytest.mark.browser

_RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__violations.push(`${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
});
"""


class Watcher:
    """Console errors and warnings, uncaught exceptions and CSP violations of every page a test opens."""

    def __init__(self, page):
        self.page, self.problems = page, []
        page.add_init_script(_RECORD_VIOLATIONS)
        page.on(
            "console",
            lambda m: (
                m.type in ("error", "warning")
                and self.problems.append(f"console: {m.text} {m.location.get('url')}")
            ),
        )
        page.on("pageerror", lambda e: self.problems.append(f"pageerror: {e}"))

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response.ok, (url, response.status)
        self.check(url)

    def check(self, where: str) -> None:
        self.page.wait_for_load_state()
        violations = self.page.evaluate("window.__violations || []")
        self.problems += [f"{where}: {v}" for v in violations]


@pytest.fixture
def watched(browser):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    yield Watcher(page)
    context.close()


def _role_pages(username: str) -> list[str]:
    school = School.objects.get(code="demo-primary")
    if username == "demo-admin":
        homeroom = Homeroom.objects.filter(school=school).order_by("grade__number", "number")[0]
        student = Student.objects.filter(homeroom=homeroom).first()
        services.invitation_code_issue(students=[student], by=None)
        term = school.terms.first()
        return [
            f"/school/{school.pk}/students/",
            f"/school/{school.pk}/students/?homeroom={homeroom.pk}",
            f"/school/students/{student.pk}/",
            f"/school/students/{student.pk}/edit/",
            f"/school/homerooms/{homeroom.pk}/",
            f"/school/homerooms/{homeroom.pk}/letters/",
            f"/school/{school.pk}/terms/{term.pk}/",
            f"/school/{school.pk}/staff/",
            f"/school/{school.pk}/audit/",
            f"/school/{school.pk}/roster/import/",
        ]
    if username == "demo-parent":
        child = Student.objects.filter(guardianships__guardian__user__username=username).first()
        return [f"/family/children/{child.pk}/"]
    return []


def test_public_pages_run_without_a_policy_violation(demo, live_server, watched):
    code = services.invitation_code_issue(students=[Student.objects.first()], by=None)[0].code
    for path in [
        "/accounts/login/",
        f"/accounts/activate/?code={code}",
        "/accounts/password/reset/",
    ]:
        watched.visit(live_server.url + path)
    assert watched.problems == []


@pytest.mark.parametrize("username", ["demo-admin", "demo-teacher", "demo-parent", "demo-bureau"])
def test_each_role_home_and_key_pages_run_without_a_policy_violation(
    demo, live_server, watched, username
):
    login = User.objects.get(username=username).mobile if username == "demo-parent" else username
    log_in(watched.page, live_server, login)
    watched.check("home")
    expect(watched.page).not_to_have_url(re.compile(r"/accounts/login/"))
    for path in _role_pages(username):
        watched.visit(live_server.url + path)
    assert watched.problems == []


def test_the_language_menu_still_switches_without_an_inline_handler(demo, live_server, watched):
    watched.visit(f"{live_server.url}/accounts/login/")
    watched.page.locator("#id_language").select_option("en")
    expect(watched.page.locator("html")).to_have_attribute("lang", "en")
    watched.check("after switching")
    assert watched.problems == []


def test_the_class_filter_still_applies_on_change(demo, live_server, watched):
    school = School.objects.get(code="demo-primary")
    homeroom = Homeroom.objects.filter(school=school).order_by("grade__number", "number")[1]
    log_in(watched.page, live_server, "demo-admin")
    watched.visit(f"{live_server.url}/school/{school.pk}/students/")
    watched.page.locator("#id_homeroom").select_option(str(homeroom.pk))
    expect(watched.page).to_have_url(re.compile(rf"homeroom={homeroom.pk}"))
    assert watched.problems == []


def test_removing_a_guardian_still_asks_first(demo, live_server, watched):
    guardianship = Guardianship.objects.filter(student__school__code="demo-primary").first()
    log_in(watched.page, live_server, "demo-admin")
    watched.visit(
        f"{live_server.url}/school/students/{guardianship.student_id}/guardians/{guardianship.pk}/"
    )
    questions = []

    def answer_no(dialog):
        questions.append(dialog.message)
        dialog.dismiss()

    watched.page.on("dialog", answer_no)
    watched.page.get_by_role("button", name="移除该监护人").click()
    expect(watched.page.get_by_role("button", name="移除该监护人")).to_be_visible()
    assert questions == ["确定移除该监护人？"]
    assert Guardianship.objects.filter(pk=guardianship.pk).exists()
    assert watched.problems == []


def test_the_django_admin_works_under_the_policy(demo, live_server, watched):
    User.objects.create_superuser("root", password=DEMO_PASSWORD, full_name="管理员")
    page = watched.page
    watched.visit(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill("root")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("input[type=submit]").click()
    watched.check("admin login")
    school = School.objects.get(code="demo-primary")
    term = school.terms.first()
    for path in [
        "/admin/",
        "/admin/afterschool/student/",
        "/admin/afterschool/student/?q=王",
        f"/admin/afterschool/term/{term.pk}/change/",
        f"/admin/afterschool/user/{User.objects.get(username='demo-admin').pk}/change/",
        "/admin/afterschool/auditentry/",
        "/admin/afterschool/student/import/",
    ]:
        watched.visit(live_server.url + path)
    # The admin's JavaScript runs under the policy: the change list's filter panel toggles.
    watched.visit(f"{live_server.url}/admin/afterschool/student/")
    page.locator("#changelist-filter-header, #changelist-filter summary").first.click()
    watched.check("filter")
    assert watched.problems == []
