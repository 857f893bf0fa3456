import os

from celery import Celery

# As wsgi.py: a worker started without settings must not run with the development ones.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "afterschool.settings.production")

app = Celery("afterschool")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
