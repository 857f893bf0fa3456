"""On a 360-pixel phone, tables reflow into cards instead of crushing words into one-character columns,
and everything a thumb taps is at least 44 px.

The rule for tap targets (WCAG 2.5.5, "target size"): every visible link, button, select, text input and
the label of each checkbox or radio in the navigation bar, the page and the footer is at least 44 px tall
and 44 px wide, except a link inside a sentence of a paragraph (``<p>`` with other text around the link),
which WCAG exempts because the line of text is the target.
"""

import pytest

from afterschool.register import services
from afterschool.register.models import Homeroom, School, Student, User
from tests.browser.conftest import horizontal_overflow, log_in

pytestmark = pytest.mark.browser

_SMALL_TARGETS_JS = """
() => {
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width > 1 && r.height > 1 && s.visibility !== 'hidden' && s.display !== 'none';
  };
  const inSentence = (el) => {
    const p = el.tagName === 'A' && el.closest('p');
    return !!p && p.textContent.replace(el.textContent, '').trim().length > 0;
  };
  const out = [];
  const seen = new Set();
  const candidates = document.querySelectorAll(
    'nav a, nav button, main a, main button, main select, main input, main textarea, '
    + 'footer a, footer button, footer select, .navbar-toggler');
  for (let el of candidates) {
    if (el.type === 'hidden') continue;
    if (el.type === 'checkbox' || el.type === 'radio') {
      el = el.closest('.form-check') || el.labels[0] || el;  // the label is what a thumb hits
    }
    if (seen.has(el) || !visible(el) || inSentence(el)) continue;
    seen.add(el);
    const r = el.getBoundingClientRect();
    if (r.height < 43.5 || r.width < 43.5) {
      const text = (el.textContent || el.value || el.name || '').trim().slice(0, 20);
      out.push(`${el.tagName.toLowerCase()}.${(el.className || '').toString().split(' ').join('.')} "${text}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return out;
}
"""

_TABLES_JS = """
() => {
  const out = [];
  for (const table of document.querySelectorAll('main table')) {
    const box = table.parentElement.getBoundingClientRect();
    if (table.scrollWidth > Math.ceil(box.width) + 1) {
      out.push(`table scrolls sideways: ${table.scrollWidth} > ${Math.round(box.width)} (${table.id || table.className})`);
    }
    for (const cell of table.querySelectorAll('td, th')) {
      const r = cell.getBoundingClientRect();
      const head = cell.closest('thead');  // a visually hidden header row (cards label their cells)
      if (!cell.textContent.trim() || r.width <= 1 || (head && head.getBoundingClientRect().width <= 1)) continue;
      const em = parseFloat(getComputedStyle(cell).fontSize);
      if (r.width < 3 * em) {
        out.push(`cell narrower than 3 characters: "${cell.textContent.trim().slice(0, 20)}" ${Math.round(r.width)}px`);
      }
    }
  }
  return out;
}
"""


def _pages(username: str) -> list[str]:
    school = School.objects.get(code="demo-primary")
    homeroom = Homeroom.objects.get(school=school, head_teacher__username="demo-teacher")
    student = Student.objects.filter(homeroom=homeroom).first()
    if username == "demo-admin":
        services.invitation_code_issue(students=[student], by=None)
        services.invitation_code_issue(students=[student], by=None)  # one used up, one live
        guardianship = student.guardianships.first()
        return [
            f"/school/{school.pk}/",
            f"/school/{school.pk}/students/",
            f"/school/{school.pk}/students/?grade=3",
            f"/school/students/{student.pk}/",
            f"/school/students/{student.pk}/edit/",
            f"/school/students/{student.pk}/guardians/{guardianship.pk}/",
            f"/school/homerooms/{homeroom.pk}/",
            f"/school/homerooms/{homeroom.pk}/letters/",
            f"/school/{school.pk}/staff/",
            f"/school/{school.pk}/audit/",
            f"/school/{school.pk}/terms/",
            f"/school/{school.pk}/terms/{school.terms.first().pk}/",
            f"/school/{school.pk}/roster/import/",
        ]
    if username == "demo-teacher":
        return ["/today/", f"/school/homerooms/{homeroom.pk}/", f"/school/students/{student.pk}/"]
    if username == "demo-parent":
        child = Student.objects.filter(guardianships__guardian__user__username=username).first()
        return ["/family/", f"/family/children/{child.pk}/"]
    if username == "demo-bureau":
        return ["/bureau/", f"/school/{school.pk}/", f"/school/{school.pk}/students/"]
    return []


def _check(page, url: str, screenshot_dir, name: str) -> list[str]:
    page.goto(url)
    page.wait_for_load_state()
    page.screenshot(path=screenshot_dir / f"phone-{name}.png", full_page=True)
    overflow = horizontal_overflow(page)
    problems = [f"sticks out: {e}" for e in overflow["elements"]]
    if overflow["document"] > overflow["inner"]:
        problems.append(f"document {overflow['document']} wider than {overflow['inner']}")
    problems += page.evaluate(_TABLES_JS)
    problems += [f"small tap target: {t}" for t in page.evaluate(_SMALL_TARGETS_JS)]
    return [f"{url}: {p}" for p in problems]


def test_public_pages_fit_a_phone_with_thumb_sized_targets(
    demo, live_server, phone, screenshot_dir
):
    problems = []
    for name, path in [("login", "/accounts/login/"), ("activate", "/accounts/activate/")]:
        problems += _check(phone, live_server.url + path, screenshot_dir, name)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("username", ["demo-admin", "demo-teacher", "demo-parent", "demo-bureau"])
def test_each_roles_pages_fit_a_phone_with_thumb_sized_targets(
    demo, live_server, phone, screenshot_dir, username
):
    login = User.objects.get(username=username).mobile if username == "demo-parent" else username
    log_in(phone, live_server, login)
    problems = []
    for i, path in enumerate(_pages(username)):
        name = f"{username}-{i:02d}-" + path.strip("/").replace("/", "-").replace("?", "-")
        problems += _check(phone, live_server.url + path, screenshot_dir, name)
    assert not problems, "\n".join(problems)


def test_on_a_desktop_the_tables_stay_tables(demo, live_server, browser, screenshot_dir):
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, live_server, "demo-admin")
    for i, path in enumerate(_pages("demo-admin")):
        page.goto(live_server.url + path)
        name = f"desktop-{i:02d}-" + path.strip("/").replace("/", "-").replace("?", "-")
        page.screenshot(path=screenshot_dir / f"{name}.png", full_page=True)
        for table in page.locator("main table.table-stack").all():
            assert table.locator("thead").evaluate("e => e.getBoundingClientRect().width") > 300
            assert table.locator("tbody tr").first.evaluate("e => getComputedStyle(e).display") == (
                "table-row"
            ), path
    page.close()
