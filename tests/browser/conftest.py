"""Browser tests: pytest-playwright driving Debian's Chromium against pytest-django's live server.

``playwright install`` cannot download browsers here (nor on CI), so every launch uses the system
Chromium. Each test gets a fresh small demo district in the database the live server reads.
"""

import os
import shutil
from pathlib import Path

import pytest

from afterschool.demo import demo_build

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread with a
# running loop unless told that this is deliberate. The test code never shares a connection with it.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DEMO_PASSWORD = "afterschool-demo"


def on_ci(environ=os.environ) -> bool:
    """Whether this run is on CI: ``CI`` set to anything but empty, 0, false or no (GitHub sets ``true``)."""
    return environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Without Chromium a browser test skips on a developer's machine, but fails on CI: there a skip
    would hide that no page was ever opened."""
    # The marker, or Playwright's fixtures used by a test someone forgot to mark.
    uses_browser = "browser" in item.keywords or "browser" in getattr(item, "fixturenames", ())
    if not uses_browser or shutil.which(CHROMIUM) or Path(CHROMIUM).exists():
        return
    reason = f"no Chromium at {CHROMIUM} (Debian: apt-get install chromium)"
    if on_ci():
        pytest.fail(f"CI: {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [*browser_type_launch_args.get("args", []), *CHROMIUM_ARGS],
    }


@pytest.fixture
def demo(transactional_db, live_server):
    """The small demo district, committed so that the live server's thread sees it.

    Built per test: ``transactional_db`` empties the tables after each test, and the small demo takes
    a fraction of a second.
    """
    return demo_build(size="small", password=DEMO_PASSWORD)


@pytest.fixture
def phone(browser):
    """A page in a 360 × 740 viewport: the narrowest phone the design promises to support."""
    context = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    """Where screenshots go: ``$BROWSER_SCREENSHOTS`` when set, else a pytest temporary directory."""
    path = os.environ.get("BROWSER_SCREENSHOTS")
    if path:
        Path(path).mkdir(parents=True, exist_ok=True)
        return Path(path)
    return tmp_path_factory.mktemp("screenshots")


def log_in(page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_load_state()


# Elements whose right edge lies beyond the viewport, unless an ancestor scrolls them on purpose
# (a .table-responsive wrapper). html/body hide horizontal overflow in site.css, so the document's
# scrollWidth alone cannot see content that is cut off.
_OVERFLOWING_JS = """
() => {
  const limit = window.innerWidth + 1;
  const scrolls = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      const o = getComputedStyle(a).overflowX;
      if (o === 'auto' || o === 'scroll') return true;
    }
    return false;
  };
  const out = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || r.right <= limit || scrolls(el)) continue;
    const cls = typeof el.className === 'string' ? el.className : '';
    out.push(`${el.tagName.toLowerCase()}.${cls.split(' ').join('.')} right=${Math.round(r.right)}`);
  }
  return out;
}
"""


def horizontal_overflow(page) -> dict:
    """What sticks out sideways: the document's and body's scroll widths, and the offending elements."""
    widths = page.evaluate(
        """() => ({
            inner: window.innerWidth,
            document: document.documentElement.scrollWidth,
            body: document.body.scrollWidth,
        })"""
    )
    return {**widths, "elements": page.evaluate(_OVERFLOWING_JS)}
