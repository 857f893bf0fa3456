"""People's own accounts: the e-mail address staff reset a forgotten password with."""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from afterschool.register import audit_entries, permissions
from afterschool.register.audit import audit_record


def mask_email(email: str) -> str:
    """``w***@example.cn``: the trail says an address changed without handing it to every reader."""
    if not email or "@" not in email:
        return email or ""
    name, _at, domain = email.partition("@")
    return f"{name[:1]}***@{domain}"


EMAIL_TAKEN = gettext_lazy("该邮箱已被其他账号使用，请换一个邮箱。")


@transaction.atomic
def user_email_set(*, user, email: str, by):
    """Set (or, with "", clear) the address a staff member's password-reset links are sent to."""
    if not permissions.is_staff_member(user):
        raise ValidationError(
            {"email": _("家长账号不使用邮箱找回密码，忘记密码请联系孩子学校的管理员。")}
        )
    email = get_user_model().objects.normalize_email((email or "").strip())
    if email:
        try:
            validate_email(email)
        except ValidationError as e:
            raise ValidationError({"email": _("请输入有效的电子邮箱地址。")}) from e
    User = get_user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    # Said the same whoever holds it: the address is not yours to use, and whose it is stays unsaid.
    if email and User.objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise ValidationError({"email": EMAIL_TAKEN})
    old = user.email
    if old == email:
        return user
    user.email = email
    try:
        with transaction.atomic():
            user.save(update_fields=["email"])
    except IntegrityError as e:  # set by someone else between the check and the save
        raise ValidationError({"email": EMAIL_TAKEN}) from e
    schools = {r.school for r in user.roles.select_related("school") if r.school_id} or {None}
    for school in schools:
        audit_record(
            by=by,
            action=audit_entries.EMAIL_SET,
            school=school,
            target=user,
            label=user.get_full_name(),
            old=mask_email(old),
            new=mask_email(email),
        )
    return user
