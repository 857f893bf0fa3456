"""Query and form parameters are parsed, never passed on as they came: a bad one is no filter, not a 500."""

import pytest
from django.urls import reverse

from afterschool.register.params import bounded_text, int_param, text_param, token_param
from afterschool.register.views.roster import SESSION_KEY
from tests.factories import HomeroomFactory, SchoolFactory, StudentFactory, school_admin
from tests.register.roster_files import row, xlsx_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def school():
    return SchoolFactory()


@pytest.fixture
def admin_client(client, school):
    client.force_login(school_admin(school))
    return client


@pytest.fixture
def two_classes(school):
    first = StudentFactory(school=school, homeroom=HomeroomFactory(school=school, number=1))
    second = StudentFactory(school=school, homeroom=HomeroomFactory(school=school, number=2))
    return first, second


def student_list(client, school, query: str):
    return client.get(reverse("school:student-list", kwargs={"school_pk": school.pk}) + query)


@pytest.mark.parametrize(
    "value",
    ["abc", "1.5", "-1", "0", "99999999999999999999", "2147483648", "%00", "1e3", " "],
)
def test_a_malformed_homeroom_shows_the_list_unfiltered(admin_client, school, two_classes, value):
    response = student_list(admin_client, school, f"?homeroom={value}")
    assert response.status_code == 200
    assert response.context["homeroom"] is None
    assert {s.pk for s in response.context["page"]} == {s.pk for s in two_classes}


def test_a_homeroom_of_another_school_reads_as_one_that_does_not_exist(
    admin_client, school, two_classes
):
    # The list stays this school's, unfiltered; the answer does not tell another school's class from
    # a number nobody uses.
    elsewhere = HomeroomFactory(school=SchoolFactory())
    foreign = student_list(admin_client, school, f"?homeroom={elsewhere.pk}")
    missing = student_list(admin_client, school, "?homeroom=2147483000")
    assert foreign.status_code == missing.status_code == 200
    assert foreign.context["homeroom"] is None
    assert {s.pk for s in foreign.context["page"]} == {s.pk for s in two_classes}
    assert foreign.context["filters"].errors == missing.context["filters"].errors


def test_a_homeroom_of_this_school_filters_the_list(admin_client, school, two_classes):
    first, _second = two_classes
    response = student_list(admin_client, school, f"?homeroom={first.homeroom_id}")
    assert [s.pk for s in response.context["page"]] == [first.pk]


@pytest.mark.parametrize(
    "query",
    ["?q=%00", "?q=" + "张" * 5000, "?page=abc", "?page=-3"],
    ids=["NUL", "5000 characters", "page abc", "page -3"],
)
def test_search_and_page_parameters_never_fail(admin_client, school, two_classes, query):
    response = student_list(admin_client, school, query)
    assert response.status_code == 200
    assert len(response.context["query"]) <= 50


def test_a_confirm_token_that_is_not_ours_is_refused_without_a_500(admin_client, school):
    url = reverse("school:roster-import", kwargs={"school_pk": school.pk})
    admin_client.post(url, {"file": xlsx_file([row()]), "dry_run": "on"})
    assert admin_client.session[SESSION_KEY][str(school.pk)]["token"]
    confirm = reverse("school:roster-import-confirm", kwargs={"school_pk": school.pk})
    for token in ["学籍", "x" * 10_000, "\x00"]:
        response = admin_client.post(confirm, {"token": token})
        assert response.status_code == 302
        assert response.url == url


def test_an_activation_code_in_the_link_is_bounded(client):
    response = client.get(reverse("accounts:activate") + "?code=" + "A" * 5000 + "%00", follow=True)
    assert response.status_code == 200
    assert response.context["form"].initial["code"] == "A" * 20


def test_the_parsers():
    assert int_param({"n": " 42 "}, "n") == 42
    assert int_param({"n": "042"}, "n") == 42
    assert int_param({}, "n") is None
    assert int_param({"n": "5"}, "n", maximum=4) is None
    assert text_param({"q": " a\x00b\n "}, "q") == "ab"
    assert bounded_text("x" * 100, max_length=3) == "xxx"
    assert token_param({"t": "abc-_1"}, "t") == "abc-_1"
    assert token_param({"t": "a b"}, "t") == ""
