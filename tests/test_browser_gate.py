"""Browser tests skip on a developer's machine without Chromium, but fail on CI, where a missing browser
would otherwise turn every browser test into a silent skip and the suite green."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser import conftest as browser_conftest

ROOT = Path(__file__).resolve().parent.parent
A_BROWSER_TEST = "tests/browser/test_role_homes.py::test_parent_home_lists_both_children"


class _BrowserItem:
    keywords = {"browser": True}


@pytest.mark.parametrize(
    ("ci", "outcome"), [("true", pytest.fail.Exception), ("", pytest.skip.Exception)]
)
def test_a_missing_chromium_fails_on_ci_and_skips_elsewhere(monkeypatch, ci, outcome):
    monkeypatch.setattr(browser_conftest, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="/nonexistent/chromium"):
        browser_conftest.pytest_runtest_setup(_BrowserItem())


@pytest.mark.parametrize("value", ["true", "True", "1", "yes"])
def test_ci_is_recognised_whatever_the_spelling(value):
    assert browser_conftest.on_ci({"CI": value})


@pytest.mark.parametrize("value", ["", "0", "false", "no"])
def test_ci_unset_or_false_is_not_ci(value):
    assert not browser_conftest.on_ci({"CI": value})


def _run_browser_test(**env):
    clean = {k: v for k, v in os.environ.items() if k not in ("CI", "CHROMIUM_PATH")}
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", A_BROWSER_TEST],
        cwd=ROOT,
        env={**clean, "CHROMIUM_PATH": "/nonexistent/chromium", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_suite_fails_on_ci_when_chromium_is_missing():
    result = _run_browser_test(CI="true")
    assert result.returncode != 0, result.stdout
    assert "no Chromium at /nonexistent/chromium" in result.stdout


def test_the_suite_skips_browser_tests_off_ci_when_chromium_is_missing():
    result = _run_browser_test()
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
