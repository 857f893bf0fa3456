"""Staff invitations: the admin's revoke and re-issue, and the public page where a person accepts one."""

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from afterschool.register import selectors, services, throttle
from afterschool.register.forms import StaffJoinForm, apply_service_errors


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


def staff_join(request):
    """Accept a school's invitation with its code: logged in with one's own account, or by creating one."""
    user = request.user if request.user.is_authenticated else None
    form = StaffJoinForm(
        request.POST or None,
        logged_in=user is not None,
        initial={"code": request.GET.get("code", ""), "mobile": user.mobile if user else ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        ip = get_client_ip_address(request) or ""
        code = services.normalize_invitation_code(data["code"])
        if not throttle.activation_attempt(ip=ip, code=code, scope="staff-join"):
            form.add_error(None, _("尝试次数过多，请一小时后再试，或联系学校管理员。"))
            return render(request, "accounts/staff_join.html", {"form": form}, status=429)
        try:
            joined, invitation = services.staff_invitation_accept(
                code=code, mobile=data["mobile"], password=data.get("password1", ""), user=user
            )
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            throttle.activation_succeeded(ip=ip, code=code, scope="staff-join")
            if user is None:
                login(
                    request,
                    joined,
                    backend="afterschool.register.backends.UsernameOrMobileBackend",
                )
            messages.success(
                request,
                _("您已加入%(school)s（%(kinds)s）。今后可用手机号和密码登录。")
                % {"school": invitation.school.name, "kinds": invitation.kinds_display()},
            )
            return redirect("home")
    login_url = reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})
    return render(request, "accounts/staff_join.html", {"form": form, "login_url": login_url})


school_urlpatterns = [
    path(
        "<int:school_pk>/staff/invitations/<int:pk>/revoke/",
        staff_invitation_revoke,
        name="staff-invitation-revoke",
    ),
    path(
        "<int:school_pk>/staff/invitations/<int:pk>/reissue/",
        staff_invitation_reissue,
        name="staff-invitation-reissue",
    ),
]
