from django.contrib import admin
from django.urls import include, path

from afterschool.register import urls as register_urls
from afterschool.register import views as register_views
from afterschool.reports import urls as reports_urls

urlpatterns = [
    path("", register_views.home, name="home"),
    path("accounts/", include((register_urls.accounts_patterns, "accounts"))),
    path("school/", include((register_urls.school_patterns, "school"))),
    path("today/", include((register_urls.teacher_patterns, "teacher"))),
    path("family/", include((register_urls.family_patterns, "family"))),
    path("bureau/", include((reports_urls.bureau_patterns, "reports"))),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
