"""The role homes: where each kind of user lands, and the pages that gather every app's news for them."""

from django.urls import path

from afterschool.home import views

app_name = "home"

urlpatterns = [
    path("", views.home, name="index"),
    path("school/", views.school_home, name="school-default"),
    path("school/<int:school_pk>/", views.school_dashboard, name="school-dashboard"),
    path("today/", views.teacher_today, name="teacher-today"),
    path("family/", views.family_home, name="family-home"),
    path("family/children/<int:pk>/", views.family_child, name="family-child"),
    path("bureau/", views.bureau_overview, name="bureau-overview"),
]
