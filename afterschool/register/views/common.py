"""What the register's pages share: the school or student a manager may change (404 otherwise)."""

from django.http import Http404

from afterschool.register import permissions, selectors
from afterschool.register.models import School


def _managed_school_or_404(request, school_pk) -> School:
    school = selectors.school_get(request.user, school_pk)
    if not permissions.can_manage_school(request.user, school):
        raise Http404
    return school


def _managed_student_or_404(request, pk):
    student = selectors.student_get(request.user, pk)
    if not permissions.can_manage_student(request.user, student):
        raise Http404
    return student
