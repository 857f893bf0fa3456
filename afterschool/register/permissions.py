"""Who may do what in the register. Every view and selector of the register asks here, and nowhere else.

Roles are scoped: a school role to one school, a bureau role to one district. A parent is a user linked to
guardian records (one per district at most). "Not yours" answers 404, never 403, so nothing confirms that
an object exists.
"""

from afterschool.register.models import Role, School

Kind = Role.Kind


def _roles(user):
    if not user.is_authenticated:
        return []
    return user.role_set


def school_ids_with(user, *kinds) -> set[int]:
    """Ids of the schools where ``user`` holds any of ``kinds`` (all school roles when none are named)."""
    kinds = kinds or Role.SCHOOL_KINDS
    return {r.school_id for r in _roles(user) if r.kind in kinds and r.school_id}


def district_ids_with_bureau_role(user) -> set[int]:
    return {r.district_id for r in _roles(user) if r.kind == Kind.BUREAU_STAFF}


def is_school_admin(user, school: School | None = None) -> bool:
    ids = school_ids_with(user, Kind.SCHOOL_ADMIN)
    return bool(ids) if school is None else school.pk in ids


def is_teacher(user) -> bool:
    """Anyone who works with children on the day: teachers, duty leaders and provider staff."""
    return bool(school_ids_with(user, Kind.TEACHER, Kind.DUTY_LEADER, Kind.PROVIDER_STAFF))


def is_bureau(user) -> bool:
    return bool(district_ids_with_bureau_role(user))


def is_parent(user) -> bool:
    return user.is_authenticated and bool(user.guardian_record_ids)


def can_view_school(user, school: School) -> bool:
    """School admins see their school; bureau staff every school of their district (read-only)."""
    return is_school_admin(user, school) or school.district_id in district_ids_with_bureau_role(
        user
    )


def can_manage_school(user, school: School) -> bool:
    """Only a school's own administrators change its register; the bureau only reads."""
    return is_school_admin(user, school)


def can_manage_student(user, student) -> bool:
    return student.school_id in school_ids_with(user, Kind.SCHOOL_ADMIN)


def home_url_name(user) -> str:
    """Where a user lands after logging in: the home of their most central role."""
    if is_school_admin(user):
        return "home:school-default"
    if is_bureau(user):
        return "home:bureau-overview"
    if is_teacher(user):
        return "home:teacher-today"
    if is_parent(user):
        return "home:family-home"
    return "accounts:no-role"


def can_issue_invitation(user, student) -> bool:
    """School admins, and the child's head teacher (parents are told to ask them for a new code)."""
    if can_manage_student(user, student):
        return True
    return student.homeroom.head_teacher_id == user.pk and student.school_id in school_ids_with(
        user, Kind.TEACHER
    )


def can_manage_homeroom_invitations(user, homeroom) -> bool:
    if is_school_admin(user, homeroom.school):
        return True
    return homeroom.head_teacher_id == user.pk and homeroom.school_id in school_ids_with(
        user, Kind.TEACHER
    )


def can_see_guardian_contacts(user, school) -> bool:
    """Parents' phone numbers: the school's staff who may need to call them. The bureau sees them masked."""
    return school.pk in school_ids_with(user, Kind.SCHOOL_ADMIN, Kind.DUTY_LEADER, Kind.TEACHER)


def is_staff_member(user) -> bool:
    """Anyone who works for a school or the bureau, or runs the site: their sessions time out sooner, and
    they reset a forgotten password by e-mail (parents ask their school for a reset code)."""
    return user.is_authenticated and bool(user.is_staff or user.is_superuser or _roles(user))


def can_see_staff_contacts(user, school) -> bool:
    """Staff phone numbers: the school's own administrators. The bureau sees them masked."""
    return is_school_admin(user, school)
