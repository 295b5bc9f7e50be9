"""gunicorn's settings for Yizhan (docs/deployment.md): `gunicorn -c deploy/gunicorn.conf.py yizhan.wsgi`.

Every value can be overridden on the command line or with GUNICORN_* style environment variables as gunicorn reads
them; the defaults suit one application server with 2–4 cores behind nginx on the same machine.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: (2 × cores) + 1 is gunicorn's own rule of thumb; exports stream, so give them time.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so that a slow leak never grows.
max_requests = 2000
max_requests_jitter = 200
# nginx on the same machine (or the addresses in TRUSTED_PROXIES) sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# Access log to standard output as one JSON object per line, with the request id the app returns.
accesslog = "-"
errorlog = "-"
access_log_format = (
    '{"time": "%(t)s", "logger": "gunicorn.access", "request_id": "%({x-request-id}o)s", "method": "%(m)s", '
    '"path": "%(U)s", "status": %(s)s, "bytes": "%(B)s", "duration_ms": %(M)s, "remote": "%(h)s"}'
)
