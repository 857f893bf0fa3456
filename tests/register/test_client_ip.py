"""Client addresses behind nginx: one helper, fed the header exactly as nginx sends it.

nginx's ``proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`` sends ``<client>`` when the client sent
no such header and ``<what the client sent>, <client>`` when it did; REMOTE_ADDR is nginx itself.
"""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from afterschool.register import throttle
from afterschool.register.client import client_ip

NGINX = "10.0.0.2"


def _request(remote_addr=NGINX, forwarded_for=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded_for is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind_nginx(settings):
    settings.CLIENT_IP_PROXY_COUNT = 1


def test_behind_nginx_the_client_is_the_address_nginx_adds(behind_nginx):
    assert client_ip(_request(forwarded_for="203.0.113.7")) == "203.0.113.7"


@pytest.mark.parametrize(
    "sent_by_client",
    ["198.51.100.1", "198.51.100.1, 198.51.100.2", "127.0.0.1", "10.0.0.2", "unknown", ""],
)
def test_a_client_cannot_choose_its_address_by_sending_the_header(behind_nginx, sent_by_client):
    header = f"{sent_by_client}, 203.0.113.7"  # nginx appends the address it was connected from
    assert client_ip(_request(forwarded_for=header)) == "203.0.113.7"


def test_a_garbled_header_counts_as_the_proxy_never_as_an_address_of_the_clients_choosing(
    behind_nginx,
):
    # An unclosed quote makes the whole header unreadable: the request counts as nginx's.
    assert client_ip(_request(forwarded_for='"198.51.100.1, 203.0.113.7')) == NGINX


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.CLIENT_IP_PROXY_COUNT = 0
    request = _request(remote_addr="203.0.113.7", forwarded_for="198.51.100.1")
    assert client_ip(request) == "203.0.113.7"


def test_a_request_that_did_not_pass_through_the_proxy_is_its_own_address(behind_nginx):
    assert client_ip(_request(remote_addr="203.0.113.9")) == "203.0.113.9"


def test_ipv6_clients_and_proxies(behind_nginx):
    assert client_ip(_request(remote_addr="::1", forwarded_for="2001:db8::1")) == "2001:db8::1"
    assert client_ip(_request(forwarded_for="2001:db8::bad, 2001:DB8:0:0::7")) == "2001:db8::7"
    # A dual-stack socket reports IPv4 clients as IPv4-mapped IPv6: one client, one spelling.
    assert client_ip(_request(remote_addr="::ffff:203.0.113.7")) == "203.0.113.7"


def test_two_proxies_count_from_the_right(settings):
    settings.CLIENT_IP_PROXY_COUNT = 2  # a load balancer, then nginx
    request = _request(forwarded_for="198.51.100.1, 203.0.113.7, 10.0.0.5")
    assert client_ip(request) == "203.0.113.7"


@pytest.mark.django_db
def test_the_activation_throttle_counts_each_real_client(client, behind_nginx):
    def attempt(forwarded_for, code):
        return client.post(
            reverse("accounts:activate"),
            {
                "code": code,
                "mobile": "13800000000",
                "password1": "Brand-new-pass-42",
                "password2": "Brand-new-pass-42",
            },
            REMOTE_ADDR=NGINX,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    # given: one client guesses codes, sending a different made-up address in front each time
    for guess in range(throttle.ACTIVATION_LIMITS["ip"]):
        attempt(f"198.51.100.{guess}, 203.0.113.66", f"GUESS{guess:03d}")
    # then: that client is stopped, and a parent elsewhere behind the same nginx is not
    assert attempt("203.0.113.66", "ANYTHING").status_code == 429
    assert attempt("203.0.113.67", "ANYTHING").status_code == 200
