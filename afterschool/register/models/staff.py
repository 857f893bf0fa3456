"""Staff invitations: how a person gets roles at a school without the school learning about their account."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from afterschool.register.models.accounts import School
from afterschool.register.models.people import mask_mobile
from afterschool.register.models.roles import Role


class StaffInvitationQuerySet(models.QuerySet):
    def pending(self):
        """Neither accepted nor revoked: listed on the school's staff page (expired ones too, to re-issue)."""
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True)

    def live(self):
        """Invitations that can still be accepted (``state == ACTIVE``)."""
        return self.pending().filter(expires_at__gt=timezone.now())


class StaffInvitation(models.Model):
    """Roles at a school offered to whoever holds the one-time code and the mobile it was issued for.

    The school types a name and a mobile; it never learns whether that mobile has an account anywhere. The
    person accepts on the join page: logged in with the account of that mobile, or by creating one. Only a
    keyed digest of the code is stored: it is shown to the school admin once, to be told face to face.
    """

    class State(models.TextChoices):
        ACTIVE = "active", _("待接受")
        ACCEPTED = "accepted", _("已接受")
        EXPIRED = "expired", _("已过期")
        REVOKED = "revoked", _("已作废")

    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="staff_invitations", verbose_name=_("学校")
    )
    full_name = models.CharField(_("姓名"), max_length=50)
    mobile = models.CharField(_("手机号"), max_length=11)
    kinds = models.JSONField(_("角色"), default=list)
    code_digest = models.CharField(_("邀请码摘要"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("生成人"),
    )
    expires_at = models.DateTimeField(_("有效期至"))
    accepted_at = models.DateTimeField(_("接受时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("接受人"),
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

    objects = StaffInvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("教职工邀请")
        verbose_name_plural = _("教职工邀请")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(created_at__lt=models.F("expires_at")),
                name="staff_invitation_expires_after_creation",
            ),
            # One open invitation per person per school: issuing again revokes the old one first.
            models.UniqueConstraint(
                fields=["school", "mobile"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="staff_invitation_one_open_per_mobile",
            ),
        ]

    def __str__(self):
        return f"{self.school} {self.full_name}（{self.masked_mobile}）"

    @property
    def masked_mobile(self) -> str:
        return mask_mobile(self.mobile)

    @property
    def state(self) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.expires_at <= timezone.now():
            return self.State.EXPIRED
        return self.State.ACTIVE

    def get_state_display(self) -> str:
        return self.State(self.state).label

    def kinds_display(self) -> str:
        labels = dict(Role.Kind.choices)
        return "、".join(str(labels.get(k, k)) for k in self.kinds)
