import datetime

import pytest
from django.urls import reverse

from afterschool.register.models import Term, TermDay
from tests.factories import SchoolFactory, TermFactory, bureau_staff, school_admin
from tests.html_forms import form_data, form_inputs

pytestmark = pytest.mark.django_db


def _post(client, school, **overrides):
    data = {
        "name": "2026—2027 学年第一学期",
        "start_date": "2026-09-01",
        "end_date": "2027-01-22",
        "service_weekdays": ["1", "2", "3", "4"],
        "holidays": "2026-10-01~2026-10-07 国庆节\n2027-01-01 元旦",
        "workdays": "2026-10-10 按周五 国庆调休",
    }
    data.update(overrides)
    return client.post(reverse("school:term-create", kwargs={"school_pk": school.pk}), data)


def test_admin_creates_a_term_with_holidays_and_swapped_days(client):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    response = _post(client, school)
    assert response.status_code == 302
    term = Term.objects.get(school=school)
    assert term.service_weekdays == [1, 2, 3, 4]
    assert term.calendar_days.filter(kind=TermDay.Kind.HOLIDAY).count() == 8
    # Monday to Thursday only; a holiday Thursday is off; the swapped Saturday is on.
    assert not term.is_service_day(datetime.date(2026, 10, 1))
    assert term.is_service_day(datetime.date(2026, 10, 10))
    assert not term.is_service_day(datetime.date(2026, 10, 16))  # a Friday
    assert term.is_service_day(datetime.date(2026, 10, 15))
    assert len(term.service_days()) == len(
        [d for d in term.service_days() if term.is_service_day(d)]
    )


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"end_date": "2026-08-01"}, "结束日期须晚于开始日期"),
        ({"service_weekdays": []}, "请至少选择一天"),
        ({"holidays": "十月一日"}, "放假日期第 1 行“十月一日”无法识别"),
        ({"holidays": "2026-02-30"}, "日期不存在"),
        ({"workdays": "2027-03-01 按周一"}, "不在学期内"),
        ({"workdays": "2026-10-10 国庆调休"}, "没有写明按星期几的课表上课"),
    ],
)
def test_bad_term_input_names_the_field_and_saves_nothing(client, overrides, message):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    response = _post(client, school, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Term.objects.exists() and not TermDay.objects.exists()


def test_editing_a_term_replaces_its_calendar(client):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    _post(client, school)
    term = Term.objects.get()
    url = reverse("school:term-update", kwargs={"school_pk": school.pk, "pk": term.pk})
    form = client.get(url).content.decode()
    assert "2026-10-01 国庆节" in form
    response = client.post(
        url,
        {
            "name": term.name,
            "start_date": "2026-09-01",
            "end_date": "2027-01-22",
            "service_weekdays": ["1", "2", "3", "4", "5"],
            "holidays": "2026-10-01",
            "workdays": "",
        },
    )
    assert response.status_code == 302
    assert list(term.calendar_days.values_list("date", flat=True)) == [datetime.date(2026, 10, 1)]


def test_two_terms_cannot_share_a_name(client):
    school = SchoolFactory()
    TermFactory(school=school, name="2026—2027 学年第一学期")
    client.force_login(school_admin(school))
    assert "本校已有同名学期" in _post(client, school).content.decode()


def test_bureau_reads_terms_but_cannot_create_them(client):
    school = SchoolFactory()
    TermFactory(school=school, name="春季学期")
    client.force_login(bureau_staff(school.district))
    assert (
        "春季学期"
        in client.get(reverse("school:term-list", kwargs={"school_pk": school.pk})).content.decode()
    )
    assert _post(client, school).status_code == 404


def test_saving_a_term_is_recorded_and_overlapping_terms_are_refused(client):
    from afterschool.register.models import AuditEntry

    school = SchoolFactory()
    client.force_login(school_admin(school))
    _post(client, school)
    assert AuditEntry.objects.filter(action="register.term_save", school=school).count() == 1
    response = _post(
        client, school, name="另一个学期", start_date="2027-01-01", end_date="2027-06-30"
    )
    assert "日期重叠" in response.content.decode()
    assert Term.objects.count() == 1


def _term_page(client):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    _post(client, school)
    term = Term.objects.get()
    url = reverse("school:term-update", kwargs={"school_pk": school.pk, "pk": term.pk})
    return term, url, client.get(url).content.decode()


def test_the_term_form_gives_the_browser_iso_dates_in_chinese(client):
    # Chinese formats a date as 2026/09/01, which an <input type="date"> cannot show: it shows nothing.
    _, _, page = _term_page(client)
    inputs = {i["name"]: i for i in form_inputs(page, "start_date") if i.get("type") == "date"}
    assert inputs["start_date"]["value"] == "2026-09-01"
    assert inputs["end_date"]["value"] == "2027-01-22"


def test_a_term_posted_back_unchanged_saves(client):
    # given: the edit page, submitted as a browser submits it (dropping date values it cannot read)
    term, url, page = _term_page(client)
    data = form_data(page, "start_date")
    # when
    response = client.post(url, data)
    # then
    assert response.status_code == 302, response.content.decode()
    term.refresh_from_db()
    assert (term.start_date, term.end_date) == (
        datetime.date(2026, 9, 1),
        datetime.date(2027, 1, 22),
    )
    assert term.calendar_days.count() == 9


def test_a_bad_calendar_line_is_shown_as_an_excerpt(client):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    response = _post(client, school, holidays="放" * 3000)
    page = response.content.decode()
    assert response.status_code == 200
    assert "放" * 40 + "…" in page and "放" * 41 + "”" not in page
    assert not Term.objects.exists()


def test_a_calendar_pasted_far_beyond_a_years_holidays_is_refused_unparsed(client):
    school = SchoolFactory()
    client.force_login(school_admin(school))
    lines = "\n".join(["2026-10-01~2026-11-29 假期"] * 20_000)  # 1.2 million days if parsed
    response = _post(client, school, holidays=lines)
    assert response.status_code == 200
    assert response.context["form"].errors["holidays"]
    assert not Term.objects.exists()
