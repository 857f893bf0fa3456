import datetime
import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from afterschool.register import tasks


@pytest.fixture
def upload_storage(tmp_path, monkeypatch):
    storage = FileSystemStorage(location=tmp_path)
    monkeypatch.setattr("django.core.files.storage.storages", {"import_export": storage})
    return storage


def test_abandoned_roster_uploads_are_purged_and_fresh_ones_kept(upload_storage, settings):
    settings.ROSTER_UPLOAD_MAX_AGE_HOURS = 24
    old = upload_storage.save("django-import-export/old", ContentFile(b"x"))
    fresh = upload_storage.save("django-import-export/fresh", ContentFile(b"y"))
    two_days_ago = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()  # noqa: DTZ005
    os.utime(upload_storage.path(old), (two_days_ago, two_days_ago))
    assert tasks.roster_uploads_purge.delay().get() == 1
    assert not upload_storage.exists(old) and upload_storage.exists(fresh)


def test_purging_with_nothing_waiting_does_nothing(upload_storage):
    assert tasks.roster_uploads_purge() == 0


def test_the_purge_runs_every_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["roster-uploads-purge"]
    assert entry["task"] == "afterschool.register.tasks.roster_uploads_purge"
