"""Students, their guardians (records of one district), and who may pick a child up."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from afterschool.register.models.accounts import District, School, mask_mobile
from afterschool.register.models.classes import Homeroom


class Student(models.Model):
    class Gender(models.TextChoices):
        MALE = "M", _("男")
        FEMALE = "F", _("女")

    class Status(models.TextChoices):
        ENROLLED = "enrolled", _("在读")
        SUSPENDED = "suspended", _("休学")
        TRANSFERRED = "transferred", _("转出")
        GRADUATED = "graduated", _("毕业")

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="students", verbose_name=_("学校")
    )
    student_no = models.CharField(_("学籍号"), max_length=30)
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    homeroom = models.ForeignKey(
        Homeroom, on_delete=models.PROTECT, related_name="students", verbose_name=_("班级")
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.ENROLLED
    )
    # Priority groups named by the policy (优先保障): they come first when places are allocated.
    is_disabled = models.BooleanField(_("残疾儿童"), default=False)
    is_left_behind = models.BooleanField(_("留守儿童"), default=False)
    is_migrant_family = models.BooleanField(_("进城务工人员随迁子女"), default=False)
    is_financial_difficulty = models.BooleanField(_("家庭经济困难"), default=False)
    guardians = models.ManyToManyField(
        "Guardian",
        through="Guardianship",
        related_name="students",
        verbose_name=_("监护人"),
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    PRIORITY_FIELDS = (
        "is_disabled",
        "is_left_behind",
        "is_migrant_family",
        "is_financial_difficulty",
    )

    class Meta:
        verbose_name = _("学生")
        verbose_name_plural = _("学生")
        ordering = ["homeroom__grade__number", "homeroom__number", "student_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "student_no"], name="student_unique_no_per_school"
            ),
        ]
        indexes = [models.Index(fields=["homeroom", "status"])]

    def __str__(self):
        return self.name

    def priority_labels(self) -> list[str]:
        return [
            str(self._meta.get_field(f).verbose_name)
            for f in self.PRIORITY_FIELDS
            if getattr(self, f)
        ]


class Guardian(models.Model):
    """A parent or other guardian as one district's schools know them, identified by mobile in that district.

    The same person in another district is another record: a school never sees or links what another
    district's school registered. One login account may be the guardian of several districts' records.
    """

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="guardians", verbose_name=_("区县")
    )
    name = models.CharField(_("姓名"), max_length=50)
    mobile = models.CharField(_("手机号"), max_length=11)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="guardian_records",
        verbose_name=_("账号"),
    )

    class Meta:
        verbose_name = _("监护人")
        verbose_name_plural = _("监护人")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "mobile"], name="guardian_unique_mobile_per_district"
            ),
            models.UniqueConstraint(
                fields=["district", "user"],
                condition=Q(user__isnull=False),
                name="guardian_one_record_per_account_per_district",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.masked_mobile}）"

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class Guardianship(models.Model):
    """The link between a guardian and a child: the relation, and whether they may pick the child up."""

    class Relation(models.TextChoices):
        FATHER = "father", _("父亲")
        MOTHER = "mother", _("母亲")
        GRANDFATHER = "grandfather", _("祖父")
        GRANDMOTHER = "grandmother", _("祖母")
        MATERNAL_GRANDFATHER = "maternal_grandfather", _("外祖父")
        MATERNAL_GRANDMOTHER = "maternal_grandmother", _("外祖母")
        OTHER = "other", _("其他")

    guardian = models.ForeignKey(
        Guardian, on_delete=models.CASCADE, related_name="guardianships", verbose_name=_("监护人")
    )
    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="guardianships", verbose_name=_("学生")
    )
    relation = models.CharField(_("关系"), max_length=30, choices=Relation.choices)
    may_pick_up = models.BooleanField(_("可接送"), default=True)

    class Meta:
        verbose_name = _("监护关系")
        verbose_name_plural = _("监护关系")
        constraints = [
            models.UniqueConstraint(fields=["guardian", "student"], name="guardianship_unique"),
        ]

    def __str__(self):
        return f"{self.student} — {self.guardian}（{self.get_relation_display()}）"

    def clean(self):
        if (
            self.guardian_id
            and self.student_id
            and self.guardian.district_id != self.student.school.district_id
        ):
            raise ValidationError({"guardian": _("监护人须是学生所在区县的记录")})


class HomeroomMembership(models.Model):
    """Which class a child was in, year by year. ``Student.homeroom`` is this year's; last year's stays
    here, so what was recorded then (attendance, bills) still reads under the class it was made in."""

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("学生")
    )
    homeroom = models.ForeignKey(
        Homeroom, on_delete=models.PROTECT, related_name="memberships", verbose_name=_("班级")
    )
    school_year = models.ForeignKey(
        "afterschool.SchoolYear",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("学年"),
    )

    class Meta:
        verbose_name = _("在班记录")
        verbose_name_plural = _("在班记录")
        ordering = ["student", "-school_year__start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["student", "school_year"], name="membership_one_class_a_year"
            ),
        ]

    def __str__(self):
        return f"{self.student} · {self.homeroom} · {self.school_year}"
