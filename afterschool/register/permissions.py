"""Who may do what in the register. Every view and selector of the register asks here, and nowhere else.

Roles are scoped: a school role to one school, a bureau role to one district. A parent is a user linked to
guardian records (one per district at most). "Not yours" answers 404, never 403, so nothing confirms that
an object exists.

Each rule is written once and read two ways: as a query filter (``*_filter``, a ``Q`` the selectors build
their querysets from) and as a predicate on one object (``can_*``, ``leads_homeroom`` ...). Both come from
the same small functions here (``_head_teacher``, ``_whole_school_ids`` ...), so they cannot drift apart.
"""

from django.db.models import Q

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


def works_with_children(user) -> bool:
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
    if works_with_children(user):
        return "home:teacher-today"
    if is_parent(user):
        return "home:family-home"
    return "accounts:no-role"


# --- The rules, each once ----------------------------------------------------------------------------


def _whole_school_ids(user) -> set[int]:
    """Schools whose every class and child the user sees as staff: their admins and duty leaders."""
    return school_ids_with(user, Kind.SCHOOL_ADMIN, Kind.DUTY_LEADER)


def _head_teacher(user) -> tuple[int | None, set[int]]:
    """A head teacher leads a class at a school where they still hold the teacher role: (user, schools)."""
    return user.pk, school_ids_with(user, Kind.TEACHER)


def leads_homeroom(user, homeroom) -> bool:
    """The homeroom's head teacher (班主任), while a teacher of its school."""
    pk, schools = _head_teacher(user)
    return homeroom.head_teacher_id == pk and homeroom.school_id in schools


def can_issue_invitation(user, student) -> bool:
    """School admins, and the child's head teacher (parents are told to ask them for a new code)."""
    return can_manage_student(user, student) or leads_homeroom(user, student.homeroom)


def can_manage_homeroom_invitations(user, homeroom) -> bool:
    return is_school_admin(user, homeroom.school) or leads_homeroom(user, homeroom)


# --- Query filters: the rules above as querysets ----------------------------------------------------


def schools_filter(user) -> Q:
    """Schools whose register the user reads: their admin schools, or their bureau's district."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    return Q(pk__in=school_ids_with(user, Kind.SCHOOL_ADMIN)) | Q(
        district__in=district_ids_with_bureau_role(user)
    )


def leads_filter(user, *, homeroom: str = "") -> Q:
    """Rows whose homeroom (reached through ``homeroom``, e.g. ``"homeroom__"``) the user leads."""
    pk, schools = _head_teacher(user)
    return Q(**{f"{homeroom}head_teacher": pk, f"{homeroom}school__in": schools})


def staff_scope_filter(user, *, homeroom: str = "") -> Q:
    """What school staff and the bureau see, for rows reaching a homeroom through ``homeroom``.

    Admins and duty leaders: their schools. Teachers: the homerooms they lead or teach. Bureau staff: the
    schools of their district, read-only.
    """
    if not user.is_authenticated:
        return Q(pk__in=[])
    condition = Q(pk__in=[])
    whole = _whole_school_ids(user)
    if whole:
        condition |= Q(**{f"{homeroom}school__in": whole})
    teaching = school_ids_with(user, Kind.TEACHER)
    if teaching:
        condition |= leads_filter(user, homeroom=homeroom) | Q(
            **{
                f"{homeroom}teaching_assignments__teacher": user,
                f"{homeroom}school__in": teaching,
            }
        )
    bureau = district_ids_with_bureau_role(user)
    if bureau:
        condition |= Q(**{f"{homeroom}school__district__in": bureau})
    return condition


def students_filter(user) -> Q:
    """Students the user sees: as staff (``staff_scope_filter``), and their own children as a parent.

    Provider staff see children only through the sections they teach (scheduling's filters).
    """
    condition = staff_scope_filter(user, homeroom="homeroom__")
    if is_parent(user):
        condition |= Q(guardianships__guardian__user=user)
    return condition


def own_children_filter(user) -> Q:
    """A parent's own children (the family pages show nothing else)."""
    if not is_parent(user):
        return Q(pk__in=[])
    return Q(guardianships__guardian__user=user)


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
