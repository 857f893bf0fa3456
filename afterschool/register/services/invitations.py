"""Parents' invitation codes: issuing, revoking, and activating an account with one.

A letter code proves that its holder has the school's letter for one child; the mobile number proves they
are a guardian the school registered for that child. Together they create a parent's account, or add the
child to a logged-in parent with that mobile. A reset code is issued by a school admin for one named
guardian and is the only code that resets a password.

A guardian record belongs to one district and is one person across that district's schools, found by
mobile. Any school of the district can put a mobile on one of its children, so a school's codes act only on
guardians it registered first (their "home school"). One account may speak for records of several districts:
each district's record is bound only by its own code, redeemed by the account holder while logged in, and a
reset code never resets an account that also serves another district or holds a staff role.
"""

import datetime
import secrets
import unicodedata

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from afterschool.register import audit_entries, throttle
from afterschool.register.audit import audit_record
from afterschool.register.models import Guardian, InvitationCode, Student
from afterschool.register.normalize import normalize_mobile

# No 0/O, 1/I/L: the code is read off paper and typed on a phone.
INVITATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
# How many children's names an entry for a batch of codes keeps (the count is always kept).
AUDIT_NAMES = 20
INVITATION_LENGTH = 8


def _new_code() -> str:
    return "".join(secrets.choice(INVITATION_ALPHABET) for _ in range(INVITATION_LENGTH))


def normalize_invitation_code(raw: str) -> str:
    """Upper case, half-width (a Chinese keyboard types ａｂｃ２３), letters and digits only."""
    text = unicodedata.normalize("NFKC", raw or "").upper()
    return "".join(c for c in text if c.isascii() and c.isalnum())


@transaction.atomic
def invitation_code_issue(
    *, students, by, valid_days: int | None = None, guardian: Guardian | None = None
) -> list[InvitationCode]:
    """Issue a fresh code for each student, revoking any unused code of theirs (expired ones too).

    With ``guardian`` (one student only), the code is a password-reset code for that guardian alone.
    """
    now = timezone.now()
    # Lock the children: two admins (or a double click) issuing at once must not leave two live codes.
    students = list(
        Student.objects.select_for_update()
        .filter(pk__in=[s.pk for s in students])
        .select_related("school", "homeroom__grade")
        .order_by("homeroom__grade__number", "homeroom__number", "student_no")
    )
    valid_days = valid_days or settings.INVITATION_CODE_VALID_DAYS
    InvitationCode.objects.filter(
        student__in=students, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now, revoked_by=by)
    taken: set[str] = set()
    while len(taken) < len(students):
        batch = {_new_code() for _ in range(len(students) - len(taken))} - taken
        batch -= set(InvitationCode.objects.filter(code__in=batch).values_list("code", flat=True))
        taken |= batch
    created = InvitationCode.objects.bulk_create(
        [
            InvitationCode(
                student=student,
                code=code,
                guardian=guardian,
                created_by=by,
                created_at=now,
                expires_at=now + datetime.timedelta(days=valid_days),
            )
            for student, code in zip(students, sorted(taken), strict=True)
        ]
    )
    by_school: dict[int, list[Student]] = {}
    for student in students:
        by_school.setdefault(student.school_id, []).append(student)
    for group in by_school.values():
        homerooms = {s.homeroom_id for s in group}
        target = group[0] if len(group) == 1 else None
        if target is None and len(homerooms) == 1:
            target = group[0].homeroom
        audit_record(
            by=by,
            action=audit_entries.INVITATION_ISSUE,
            school=group[0].school,
            target=target,
            count=len(group),
            students=[s.name for s in group[:AUDIT_NAMES]],
            homeroom=group[0].homeroom.name if len(homerooms) == 1 else "",
            reset_for=str(guardian) if guardian else None,
        )
    return created


@transaction.atomic
def invitation_code_revoke(*, invitation: InvitationCode, by) -> InvitationCode:
    """Revoke a code that has not been used: a lost letter, a code read out in the wrong group chat."""
    invitation = (
        InvitationCode.objects.select_for_update()
        .select_related("student__school")
        .get(pk=invitation.pk)
    )
    if invitation.state != InvitationCode.State.ACTIVE:
        raise ValidationError(
            _("该邀请码已%(state)s，无法作废。") % {"state": invitation.get_state_display()}
        )
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = by
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        by=by,
        action=audit_entries.INVITATION_REVOKE,
        school=invitation.student.school,
        target=invitation.student,
        code=invitation.code,
    )
    return invitation


# Said for a wrong code and for a right code with a wrong mobile alike: which one was right stays unsaid.
WRONG_CODE_OR_MOBILE = gettext_lazy(
    "邀请码或手机号不正确。请核对《致家长的一封信》上的邀请码，以及您在学校登记的手机号。"
)


class TooManyAttempts(ValidationError):
    """Too many codes tried from one client address, or on one code, within the hour."""


def parent_account_activate(
    *, code: str, mobile: str, password: str, user=None, ip: str | None = None
):
    """Redeem an invitation code: the guardian named by ``mobile`` gets (or links) a login and sees the child.

    Every attempt is counted before it runs, per client address (``ip``, from ``client.client_ip``) and
    per code; a right one gives its count back, so a parents' meeting on one Wi-Fi is not blocked by those
    who typed their code right. Raises ``TooManyAttempts`` once either has had its tries for the hour.
    """
    code = normalize_invitation_code(code)
    if not throttle.activation_attempt(ip=ip, code=code):
        raise TooManyAttempts(_("尝试次数过多，请一小时后再试，或联系班主任。"))
    account = _parent_account_activate(code=code, mobile=mobile, password=password, user=user)
    throttle.activation_succeeded(ip=ip, code=code)
    return account


@transaction.atomic
def _parent_account_activate(*, code: str, mobile: str, password: str, user=None):
    """The redemption itself: ``user`` is the logged-in account adding a child; it must carry the same
    mobile. Without ``user`` a new account is created with the mobile as its login, or, with a reset code
    issued for this guardian, their password is reset to ``password``. Returns the user.
    """
    clean_mobile = normalize_mobile(mobile)
    if clean_mobile is None:
        raise ValidationError({"mobile": _("请输入 11 位手机号。")})
    if user is None:
        # Before looking anything up: the answer must not tell a right code and mobile from a wrong one.
        _validate_new_password(password, None)
    code = normalize_invitation_code(code)
    invitation = (
        InvitationCode.objects.select_for_update()
        .select_related("student__school")
        .filter(code=code)
        .first()
        if code
        else None
    )
    guardian = (
        Guardian.objects.select_for_update()
        .filter(mobile=clean_mobile, guardianships__student=invitation.student)
        .first()
        if invitation
        else None
    )
    if guardian is None or invitation.guardian_id not in (None, guardian.pk):
        raise ValidationError(WRONG_CODE_OR_MOBILE)
    if invitation.state != InvitationCode.State.ACTIVE:
        raise ValidationError(
            {
                "code": _("该邀请码%(state)s，请联系班主任重新获取。")
                % {"state": invitation.get_state_display()}
            }
        )
    school = invitation.student.school
    if guardian_home_school_id(guardian) != school.pk:
        raise ValidationError(
            _("该手机号最早由其他学校登记，请使用那所学校发放的邀请码，或联系学校管理员。")
        )
    if user is not None:
        _bind(user=user, guardian=guardian, mobile=clean_mobile)
    elif guardian.user is not None:
        user = guardian.user
        if invitation.guardian_id is None:
            raise ValidationError(
                {
                    "mobile": _(
                        "该手机号已开通账号，请直接登录。忘记密码请联系学校管理员生成重设密码码。"
                    )
                }
            )
        _check_resettable(user=user, guardian=guardian)
        _validate_new_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
    else:
        user = _create_parent_account(guardian=guardian, mobile=clean_mobile, password=password)
    invitation.used_at = timezone.now()
    invitation.used_by = guardian
    invitation.save(update_fields=["used_at", "used_by"])
    # Recorded under the guardian as this school registered them, not the account: an account bound in
    # another district too carries the name that district's school typed.
    audit_record(
        by=user,
        actor_label=guardian.name,
        action=audit_entries.INVITATION_REDEEM,
        school=school,
        target=invitation.student,
        guardian=str(guardian),
        reset=invitation.guardian_id is not None,
    )
    return user


def guardian_home_school_id(guardian: Guardian) -> int | None:
    """The school that registered the guardian first (the oldest link): the only one whose codes act on them."""
    return (
        guardian.guardianships.order_by("pk").values_list("student__school_id", flat=True).first()
    )


def _bind(*, user, guardian: Guardian, mobile: str) -> None:
    """A logged-in account takes a child's code: only for its own mobile number."""
    if user.mobile != mobile:
        raise ValidationError(
            {"mobile": _("只能绑定您账号自己的手机号。请用该手机号的家长账号登录后再绑定。")}
        )
    if guardian.user_id not in (None, user.pk):
        raise ValidationError({"mobile": _("该手机号已绑定到其他账号，请联系学校。")})
    if guardian.user_id is None:
        # One record per district per account; records of other districts are the same person's own.
        others = Guardian.objects.filter(user=user).exclude(pk=guardian.pk)
        if (
            others.filter(district=guardian.district_id).exists()
            or others.exclude(mobile=mobile).exists()
        ):
            raise ValidationError({"mobile": _("您的账号已绑定其他手机号，请联系学校。")})
        guardian.user = user
        guardian.save(update_fields=["user"])


def _check_resettable(*, user, guardian: Guardian) -> None:
    """A school's code resets only an account that serves nothing beyond the school's own district.

    Not a staff account (staff reset by e-mail, or through their school's admin), and not a parent's
    account also bound in another district: one district's school must not take over what another
    district's children are seen through. The message does not say which of the two it was.
    """
    if (
        user.is_staff
        or user.is_superuser
        or user.roles.exists()
        or user.guardian_records.exclude(district=guardian.district_id).exists()
    ):
        raise ValidationError(
            _("该账号不能用重设密码码重设密码。请在登录页使用“忘记密码”，或联系学校管理员。")
        )


def _create_parent_account(*, guardian: Guardian, mobile: str, password: str):
    User = get_user_model()
    taken = ValidationError({"mobile": _("该手机号已被其他账号使用，请联系学校。")})
    if User.objects.filter(mobile=mobile).exists():
        # Someone (a teacher who is also a parent, say) already logs in with this number.
        raise ValidationError(
            {"mobile": _("该手机号已有账号。请先用它登录，再在“绑定孩子”中输入邀请码。")}
        )
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                username=mobile, password=password, mobile=mobile, full_name=guardian.name
            )
    except IntegrityError as e:
        raise taken from e
    guardian.user = user
    guardian.save(update_fields=["user"])
    return user


def _validate_new_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise ValidationError({"password1": e.messages}) from e
