"""Tests: the same code paths as production, with fast hashing and tasks run where configured."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEMO_PASSWORD = "afterschool-demo"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "import_export": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
}
_ = env

# Tasks run in-process in tests; tests/test_celery.py runs a real worker against Redis when REDIS_URL is set.
CELERY_TASK_ALWAYS_EAGER = True
