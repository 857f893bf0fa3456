"""A school's students: the list, one student, their guardians and parents' codes."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from afterschool.register import permissions, selectors, services
from afterschool.register.forms import (
    GuardianshipForm,
    StudentFilterForm,
    StudentForm,
    apply_service_errors,
)
from afterschool.register.params import int_param
from afterschool.register.views.common import _managed_student_or_404


@login_required
def student_list(request, school_pk):
    school = selectors.school_get(request.user, school_pk)
    homerooms = selectors.homerooms_with_counts(request.user, school=school)
    filters = StudentFilterForm(
        request.GET,
        grades=selectors.grades_of_school(request.user, school=school),
        homerooms=homerooms,
    )
    filters.is_valid()  # a bad value is named on the page; the valid filters still apply
    grade = filters.cleaned_data.get("grade")
    homeroom = filters.cleaned_data.get("homeroom")
    query = (filters.cleaned_data.get("q") or "").strip()
    students = selectors.student_list(
        request.user, school=school, grade=grade, homeroom=homeroom, query=query
    )
    page = Paginator(students, 50).get_page(int_param(request.GET, "page"))
    return render(
        request,
        "register/student_list.html",
        {
            "school": school,
            "filters": filters,
            "grades": filters.fields["grade"].choices,
            "grade": grade,
            "homerooms": [h for h in homerooms if grade is None or h.grade.number == grade],
            "homeroom": homeroom,
            "query": query,
            "page": page,
            "can_manage": permissions.can_manage_school(request.user, school),
        },
    )


@login_required
def student_detail(request, pk):
    student = selectors.student_get(request.user, pk)
    if not (permissions.school_ids_with(request.user) or permissions.is_bureau(request.user)):
        raise Http404  # parents see their children on the family pages
    can_manage = permissions.can_manage_student(request.user, student)
    can_invite = permissions.can_issue_invitation(request.user, student)
    return render(
        request,
        "register/student_detail.html",
        {
            "student": student,
            "guardianships": selectors.guardianships_for_student(request.user, student),
            "invitations": selectors.invitations_for_student(request.user, student),
            "can_manage": can_manage,
            "can_invite": can_invite,
            "show_contacts": permissions.can_see_guardian_contacts(request.user, student.school),
        },
    )


@login_required
def student_edit(request, pk):
    student = _managed_student_or_404(request, pk)
    homerooms = selectors.homerooms_of_school(request.user, school=student.school)
    form = StudentForm(
        request.POST or None, initial=StudentForm.initial_for(student), homerooms=homerooms
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.student_update(student=student, by=request.user, **form.cleaned_data)
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("学生信息已保存。"))
            return redirect("school:student-detail", pk=student.pk)
    return render(request, "register/student_form.html", {"student": student, "form": form})


@login_required
def guardianship_edit(request, student_pk, pk=None):
    """Add a guardian to a child (no ``pk``) or change one: name, mobile, relation, whether they may pick up."""
    student = _managed_student_or_404(request, student_pk)
    guardianship = (
        get_object_or_404(student.guardianships.select_related("guardian"), pk=pk) if pk else None
    )
    initial = GuardianshipForm.initial_for(guardianship) if guardianship else None
    form = GuardianshipForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.guardianship_save(
                student=student, by=request.user, guardianship=guardianship, **form.cleaned_data
            )
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            messages.success(request, _("监护人信息已保存。"))
            kept = services.guardian_name_kept(guardianship=saved, typed=form.cleaned_data["name"])
            if kept:
                messages.info(
                    request,
                    _("该手机号也登记在其他学校，姓名保持为“%(name)s”。") % {"name": kept},
                )
            return redirect("school:student-detail", pk=student.pk)
    return render(
        request,
        "register/guardianship_form.html",
        {"student": student, "guardianship": guardianship, "form": form},
    )


@login_required
@require_POST
def guardianship_remove(request, student_pk, pk):
    student = _managed_student_or_404(request, student_pk)
    guardianship = get_object_or_404(student.guardianships.select_related("guardian"), pk=pk)
    services.guardianship_remove(guardianship=guardianship, by=request.user)
    messages.success(request, _("已移除监护人 %(name)s。") % {"name": guardianship.guardian.name})
    return redirect("school:student-detail", pk=student.pk)


@login_required
@require_POST
def student_invitation_issue(request, pk):
    student = selectors.student_get(request.user, pk)
    if not permissions.can_issue_invitation(request.user, student):
        raise Http404
    (code,) = services.invitation_code_issue(students=[student], by=request.user)
    messages.success(
        request, _("新邀请码：%(code)s（旧的未使用邀请码已作废）") % {"code": code.code}
    )
    return redirect("school:student-detail", pk=student.pk)


@login_required
@require_POST
def guardian_reset_code_issue(request, student_pk, pk):
    """A school admin gives one guardian a code that resets their forgotten password (read out, not posted)."""
    student = _managed_student_or_404(request, student_pk)
    guardianship = get_object_or_404(
        student.guardianships.select_related("guardian"), pk=pk, guardian__user__isnull=False
    )
    (code,) = services.invitation_code_issue(
        students=[student], guardian=guardianship.guardian, by=request.user
    )
    messages.success(
        request,
        _("重设密码码：%(code)s，仅限 %(name)s 使用，请当面或电话告知，不要发到群里。")
        % {"code": code.code, "name": guardianship.guardian.name},
    )
    return redirect("school:student-detail", pk=student.pk)


@login_required
@require_POST
def invitation_revoke(request, pk):
    invitation = selectors.invitation_get(request.user, pk)
    if not permissions.can_issue_invitation(request.user, invitation.student):
        raise Http404
    try:
        services.invitation_code_revoke(invitation=invitation, by=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("邀请码 %(code)s 已作废。") % {"code": invitation.code})
    return redirect("school:student-detail", pk=invitation.student_id)
