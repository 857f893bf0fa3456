"""The register's models live in ``afterschool/register/models/``; Django finds them here (app label
``afterschool``)."""

from afterschool.register.models import *  # noqa: F403
