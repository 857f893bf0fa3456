"""Counting attempts in the cache: a brake on guessing invitation codes and mobile numbers.

Every attempt is counted before it runs, so a burst of parallel requests cannot slip past the limit; a
successful attempt gives its count back, so a parents' meeting on one school Wi-Fi is not blocked by
parents who typed their code right. The cache is shared between processes only with Redis (REDIS_URL);
production's system check says so.
"""

import contextlib
import ipaddress

from django.core.cache import cache

ACTIVATION_WINDOW = 60 * 60
ACTIVATION_LIMITS = {"ip": 30, "code": 5}


def _client_key(ip: str) -> str:
    """An IPv6 client owns a whole /64: count the network, not each of its addresses."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip or "unknown"
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


def _keys(*, ip: str, code: str, scope: str) -> dict[str, str]:
    keys = {"ip": f"throttle:{scope}:ip:{_client_key(ip)}"}
    if code:
        keys["code"] = f"throttle:{scope}:code:{code}"
    return keys


def activation_attempt(*, ip: str, code: str, scope: str = "activate") -> bool:
    """Count one attempt; False when this address or this code has used up its attempts for the hour.

    ``scope`` keeps parents' activation and staff joining apart (``"activate"``, ``"staff-join"``).
    """
    allowed = True
    for kind, key in _keys(ip=ip, code=code, scope=scope).items():
        cache.add(key, 0, ACTIVATION_WINDOW)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, ACTIVATION_WINDOW)
            count = 1
        allowed = allowed and count <= ACTIVATION_LIMITS[kind]
    return allowed


def activation_succeeded(*, ip: str, code: str, scope: str = "activate") -> None:
    """Give back the attempt of a parent (or a new colleague) who got it right."""
    for key in _keys(ip=ip, code=code, scope=scope).values():
        with contextlib.suppress(ValueError):
            cache.decr(key)
