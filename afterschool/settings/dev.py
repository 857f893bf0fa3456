"""Development and demo: debug on, a throwaway secret, the demo accounts' password allowed."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-not-secret-8f3b2c7e1d")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["*"])

# The demo accounts share one documented password; only development settings create them.
DEMO_PASSWORD = "afterschool-demo"
