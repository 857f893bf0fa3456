"""Staff: roles at a school, invitations to join one, head teachers.

A school admin adds a person by name and mobile. Whatever that mobile is elsewhere (a parent's account, a
teacher of another district, nobody), the admin gets the same answer: an invitation with a one-time code, to
be told face to face. The person accepts it on the join page, logged in with the account of that mobile or
by creating one. Only a colleague who already holds a role at the same school gets roles at once: the
admin sees that person on the staff page anyway.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from afterschool.register import audit_entries, throttle
from afterschool.register.audit import audit_record
from afterschool.register.models import Homeroom, Role, School, StaffInvitation, mask_mobile
from afterschool.register.normalize import normalize_mobile
from afterschool.register.rules import person_name
from afterschool.register.services.invitations import (
    TooManyAttempts,
    _new_code,
    _validate_new_password,
    normalize_invitation_code,
)


@dataclass(frozen=True)
class StaffAdded:
    """What ``staff_add`` did: roles for a colleague of the school, or an invitation and its one-time code."""

    colleague: object = None
    invitation: StaffInvitation | None = None
    code: str = ""


def staff_code_digest(code: str) -> str:
    """The stored form of a code: keyed with the site's secret, so a copy of the database cannot try codes."""
    return salted_hmac(
        "afterschool.register.staff-invitation", code, algorithm="sha256"
    ).hexdigest()


def role_labels(kinds) -> list[str]:
    """Role kinds as the trail keeps them: their names (教师、带班领导)."""
    return [str(Role.Kind(k).label) for k in kinds]


def _clean_kinds(kinds) -> list[str]:
    kinds = list(dict.fromkeys(kinds or []))
    if not kinds or set(kinds) - set(Role.SCHOOL_KINDS):
        raise ValidationError({"kinds": _("请选择学校角色。")})
    return kinds


def _roles_grant(*, user, school, kinds: list[str]) -> list[str]:
    """Give ``user`` the roles at ``school`` they do not hold yet; returns the kinds actually granted."""
    return [
        kind for kind in kinds if Role.objects.get_or_create(user=user, kind=kind, school=school)[1]
    ]


@transaction.atomic
def staff_add(*, school, full_name: str, mobile: str, kinds: list[str], by) -> StaffAdded:
    """Offer roles at ``school`` to the person with ``mobile``: at once to a colleague of this school, else by invitation."""
    clean_mobile = normalize_mobile(mobile)
    if clean_mobile is None:
        raise ValidationError({"mobile": _("请输入 11 位大陆手机号。")})
    full_name = person_name(full_name)
    if not full_name:
        raise ValidationError({"full_name": _("请填写姓名。")})
    kinds = _clean_kinds(kinds)
    # One at a time per school: a double click must not leave two open invitations.
    School.objects.select_for_update().filter(pk=school.pk).first()
    # Only this school's own staff are looked up: nothing else about the mobile is read.
    colleague = get_user_model().objects.filter(mobile=clean_mobile, roles__school=school).first()
    if colleague is not None:
        granted = _roles_grant(user=colleague, school=school, kinds=kinds)
        if granted:
            audit_record(
                by=by,
                action=audit_entries.ROLE_GRANT,
                school=school,
                target=colleague,
                label=colleague.get_full_name(),
                roles=role_labels(granted),
            )
        return StaffAdded(colleague=colleague)
    invitation, code = _invitation_issue(
        school=school, full_name=full_name, mobile=clean_mobile, kinds=kinds, by=by
    )
    return StaffAdded(invitation=invitation, code=code)


def _invitation_issue(*, school, full_name: str, mobile: str, kinds: list[str], by):
    """A fresh invitation for ``mobile`` at ``school``, revoking any open one of theirs there."""
    now = timezone.now()
    StaffInvitation.objects.pending().filter(school=school, mobile=mobile).update(
        revoked_at=now, revoked_by=by
    )
    while True:
        code = _new_code()
        digest = staff_code_digest(code)
        if not StaffInvitation.objects.filter(code_digest=digest).exists():
            break
    invitation = StaffInvitation.objects.create(
        school=school,
        full_name=full_name,
        mobile=mobile,
        kinds=kinds,
        code_digest=digest,
        created_at=now,
        created_by=by,
        expires_at=now + datetime.timedelta(days=settings.STAFF_INVITATION_VALID_DAYS),
    )
    audit_record(
        by=by,
        action=audit_entries.STAFF_INVITE,
        school=school,
        target=invitation,
        label=full_name,
        mobile=mask_mobile(mobile),
        roles=role_labels(kinds),
    )
    return invitation, code


def _pending_locked(invitation: StaffInvitation) -> StaffInvitation:
    invitation = (
        StaffInvitation.objects.select_for_update().select_related("school").get(pk=invitation.pk)
    )
    if invitation.state in (StaffInvitation.State.ACCEPTED, StaffInvitation.State.REVOKED):
        raise ValidationError(
            _("该邀请%(state)s，无法再操作。") % {"state": invitation.get_state_display()}
        )
    return invitation


@transaction.atomic
def staff_invitation_reissue(*, invitation: StaffInvitation, by) -> StaffAdded:
    """A new code for a pending (or expired) invitation, for a lost or forgotten one; the old code stops working."""
    invitation = _pending_locked(invitation)
    renewed, code = _invitation_issue(
        school=invitation.school,
        full_name=invitation.full_name,
        mobile=invitation.mobile,
        kinds=invitation.kinds,
        by=by,
    )
    return StaffAdded(invitation=renewed, code=code)


@transaction.atomic
def staff_invitation_revoke(*, invitation: StaffInvitation, by) -> StaffInvitation:
    """Withdraw an invitation nobody has accepted yet."""
    invitation = _pending_locked(invitation)
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = by
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        by=by,
        action=audit_entries.STAFF_INVITE_REVOKE,
        school=invitation.school,
        target=invitation,
        label=invitation.full_name,
        mobile=invitation.masked_mobile,
    )
    return invitation


# Said for a wrong code and for a right code with another mobile alike.
WRONG_STAFF_CODE_OR_MOBILE = gettext_lazy(
    "邀请码或手机号不正确。请核对学校告知您的邀请码，以及您的手机号。"
)


def staff_invitation_accept(
    *, code: str, mobile: str, password: str = "", user=None, ip: str | None = None
):
    """Accept an invitation, each attempt counted first per client address and per code (as parents'
    activation is): raises ``TooManyAttempts`` once either has had its tries for the hour."""
    code = normalize_invitation_code(code)
    if not throttle.activation_attempt(ip=ip, code=code, scope="staff-join"):
        raise TooManyAttempts(_("尝试次数过多，请一小时后再试，或联系学校管理员。"))
    accepted = _staff_invitation_accept(code=code, mobile=mobile, password=password, user=user)
    throttle.activation_succeeded(ip=ip, code=code, scope="staff-join")
    return accepted


@transaction.atomic
def _staff_invitation_accept(*, code: str, mobile: str, password: str = "", user=None):
    """Accept an invitation: the logged-in ``user`` of that mobile, or a new account with ``password``.

    An account that already has the mobile must log in first: the code alone never opens an existing
    account. Returns ``(user, invitation)``.
    """
    clean_mobile = normalize_mobile(mobile)
    if clean_mobile is None:
        raise ValidationError({"mobile": _("请输入 11 位手机号。")})
    # Before looking anything up: these answers must not depend on whether the code is right.
    if user is not None and user.mobile != clean_mobile:
        raise ValidationError(
            {
                "mobile": _(
                    "只能接受发给您本人手机号的邀请。请退出后，用该手机号的账号登录，或用它开通新账号。"
                )
            }
        )
    if user is None:
        _validate_new_password(password, None)
    code = normalize_invitation_code(code)
    invitation = (
        StaffInvitation.objects.select_for_update()
        .select_related("school")
        .filter(code_digest=staff_code_digest(code))
        .first()
        if code
        else None
    )
    if invitation is None or invitation.mobile != clean_mobile:
        raise ValidationError(WRONG_STAFF_CODE_OR_MOBILE)
    if invitation.state != StaffInvitation.State.ACTIVE:
        raise ValidationError(
            {
                "code": _("该邀请码%(state)s，请联系学校管理员重新获取。")
                % {"state": invitation.get_state_display()}
            }
        )
    if user is None:
        user = _create_staff_account(invitation=invitation, password=password)
    school = invitation.school
    granted = _roles_grant(user=user, school=school, kinds=invitation.kinds)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit_record(
        by=user,
        action=audit_entries.STAFF_INVITE_ACCEPT,
        school=school,
        target=user,
        label=user.get_full_name(),
        roles=role_labels(granted),
    )
    return user, invitation


def _create_staff_account(*, invitation: StaffInvitation, password: str):
    User = get_user_model()
    mobile = invitation.mobile
    if User.objects.filter(mobile=mobile).exists():
        raise ValidationError({"mobile": _("该手机号已有账号，请先登录，再打开本页接受邀请。")})
    taken = ValidationError({"mobile": _("该手机号已被其他账号使用，请联系学校管理员。")})
    if User.objects.filter(username__iexact=mobile).exists():
        raise taken
    try:
        with transaction.atomic():
            return User.objects.create_user(
                username=mobile, mobile=mobile, full_name=invitation.full_name, password=password
            )
    except IntegrityError as e:
        raise taken from e


@transaction.atomic
def role_remove(*, role, by) -> None:
    """Take a school role away; a head teacher who is no longer a teacher there stops leading their homerooms.

    An admin cannot remove their own admin role: a school must not lock itself out of its register.
    """
    school, user = role.school, role.user
    if by is not None and role.user_id == by.pk and role.kind == Role.Kind.SCHOOL_ADMIN:
        raise ValidationError(_("不能取消自己的管理员角色。"))
    audit_record(
        by=by,
        action=audit_entries.ROLE_REMOVE,
        school=school,
        target=user,
        label=user.get_full_name(),
        role=role.get_kind_display(),
    )
    role.delete()
    if not Role.objects.filter(user=user, school=school, kind=Role.Kind.TEACHER).exists():
        Homeroom.objects.filter(school=school, head_teacher=user).update(head_teacher=None)


@transaction.atomic
def homeroom_head_teacher_set(*, homeroom, teacher, by):
    """Appoint a teacher of the homeroom's school as its head teacher (班主任), or clear it with None."""
    if (
        teacher is not None
        and not Role.objects.filter(
            user=teacher, school=homeroom.school_id, kind=Role.Kind.TEACHER
        ).exists()
    ):
        raise ValidationError({"head_teacher": _("班主任须是本校教师。")})
    homeroom.head_teacher = teacher
    homeroom.save(update_fields=["head_teacher"])
    audit_record(
        by=by,
        action=audit_entries.HEAD_TEACHER_SET,
        school=homeroom.school,
        target=homeroom,
        teacher=teacher.get_full_name() if teacher else None,
    )
    return homeroom
