"""Celery: eager in-process with nothing configured; a real worker on Redis when REDIS_URL is set."""

import os

import pytest
from django.core import mail

from afterschool.celery import app
from afterschool.register.tasks import email_send


def test_without_redis_tasks_run_in_process(settings):
    if os.environ.get("REDIS_URL"):
        pytest.skip("REDIS_URL is set: this run uses the real broker (see the worker test)")
    from afterschool.settings import base

    assert base.CELERY_BROKER_URL == "memory://"
    assert base.CELERY_TASK_ALWAYS_EAGER is True
    email_send.delay(subject="测试", body="正文", to=["a@example.cn"])
    assert mail.outbox[0].subject == "测试"


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (the PostgreSQL + Redis run)"
)
def test_a_real_worker_runs_a_task_queued_on_redis():
    from celery.contrib.testing.worker import start_worker

    assert app.conf.broker_url.startswith("redis://")
    app.conf.task_always_eager = False
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            result = email_send.delay(subject="队列测试", body="经由 Redis", to=["b@example.cn"])
            result.get(timeout=20)
    finally:
        app.conf.task_always_eager = True
    assert result.successful()
    assert [m.subject for m in mail.outbox] == ["队列测试"]


def test_a_worker_finds_every_task_without_the_site_being_loaded():
    """A fresh process that only loads the Celery app (as ``celery worker`` does) knows the tasks.

    CELERY_SKIP_CHECKS keeps Celery's Django fixup from running the system checks, whose URL check imports
    every view module: that accident used to be how the register's tasks got registered at all.
    """
    import subprocess
    import sys

    code = (
        "import django, sys; django.setup();"
        "from afterschool.celery import app; app.loader.import_default_modules();"
        "print(sorted(n for n in app.tasks if not n.startswith('celery.')));"
        "print('afterschool.urls' in sys.modules)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "afterschool.settings.test",
        "CELERY_SKIP_CHECKS": "1",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.splitlines()
    assert "afterschool.register.tasks.email_send" in out[0]
    assert "afterschool.register.tasks.roster_uploads_purge" in out[0]
    assert out[1] == "False"
