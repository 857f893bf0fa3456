"""The bureau's read-only view of its district."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import render

from afterschool.register import permissions, selectors
from afterschool.register.models import Role, Student


@login_required
def bureau_overview(request):
    if not permissions.is_bureau(request.user):
        raise Http404
    schools = (
        selectors.schools_for_user(request.user)
        .filter(district__in=permissions.district_ids_with_bureau_role(request.user))
        .annotate(
            student_count=Count(
                "students", filter=Q(students__status=Student.Status.ENROLLED), distinct=True
            ),
            homeroom_count=Count("homerooms", distinct=True),
            staff_count=Count(
                "roles__user", filter=~Q(roles__kind=Role.Kind.PROVIDER_STAFF), distinct=True
            ),
        )
        .order_by("district__code", "code")
    )
    totals = {
        "schools": len(schools),
        "students": sum(s.student_count for s in schools),
        "homerooms": sum(s.homeroom_count for s in schools),
        "staff": sum(s.staff_count for s in schools),
    }
    return render(request, "reports/bureau_overview.html", {"schools": schools, "totals": totals})
