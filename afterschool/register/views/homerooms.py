"""A class: its children, head teacher, and the printable letters with parents' codes."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from afterschool.register import permissions, selectors, services
from afterschool.register.forms import (
    HeadTeacherForm,
)


@login_required
def homeroom_detail(request, pk):
    homeroom = selectors.homeroom_get(request.user, pk)
    can_manage = permissions.can_manage_school(request.user, homeroom.school)
    students = (
        selectors.students_for_user(request.user)
        .filter(homeroom=homeroom)
        .prefetch_related("guardianships__guardian")
        .order_by("student_no")
    )
    return render(
        request,
        "register/homeroom_detail.html",
        {
            "homeroom": homeroom,
            "students": students,
            "can_manage": can_manage,
            "can_invite": permissions.can_manage_homeroom_invitations(request.user, homeroom),
            "show_contacts": permissions.can_see_guardian_contacts(request.user, homeroom.school),
            "head_teacher_form": HeadTeacherForm(
                initial={"head_teacher": homeroom.head_teacher_id},
                teachers=selectors.teachers_for_school(request.user, school=homeroom.school),
            )
            if can_manage
            else None,
        },
    )


@login_required
@require_POST
def homeroom_head_teacher(request, pk):
    homeroom = selectors.homeroom_get(request.user, pk)
    if not permissions.can_manage_school(request.user, homeroom.school):
        raise Http404
    form = HeadTeacherForm(
        request.POST, teachers=selectors.teachers_for_school(request.user, school=homeroom.school)
    )
    if form.is_valid():
        services.homeroom_head_teacher_set(
            homeroom=homeroom, teacher=form.cleaned_data["head_teacher"], by=request.user
        )
        messages.success(request, _("班主任已更新。"))
    else:
        messages.error(request, _("请选择本校教师。"))
    return redirect("school:homeroom-detail", pk=homeroom.pk)


@login_required
@require_POST
def homeroom_invitations_issue(request, pk):
    """Issue codes for the children of a class who have neither a parent account nor a live code.

    Letters already sent home stay valid; families already using the service get no code they do not need.
    """
    homeroom = selectors.homeroom_get(request.user, pk)
    if not permissions.can_manage_homeroom_invitations(request.user, homeroom):
        raise Http404
    students = selectors.students_needing_codes(request.user, homeroom=homeroom)
    codes = services.invitation_code_issue(students=students, by=request.user)
    if codes:
        messages.success(request, _("已为 %(n)d 名尚未开通的学生生成邀请码。") % {"n": len(codes)})
    else:
        messages.info(request, _("本班每名学生都已有有效邀请码或已开通家长账号，无需生成。"))
    return redirect("school:homeroom-letters-print", pk=homeroom.pk)


@login_required
def homeroom_letters(request, pk):
    """Printable letters to parents, one per child, each with its active invitation code."""
    homeroom = selectors.homeroom_get(request.user, pk)
    if not permissions.can_manage_homeroom_invitations(request.user, homeroom):
        raise Http404
    activate_url = request.build_absolute_uri(reverse("accounts:activate"))
    letters = [
        {
            "invitation": code,
            "url": f"{activate_url}?code={code.code}",
            "qr": _qr_svg(f"{activate_url}?code={code.code}"),
        }
        for code in selectors.open_invitations(request.user, homeroom=homeroom)
    ]
    return render(
        request,
        "register/print/homeroom_letters.html",
        {"homeroom": homeroom, "letters": letters, "activate_url": activate_url},
    )


def _qr_svg(url: str) -> str:
    """An inline SVG QR code: parents scan the letter with WeChat instead of typing the address."""
    return segno.make(url, error="m").svg_inline(scale=3, border=2)
