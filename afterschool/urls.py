"""The site's URLs: each app's module, with its own namespace (``app_name``); names read ``<thing>-<action>``."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("afterschool.home.urls")),
    path("accounts/", include("afterschool.register.urls.accounts")),
    path("school/", include("afterschool.register.urls.school")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
