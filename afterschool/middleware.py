"""Site-wide middleware: the interface language, no caching of pages, idle sessions.

Chinese first: the interface is Simplified Chinese unless the user picked another language.

Django's LocaleMiddleware would follow the browser's Accept-Language, which turns dates and numbers English on
any English-configured phone or desktop even though the school works in Chinese. Here only an explicit choice
(the language cookie set by ``set_language``) changes the language.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from afterschool.register import permissions


class ChineseFirstLocaleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class NoStoreMiddleware:
    """Nothing Django renders is kept by the browser or a proxy: every page here is about a child, a parent
    or the person logged in, and the login and activation pages carry codes and tokens.

    Static files never get here (WhiteNoise answers them earlier) and keep their long caching. A view that
    really serves a public document can say ``Cache-Control: public``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if "public" not in response.get("Cache-Control", ""):
            patch_cache_control(response, private=True, no_store=True)
        return response


class SessionIdleTimeoutMiddleware:
    """Log out staff after ``STAFF_SESSION_IDLE_MINUTES`` without a request, parents after
    ``PARENT_SESSION_DAYS``; each request extends the time (a sliding expiry).

    The session records when it was last used and its limit. To avoid a session write on every request, the
    record is renewed only once a sixtieth of the limit (at most five minutes) has passed: a staff session
    is written at most once a minute, a parent's once in five. The limit is worked out again at each renewal,
    so a parent given a staff role gets the staff limit within five minutes.
    """

    SEEN = "_idle_seen"
    LIMIT = "_idle_limit"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            seen = request.session.get(self.SEEN)
            limit = request.session.get(self.LIMIT)
            if seen is not None and limit is not None and time.time() - seen > limit:
                return self._timed_out(request)
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._renew(request, user)
        return response

    @classmethod
    def on_login(cls, sender, request, user, **kwargs) -> None:
        """Start the clock when someone logs in (connected to ``user_logged_in``)."""
        if hasattr(request, "session"):
            cls._renew(request, user, force=True)

    @classmethod
    def _renew(cls, request, user, *, force: bool = False) -> None:
        now = int(time.time())
        seen = request.session.get(cls.SEEN)
        limit = request.session.get(cls.LIMIT)
        fresh = seen is not None and limit is not None and now - seen < min(limit // 60, 300)
        if fresh and not force:
            return
        limit = cls.limit_for(user)
        request.session[cls.SEEN] = now
        request.session[cls.LIMIT] = limit
        # The cookie and the stored session outlive the limit by a day, so that a return within that day is
        # told why they must log in again instead of meeting the login page without a word.
        request.session.set_expiry(limit + 24 * 60 * 60)

    @staticmethod
    def limit_for(user) -> int:
        """Seconds without a request before the session ends."""
        if permissions.is_parent(user) and not permissions.is_staff_member(user):
            return settings.PARENT_SESSION_DAYS * 24 * 60 * 60
        return settings.STAFF_SESSION_IDLE_MINUTES * 60

    def _timed_out(self, request):
        path = request.get_full_path()
        logout(request)
        messages.info(
            request, _("您已较长时间没有操作，为保护学生和家庭信息已自动退出，请重新登录。")
        )
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(redirect_to_login(path).url)
        return redirect_to_login(path)
