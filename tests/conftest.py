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


@pytest.fixture
def superuser_client(client):
    """A client logged in as a superuser: the only one the Django admin lets in (to read)."""
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client
