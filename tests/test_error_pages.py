"""The site's own error pages, in Chinese, under production-like settings (DEBUG off).

400, 403 and 500 come from test-only views (tests/error_urls.py, never a real URL). The 500 page is
rendered without a request context (Django's server_error runs no context processors), so it must stand
on its own: static CSS, no user, no navigation that needs the database.
"""

import pytest
from django.conf import settings
from django.template import loader
from django.test import Client

from tests.test_csp import STRICT, policy

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.error_urls")]

PAGES = {
    # url → (status, the Chinese heading)
    "/no-such-page/": (404, "找不到这个页面"),
    "/test-errors/403/": (403, "没有权限"),
    "/test-errors/400/": (400, "请求无法处理"),
    "/test-errors/500/": (500, "系统出了点问题"),
}


@pytest.fixture(autouse=True)
def _production_like(settings):
    settings.DEBUG = False


@pytest.fixture
def client():
    client = Client()
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("url", list(PAGES))
def test_errors_show_the_sites_own_chinese_page(client, url):
    status, heading = PAGES[url]
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert heading in html
    assert '<html lang="zh-CN">' in html
    assert "/static/css/site.css" in html
    assert 'href="/"' in html  # a way back to the home page
    assert policy(response) == STRICT


@pytest.mark.parametrize("url", list(PAGES))
def test_errors_follow_the_chosen_language(client, url):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(url).content.decode()
    assert PAGES[url][1] not in html
    assert '<html lang="en">' in html


def test_a_failed_csrf_check_explains_itself_in_chinese():
    # given: a form posted without the token its page carried (an old page, cookies blocked)
    client = Client(enforce_csrf_checks=True)
    # when
    response = client.post("/accounts/login/", {"username": "x", "password": "y"})
    # then
    assert response.status_code == 403
    html = response.content.decode()
    assert "页面已过期" in html
    assert "CSRF" not in html
    assert policy(response) == STRICT


def test_the_500_page_renders_with_no_request_and_no_context():
    html = loader.get_template("500.html").render()
    assert "系统出了点问题" in html
    assert "/static/css/site.css" in html


def test_the_500_page_needs_no_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        loader.get_template("500.html").render()
