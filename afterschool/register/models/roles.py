"""Roles a user holds, scoped to a school or a district; parents' invitation codes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from afterschool.register.models.accounts import District, School
from afterschool.register.models.people import Guardian, Student


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
