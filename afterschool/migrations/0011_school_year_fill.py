"""Every school gets its school years (1 August to 31 July) from its terms' dates, each term the year it
starts in; its homerooms belong to the current year (or the latest year with a term), and each child's
class is recorded as their membership of that year."""

import datetime

from django.db import migrations

YEAR_START_MONTH = 8


def _bounds(day):
    first = day.year if day.month >= YEAR_START_MONTH else day.year - 1
    return (
        datetime.date(first, YEAR_START_MONTH, 1),
        datetime.date(first + 1, YEAR_START_MONTH, 1) - datetime.timedelta(days=1),
    )


def fill(apps, schema_editor):
    School = apps.get_model("afterschool", "School")
    SchoolYear = apps.get_model("afterschool", "SchoolYear")
    Term = apps.get_model("afterschool", "Term")
    Homeroom = apps.get_model("afterschool", "Homeroom")
    Student = apps.get_model("afterschool", "Student")
    Membership = apps.get_model("afterschool", "HomeroomMembership")
    today = datetime.date.today()
    for school in School.objects.all():
        years = {}

        def year_for(day, school=school, years=years):
            start, end = _bounds(day)
            if start not in years:
                years[start], _new = SchoolYear.objects.get_or_create(
                    school=school, start_date=start, defaults={"end_date": end}
                )
            return years[start]

        for term in Term.objects.filter(school=school):
            term.school_year = year_for(term.start_date)
            term.save(update_fields=["school_year"])
        current = _bounds(today)[0]
        if years and current not in years:
            current = max(start for start in years if start <= current) if any(
                start <= current for start in years
            ) else min(years)
            current_year = years[current]
        else:
            current_year = year_for(today)
        Homeroom.objects.filter(school=school).update(school_year=current_year)
        Membership.objects.bulk_create(
            Membership(student_id=pk, homeroom_id=homeroom_id, school_year=current_year)
            for pk, homeroom_id in Student.objects.filter(school=school).values_list(
                "pk", "homeroom_id"
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ("afterschool", "0010_school_year"),
    ]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
