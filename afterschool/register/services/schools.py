"""Districts, schools and bureau staff: set up by the site's operators (``manage.py district_add``,
``school_add``, ``bureau_staff_add``), since the Django admin only reads."""

import secrets

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from afterschool.register import audit_entries
from afterschool.register.audit import audit_record
from afterschool.register.models import District, Role, School
from afterschool.register.normalize import normalize_mobile
from afterschool.register.rules import person_name

TEMP_PASSWORD_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"


def _code(value: str, field: str) -> str:
    code = slugify(value or "")
    if not code or code != value:
        raise ValidationError({field: _("代码只能用小写字母、数字和短横线，例如 demo-primary。")})
    return code


def _title(value: str, field: str, message) -> str:
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError({field: message})
    return value[:100]


@transaction.atomic
def district_save(*, by, code: str, name: str, bureau_name: str = "") -> District:
    """Create a district (its education bureau), or rename the one with ``code``."""
    code = _code(code, "code")
    district = District.objects.filter(code=code).first() or District(code=code)
    created = district.pk is None
    district.name = _title(name, "name", _("请填写区县名称。"))
    district.bureau_name = " ".join((bureau_name or "").split())[:100] or f"{district.name}教育局"
    district.save()
    audit_record(
        by=by,
        action=audit_entries.DISTRICT_SAVE,
        district=district,
        target=district,
        created=created,
    )
    return district


@transaction.atomic
def school_save(
    *, by, district: District, code: str, name: str, stage: str, address: str = "", phone: str = ""
) -> School:
    """Create a school of ``district``, or change the one with ``code`` (which stays in its district)."""
    code = _code(code, "code")
    if stage not in School.Stage.values:
        raise ValidationError({"stage": _("请选择学段：primary、middle 或 nine_year。")})
    school = School.objects.filter(code=code).first() or School(code=code, district=district)
    if school.district_id != district.pk:
        raise ValidationError({"code": _("该学校代码已属于另一个区县。")})
    created = school.pk is None
    school.name = _title(name, "name", _("请填写校名。"))
    school.stage = stage
    school.address = " ".join((address or "").split())[:200]
    school.phone = " ".join((phone or "").split())[:30]
    school.save()
    audit_record(
        by=by, action=audit_entries.SCHOOL_SAVE, school=school, target=school, created=created
    )
    return school


@transaction.atomic
def bureau_staff_add(*, district: District, full_name: str, mobile: str, by=None):
    """Give a person the bureau role of ``district``, creating their account (login: the mobile) if they
    have none. Returns ``(user, temporary password or None)``: an operator tells it to them in person."""
    clean_mobile = normalize_mobile(mobile)
    if clean_mobile is None:
        raise ValidationError({"mobile": _("请输入 11 位大陆手机号。")})
    full_name = person_name(full_name)
    if not full_name:
        raise ValidationError({"full_name": _("请填写姓名。")})
    User = get_user_model()
    user = User.objects.select_for_update().filter(mobile=clean_mobile).first()
    password = None
    if user is None:
        password = "".join(secrets.choice(TEMP_PASSWORD_ALPHABET) for _i in range(12))
        user = User.objects.create_user(
            username=clean_mobile, mobile=clean_mobile, full_name=full_name, password=password
        )
    _role, granted = Role.objects.get_or_create(
        user=user, kind=Role.Kind.BUREAU_STAFF, district=district
    )
    if granted:
        audit_record(
            by=by,
            action=audit_entries.ROLE_GRANT,
            district=district,
            target=user,
            label=user.get_full_name(),
            roles=[str(Role.Kind.BUREAU_STAFF.label)],
        )
    return user, password
