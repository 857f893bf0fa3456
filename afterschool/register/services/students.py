"""One student and their guardians."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from afterschool.register.audit import audit_record
from afterschool.register.models import AuditEntry, Guardian, Guardianship, Student
from afterschool.register.normalize import normalize_mobile


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
            by=by,
            school=student.school,
            action=AuditEntry.Action.STUDENT_UPDATE,
            target=student,
            changes=diff,
        )
    return student


def _shared_elsewhere(guardian: Guardian, school) -> bool:
    """Linked to a child of another school of the district (a guardian is never linked across districts)."""
    return guardian.guardianships.exclude(student__school=school).exists()


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
    """Add a guardian to a child, or change one: found by mobile within the child's district.

    One person is one guardian across the schools of a district. A mobile another district registered is
    not looked at: this school gets a record of its own, under the name it typed.
    """
    clean_mobile = normalize_mobile(mobile)
    if clean_mobile is None:
        raise ValidationError({"mobile": _("请输入 11 位大陆手机号。")})
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("请填写监护人姓名。")})
    if relation not in Guardianship.Relation.values:
        raise ValidationError({"relation": _("请选择与学生的关系。")})
    school = student.school
    guardian = (
        Guardian.objects.select_for_update()
        .filter(district=school.district_id, mobile=clean_mobile)
        .first()
    )
    if guardian is None:
        current = guardianship.guardian if guardianship is not None else None
        if (
            current is not None
            and current.user_id is None
            and not _shared_elsewhere(current, school)
        ):
            # The same person's new number, when only this school knows them and no login hangs on it.
            guardian = current
            guardian.mobile = clean_mobile
        else:
            guardian = Guardian(district_id=school.district_id, mobile=clean_mobile)
    if guardian.pk is None or not _shared_elsewhere(guardian, school):
        # Another school's record of a shared guardian stands: this school links them under that name.
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
        action=AuditEntry.Action.GUARDIAN_SAVE,
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
        action=AuditEntry.Action.GUARDIAN_REMOVE,
        target=guardianship.student,
        guardian=str(guardianship.guardian),
        relation=guardianship.relation,
    )
    guardianship.delete()
