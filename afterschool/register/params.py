"""Query and form parameters read straight from a request: each parsed within bounds, never passed on raw.

A value that does not parse comes back as missing (None, or an empty string); the view decides what
missing means there, usually "no filter". Anything that names a record the user may not see is still a 404,
decided by the selector the parsed value is handed to.
"""

import re

# The largest value a database integer key holds (PostgreSQL's integer; SQLite's is larger).
MAX_ID = 2**31 - 1

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TOKEN = re.compile(r"[A-Za-z0-9_-]+")


def int_param(params, name: str, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """A whole number in ``[minimum, maximum]`` written in plain digits, else None (``abc``, ``1.5``,
    ``-1``, a number too large for the database, ``١``)."""
    raw = (params.get(name) or "").strip()
    if not raw or len(raw) > len(str(maximum)) or not (raw.isascii() and raw.isdigit()):
        return None
    value = int(raw)
    return value if minimum <= value <= maximum else None


def bounded_text(raw: str, *, max_length: int = 50) -> str:
    """Free text as typed: control characters (NUL included) removed, spaces trimmed, at most
    ``max_length`` characters."""
    return _CONTROL.sub("", raw[: max_length * 2]).strip()[:max_length]


def text_param(params, name: str, *, max_length: int = 50) -> str:
    """A free-text parameter (a search box), as ``bounded_text`` leaves it."""
    return bounded_text(params.get(name) or "", max_length=max_length)


def token_param(params, name: str, *, max_length: int = 64) -> str:
    """A token we issued (URL-safe base64): itself if it could be one, else an empty string."""
    raw = params.get(name) or ""
    return raw if len(raw) <= max_length and _TOKEN.fullmatch(raw) else ""
