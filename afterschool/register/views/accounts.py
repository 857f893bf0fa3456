"""Accounts: activation with a parent's code, joining a school with a staff code, one's own account."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from afterschool.register import permissions, services
from afterschool.register.client import client_ip
from afterschool.register.forms import (
    AccountEmailForm,
    ActivationForm,
    StaffJoinForm,
    apply_service_errors,
)
from afterschool.register.params import text_param

# The letter's code waits here between its QR link and the form (see ``activate``).
ACTIVATION_CODE_SESSION_KEY = "activation_code"


@login_required
def no_role(request):
    return render(request, "accounts/no_role.html")


@login_required
def profile(request):
    """我的账号: who I am here, and for staff the e-mail address a forgotten password is reset through."""
    user = request.user
    is_staff = permissions.is_staff_member(user)
    form = AccountEmailForm(request.POST or None, user=user, initial={"email": user.email})
    if request.method == "POST":
        if not is_staff:
            raise Http404
        if form.is_valid():
            try:
                services.user_email_set(user=user, email=form.cleaned_data["email"], by=user)
            except ValidationError as e:
                apply_service_errors(form, e)
            else:
                messages.success(request, _("找回密码邮箱已保存。"))
                return redirect("accounts:profile")
    return render(
        request,
        "accounts/profile.html",
        {"form": form if is_staff else None, "is_staff": is_staff},
    )


def activate(request):
    """Parents activate their account (or add a child, or reset a forgotten password) with a school code.

    The letter's QR code opens ``?code=…``: the code is kept in the session and the page reloaded without it,
    so it stays out of the browser's history, the Referer of the next request and the access logs after this one.
    """
    if request.method == "GET" and "code" in request.GET:
        code = services.normalize_invitation_code(text_param(request.GET, "code", max_length=32))[
            :20
        ]
        request.session[ACTIVATION_CODE_SESSION_KEY] = code
        return redirect("accounts:activate")
    logged_in = request.user.is_authenticated
    form = ActivationForm(
        request.POST or None,
        logged_in=logged_in,
        initial={"code": request.session.get(ACTIVATION_CODE_SESSION_KEY, "")},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.parent_account_activate(
                code=data["code"],
                mobile=data["mobile"],
                password=data.get("password1", ""),
                user=request.user if logged_in else None,
                ip=client_ip(request),
            )
        except services.TooManyAttempts as e:
            apply_service_errors(form, e)
            return render(request, "accounts/activate.html", {"form": form}, status=429)
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
            request.session.pop(ACTIVATION_CODE_SESSION_KEY, None)
            if not logged_in:
                login(
                    request, user, backend="afterschool.register.backends.UsernameOrMobileBackend"
                )
            messages.success(request, _("绑定成功。今后可用手机号和密码登录。"))
            return redirect("home:family-home")
    return render(request, "accounts/activate.html", {"form": form})


def staff_join(request):
    """Accept a school's invitation with its code: logged in with one's own account, or by creating one."""
    user = request.user if request.user.is_authenticated else None
    form = StaffJoinForm(
        request.POST or None,
        logged_in=user is not None,
        initial={
            "code": text_param(request.GET, "code", max_length=32),
            "mobile": user.mobile if user else "",
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            joined, invitation = services.staff_invitation_accept(
                code=data["code"],
                mobile=data["mobile"],
                password=data.get("password1", ""),
                user=user,
                ip=client_ip(request),
            )
        except services.TooManyAttempts as e:
            apply_service_errors(form, e)
            return render(request, "accounts/staff_join.html", {"form": form}, status=429)
        except ValidationError as e:
            apply_service_errors(form, e)
        else:
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
            return redirect("home:index")
    login_url = reverse("accounts:login") + "?" + urlencode({"next": request.get_full_path()})
    return render(request, "accounts/staff_join.html", {"form": form, "login_url": login_url})
