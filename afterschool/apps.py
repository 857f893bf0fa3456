from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AfterschoolConfig(AppConfig):
    name = "afterschool"
    verbose_name = _("学校名册")

    def ready(self):
        from afterschool import checks  # noqa: F401  (registers system checks)
        from afterschool.register import features  # noqa: F401  (declares what the register offers)
