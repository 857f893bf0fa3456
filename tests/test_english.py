"""The English catalogue: a user who picks English gets English pages, and every source string has one."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from tests.factories import SchoolFactory, TermFactory, school_admin

pytestmark = pytest.mark.django_db

PO_FILE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
CJK = re.compile(r"[\u3400-\u9fff]")
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w*\}")


def _catalogue() -> list[dict]:
    """The .po entries as dicts (msgctxt, msgid, msgid_plural, msgstr, msgstr[n], flags); no polib needed."""
    entries, entry, key = [], None, None

    def finish():
        if entry is not None and "msgid" in entry:
            entries.append(entry)

    for raw in PO_FILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
            entry, key = None, None
            continue
        if line.startswith("#~"):  # obsolete entries
            continue
        if entry is None:
            entry = {"flags": set()}
        if line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    finish()
    return [e for e in entries if e["msgid"]]  # without the header


def _english_client(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def test_the_login_page_is_english_after_choosing_english(client):
    page = _english_client(client).get(reverse("accounts:login")).content.decode()
    assert "Log in to After-school service" in page
    assert "Username or mobile" in page
    assert "Password" in page
    assert "登录" not in page
    assert "用户名或手机号" not in page
    # The language switch names each language in itself (简体中文); nothing else is Chinese.
    page = page.replace("简体中文", "")
    assert not CJK.search(page), CJK.findall(page)


def test_the_staff_join_page_is_english_after_choosing_english(client):
    page = _english_client(client).get(reverse("accounts:staff-join")).content.decode()
    assert "Accept a staff invitation" in page
    assert not CJK.search(page.replace("简体中文", "")), CJK.findall(page)


def test_the_school_dashboard_is_english_after_choosing_english(client):
    school = SchoolFactory()
    TermFactory(school=school, start_date="2026-09-01", end_date="2027-01-22")
    client.force_login(school_admin(school))
    response = _english_client(client).get(
        reverse("home:school-dashboard", kwargs={"school_pk": school.pk})
    )
    assert response.status_code == 200
    assert response["Content-Language"] == "en"
    page = response.content.decode()
    for english in ("Current term:", "Enrolled students", "Student roster", "Staff", "Log out"):
        assert english in page
    for chinese in ("当前学期", "在读学生", "学生名册", "教职工", "退出", "年9月1日"):
        assert chinese not in page


def test_without_a_choice_the_pages_stay_chinese(client):
    page = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    text = page.content.decode()
    assert page["Content-Language"] == "zh-hans"
    assert "登录课后服务" in text
    assert "用户名或手机号" in text
    assert "Username or mobile" not in text

    school = SchoolFactory()
    client.force_login(school_admin(school))
    text = client.get(
        reverse("home:school-dashboard", kwargs={"school_pk": school.pk})
    ).content.decode()
    assert "在读学生" in text
    assert "Enrolled students" not in text


def test_every_msgid_has_an_english_translation():
    entries = _catalogue()
    assert len(entries) > 300
    for entry in entries:
        msgid = entry["msgid"]
        assert "fuzzy" not in entry["flags"], msgid
        if "msgid_plural" in entry:
            forms = [entry.get("msgstr[0]", ""), entry.get("msgstr[1]", "")]
        else:
            forms = [entry["msgstr"]]
        for msgstr in forms:
            assert msgstr, f"untranslated: {msgid}"
            assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(PLACEHOLDER.findall(msgid)), msgid


def test_the_compiled_catalogue_matches_the_po_file():
    """The committed .mo serves every translation in the .po (catch a forgotten compilemessages)."""
    with translation.override("en"):
        for entry in _catalogue():
            msgid, context = entry["msgid"], entry.get("msgctxt")
            if "msgid_plural" in entry:
                for n, form in ((1, "msgstr[0]"), (2, "msgstr[1]")):
                    if context:
                        got = translation.npgettext(context, msgid, entry["msgid_plural"], n)
                    else:
                        got = translation.ngettext(msgid, entry["msgid_plural"], n)
                    assert got == entry[form], msgid
            elif context:
                assert translation.pgettext(context, msgid) == entry["msgstr"], msgid
            else:
                assert translation.gettext(msgid) == entry["msgstr"], msgid


def test_chinese_stays_the_source_language():
    with translation.override("zh-hans"):
        assert translation.gettext("学生名册") == "学生名册"
    with translation.override("en"):
        assert translation.gettext("学生名册") == "Student roster"
        assert translation.gettext("班主任") == "Homeroom teacher"
