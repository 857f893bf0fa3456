"""Terms and their calendars."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from afterschool.register.audit import audit_record
from afterschool.register.models import AuditEntry, Term, TermDay


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
    term.full_clean(exclude=["school"])
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
        seen[date] = day
    term.save()
    term.calendar_days.all().delete()
    TermDay.objects.bulk_create(
        [
            TermDay(term=term, date=d["date"], kind=d["kind"], note=d.get("note", ""))
            for d in seen.values()
        ]
    )
    audit_record(
        by=by,
        school=school,
        action=AuditEntry.Action.TERM_SAVE,
        target=term.name,
        start=start_date,
        end=end_date,
        weekdays=term.service_weekdays,
        days=len(seen),
    )
    return term
