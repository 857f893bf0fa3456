"""Reads of the register, always scoped to the requesting user (see ``permissions``)."""

import datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from afterschool.register import permissions
from afterschool.register.models import (
    AuditEntry,
    Grade,
    Guardianship,
    Homeroom,
    HomeroomMembership,
    InvitationCode,
    Role,
    School,
    SchoolYear,
    StaffInvitation,
    Student,
    TermDay,
)

Kind = Role.Kind


def schools_for_user(user) -> QuerySet[School]:
    """Schools whose register the user may read: their own school roles, or their bureau's district."""
    return School.objects.filter(permissions.schools_filter(user)).select_related("district")


def school_get(user, pk) -> School:
    return get_object_or_404(schools_for_user(user), pk=pk)


def students_for_user(user) -> QuerySet[Student]:
    """Every student the user may see (``permissions.students_filter``)."""
    if not user.is_authenticated:
        return Student.objects.none()
    return Student.objects.filter(permissions.students_filter(user)).distinct()


def memberships_of_student(user, student) -> QuerySet:
    """The classes a child was in, year by year (newest first), for those who may see the child."""
    return (
        HomeroomMembership.objects.filter(student=student, student__in=students_for_user(user))
        .select_related("homeroom__grade", "school_year")
        .order_by("-school_year__start_date")
    )


def student_get(user, pk) -> Student:
    return get_object_or_404(
        students_for_user(user).select_related(
            "school", "homeroom__grade", "homeroom__head_teacher"
        ),
        pk=pk,
    )


def student_list(
    user, *, school: School, grade: int | None = None, homeroom=None, query: str = ""
) -> QuerySet[Student]:
    qs = students_for_user(user).filter(school=school).select_related("homeroom__grade")
    if grade is not None:
        qs = qs.filter(homeroom__grade__number=grade)
    if homeroom is not None:
        qs = qs.filter(homeroom=homeroom)
    if query:
        qs = qs.filter(Q(name__contains=query) | Q(student_no__icontains=query))
    return qs.order_by("homeroom__grade__number", "homeroom__number", "student_no")


def homerooms_for_user(user) -> QuerySet[Homeroom]:
    """Homerooms the user may open: whole schools for admins, duty leaders and the bureau; led or taught ones for teachers."""
    if not user.is_authenticated:
        return Homeroom.objects.none()
    return (
        Homeroom.objects.filter(permissions.staff_scope_filter(user))
        .distinct()
        .select_related("grade", "school", "head_teacher")
    )


def homerooms_taught(user) -> QuerySet[Homeroom]:
    """This year's classes a teacher or duty leader works with, at each school where they do."""
    schools = schools_worked_at(user).filter(
        pk__in=permissions.school_ids_with(user, Kind.TEACHER, Kind.DUTY_LEADER)
    )
    years = [y for y in (current_school_year(user, school) for school in schools) if y]
    return homerooms_for_user(user).filter(school__in=schools, school_year__in=years)


def homeroom_get(user, pk) -> Homeroom:
    return get_object_or_404(homerooms_for_user(user), pk=pk)


def current_school_year(user, school: School) -> SchoolYear | None:
    """The school's year running today; else the latest begun, else the first to come (None: no year)."""
    if not (_readable(user, school) or school.pk in permissions.school_ids_with(user)):
        return None
    today = timezone.localdate()
    years = SchoolYear.objects.filter(school=school)
    return (
        years.containing(today).first()
        or years.filter(start_date__lte=today).order_by("-start_date").first()
        or years.order_by("start_date").first()
    )


def _this_year(queryset, user, school: School, *, path: str = "school_year"):
    """``queryset`` narrowed to the school's current year (lists show this year's classes)."""
    year = current_school_year(user, school)
    return queryset.filter(**{path: year}) if year is not None else queryset


def homerooms_with_counts(user, *, school: School) -> QuerySet[Homeroom]:
    """This year's classes the user may open, with their enrolled children counted."""
    return (
        _this_year(homerooms_for_user(user), user, school)
        .filter(school=school)
        .annotate(
            student_count=Count(
                "students", filter=Q(students__status=Student.Status.ENROLLED), distinct=True
            )
        )
        .order_by("grade__number", "number")
    )


def _readable(user, school: School) -> bool:
    """Whether ``user`` reads ``school``'s register (its admins, its district's bureau)."""
    return permissions.can_view_school(user, school)


def grades_of_school(user, *, school: School) -> QuerySet[Grade]:
    if not _readable(user, school):
        return Grade.objects.none()
    return Grade.objects.filter(school=school).order_by("number")


def grades_with_counts(user, *, school: School) -> QuerySet[Grade]:
    """The school's grades with this year's classes and enrolled-student counts, classes in order."""
    if not _readable(user, school):
        return Grade.objects.none()
    year = current_school_year(user, school)
    return (
        Grade.objects.filter(school=school)
        .prefetch_related(
            Prefetch(
                "homerooms",
                queryset=Homeroom.objects.filter(school_year=year).order_by("number"),
            )
        )
        .annotate(
            homeroom_count=Count("homerooms", filter=Q(homerooms__school_year=year), distinct=True),
            student_count=Count(
                "homerooms__students",
                filter=Q(
                    homerooms__students__status=Student.Status.ENROLLED,
                    homerooms__school_year=year,
                ),
                distinct=True,
            ),
        )
        .order_by("number")
    )


def children_for_parent(user) -> QuerySet[Student]:
    if not permissions.is_parent(user):
        return Student.objects.none()
    return (
        Student.objects.filter(permissions.own_children_filter(user))
        .select_related("school", "homeroom__grade", "homeroom__head_teacher")
        .distinct()
    )


def guardianships_for_student(user, student) -> QuerySet[Guardianship]:
    """A child's guardians, for someone who may see the child (a 404 was answered before otherwise)."""
    return (
        Guardianship.objects.filter(student=student, student__in=students_for_user(user))
        .select_related("guardian")
        .order_by("-may_pick_up", "relation")
    )


def current_term(user, school: School):
    """The term running today, else the next, else the last: for the school's readers and staff."""
    if not (_readable(user, school) or school.pk in permissions.school_ids_with(user)):
        return None
    today = timezone.localdate()
    terms = school.terms.prefetch_related("calendar_days")
    return (
        terms.filter(start_date__lte=today, end_date__gte=today).first()
        or terms.filter(start_date__gt=today).order_by("start_date").first()
        or terms.order_by("-end_date").first()
    )


def service_day_outlook(user, term, today: datetime.date) -> dict:
    """Whether ``today`` has service in ``term``, the holiday that closes it if any, and the next service
    day after it (the term's first when it has not begun; None once it is over)."""
    entry = term.exceptions.get(today)
    day = max(today + datetime.timedelta(days=1), term.start_date)
    while day <= term.end_date and not term.is_service_day(day):
        day += datetime.timedelta(days=1)
    return {
        "service_day": term.is_service_day(today),
        "holiday": entry.note or entry.get_kind_display()
        if entry is not None and entry.kind == TermDay.Kind.HOLIDAY
        else "",
        "next_service_day": day if day <= term.end_date else None,
    }


def staff_for_school(user, *, school: School):
    """Everyone holding a role at ``school``, with their roles and led homerooms (readers of the school only)."""
    if school not in schools_for_user(user):
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(roles__school=school)
        .distinct()
        .prefetch_related(
            Prefetch("roles", queryset=Role.objects.filter(school=school), to_attr="school_roles"),
            Prefetch(
                "led_homerooms",
                queryset=Homeroom.objects.filter(school=school).select_related("grade"),
                to_attr="school_homerooms",
            ),
        )
        .order_by("full_name", "username")
    )


def teachers_for_school(user, *, school: School):
    """The school's teachers, for its admins to choose a head teacher from."""
    if not permissions.can_manage_school(user, school):
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(roles__school=school, roles__kind=Kind.TEACHER)
        .distinct()
        .order_by("full_name")
    )


def enrolled_counts_by_homeroom(user, *, homerooms) -> dict[int, int]:
    """Enrolled students the user may see, counted per homeroom, in one query."""
    rows = (
        Student.objects.filter(
            pk__in=students_for_user(user).values("pk"),
            status=Student.Status.ENROLLED,
            homeroom__in=[h.pk for h in homerooms],
        )
        .order_by()  # keep Meta.ordering out of the GROUP BY
        .values("homeroom")
        .annotate(n=Count("pk"))
    )
    return {row["homeroom"]: row["n"] for row in rows}


def school_people_counts(user, *, school: School) -> dict[str, int]:
    """Staff of the school, and enrolled children with at least one guardian using their account."""
    if not _readable(user, school):
        return {"staff_total": 0, "guardian_accounts": 0}
    return {
        "staff_total": get_user_model().objects.filter(roles__school=school).distinct().count(),
        "guardian_accounts": Student.objects.filter(
            school=school,
            status=Student.Status.ENROLLED,
            guardianships__guardian__user__isnull=False,
        )
        .distinct()
        .count(),
    }


def invitations_for_student(user, student, limit: int = 10):
    """A child's latest codes, for those who may issue them (admins, the head teacher)."""
    if not permissions.can_issue_invitation(user, student):
        return InvitationCode.objects.none()
    return student.invitation_codes.select_related("used_by", "created_by")[:limit]


def open_invitations(user, *, homeroom: Homeroom):
    """The codes of a class that can still be used: for printing its letters."""
    if not permissions.can_manage_homeroom_invitations(user, homeroom):
        return InvitationCode.objects.none()
    return (
        InvitationCode.objects.live()
        .filter(student__homeroom=homeroom, student__status=Student.Status.ENROLLED)
        .select_related("student")
        .order_by("student__student_no")
    )


def students_needing_codes(user, *, homeroom: Homeroom) -> QuerySet[Student]:
    """Enrolled children of a class with no guardian account yet and no live code."""
    if not permissions.can_manage_homeroom_invitations(user, homeroom):
        return Student.objects.none()
    live_code = InvitationCode.objects.live().filter(student=OuterRef("pk"))
    return (
        Student.objects.filter(homeroom=homeroom, status=Student.Status.ENROLLED)
        .exclude(guardianships__guardian__user__isnull=False)
        .exclude(Exists(live_code))
        .order_by("student_no")
    )


def schools_worked_at(user) -> QuerySet[School]:
    """The schools where the user holds any school role (their own working places, not the bureau's view)."""
    return School.objects.filter(pk__in=permissions.school_ids_with(user)).order_by("code")


def terms_for_school(user, *, school: School):
    if not _readable(user, school):
        return school.terms.none()
    return school.terms.prefetch_related("calendar_days").order_by("-start_date")


def homerooms_of_school(user, *, school: School) -> QuerySet[Homeroom]:
    """This year's classes of the school, for its admins (moving a child, choosing a class)."""
    if not permissions.can_manage_school(user, school):
        return Homeroom.objects.none()
    return (
        _this_year(Homeroom.objects.filter(school=school), user, school)
        .select_related("grade")
        .order_by("grade__number", "number")
    )


def audit_entries_for_school(user, *, school: School, action: str = ""):
    """The school's trail, newest first; ``action`` narrows it to one declared action."""
    if not _readable(user, school):
        return AuditEntry.objects.none()
    entries = AuditEntry.objects.filter(school=school)
    return entries.filter(action=action) if action else entries


def invitation_get(user, pk):
    """One invitation code of a child the user may see (404 otherwise)."""
    return get_object_or_404(
        InvitationCode.objects.select_related("student__homeroom", "student__school"),
        pk=pk,
        student__in=students_for_user(user),
    )


def staff_invitations_pending(user, *, school: School) -> QuerySet[StaffInvitation]:
    """Invitations of ``school`` nobody has accepted or revoked yet: for the school's own admins only."""
    if not permissions.can_manage_school(user, school):
        return StaffInvitation.objects.none()
    return school.staff_invitations.pending().select_related("created_by").order_by("-created_at")


def staff_invitation_get(user, *, school: School, pk) -> StaffInvitation:
    """One pending invitation of a school the user manages (404 otherwise)."""
    return get_object_or_404(staff_invitations_pending(user, school=school), pk=pk)
