"""Terms and their calendars."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from afterschool.register import audit_entries
from afterschool.register.audit import audit_entry, audit_record, audit_record_many
from afterschool.register.models import WEEKDAY_NAMES, SchoolYear, Term, TermDay


def school_year_ensure(*, school, day) -> SchoolYear:
    """The school's year containing ``day`` (1 August to 31 July), created the first time it is needed."""
    start, end = SchoolYear.bounds_for(day)
    year, _created = SchoolYear.objects.get_or_create(
        school=school, start_date=start, defaults={"end_date": end}
    )
    return year


@transaction.atomic
def term_save(
    *,
    school,
    by,
    name: str,
    start_date,
    end_date,
    service_weekdays: list[int],
    days: list[dict],
    term=None,
):
    """Create or update a term with its calendar exceptions (holidays and swapped working days)."""
    term = term or Term(school=school)
    if term.school_id != school.pk:
        raise ValidationError(_("学期不属于该学校。"))
    term.name, term.start_date, term.end_date = name, start_date, end_date
    term.service_weekdays = sorted(set(service_weekdays))
    term.full_clean(exclude=["school", "school_year"])
    others = Term.objects.filter(school=school).exclude(pk=term.pk)
    if others.filter(name=name).exists():
        raise ValidationError({"name": _("本校已有同名学期。")})
    overlap = others.filter(start_date__lte=end_date, end_date__gte=start_date).first()
    if overlap:
        raise ValidationError(
            {
                "start_date": _("与学期“%(name)s”（%(start)s 至 %(end)s）的日期重叠。")
                % {"name": overlap.name, "start": overlap.start_date, "end": overlap.end_date}
            }
        )
    seen = {}
    for i, day in enumerate(days, start=1):
        date = day["date"]
        if not (start_date <= date <= end_date):
            raise ValidationError(
                _("第 %(i)d 行校历调整：%(date)s 不在学期内。") % {"i": i, "date": date}
            )
        if date in seen:
            raise ValidationError(
                _("第 %(i)d 行校历调整：%(date)s 重复。") % {"i": i, "date": date}
            )
        follows = day.get("follows_weekday")
        if day["kind"] == TermDay.Kind.WORKDAY and follows not in range(1, 8):
            raise ValidationError(
                _("第 %(i)d 行校历调整：%(date)s 调休上课须写明按星期几的课表。")
                % {"i": i, "date": date}
            )
        seen[date] = {
            "kind": day["kind"],
            "note": day.get("note", ""),
            "follows_weekday": follows if day["kind"] == TermDay.Kind.WORKDAY else None,
        }
    created = term.pk is None
    year = school_year_ensure(school=school, day=start_date)
    if end_date > year.end_date:
        raise ValidationError(
            {
                "end_date": _("学期须在一个学年之内（%(year)s 至 %(end)s 结束）。")
                % {"year": year.name, "end": year.end_date}
            }
        )
    term.school_year = year
    term.save()
    _calendar_update(term=term, wanted=seen, by=by)
    audit_record(
        by=by,
        action=audit_entries.TERM_SAVE,
        school=school,
        target=term,
        created=created,
        start=start_date,
        end=end_date,
        weekdays="、".join(str(WEEKDAY_NAMES[d]) for d in term.service_weekdays),
    )
    return term


def _calendar_update(*, term: Term, wanted: dict, by) -> None:
    """Change only the days that changed, recording each day added or removed (a change is both)."""
    have = {d.date: d for d in term.calendar_days.all()}
    removed = [
        d
        for date, d in have.items()
        if date not in wanted
        or (d.kind, d.note, d.follows_weekday)
        != (wanted[date]["kind"], wanted[date]["note"], wanted[date]["follows_weekday"])
    ]
    added = [
        TermDay(term=term, date=date, **values)
        for date, values in sorted(wanted.items())
        if date not in have or have[date] in removed
    ]
    if removed:
        TermDay.objects.filter(pk__in=[d.pk for d in removed]).delete()
    TermDay.objects.bulk_create(added)
    audit_record_many(
        audit_entry(
            by=by,
            action=action,
            school=term.school,
            target=term,
            date=day.date,
            kind=day.get_kind_display(),
            follows=str(WEEKDAY_NAMES[day.follows_weekday]) if day.follows_weekday else "",
            note=day.note,
        )
        for action, days in (
            (audit_entries.TERM_DAY_REMOVE, removed),
            (audit_entries.TERM_DAY_ADD, added),
        )
        for day in sorted(days, key=lambda d: d.date)
    )
    term.__dict__.pop("exceptions", None)
    getattr(term, "_prefetched_objects_cache", {}).pop("calendar_days", None)
