"""A strict Content-Security-Policy on every page: everything is served by the site itself, so nothing
inline and nothing from elsewhere may run or style a page (a stored name with markup in it stays text).
"""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from afterschool.demo import demo_build
from afterschool.register import services
from afterschool.register.models import Homeroom, School, Student, User

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Markup the policy would refuse: <script> without src, <style>, style="", onclick="" and friends.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.IGNORECASE
)


def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.fixture
def demo():
    return demo_build(size="small", password="afterschool-demo")


def _pages(role: str) -> list[str]:
    school = School.objects.get(code="demo-primary")
    homeroom = Homeroom.objects.filter(school=school).order_by("grade__number", "number").first()
    student = Student.objects.filter(homeroom=homeroom).first()
    term = school.terms.first()
    if role == "demo-admin":
        services.invitation_code_issue(students=[student], by=None)
        return [
            reverse("home:school-dashboard", kwargs={"school_pk": school.pk}),
            reverse("school:student-list", kwargs={"school_pk": school.pk}),
            reverse("school:student-detail", kwargs={"pk": student.pk}),
            reverse("school:homeroom-detail", kwargs={"pk": homeroom.pk}),
            reverse("school:homeroom-letters-print", kwargs={"pk": homeroom.pk}),
            reverse("school:staff-list", kwargs={"school_pk": school.pk}),
            reverse("school:term-update", kwargs={"school_pk": school.pk, "pk": term.pk}),
            reverse("school:audit-list", kwargs={"school_pk": school.pk}),
            reverse("school:roster-import", kwargs={"school_pk": school.pk}),
        ]
    return [reverse("home:index")]


@pytest.mark.parametrize("role", ["demo-admin", "demo-teacher", "demo-parent", "demo-bureau"])
def test_every_page_of_each_role_sends_the_strict_policy_and_no_inline_code(client, demo, role):
    client.force_login(User.objects.get(username=role))
    for url in _pages(role):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert policy(response) == STRICT, url
        assert response.headers["X-Frame-Options"] == "DENY"
        html = response.content.decode()
        assert not INLINE.findall(html), (url, INLINE.findall(html))


@pytest.mark.parametrize(
    "url",
    ["/accounts/login/", "/accounts/activate/", "/accounts/password/reset/", "/no-such-page/"],
)
def test_public_pages_and_errors_send_the_strict_policy(client, url):
    response = client.get(url)
    assert policy(response) == STRICT
    assert not INLINE.findall(response.content.decode())


def test_no_template_carries_inline_script_style_or_event_handlers():
    offenders = [
        f"{path.relative_to(ROOT)}: {match}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in INLINE.findall(path.read_text())
    ]
    assert offenders == []


def test_htmx_is_told_not_to_inject_its_indicator_style(client):
    html = client.get("/accounts/login/").content.decode()
    assert '<meta name="htmx-config"' in html
    assert '"includeIndicatorStyles":false' in html.replace(" ", "").replace("&quot;", '"')
