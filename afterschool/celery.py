import os

from celery import Celery

# As wsgi.py: a worker started without settings must not run with the development ones.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "afterschool.settings.production")

app = Celery("afterschool")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Named, not guessed: the register's tasks sit in afterschool.register.tasks, which autodiscovery by installed
# app would miss (they used to be registered only because URL checks happened to import them).
TASK_PACKAGES = [
    "afterschool.register",
    "scheduling",
    "enrollment",
    "safety",
    "fees",
    "afterschool.reports",
]
app.autodiscover_tasks(TASK_PACKAGES)
