"""The bureau's read-only view of its district."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from afterschool.register import permissions
from afterschool.reports import selectors


@login_required
def bureau_overview(request):
    if not permissions.is_bureau(request.user):
        raise Http404
    schools = list(selectors.district_schools_with_counts(request.user))
    totals = {
        "schools": len(schools),
        "students": sum(s.student_count for s in schools),
        "homerooms": sum(s.homeroom_count for s in schools),
        "staff": sum(s.staff_count for s in schools),
    }
    return render(request, "reports/bureau_overview.html", {"schools": schools, "totals": totals})
