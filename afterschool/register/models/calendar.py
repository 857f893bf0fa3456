"""Terms and their calendar: service weekdays, holidays and swapped working days (调休)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from afterschool.register.models.accounts import School


def default_service_weekdays():
    return [1, 2, 3, 4, 5]


# A school year runs from 1 August to 31 July: the first term starts around 1 September, the second ends
# before the summer; a summer holiday programme belongs to the year it closes.
YEAR_START_MONTH = 8


class SchoolYearQuerySet(models.QuerySet):
    def containing(self, day: datetime.date):
        return self.filter(start_date__lte=day, end_date__gte=day)

    def on(self, school, day: datetime.date) -> "SchoolYear":
        """The school's year containing ``day``: the stored one, or an unsaved one until it is needed."""
        start, end = SchoolYear.bounds_for(day)
        return self.filter(school=school, start_date=start).first() or SchoolYear(
            school=school, start_date=start, end_date=end
        )


class SchoolYear(models.Model):
    """A school year (学年) of a school. Terms and homerooms belong to one, so next September's classes are
    new rows and last year's classes, with what was recorded of them, stay as they were."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="school_years", verbose_name=_("学校")
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))

    objects = SchoolYearQuerySet.as_manager()

    class Meta:
        verbose_name = _("学年")
        verbose_name_plural = _("学年")
        ordering = ["school", "-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["school", "start_date"], name="school_year_unique"),
            models.CheckConstraint(
                condition=Q(start_date__lt=models.F("end_date")),
                name="school_year_start_before_end",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return str(_("%(a)d—%(b)d 学年")) % {"a": self.start_date.year, "b": self.end_date.year}

    @staticmethod
    def bounds_for(day: datetime.date) -> tuple[datetime.date, datetime.date]:
        """The year containing ``day``: 1 August to 31 July."""
        first = day.year if day.month >= YEAR_START_MONTH else day.year - 1
        return (
            datetime.date(first, YEAR_START_MONTH, 1),
            datetime.date(first + 1, YEAR_START_MONTH, 1) - datetime.timedelta(days=1),
        )


class Term(models.Model):
    """A semester (学期): its dates, the weekdays with service, and the calendar's exceptions."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="terms", verbose_name=_("学校")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="terms", verbose_name=_("学年")
    )
    name = models.CharField(
        _("学期名称"), max_length=50, help_text=_("例如：2026—2027 学年第一学期")
    )
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    # ISO weekdays, 1 = Monday. Some schools serve Monday to Thursday only; "5+2+1" adds Saturday.
    service_weekdays = models.JSONField(_("服务星期"), default=default_service_weekdays)

    class Meta:
        verbose_name = _("学期")
        verbose_name_plural = _("学期")
        ordering = ["school", "-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__lt=models.F("end_date")), name="term_start_before_end"
            ),
            models.UniqueConstraint(fields=["school", "name"], name="term_unique_name_per_school"),
        ]

    def __str__(self):
        return f"{self.school} {self.name}"

    def clean(self):
        days = self.service_weekdays
        if not isinstance(days, list) or not days or any(d not in range(1, 8) for d in days):
            raise ValidationError(
                {"service_weekdays": _("服务星期须为 1（周一）到 7（周日）之间的数字")}
            )
        if self.start_date and self.end_date and self.start_date >= self.end_date:
            raise ValidationError({"end_date": _("结束日期须晚于开始日期")})

    def contains(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.end_date

    @cached_property
    def exceptions(self) -> dict[datetime.date, "TermDay"]:
        """The calendar's exceptions by date, read once (from ``prefetch_related("calendar_days")`` if done)."""
        return {d.date: d for d in self.calendar_days.all()}

    def timetable_weekday(self, day: datetime.date) -> int | None:
        """The ISO weekday whose timetable runs on ``day``: its own, a swapped day's named one, or None.

        None when there is no service: outside the term, on a holiday, on a weekday without service.
        A weekend day worked in exchange (调休) follows the weekday it names: a Sunday worked as Monday.
        """
        if not self.contains(day):
            return None
        exception = self.exceptions.get(day)
        if exception is not None:
            if exception.kind == TermDay.Kind.HOLIDAY:
                return None
            return exception.follows_weekday
        weekday = day.isoweekday()
        return weekday if weekday in self.service_weekdays else None

    def is_service_day(self, day: datetime.date) -> bool:
        """Whether after-school service runs on ``day``: a service weekday unless a holiday, or a swapped working day."""
        return self.timetable_weekday(day) is not None

    def service_days(self) -> list[datetime.date]:
        days, day = [], self.start_date
        while day <= self.end_date:
            if self.is_service_day(day):
                days.append(day)
            day += datetime.timedelta(days=1)
        return days


WEEKDAY_NAMES = {
    1: _("周一"),
    2: _("周二"),
    3: _("周三"),
    4: _("周四"),
    5: _("周五"),
    6: _("周六"),
    7: _("周日"),
}


class TermDay(models.Model):
    """An exception to a term's weekly pattern: a holiday, or a weekend day worked in exchange (调休)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("放假")
        WORKDAY = "workday", _("调休上课")

    term = models.ForeignKey(
        Term, on_delete=models.CASCADE, related_name="calendar_days", verbose_name=_("学期")
    )
    date = models.DateField(_("日期"))
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    # A swapped working day runs the timetable of a named weekday (ISO, 1 = Monday): "周日按周一上课".
    follows_weekday = models.PositiveSmallIntegerField(
        _("按星期几上课"), null=True, blank=True, choices=list(WEEKDAY_NAMES.items())
    )
    note = models.CharField(_("说明"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("校历调整")
        verbose_name_plural = _("校历调整")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["term", "date"], name="termday_unique_date"),
            models.CheckConstraint(
                name="termday_workday_follows_a_weekday",
                condition=(
                    Q(
                        kind="workday",
                        follows_weekday__isnull=False,
                        follows_weekday__gte=1,
                        follows_weekday__lte=7,
                    )
                    | Q(kind="holiday", follows_weekday__isnull=True)
                ),
            ),
        ]

    def __str__(self):
        if self.kind == self.Kind.WORKDAY and self.follows_weekday:
            return str(_("%(date)s 调休上课（按%(weekday)s）")) % {
                "date": self.date,
                "weekday": WEEKDAY_NAMES[self.follows_weekday],
            }
        return f"{self.date} {self.get_kind_display()}"
