"""The site's URLs plus views that fail on purpose, for tests/test_error_pages.py only (never served)."""

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from afterschool.urls import urlpatterns as site_urlpatterns


def _forbidden(request):
    raise PermissionDenied


def _bad_request(request):
    raise SuspiciousOperation("a malformed request")


def _broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("test-errors/403/", _forbidden),
    path("test-errors/400/", _bad_request),
    path("test-errors/500/", _broken),
    *site_urlpatterns,
]
