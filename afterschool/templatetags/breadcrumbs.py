"""Breadcrumbs: where a page sits, each step a link its reader may open.

A school page starts from its reader's own home: the bureau's district overview and then the school, a
school admin's school dashboard, or a teacher's 今日 (teachers cannot open the dashboard or the student
list, so their trail skips them). Templates add the current page as the last, unlinked item through
``partials/_breadcrumbs.html``; tests/register/test_navigation.py follows every link as each role.
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from afterschool.register import permissions

register = template.Library()

SECTIONS = {
    "students": (_("学生名册"), "school:student-list"),
    "staff": (_("教职工"), "school:staff-list"),
    "terms": (_("学期与校历"), "school:term-list"),
    "audit": (_("操作记录"), "school:audit-list"),
    "roster": (_("导入名册"), "school:roster-import"),
}


@register.simple_tag(takes_context=True)
def school_trail(
    context, school, *, section=None, grade=None, homeroom=None, student=None, at_school=False
) -> list[tuple[str, str]]:
    """The (label, url) links above a page of ``school``: the reader's home, then the school (unless
    ``at_school``: the page is the dashboard), a section of it, the grade, the class, the student. A
    student brings their class, a class its grade."""
    user = context["request"].user
    trail = []
    reads_school = permissions.can_view_school(user, school)
    if reads_school:
        if not permissions.is_school_admin(user, school):
            trail.append((_("全区概览"), reverse("home:bureau-overview")))
        if not at_school:
            trail.append(
                (school.name, reverse("home:school-dashboard", kwargs={"school_pk": school.pk}))
            )
        if section:
            label, name = SECTIONS[section]
            trail.append((label, reverse(name, kwargs={"school_pk": school.pk})))
    elif permissions.works_with_children(user):
        trail.append((_("今日"), reverse("home:teacher-today")))
    if student is not None:
        homeroom = student.homeroom
    if homeroom is not None:
        grade = homeroom.grade
    if grade is not None and reads_school:
        students = reverse("school:student-list", kwargs={"school_pk": school.pk})
        trail.append((grade.name, f"{students}?grade={grade.number}"))
    if homeroom is not None:
        trail.append((homeroom.name, reverse("school:homeroom-detail", kwargs={"pk": homeroom.pk})))
    if student is not None:
        trail.append((student.name, reverse("school:student-detail", kwargs={"pk": student.pk})))
    return trail
