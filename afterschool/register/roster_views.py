"""Roster import and export pages for school administrators (being built: see issue 2)."""

from django.http import Http404
from django.urls import path


def _pending(request, school_pk):
    raise Http404


urlpatterns = [
    path("<int:school_pk>/roster/import/", _pending, name="roster-import"),
    path("<int:school_pk>/roster/export/", _pending, name="roster-export"),
    path("<int:school_pk>/roster/template/", _pending, name="roster-template"),
]
