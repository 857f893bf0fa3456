from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """Reports, the bureau's filing, dashboards and surveys: an app of its own (label ``reports``)."""

    name = "afterschool.reports"
    label = "reports"
    verbose_name = _("报表与备案")
