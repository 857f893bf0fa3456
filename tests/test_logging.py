"""Access logs keep no invitation codes and no 学籍号: query-string values are redacted or left out."""

import datetime
import io
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest

from afterschool.logfilters import redact_query_strings

ROOT = Path(__file__).resolve().parent.parent
LETTER_LINK = "/accounts/activate/?code=ABCD2345"
SEARCH = "/school/1/students/?q=G110101201501011234&page=2"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (f"GET {LETTER_LINK} HTTP/1.1", "GET /accounts/activate/?code=* HTTP/1.1"),
        (f"GET {SEARCH} HTTP/1.1", "GET /school/1/students/?q=*&page=* HTTP/1.1"),
        (
            f"https://kehou.example.cn{LETTER_LINK}",
            "https://kehou.example.cn/accounts/activate/?code=*",
        ),
        ("GET /accounts/activate/?ABCD2345 HTTP/1.1", "GET /accounts/activate/?* HTTP/1.1"),
        ("Not Found: /accounts/nowhere/", "Not Found: /accounts/nowhere/"),
        ("是否继续? 是", "是否继续? 是"),
    ],
)
def test_query_string_values_are_redacted(line, expected):
    assert redact_query_strings(line) == expected


@pytest.fixture
def runserver_log():
    """What runserver's access log (the ``django.server`` logger, as configured) writes."""
    (handler,) = logging.getLogger("django.server").handlers
    stream = io.StringIO()
    old = handler.setStream(stream)
    yield stream
    handler.setStream(old)


def test_runservers_access_log_keeps_no_invitation_code_or_student_number(runserver_log):
    # As django.core.servers.basehttp.WSGIRequestHandler.log_message logs a request.
    for path in (LETTER_LINK, SEARCH):
        logging.getLogger("django.server").info(
            '"%s" %s %s',
            f"GET {path} HTTP/1.1",
            "200",
            "1234",
            extra={"request": None, "server_time": "23/Nov/2026 17:00:00", "status_code": 200},
        )
    written = runserver_log.getvalue()
    assert "/accounts/activate/?code=*" in written and "/school/1/students/?q=*" in written
    assert "ABCD2345" not in written and "G110101201501011234" not in written


def test_django_request_records_are_redacted(caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        logging.getLogger("django.request").warning("Not Found: %s", LETTER_LINK)
    assert "ABCD2345" not in caplog.text
    assert "/accounts/activate/?code=*" in caplog.text


def test_gunicorns_access_log_names_the_path_alone():
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    for name, value in runpy.run_path(str(ROOT / "gunicorn.conf.py")).items():
        if name in cfg.settings:
            cfg.set(name, value)
    logger = Logger(cfg)
    stream = io.StringIO()
    logger.access_log.handlers = [logging.StreamHandler(stream)]
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": LETTER_LINK,
        "PATH_INFO": "/accounts/activate/",
        "QUERY_STRING": "code=ABCD2345",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://kehou.example.cn{LETTER_LINK}",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    logger.access(response, SimpleNamespace(headers=[]), environ, datetime.timedelta(seconds=0.05))
    line = stream.getvalue()
    assert '"GET /accounts/activate/ HTTP/1.1" 200' in line
    assert "ABCD2345" not in line
