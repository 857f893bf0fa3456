"""The role homes: a school's dashboard, the teacher's 今日, the family home, the bureau's overview.

They gather every app's news, so they sit on top of the layers."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from afterschool.register import permissions, selectors
from afterschool.reports import selectors as report_selectors


@login_required
def home(request):
    return redirect(permissions.home_url_name(request.user))


@login_required
def school_home(request):
    """A school admin's landing page: their school's dashboard (the first, if they run several)."""
    schools = selectors.schools_for_user(request.user).filter(
        pk__in=permissions.school_ids_with(request.user, permissions.Kind.SCHOOL_ADMIN)
    )
    school = schools.first()
    if school is None:
        raise Http404
    return redirect("home:school-dashboard", school_pk=school.pk)


@login_required
def school_dashboard(request, school_pk):
    school = selectors.school_get(request.user, school_pk)
    grades = selectors.grades_with_counts(request.user, school=school)
    context = {
        "school": school,
        "term": selectors.current_term(request.user, school),
        "grades": grades,
        "student_total": sum(g.student_count for g in grades),
        "homeroom_total": sum(g.homeroom_count for g in grades),
        **selectors.school_people_counts(request.user, school=school),
        "can_manage": permissions.can_manage_school(request.user, school),
    }
    return render(request, "home/school_dashboard.html", context)


@login_required
def teacher_today(request):
    """The teacher's day on a phone. Sessions, handover and check-in arrive with the safety app."""
    if not permissions.works_with_children(request.user):
        raise Http404
    today = timezone.localdate()
    homerooms = selectors.homerooms_taught(request.user)
    led = [h for h in homerooms if h.head_teacher_id == request.user.pk]
    schools = selectors.schools_worked_at(request.user)
    terms = []
    for school in schools:
        term = selectors.current_term(request.user, school)
        outlook = selectors.service_day_outlook(request.user, term, today) if term else {}
        terms.append({"school": school, "term": term, **outlook})
    counts = selectors.enrolled_counts_by_homeroom(request.user, homerooms=homerooms)
    for h in homerooms:
        h.student_count = counts.get(h.pk, 0)
    return render(
        request,
        "home/teacher_today.html",
        {"today": today, "terms": terms, "led": led, "homerooms": homerooms},
    )


@login_required
def family_home(request):
    if not permissions.is_parent(request.user):
        raise Http404
    children = list(
        selectors.children_for_parent(request.user).prefetch_related("guardianships__guardian")
    )
    for child in children:
        child.pickup_names = [
            f"{g.guardian.name}（{g.get_relation_display()}）"
            for g in child.guardianships.all()
            if g.may_pick_up
        ]
    return render(request, "home/family_home.html", {"children": children})


@login_required
def family_child(request, pk):
    child = get_object_or_404(selectors.children_for_parent(request.user), pk=pk)
    return render(
        request,
        "home/family_child.html",
        {"child": child, "guardianships": selectors.guardianships_for_student(request.user, child)},
    )


@login_required
def bureau_overview(request):
    if not permissions.is_bureau(request.user):
        raise Http404
    schools = list(report_selectors.district_schools_with_counts(request.user))
    totals = {
        "schools": len(schools),
        "students": sum(s.student_count for s in schools),
        "homerooms": sum(s.homeroom_count for s in schools),
        "staff": sum(s.staff_count for s in schools),
    }
    return render(request, "home/bureau_overview.html", {"schools": schools, "totals": totals})
