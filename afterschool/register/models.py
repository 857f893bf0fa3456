"""The register: district, schools, terms, grades and homerooms, students, guardians, staff and roles."""

import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from afterschool.register.normalize import CN_NUMERALS


class User(AbstractUser):
    """A person who logs in: staff, bureau clerk or parent. Log in with username or mobile number."""

    full_name = models.CharField(_("姓名"), max_length=50, blank=True)
    mobile = models.CharField(
        _("手机号"),
        max_length=11,
        blank=True,
        null=True,
        unique=True,
        help_text=_("11 位大陆手机号，可用于登录"),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        constraints = [
            # Password-reset links go to the account with this address: one account per address.
            models.UniqueConstraint(
                Lower("email"), condition=~Q(email=""), name="user_email_unique_ignoring_case"
            ),
        ]

    def __str__(self):
        return self.full_name or self.shown_username

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.shown_username

    @property
    def shown_username(self) -> str:
        """The username, masked when it is a mobile number (accounts opened by code log in with theirs)."""
        name = self.username or ""
        return mask_mobile(name) if len(name) == 11 and name.isdigit() else name

    @cached_property
    def role_set(self):
        """Every role this user holds, loaded once per request."""
        return list(self.roles.select_related("school", "district", "school__district"))

    @cached_property
    def guardian_record_ids(self) -> list[int]:
        """The guardian records (one per district at most) this account speaks for, loaded once per request."""
        return list(self.guardian_records.values_list("pk", flat=True))

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)


class District(models.Model):
    """An education bureau (区/县教育局) and the area it oversees."""

    name = models.CharField(_("名称"), max_length=100)
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    bureau_name = models.CharField(_("教育局名称"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("区县")
        verbose_name_plural = _("区县")
        ordering = ["code"]

    def __str__(self):
        return self.name


class School(models.Model):
    class Stage(models.TextChoices):
        PRIMARY = "primary", _("小学")
        MIDDLE = "middle", _("初中")
        NINE_YEAR = "nine_year", _("九年一贯制")

    district = models.ForeignKey(
        District, on_delete=models.PROTECT, related_name="schools", verbose_name=_("区县")
    )
    name = models.CharField(_("校名"), max_length=100)
    code = models.SlugField(_("学校代码"), max_length=30, unique=True)
    stage = models.CharField(_("学段"), max_length=20, choices=Stage.choices, default=Stage.PRIMARY)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["district", "code"]

    def __str__(self):
        return self.name

    @property
    def grade_range(self) -> range:
        return {
            self.Stage.PRIMARY: range(1, 7),
            self.Stage.MIDDLE: range(7, 10),
            self.Stage.NINE_YEAR: range(1, 10),
        }[self.stage]


def default_service_weekdays():
    return [1, 2, 3, 4, 5]


class Term(models.Model):
    """A semester (学期): its dates, the weekdays with service, and the calendar's exceptions."""

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="terms", verbose_name=_("学校")
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
            models.UniqueConstraint(fields=["grade", "number"], name="homeroom_unique_per_grade"),
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


def mask_mobile(mobile: str | None) -> str:
    """138****5678: enough to tell two numbers apart, not enough to call."""
    return f"{mobile[:3]}****{mobile[-4:]}" if mobile else ""


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


class Role(models.Model):
    """A role a user holds, scoped to one school, or to one district for bureau staff."""

    class Kind(models.TextChoices):
        SCHOOL_ADMIN = "school_admin", _("学校管理员")
        TEACHER = "teacher", _("教师")
        DUTY_LEADER = "duty_leader", _("带班领导")
        PROVIDER_STAFF = "provider_staff", _("第三方机构人员")
        BUREAU_STAFF = "bureau_staff", _("教育局工作人员")

    SCHOOL_KINDS = (Kind.SCHOOL_ADMIN, Kind.TEACHER, Kind.DUTY_LEADER, Kind.PROVIDER_STAFF)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="roles",
        verbose_name=_("用户"),
    )
    kind = models.CharField(_("角色"), max_length=20, choices=Kind.choices)
    school = models.ForeignKey(
        School,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("学校"),
    )
    district = models.ForeignKey(
        District,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="roles",
        verbose_name=_("区县"),
    )

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_kind",
                condition=(
                    Q(kind="bureau_staff", district__isnull=False, school__isnull=True)
                    | (~Q(kind="bureau_staff") & Q(school__isnull=False, district__isnull=True))
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "school"],
                name="role_unique_school",
                condition=Q(school__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["user", "kind", "district"],
                name="role_unique_district",
                condition=Q(district__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.user} · {self.get_kind_display()} · {self.school or self.district}"

    def clean(self):
        if self.kind == self.Kind.BUREAU_STAFF and (not self.district_id or self.school_id):
            raise ValidationError({"district": _("教育局工作人员须指定区县，且不指定学校")})
        if self.kind != self.Kind.BUREAU_STAFF and (not self.school_id or self.district_id):
            raise ValidationError({"school": _("学校角色须指定学校，且不指定区县")})


class InvitationCodeQuerySet(models.QuerySet):
    def live(self):
        """Codes that can still be used: not used, not revoked, not expired (``state == ACTIVE``)."""
        return self.filter(
            used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
        )


class InvitationCode(models.Model):
    """A single-use code printed on the letter to parents; a guardian activates their account with it."""

    class State(models.TextChoices):
        ACTIVE = "active", _("有效")
        USED = "used", _("已使用")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已作废")

    student = models.ForeignKey(
        Student, on_delete=models.CASCADE, related_name="invitation_codes", verbose_name=_("学生")
    )
    code = models.CharField(_("邀请码"), max_length=12, unique=True)
    # Set for a password-reset code: only this guardian may use it. Letter codes (unset) never reset.
    guardian = models.ForeignKey(
        "Guardian",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reset_codes",
        verbose_name=_("指定监护人"),
    )
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("生成人"),
    )
    expires_at = models.DateTimeField(_("有效期至"))
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)
    used_by = models.ForeignKey(
        Guardian,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("使用人"),
    )
    revoked_at = models.DateTimeField(_("作废时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("作废人"),
    )

    objects = InvitationCodeQuerySet.as_manager()

    class Meta:
        verbose_name = _("家长邀请码")
        verbose_name_plural = _("家长邀请码")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(created_at__lt=models.F("expires_at")),
                name="invitation_expires_after_creation",
            ),
            # One live code per child: issuing a new one revokes the old, even under a double click.
            models.UniqueConstraint(
                fields=["student"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_code_per_student",
            ),
        ]

    def __str__(self):
        return f"{self.student} {self.code}"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        if self.used_at:
            return self.State.USED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.ACTIVE

    def get_state_display(self) -> str:
        return self.State(self.state).label


class AppendOnlyError(Exception):
    """The audit trail is appended to, never changed: a correction is a new entry pointing at the old one."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("audit entries cannot be updated")

    def update_or_create(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be updated")


def _unconstrained(model, **kwargs):
    """A link that outlives what it points at: deleting a school or a user leaves the trail as it was."""
    return models.ForeignKey(
        model,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        **kwargs,
    )


class AuditEntry(models.Model):
    """One sensitive action, by whom, on what, when: the whole product's trail, appended, never edited.

    ``action`` is named by its app (``register.invitation_issue``, ``enrollment.placement_move``); each
    app declares its actions and renders them as a sentence (see ``afterschool.register.audit``). The
    target is typed (content type and id) and keeps the readable label it had at the time; the actor's,
    school's and target's labels are copied too, so the entry still reads right after they change or go.
    """

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = _unconstrained(settings.AUTH_USER_MODEL, related_name="+", verbose_name=_("操作人"))
    actor_label = models.CharField(_("操作人姓名"), max_length=100, blank=True)
    school = _unconstrained(School, related_name="audit_entries", verbose_name=_("学校"))
    district = _unconstrained(District, related_name="audit_entries", verbose_name=_("区县"))
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    target_type = _unconstrained(
        "contenttypes.ContentType", related_name="+", verbose_name=_("对象类型")
    )
    target_id = models.PositiveBigIntegerField(_("对象编号"), null=True, blank=True)
    target_label = models.CharField(_("对象"), max_length=200, blank=True)
    details = models.JSONField(_("详情"), default=dict, blank=True)
    corrects = _unconstrained("self", related_name="corrections", verbose_name=_("更正的记录"))

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("操作记录")
        verbose_name_plural = _("操作记录")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["school", "-at"], name="audit_school_at"),
            models.Index(fields=["district", "-at"], name="audit_district_at"),
            models.Index(fields=["target_type", "target_id"], name="audit_target"),
        ]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")
