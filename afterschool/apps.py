from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AfterschoolConfig(AppConfig):
    name = "afterschool"
    verbose_name = _("学校名册")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from afterschool import checks  # noqa: F401  (registers system checks)
        from afterschool.middleware import SessionIdleTimeoutMiddleware
        from afterschool.register import (
            audit_entries,  # noqa: F401  (declares the audit actions)
            features,  # noqa: F401  (declares what the register offers)
        )

        user_logged_in.connect(
            SessionIdleTimeoutMiddleware.on_login, dispatch_uid="afterschool.session_idle_start"
        )
