"""One student and their guardians."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from afterschool.register import audit_entries
from afterschool.register.audit import audit_entry, audit_record, audit_record_many
from afterschool.register.models import Guardian, Guardianship, HomeroomMembership, Student
from afterschool.register.normalize import normalize_mobile
from afterschool.register.rules import person_name, school_names_guardian


@transaction.atomic
def student_update(*, student: Student, by, **changes) -> Student:
    """Change a student's details: name, gender, homeroom (a move between classes), status, priority groups."""
    allowed = {"name", "gender", "homeroom", "status", *Student.PRIORITY_FIELDS}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"student_update cannot change {sorted(unknown)}")
    if "name" in changes:
        changes["name"] = person_name(changes["name"])
        if not changes["name"]:
            raise ValidationError({"name": _("请填写学生姓名。")})
    if "homeroom" in changes:
        new_room = changes["homeroom"]
        if new_room.school_id != student.school_id:
            raise ValidationError({"homeroom": _("只能调到本校的班级。")})
        if new_room.school_year.start_date < student.homeroom.school_year.start_date:
            raise ValidationError({"homeroom": _("不能调回以前学年的班级。")})
    before = {field: _shown(student, field) for field in changes}
    label = str(student)
    for field, value in changes.items():
        setattr(student, field, value)
    student.full_clean(exclude=["school", "student_no"])
    student.save()
    if "homeroom" in changes:
        # The class of that year; other years' classes stay as they were.
        HomeroomMembership.objects.update_or_create(
            student=student,
            school_year=student.homeroom.school_year,
            defaults={"homeroom": student.homeroom},
        )
    diff = {
        str(Student._meta.get_field(f).verbose_name): [before[f], _shown(student, f)]
        for f in changes
        if before[f] != _shown(student, f)
    }
    if diff:
        audit_record(
            by=by,
            action=audit_entries.STUDENT_UPDATE,
            school=student.school,
            target=student,
            label=label,
            changes=diff,
        )
    return student


def _shown(student: Student, field: str) -> str:
    """A field's value as a person reads it: the class's name, 女 for "F", 是/否 for a flag."""
    value = getattr(student, field)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    display = getattr(student, f"get_{field}_display", None)
    return str(display() if display else value)


def pickup_change_entries(
    *, by, student: Student, guardian: Guardian, relation: str, before, after, source: str = ""
) -> list:
    """Audit entries for a change of who may pick a child up: one grant or one withdrawal, or none.

    ``before``/``after`` are the link's ``may_pick_up`` before and after (None: no link). Dismissal relies
    on this trail, so every grant and withdrawal is its own entry, imports included.
    """
    was, now = bool(before), bool(after)
    if was == now:
        return []
    return [
        audit_entry(
            by=by,
            action=audit_entries.PICKUP_GRANT if now else audit_entries.PICKUP_WITHDRAW,
            school=student.school,
            target=student,
            guardian=str(guardian),
            relation=str(Guardianship.Relation(relation).label),
            source=source,
        )
    ]


def _names_guardian(guardian: Guardian, school) -> bool:
    """Whether ``school`` decides this guardian's name (``rules.school_names_guardian``)."""
    schools = set(guardian.guardianships.values_list("student__school_id", flat=True))
    return school_names_guardian(guardian_schools=schools, school_id=school.pk)


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
    name = person_name(name)
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
        if current is not None and current.user_id is None and _names_guardian(current, school):
            # The same person's new number, when only this school knows them and no login hangs on it.
            guardian = current
            guardian.mobile = clean_mobile
        else:
            guardian = Guardian(district_id=school.district_id, mobile=clean_mobile)
    if guardian.pk is None or _names_guardian(guardian, school):
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
            _("监护人"): str(guardianship.guardian),
            _("关系"): guardianship.get_relation_display(),
            _("可接送"): _("是") if guardianship.may_pick_up else _("否"),
        }
        old_guardian, old_pick_up = guardianship.guardian, guardianship.may_pick_up
    guardianship.guardian, guardianship.relation, guardianship.may_pick_up = (
        guardian,
        relation,
        may_pick_up,
    )
    guardianship.save()
    after = {
        _("监护人"): str(guardian),
        _("关系"): guardianship.get_relation_display(),
        _("可接送"): _("是") if may_pick_up else _("否"),
    }
    changes = {k: [before[k], v] for k, v in after.items() if before and before[k] != v}
    if before is None or changes:
        audit_record(
            by=by,
            action=audit_entries.GUARDIAN_SAVE,
            school=school,
            target=student,
            guardian=str(guardian),
            relation=guardianship.get_relation_display(),
            may_pick_up=may_pick_up,
            changes=changes,
        )
    if before is not None and old_guardian.pk != guardian.pk:
        # Another person on the link: the old one loses the permission, the new one gains it.
        pickups = pickup_change_entries(
            by=by,
            student=student,
            guardian=old_guardian,
            relation=relation,
            before=old_pick_up,
            after=None,
        ) + pickup_change_entries(
            by=by,
            student=student,
            guardian=guardian,
            relation=relation,
            before=None,
            after=may_pick_up,
        )
    else:
        pickups = pickup_change_entries(
            by=by,
            student=student,
            guardian=guardian,
            relation=relation,
            before=old_pick_up if before is not None else None,
            after=may_pick_up,
        )
    audit_record_many(pickups)
    return guardianship


def guardian_name_kept(*, guardianship: Guardianship, typed: str) -> str | None:
    """The name that stood instead of ``typed``, when the guardian is shared with another school of the
    district (``rules.school_names_guardian``); None when the typed name was applied."""
    name = guardianship.guardian.name
    return name if name != person_name(typed) else None


@transaction.atomic
def guardianship_remove(*, guardianship: Guardianship, by) -> None:
    """Unlink a guardian from a child (the guardian stays, with any other children)."""
    student = guardianship.student
    audit_record(
        by=by,
        action=audit_entries.GUARDIAN_REMOVE,
        school=student.school,
        target=student,
        guardian=str(guardianship.guardian),
        relation=guardianship.get_relation_display(),
    )
    audit_record_many(
        pickup_change_entries(
            by=by,
            student=student,
            guardian=guardianship.guardian,
            relation=guardianship.relation,
            before=guardianship.may_pick_up,
            after=None,
        )
    )
    guardianship.delete()
