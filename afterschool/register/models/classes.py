"""Grades and homerooms (班级), and who teaches them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from afterschool.register.models.accounts import School
from afterschool.register.models.calendar import SchoolYear
from afterschool.register.normalize import CN_NUMERALS


class Grade(models.Model):
    """A year group of a school, 1–9 (小学 1–6, 初中 7–9)."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="grades", verbose_name=_("学校")
    )
    number = models.PositiveSmallIntegerField(_("年级"))

    class Meta:
        verbose_name = _("年级")
        verbose_name_plural = _("年级")
        ordering = ["school", "number"]
        constraints = [
            models.UniqueConstraint(fields=["school", "number"], name="grade_unique_per_school"),
            models.CheckConstraint(
                condition=Q(number__gte=1, number__lte=9), name="grade_number_1_to_9"
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return grade_name(self.number)

    @property
    def is_lower_primary(self) -> bool:
        return self.number <= 3


def grade_name(number: int) -> str:
    """三年级, 初一 in Chinese; digits in other languages ("Grade 3", "Junior 1")."""
    chinese = (get_language() or "zh-hans").startswith("zh")
    if number >= 7:
        return str(_("初{n}")).format(n=CN_NUMERALS[number - 6] if chinese else number - 6)
    return str(_("{n}年级")).format(n=CN_NUMERALS[number] if chinese else number)


class Homeroom(models.Model):
    """A class (班级) of one grade, led by a homeroom teacher (班主任)."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="homerooms", verbose_name=_("学校")
    )
    school_year = models.ForeignKey(
        SchoolYear, on_delete=models.PROTECT, related_name="homerooms", verbose_name=_("学年")
    )
    grade = models.ForeignKey(
        Grade, on_delete=models.CASCADE, related_name="homerooms", verbose_name=_("年级")
    )
    number = models.PositiveSmallIntegerField(_("班号"))
    head_teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_homerooms",
        verbose_name=_("班主任"),
    )

    class Meta:
        verbose_name = _("班级")
        verbose_name_plural = _("班级")
        ordering = ["school", "grade__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["school_year", "grade", "number"], name="homeroom_unique_per_year_grade"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="homeroom_number_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return str(_("{grade}（{n}）班")).format(grade=grade_name(self.grade.number), n=self.number)

    def clean(self):
        if self.grade_id and self.school_id and self.grade.school_id != self.school_id:
            raise ValidationError({"grade": _("年级不属于该学校")})
        if self.school_year_id and self.school_id and self.school_year.school_id != self.school_id:
            raise ValidationError({"school_year": _("学年不属于该学校")})


class TeachingAssignment(models.Model):
    """A subject teacher (任课教师) of a homeroom: they see its students."""

    teacher = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="teaching_assignments",
        verbose_name=_("教师"),
    )
    homeroom = models.ForeignKey(
        Homeroom,
        on_delete=models.CASCADE,
        related_name="teaching_assignments",
        verbose_name=_("班级"),
    )
    subject = models.CharField(_("学科"), max_length=30)

    class Meta:
        verbose_name = _("任课安排")
        verbose_name_plural = _("任课安排")
        constraints = [
            models.UniqueConstraint(
                fields=["teacher", "homeroom", "subject"], name="teaching_unique"
            ),
        ]

    def __str__(self):
        return f"{self.homeroom} {self.subject} {self.teacher}"
