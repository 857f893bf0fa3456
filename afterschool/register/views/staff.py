"""A school's staff: adding people (roles or invitations), removing roles, invitations."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from afterschool.register import permissions, selectors, services
from afterschool.register.forms import (
    StaffAddForm,
    apply_service_errors,
)
from afterschool.register.views.common import _managed_school_or_404


@login_required
def staff_list(request, school_pk):
    school = selectors.school_get(request.user, school_pk)
    can_manage = permissions.can_manage_school(request.user, school)
    form = StaffAddForm(request.POST or None)
    if request.method == "POST":
        if not can_manage:
            raise Http404
        if form.is_valid():
            try:
                added = services.staff_add(school=school, by=request.user, **form.cleaned_data)
            except ValidationError as e:
                apply_service_errors(form, e)
            else:
                if added.colleague is not None:
                    messages.success(
                        request,
                        _("已为 %(name)s 添加角色。") % {"name": added.colleague.get_full_name()},
                    )
                else:
                    invitation_message(request, added)
                return redirect("school:staff-list", school_pk=school.pk)
    return render(
        request,
        "register/staff_list.html",
        {
            "school": school,
            "staff": selectors.staff_for_school(request.user, school=school),
            "invitations": selectors.staff_invitations_pending(request.user, school=school),
            "form": form,
            "can_manage": can_manage,
            "show_contacts": permissions.can_see_staff_contacts(request.user, school),
        },
    )


@login_required
@require_POST
def role_remove(request, school_pk, pk):
    school = _managed_school_or_404(request, school_pk)
    role = get_object_or_404(school.roles.select_related("user"), pk=pk)
    try:
        services.role_remove(role=role, by=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(
            request,
            _("已取消 %(name)s 的“%(kind)s”角色。")
            % {"name": role.user, "kind": role.get_kind_display()},
        )
    return redirect("school:staff-list", school_pk=school.pk)


def invitation_message(request, added) -> None:
    """Show a new invitation's code, once: the admin tells it to the person face to face."""
    messages.success(
        request,
        _(
            "已为 %(name)s 生成加入本校的邀请码：%(code)s（%(days)d 天内有效，只显示这一次）。"
            "请当面告知本人：打开 %(url)s ，输入邀请码和本人手机号即可接受。不要发到群里。"
        )
        % {
            "name": added.invitation.full_name,
            "code": added.code,
            "days": settings.STAFF_INVITATION_VALID_DAYS,
            "url": request.build_absolute_uri(reverse("accounts:staff-join")),
        },
    )


@login_required
@require_POST
def staff_invitation_revoke(request, school_pk, pk):
    school = selectors.school_get(request.user, school_pk)
    invitation = selectors.staff_invitation_get(request.user, school=school, pk=pk)
    try:
        services.staff_invitation_revoke(invitation=invitation, by=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, _("给 %(name)s 的邀请已作废。") % {"name": invitation.full_name})
    return redirect("school:staff-list", school_pk=school.pk)


@login_required
@require_POST
def staff_invitation_reissue(request, school_pk, pk):
    """A new code for a pending invitation (the old code stops working)."""
    school = selectors.school_get(request.user, school_pk)
    invitation = selectors.staff_invitation_get(request.user, school=school, pk=pk)
    try:
        added = services.staff_invitation_reissue(invitation=invitation, by=request.user)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        invitation_message(request, added)
    return redirect("school:staff-list", school_pk=school.pk)
