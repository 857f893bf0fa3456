"""The product's audit trail: appended, never edited (see ``afterschool.register.audit``)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from afterschool.register.models.accounts import District, School


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
