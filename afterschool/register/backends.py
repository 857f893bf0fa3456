"""Logging in with a username or an 11-digit mobile number, and counting failures per account.

django-axes locks one client address out of one account after ``AXES_FAILURE_LIMIT`` failures. It counts
against the name ``lockout_username`` gives: the account itself, whichever of its names was typed, so a
username, a mobile number and "+86 138 …" share one allowance. Guessing spread over many addresses meets a
second, higher cap per account (``AXES_ACCOUNT_FAILURE_LIMIT``), counted here in the cache; below that cap one
client's failures never lock out another.
"""

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _

from afterschool.register import throttle
from afterschool.register.normalize import normalize_mobile
from afterschool.register.params import bounded_text

MAX_NAME_LENGTH = 150  # Django's User.username


def user_for_login(identifier: str):
    """The account a login name or a mobile number (in any spelling) names, or None.

    One query whether or not the account exists. A mobile number wins over a username that looks the same.
    """
    identifier = (identifier or "").strip()[:MAX_NAME_LENGTH]
    if not identifier:
        return None
    mobile = normalize_mobile(identifier)
    match = Q(username__iexact=identifier)
    if mobile:
        match |= Q(mobile=mobile)
    candidates = list(get_user_model().objects.filter(match).order_by("pk")[:3])
    by_mobile = [u for u in candidates if mobile and u.mobile == mobile]
    return (by_mobile or candidates or [None])[0]


_LOOK_UP = object()


def account_key(identifier: str, user=_LOOK_UP) -> str:
    """What failures are counted against: ``user:<pk>`` for an account, the normalised name otherwise.

    ``user`` is the account ``identifier`` names (None: none), when the caller has looked it up already.
    """
    if user is _LOOK_UP:
        user = user_for_login(identifier)
    if user is not None:
        return f"user:{user.pk}"
    # Bounded and without control characters: axes stores it in a 255-character column.
    raw = bounded_text(identifier or "", max_length=MAX_NAME_LENGTH)
    return "name:" + (normalize_mobile(raw) or raw.lower())


def lockout_username(request, credentials=None) -> str:
    """The name django-axes counts failures against (AXES_USERNAME_CALLABLE): the account, however named.

    django-axes asks several times per request; the answer is kept on the request.
    """
    raw = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if raw is None and request is not None:
        raw = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "")
    raw = str(raw or "")
    known = getattr(request, "_login_account_keys", None)
    if known is None:
        known = {}
        if request is not None:
            request._login_account_keys = known
    if raw not in known:
        known[raw] = account_key(raw)
    return known[raw]


class UsernameOrMobileBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = user_for_login(username)
        key = account_key(username, user)
        if not throttle.login_attempt(account=key):
            # Too many failures at this account from all addresses together: even the right password is
            # refused until the cool-off ends. django-axes's middleware shows the locked-out page.
            if request is not None:
                request.axes_locked_out = True
            raise AxesBackendPermissionDenied("account failure cap reached")
        if user is None:
            # Spend the same time as a real check, so timing does not reveal which names exist.
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            throttle.login_succeeded(account=key)
            return user
        return None


def current_password_check(user, password: str) -> None:
    """A logged-in user re-enters their password (to change it, or their e-mail): counted like a login.

    Otherwise whoever holds a session left open could guess the password here without limit. Raises
    ValidationError for a wrong password, and once the account's cap is reached.
    """
    key = account_key("", user)
    if not throttle.login_attempt(account=key):
        raise ValidationError(
            _("密码错误次数过多，请 %(minutes)d 分钟后再试。") % {"minutes": _minutes()}
        )
    if not user.check_password(password or ""):
        raise ValidationError(_("当前密码不正确。"))
    throttle.login_succeeded(account=key)


def _minutes() -> int:
    return max(1, round(settings.AXES_COOLOFF_TIME * 60))


def lockout_response(request, original_response=None, credentials=None):
    """The locked-out page (AXES_LOCKOUT_CALLABLE), in Chinese, the same for every name and every client.

    django-axes's own response answers an XMLHttpRequest with JSON naming the account it counted against,
    which would tell an existing account from an unknown name.
    """
    return render(
        request,
        "accounts/locked_out.html",
        {"minutes": _minutes()},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
