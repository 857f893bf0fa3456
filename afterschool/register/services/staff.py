"""Staff: accounts, roles at a school, head teachers."""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from afterschool.register import audit_entries
from afterschool.register.audit import audit_record
from afterschool.register.models import Homeroom, Role
from afterschool.register.normalize import normalize_mobile

TEMP_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


@transaction.atomic
def staff_add(*, school, full_name: str, mobile: str, kinds: list[str], by):
    """Give a person roles at a school, creating their account (login: mobile number) if they have none.

    Returns ``(user, initial_password)``; the password is None when the account already existed.
    """
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
            {"mobile": _("该手机号已是一位家长的账号，姓名与填写的不一致。请核对手机号。")}
        )
    for kind in kinds:
        Role.objects.get_or_create(user=user, kind=kind, school=school)
    audit_record(
        by=by,
        action=audit_entries.STAFF_ADD,
        school=school,
        target=user,
        label=user.get_full_name(),
        roles=[str(Role.Kind(k).label) for k in kinds],
        new_account=password is not None,
    )
    return user, password


@transaction.atomic
def role_remove(*, role, by) -> None:
    """Take a school role away; a head teacher who is no longer a teacher there stops leading their homerooms."""
    school, user = role.school, role.user
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
