"""gunicorn, the production WSGI server: ``gunicorn -c gunicorn.conf.py afterschool.wsgi``.

The access log names the path without its query string (``%(U)s``): query strings carry invitation codes (the
letter's QR link, ``/accounts/activate/?code=…``) and names or 学籍号 (the student search, ``?q=…``). Nor does
it log the Referer, which can carry the same. Every setting can be overridden on the command line or through
``GUNICORN_CMD_ARGS``.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
# Teachers' phones on poor Wi-Fi upload slowly; nginx buffers the request, so this bounds only our work.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 60))
accesslog = "-"
errorlog = "-"
# remote address, time, "method path protocol", status, bytes, milliseconds. No query, no Referer.
access_log_format = '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms'
