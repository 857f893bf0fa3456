import datetime
import os

import pytest

from afterschool.register import tasks
from afterschool.register.views.roster import RosterUploadStorage


@pytest.fixture
def upload_storage(tmp_path, settings):
    """The uploads' storage as in production, a FileSystemStorage, here in a fresh folder."""
    settings.STORAGES = {
        **settings.STORAGES,
        "import_export": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    return RosterUploadStorage()._storage


def _waiting_upload(data: bytes) -> str:
    """Keep an upload the way the preview page does; return its path in the storage."""
    upload = RosterUploadStorage()
    upload.save(data)
    return upload.get_full_path()


def test_abandoned_roster_uploads_are_purged_and_fresh_ones_kept(upload_storage, settings):
    # given an upload previewed two days ago and one previewed just now
    settings.ROSTER_UPLOAD_MAX_AGE_HOURS = 24
    old = _waiting_upload(b"x")
    fresh = _waiting_upload(b"y")
    two_days_ago = (datetime.datetime.now() - datetime.timedelta(days=2)).timestamp()  # noqa: DTZ005
    os.utime(upload_storage.path(old), (two_days_ago, two_days_ago))
    # when the purge runs
    assert tasks.roster_uploads_purge.delay().get() == 1
    # then only the old one is gone
    assert not upload_storage.exists(old)
    assert upload_storage.exists(fresh)


def test_the_purge_ages_uploads_in_the_test_settings_in_memory_storage(settings, monkeypatch):
    settings.ROSTER_UPLOAD_MAX_AGE_HOURS = 24
    storage = RosterUploadStorage()._storage
    old = _waiting_upload(b"x")
    fresh = _waiting_upload(b"y")
    real_modified_time = storage.get_modified_time
    long_ago = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
    monkeypatch.setattr(
        storage,
        "get_modified_time",
        lambda name: long_ago if name == old else real_modified_time(name),
    )
    tasks.roster_uploads_purge()
    assert not storage.exists(old)
    assert storage.exists(fresh)


def test_purging_with_nothing_waiting_does_nothing(upload_storage):
    assert tasks.roster_uploads_purge() == 0


def test_the_purge_runs_every_hour(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["roster-uploads-purge"]
    assert entry["task"] == "afterschool.register.tasks.roster_uploads_purge"
    assert entry["schedule"] == 3600
