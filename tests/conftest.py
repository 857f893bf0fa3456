import pytest


@pytest.fixture(autouse=True)
def _use_locmem_cache(settings):
    """Each test starts with an empty cache, whether the suite runs on local memory or Redis."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _chinese(settings):
    settings.LANGUAGE_CODE = "zh-hans"
