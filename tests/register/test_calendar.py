"""The term calendar that sessions are generated from: swapped days follow a named weekday, holidays
have none, across New Year, and asking costs one query per term, not one per day."""

import datetime

import pytest
from django.urls import reverse

from afterschool.register import audit_entries, services
from afterschool.register.models import AuditEntry, Term, TermDay
from tests.factories import SchoolFactory, school_admin

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def term():
    school = SchoolFactory()
    return services.term_save(
        school=school,
        by=school_admin(school),
        name="2026—2027 学年第一学期",
        start_date=D(2026, 9, 1),
        end_date=D(2027, 1, 22),
        service_weekdays=[1, 2, 3, 4, 5],
        days=[
            {"date": D(2026, 12, 31), "kind": "holiday", "note": "元旦"},
            {"date": D(2027, 1, 1), "kind": "holiday", "note": "元旦"},
            # Sunday 3 January worked as Monday
            {"date": D(2027, 1, 3), "kind": "workday", "follows_weekday": 1, "note": "元旦调休"},
        ],
    )


def test_a_sunday_worked_as_monday_runs_mondays_timetable_across_new_year(term):
    assert D(2027, 1, 3).isoweekday() == 7
    assert term.timetable_weekday(D(2027, 1, 3)) == 1
    assert term.is_service_day(D(2027, 1, 3))


def test_a_holiday_has_no_service_on_either_side_of_new_year(term):
    assert term.timetable_weekday(D(2026, 12, 31)) is None  # a Thursday
    assert term.timetable_weekday(D(2027, 1, 1)) is None  # a Friday
    assert term.timetable_weekday(D(2027, 1, 4)) == 1  # the Monday after
    assert term.timetable_weekday(D(2027, 1, 2)) is None  # an ordinary Saturday
    assert term.timetable_weekday(D(2027, 1, 23)) is None  # after the term
    assert term.timetable_weekday(D(2026, 8, 31)) is None  # before it


def test_asking_about_every_day_of_a_term_costs_one_query(term, django_assert_num_queries):
    fresh = Term.objects.get(pk=term.pk)
    with django_assert_num_queries(1):
        days = fresh.service_days()
        assert all(fresh.is_service_day(d) for d in days)
    assert D(2027, 1, 3) in days and D(2027, 1, 1) not in days
    prefetched = Term.objects.prefetch_related("calendar_days").get(pk=term.pk)
    with django_assert_num_queries(0):
        assert prefetched.service_days() == days


def test_saving_a_term_changes_only_the_days_that_changed_and_records_each(term):
    kept = term.calendar_days.get(date=D(2026, 12, 31))
    services.term_save(
        school=term.school,
        by=None,
        term=term,
        name=term.name,
        start_date=term.start_date,
        end_date=term.end_date,
        service_weekdays=term.service_weekdays,
        days=[
            {"date": D(2026, 12, 31), "kind": "holiday", "note": "元旦"},
            {"date": D(2027, 1, 1), "kind": "holiday", "note": "元旦"},
            # the swapped Sunday now follows Friday; a new holiday
            {"date": D(2027, 1, 3), "kind": "workday", "follows_weekday": 5, "note": "元旦调休"},
            {"date": D(2026, 10, 1), "kind": "holiday", "note": "国庆节"},
        ],
    )
    assert term.calendar_days.get(date=D(2026, 12, 31)).pk == kept.pk  # untouched
    assert term.timetable_weekday(D(2027, 1, 3)) == 5
    added = AuditEntry.objects.filter(action=audit_entries.TERM_DAY_ADD).order_by("pk")
    removed = AuditEntry.objects.filter(action=audit_entries.TERM_DAY_REMOVE)
    # the first save added three days; this one removed one and added two
    assert [e.details["date"] for e in added][3:] == ["2026-10-01", "2027-01-03"]
    assert [e.details["date"] for e in removed] == ["2027-01-03"]
    assert [e.details["follows"] for e in removed] == ["周一"]


def test_the_term_form_reads_and_writes_the_weekday_a_swapped_day_follows(client, term):
    client.force_login(school_admin(term.school))
    url = reverse("school:term-update", kwargs={"school_pk": term.school_id, "pk": term.pk})
    assert "2027-01-03 按周一 元旦调休" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "name": term.name,
            "start_date": "2026-09-01",
            "end_date": "2027-01-22",
            "service_weekdays": ["1", "2", "3", "4", "5"],
            "holidays": "2026-12-31~2027-01-01 元旦",
            "workdays": "2027-01-03（星期三课表） 元旦调休",
        },
    )
    assert response.status_code == 302
    day = TermDay.objects.get(term=term, date=D(2027, 1, 3))
    assert (day.follows_weekday, day.note) == (3, "元旦调休")


def test_the_database_refuses_a_swapped_day_without_a_weekday(term):
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        TermDay.objects.create(term=term, date=D(2026, 9, 27), kind="workday")
