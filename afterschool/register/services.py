"""Changes to the register. Each service validates, saves inside a transaction and records who did it."""

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from afterschool.register.audit import audit_record
from afterschool.register.models import Guardian, Guardianship, InvitationCode, Student
from afterschool.register.normalize import normalize_mobile

# No 0/O, 1/I/L: the code is read off paper and typed on a phone.
INVITATION_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
INVITATION_LENGTH = 8


def _new_code() -> str:
    return "".join(secrets.choice(INVITATION_ALPHABET) for _ in range(INVITATION_LENGTH))


def normalize_invitation_code(raw: str) -> str:
    return "".join(c for c in (raw or "").upper() if c.isalnum())


@transaction.atomic
def invitation_code_issue(*, students, by, valid_days: int | None = None) -> list[InvitationCode]:
    """Issue a fresh code for each student, revoking any code of theirs still active."""
    now = timezone.now()
    students = list(students)
    valid_days = valid_days or settings.INVITATION_CODE_VALID_DAYS
    InvitationCode.objects.filter(
        student__in=students, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(revoked_at=now, revoked_by=by)
    codes = []
    taken = set()
    while len(taken) < len(students):
        batch = {_new_code() for _ in range(len(students) - len(taken))} - taken
        batch -= set(InvitationCode.objects.filter(code__in=batch).values_list("code", flat=True))
        taken |= batch
    for student, code in zip(students, sorted(taken), strict=True):
        codes.append(
            InvitationCode(
                student=student,
                code=code,
                created_by=by,
                created_at=now,
                expires_at=now + datetime.timedelta(days=valid_days),
            )
        )
    created = InvitationCode.objects.bulk_create(codes)
    by_school = {}
    for student in students:
        by_school.setdefault(student.school_id, []).append(student)
    for group in by_school.values():
        audit_record(
            by=by,
            school=group[0].school,
            action="invitation_issue",
            target=_("%(n)d 名学生") % {"n": len(group)},
            students=[s.pk for s in group],
        )
    return created


@transaction.atomic
def invitation_code_revoke(*, invitation: InvitationCode, by) -> InvitationCode:
    """Revoke a code that has not been used: a lost letter, a code read out in the wrong group chat."""
    invitation = InvitationCode.objects.select_for_update().get(pk=invitation.pk)
    if invitation.state != InvitationCode.State.ACTIVE:
        raise ValidationError(
            _("该邀请码已%(state)s，无法作废。") % {"state": invitation.get_state_display()}
        )
    invitation.revoked_at = timezone.now()
    invitation.revoked_by = by
    invitation.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(
        by=by,
        school=invitation.student.school,
        action="invitation_revoke",
        target=invitation.student,
        code=invitation.code,
    )
    return invitation


@transaction.atomic
def parent_account_activate(*, code: str, mobile: str, password: str, user=None):
    """Redeem an invitation code: the guardian named by ``mobile`` gets (or links) a login and may see the child.

    A logged-in guardian passes their account as ``user`` to add a child. Otherwise a new account is created
    with the mobile number as its login, or, when the guardian already has one, its password is reset to
    ``password``. Returns the user.
    """
    errors = {}
    code = normalize_invitation_code(code)
    clean_mobile = normalize_mobile(mobile)
    invitation = (
        InvitationCode.objects.select_for_update()
        .select_related("student")
        .filter(code=code)
        .first()
        if code
        else None
    )
    if invitation is None:
        errors["code"] = _("邀请码不正确，请核对家长告知书上的邀请码。")
    elif invitation.state != InvitationCode.State.ACTIVE:
        errors["code"] = _("该邀请码%(state)s，请联系班主任重新获取。") % {
            "state": invitation.get_state_display()
        }
    if clean_mobile is None:
        errors["mobile"] = _("请输入 11 位手机号。")
    if errors:
        raise ValidationError(errors)
    guardian = (
        Guardian.objects.select_for_update()
        .filter(mobile=clean_mobile, guardianships__student=invitation.student)
        .first()
    )
    if guardian is None:
        raise ValidationError(
            {"mobile": _("该手机号不是这名学生登记的监护人手机号，请联系班主任核对。")}
        )
    if user is None and guardian.user is not None:
        # A fresh code from the school is also how a parent without e-mail resets a forgotten password.
        user = guardian.user
        _validate_new_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
    elif user is None:
        _validate_new_password(password, None)
        User = get_user_model()
        if User.objects.filter(mobile=clean_mobile).exists():
            raise ValidationError({"mobile": _("该手机号已被其他账号使用，请联系学校。")})
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=clean_mobile,
                    password=password,
                    mobile=clean_mobile,
                    full_name=guardian.name,
                )
        except IntegrityError as e:
            raise ValidationError({"mobile": _("该手机号已被其他账号使用，请联系学校。")}) from e
        guardian.user = user
        guardian.save(update_fields=["user"])
    elif guardian.user_id not in (None, user.pk):
        raise ValidationError({"mobile": _("该手机号已绑定到其他账号。")})
    elif guardian.user_id is None:
        if Guardian.objects.filter(user=user).exclude(pk=guardian.pk).exists():
            raise ValidationError(
                {"mobile": _("您的账号已绑定其他手机号，请用该手机号对应的邀请码。")}
            )
        guardian.user = user
        guardian.save(update_fields=["user"])
    invitation.used_at = timezone.now()
    invitation.used_by = guardian
    invitation.save(update_fields=["used_at", "used_by"])
    audit_record(
        by=user,
        school=invitation.student.school,
        action="invitation_redeem",
        target=invitation.student,
        guardian=guardian.pk,
    )
    return user


def _validate_new_password(password: str, user) -> None:
    try:
        validate_password(password, user)
    except ValidationError as e:
        raise ValidationError({"password1": e.messages}) from e


@transaction.atomic
def term_save(
    *,
    school,
    by,
    name: str,
    start_date,
    end_date,
    service_weekdays: list[int],
    days: list[dict],
    term=None,
):
    """Create or update a term with its calendar exceptions (holidays and swapped working days)."""
    from afterschool.register.models import Term, TermDay

    term = term or Term(school=school)
    if term.school_id != school.pk:
        raise ValidationError(_("学期不属于该学校。"))
    term.name, term.start_date, term.end_date = name, start_date, end_date
    term.service_weekdays = sorted(set(service_weekdays))
    term.full_clean(exclude=["school"])
    if Term.objects.filter(school=school, name=name).exclude(pk=term.pk).exists():
        raise ValidationError({"name": _("本校已有同名学期。")})
    seen = {}
    for i, day in enumerate(days, start=1):
        date = day["date"]
        if not (start_date <= date <= end_date):
            raise ValidationError(
                _("第 %(i)d 行校历调整：%(date)s 不在学期内。") % {"i": i, "date": date}
            )
        if date in seen:
            raise ValidationError(
                _("第 %(i)d 行校历调整：%(date)s 重复。") % {"i": i, "date": date}
            )
        seen[date] = day
    term.save()
    term.calendar_days.all().delete()
    TermDay.objects.bulk_create(
        [
            TermDay(term=term, date=d["date"], kind=d["kind"], note=d.get("note", ""))
            for d in seen.values()
        ]
    )
    return term


TEMP_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


@transaction.atomic
def staff_add(*, school, full_name: str, mobile: str, kinds: list[str], by):
    """Give a person roles at a school, creating their account (login: mobile number) if they have none.

    Returns ``(user, initial_password)``; the password is None when the account already existed.
    """
    from afterschool.register.models import Role

    clean_mobile = normalize_mobile(mobile)
    if clean_mobile is None:
        raise ValidationError({"mobile": _("请输入 11 位大陆手机号。")})
    full_name = " ".join(full_name.split())
    if not full_name:
        raise ValidationError({"full_name": _("请填写姓名。")})
    bad = set(kinds) - set(Role.SCHOOL_KINDS)
    if not kinds or bad:
        raise ValidationError({"kinds": _("请选择学校角色。")})
    User = get_user_model()
    user = User.objects.select_for_update().filter(mobile=clean_mobile).first()
    password = None
    if user is None:
        if User.objects.filter(username=clean_mobile).exists():
            raise ValidationError(
                {"mobile": _("该手机号已被其他账号用作用户名，请联系系统管理员。")}
            )
        password = "".join(secrets.choice(TEMP_PASSWORD_ALPHABET) for _ in range(10))
        user = User.objects.create_user(
            username=clean_mobile, mobile=clean_mobile, full_name=full_name, password=password
        )
    elif hasattr(user, "guardian") and not user.roles.exists() and user.full_name != full_name:
        raise ValidationError(
            {"mobile": _("该手机号属于家长账号“%(name)s”，姓名不符。") % {"name": user.full_name}}
        )
    for kind in kinds:
        Role.objects.get_or_create(user=user, kind=kind, school=school)
    audit_record(
        by=by,
        school=school,
        action="staff_add",
        target=user.get_full_name(),
        kinds=kinds,
        new_account=password is not None,
    )
    return user, password


@transaction.atomic
def role_remove(*, role, by) -> None:
    """Take a school role away; a head teacher who is no longer a teacher there stops leading their homerooms."""
    from afterschool.register.models import Homeroom, Role

    school, user = role.school, role.user
    audit_record(
        by=by, school=school, action="role_remove", target=user.get_full_name(), kind=role.kind
    )
    role.delete()
    if not Role.objects.filter(user=user, school=school, kind=Role.Kind.TEACHER).exists():
        Homeroom.objects.filter(school=school, head_teacher=user).update(head_teacher=None)


@transaction.atomic
def homeroom_head_teacher_set(*, homeroom, teacher, by):
    """Appoint a teacher of the homeroom's school as its head teacher (班主任), or clear it with None."""
    from afterschool.register.models import Role

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
        school=homeroom.school,
        action="head_teacher_set",
        target=homeroom.name,
        teacher=teacher.get_full_name() if teacher else None,
    )
    return homeroom


@transaction.atomic
def student_update(*, student: Student, by, **changes) -> Student:
    """Change a student's details: name, gender, homeroom (a move between classes), status, priority groups."""
    allowed = {"name", "gender", "homeroom", "status", *Student.PRIORITY_FIELDS}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"student_update cannot change {sorted(unknown)}")
    if "homeroom" in changes and changes["homeroom"].school_id != student.school_id:
        raise ValidationError({"homeroom": _("只能调到本校的班级。")})
    before = {field: str(getattr(student, field)) for field in changes}
    for field, value in changes.items():
        setattr(student, field, value)
    student.full_clean(exclude=["school", "student_no"])
    student.save()
    diff = {
        f: [before[f], str(getattr(student, f))]
        for f in changes
        if before[f] != str(getattr(student, f))
    }
    if diff:
        audit_record(
            by=by, school=student.school, action="student_update", target=student, changes=diff
        )
    return student


@transaction.atomic
def guardianship_save(
    *,
    student: Student,
    by,
    name: str,
    mobile: str,
    relation: str,
    may_pick_up: bool,
    guardianship=None,
) -> Guardianship:
    """Add a guardian to a child, or change one: found by mobile, so one person is one guardian across schools."""
    clean_mobile = normalize_mobile(mobile)
    if clean_mobile is None:
        raise ValidationError({"mobile": _("请输入 11 位大陆手机号。")})
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("请填写监护人姓名。")})
    if relation not in Guardianship.Relation.values:
        raise ValidationError({"relation": _("请选择与学生的关系。")})
    guardian = Guardian.objects.select_for_update().filter(mobile=clean_mobile).first()
    if (
        guardian is None
        and guardianship is not None
        and guardianship.guardian.mobile != clean_mobile
    ):
        # A new number for the same person only when nobody else uses it.
        guardian = guardianship.guardian
        guardian.mobile = clean_mobile
    elif guardian is None:
        guardian = Guardian(mobile=clean_mobile)
    guardian.name = name
    guardian.save()
    clash = Guardianship.objects.filter(student=student, guardian=guardian)
    if guardianship is not None:
        clash = clash.exclude(pk=guardianship.pk)
    if clash.exists():
        raise ValidationError({"mobile": _("该手机号已登记为这名学生的监护人。")})
    before = None
    if guardianship is None:
        guardianship = Guardianship(student=student)
    else:
        before = {
            "guardian": str(guardianship.guardian),
            "relation": guardianship.relation,
            "may_pick_up": guardianship.may_pick_up,
        }
    guardianship.guardian, guardianship.relation, guardianship.may_pick_up = (
        guardian,
        relation,
        may_pick_up,
    )
    guardianship.save()
    audit_record(
        by=by,
        school=student.school,
        action="guardian_save",
        target=student,
        guardian=str(guardian),
        relation=relation,
        may_pick_up=may_pick_up,
        before=before,
    )
    return guardianship


@transaction.atomic
def guardianship_remove(*, guardianship: Guardianship, by) -> None:
    """Unlink a guardian from a child (the guardian stays, with any other children)."""
    audit_record(
        by=by,
        school=guardianship.student.school,
        action="guardian_remove",
        target=guardianship.student,
        guardian=str(guardianship.guardian),
        relation=guardianship.relation,
    )
    guardianship.delete()
