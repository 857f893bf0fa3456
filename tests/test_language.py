import pytest
from django.urls import reverse

from tests.factories import SchoolFactory, TermFactory, school_admin

pytestmark = pytest.mark.django_db


def test_an_english_browser_still_gets_chinese_dates(client):
    school = SchoolFactory()
    TermFactory(school=school, start_date="2026-09-01", end_date="2027-01-22")
    client.force_login(school_admin(school))
    page = client.get(
        reverse("home:school-dashboard", kwargs={"school_pk": school.pk}),
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    assert "2026年9月1日" in page.content.decode()
    assert page["Content-Language"] == "zh-hans"


def test_an_explicit_choice_of_english_is_honoured(client):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("accounts:login"))
    assert response["Content-Language"] == "en"
    assert '<html lang="en">' in response.content.decode()


def test_pages_declare_chinese_for_fonts_and_screen_readers(client):
    assert '<html lang="zh-CN">' in client.get(reverse("accounts:login")).content.decode()


def test_grade_names_use_digits_outside_chinese():
    from django.utils import translation

    from afterschool.register.models import grade_name

    assert grade_name(3) == "三年级" and grade_name(8) == "初二"
    with translation.override("en"):
        assert "3" in grade_name(3) and "三" not in grade_name(3)
        assert "2" in grade_name(8)


def test_every_page_offers_the_language_switch(client):
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'action="/i18n/setlang/"' in page and "English" in page and "简体中文" in page
