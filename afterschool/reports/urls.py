from django.urls import path

from afterschool.reports import views

bureau_patterns = [
    path("", views.bureau_overview, name="bureau-overview"),
]
