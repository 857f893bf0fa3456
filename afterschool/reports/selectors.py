"""Reads across schools for the bureau, scoped to the bureau user's district."""

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from afterschool.register import permissions, selectors
from afterschool.register.models import Homeroom, Role, School, Student


def _per_school(queryset: QuerySet, *, field: str = "pk") -> Coalesce:
    """Count ``queryset`` rows per school as a correlated subquery.

    Counting several relations through joins in one query multiplies them (students × homerooms × roles
    rows per school); one subquery per count keeps each count to its own table.
    """
    counted = (
        queryset.filter(school=OuterRef("pk"))
        .order_by()
        .values("school")
        .annotate(n=Count(field, distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def district_schools_with_counts(user) -> QuerySet[School]:
    """The schools of the bureau user's districts, with enrolled students, homerooms and staff counted."""
    return (
        selectors.schools_for_user(user)
        .filter(district__in=permissions.district_ids_with_bureau_role(user))
        .annotate(
            student_count=_per_school(Student.objects.filter(status=Student.Status.ENROLLED)),
            homeroom_count=_per_school(Homeroom.objects.all()),
            staff_count=_per_school(
                Role.objects.exclude(kind=Role.Kind.PROVIDER_STAFF), field="user"
            ),
        )
        .order_by("district__code", "code")
    )
