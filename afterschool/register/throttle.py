"""Counting attempts in the cache: a brake on guessing invitation codes, mobile numbers and passwords.

Every attempt is counted before it runs, so a burst of parallel requests cannot slip past the limit; a
successful attempt gives its count back, so a parents' meeting on one school Wi-Fi is not blocked by
parents who typed their code right. The cache is shared between processes only with Redis (REDIS_URL);
production's system check says so.
"""

import contextlib
import hashlib
import ipaddress

from django.conf import settings
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


def _count(key: str, window: int) -> int:
    """Add one to ``key``'s count; the count starts when the first attempt arrives and lasts ``window``."""
    cache.add(key, 0, window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)
        return 1


def _give_back(key: str) -> None:
    with contextlib.suppress(ValueError):
        cache.decr(key)


def _keys(*, ip: str | None, code: str, scope: str) -> dict[str, str]:
    # ``ip`` None: not a web request (a command, a test of the service alone): counted per code only.
    keys = {} if ip is None else {"ip": f"throttle:{scope}:ip:{_client_key(ip)}"}
    if code:
        keys["code"] = f"throttle:{scope}:code:{code}"
    return keys


def activation_attempt(*, ip: str | None, code: str, scope: str = "activate") -> bool:
    """Count one attempt; False when this address or this code has used up its attempts for the hour.

    ``scope`` keeps parents' activation and staff joining apart (``"activate"``, ``"staff-join"``).
    """
    allowed = True
    for kind, key in _keys(ip=ip, code=code, scope=scope).items():
        allowed = _count(key, ACTIVATION_WINDOW) <= ACTIVATION_LIMITS[kind] and allowed
    return allowed


def activation_succeeded(*, ip: str | None, code: str, scope: str = "activate") -> None:
    """Give back the attempt of a parent (or a new colleague) who got it right."""
    for key in _keys(ip=ip, code=code, scope=scope).values():
        _give_back(key)


# --- Password checks against one account, from every address together ---------------------------------


def _account_key(account: str) -> str:
    # Unknown names are whatever was typed: hashed, so the cache key is short and plain.
    return "throttle:login:account:" + hashlib.sha256(account.encode()).hexdigest()


def _login_window() -> int:
    return max(60, int(settings.AXES_COOLOFF_TIME * 60 * 60))


def login_attempt(*, account: str) -> bool:
    """Count one password check against ``account``; False once it has had its failures for the cool-off.

    django-axes locks one address out of one account after ``AXES_FAILURE_LIMIT`` failures; this is the cap
    across all addresses (``AXES_ACCOUNT_FAILURE_LIMIT``), against guessing spread over many of them.
    """
    return _count(_account_key(account), _login_window()) <= settings.AXES_ACCOUNT_FAILURE_LIMIT


def login_succeeded(*, account: str) -> None:
    """Give back the check of someone who knew the password."""
    _give_back(_account_key(account))
