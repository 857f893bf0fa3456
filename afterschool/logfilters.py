"""Keep secrets out of the logs: the values of query strings.

The letter's QR code opens ``/accounts/activate/?code=…`` and the student search sends a name or a 学籍号 as
``?q=…``; an access log line would keep them long after the code is used. Parameter names stay, so a log
still says which page and which kind of search it was.
"""

import logging
import re

# A path (or a full URL) followed by a query string, as it appears in a request line or a message.
_URL_WITH_QUERY = re.compile(r"(?P<path>(?:https?://[^\s/?#\"']+)?/[^\s?#\"']*)\?(?P<query>\S*)")
REDACTED = "*"


def _redact_query(query: str) -> str:
    """``code=ABCD&page=2`` → ``code=*&page=*``; a part without a name (``?ABCD``) goes whole."""
    parts = []
    for part in re.split(r"[&;]", query):
        name, sep, _ = part.partition("=")
        parts.append(f"{name}={REDACTED}" if sep else (REDACTED if part else ""))
    return "&".join(parts)


def redact_query_strings(text: str) -> str:
    """``GET /accounts/activate/?code=ABCD2345 HTTP/1.1`` → ``GET /accounts/activate/?code=* HTTP/1.1``."""
    if "?" not in text:
        return text
    return _URL_WITH_QUERY.sub(lambda m: f"{m['path']}?{_redact_query(m['query'])}", text)


def _redact(value):
    return redact_query_strings(value) if isinstance(value, str) else value


class RedactQueryStrings(logging.Filter):
    """Redacts query-string values in a record's message and arguments (django.server, django.request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _redact(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_redact(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _redact(v) for k, v in record.args.items()}
        return True
