"""The address of the client behind our reverse proxies: the one helper that login lockouts and the
activation throttle both count by.

``AXES_PROXY_COUNT`` (setting ``CLIENT_IP_PROXY_COUNT``) says how many reverse proxies of ours stand in front of
the site. With 0 the client is ``REMOTE_ADDR`` and ``X-Forwarded-For`` is ignored: without a proxy anybody can
send that header. Behind N proxies the client is the N-th address from the right of ``X-Forwarded-For``: each
proxy appends the address it was connected from (nginx: ``$proxy_add_x_forwarded_for``), so the right-most N
entries are written by our proxies and everything to their left by whoever sent the request. A header the
client garbled so that it cannot be read, or a request that did not pass through all the proxies, counts as
``REMOTE_ADDR`` (the proxy's address): never as an address of the client's choosing.
"""

import ipaddress

from django.conf import settings
from ipware import get_client_ip


def _canonical(value: str) -> str:
    """``::ffff:10.0.0.1`` -> ``10.0.0.1``, IPv6 compressed; "" for anything that is not an address."""
    try:
        address = ipaddress.ip_address((value or "").strip())
    except ValueError:
        return ""
    if address.version == 6 and address.ipv4_mapped:
        address = address.ipv4_mapped
    return str(address)


def client_ip(request) -> str:
    """The client's address as our own proxies saw it ("" when there is none, as in a test request)."""
    meta = getattr(request, "META", {})
    proxies = settings.CLIENT_IP_PROXY_COUNT
    if proxies > 0 and meta.get("HTTP_X_FORWARDED_FOR"):
        # django-ipware counts proxies differently: its proxy_count is the number of proxy addresses in the
        # header after the client's, and the last proxy appears only as REMOTE_ADDR. Non-strict: the client
        # may have put any number of entries of its own in front.
        ip, _ = get_client_ip(
            request,
            proxy_order="left-most",
            proxy_count=proxies - 1,
            request_header_order=["HTTP_X_FORWARDED_FOR"],
            strict=False,
        )
        if ip:
            return _canonical(ip)
    return _canonical(meta.get("REMOTE_ADDR", ""))
