"""Counting attempts in the cache: a brake on guessing invitation codes and mobile numbers."""

from django.core.cache import cache

ACTIVATION_WINDOW = 60 * 60
ACTIVATION_LIMITS = {"ip": 20, "code": 5}


def _key(kind: str, value: str) -> str:
    return f"throttle:activate:{kind}:{value}"


def activation_blocked(*, ip: str, code: str) -> bool:
    """Too many failed activations from this address, or against this code, in the last hour."""
    keys = {"ip": _key("ip", ip), "code": _key("code", code)} if code else {"ip": _key("ip", ip)}
    counts = cache.get_many(list(keys.values()))
    return any(counts.get(key, 0) >= ACTIVATION_LIMITS[kind] for kind, key in keys.items())


def activation_failed(*, ip: str, code: str) -> None:
    for kind, value in (("ip", ip), ("code", code)):
        if not value:
            continue
        key = _key(kind, value)
        cache.add(key, 0, ACTIVATION_WINDOW)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, ACTIVATION_WINDOW)
