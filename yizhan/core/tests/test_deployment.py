"""The production set-up works as docs/deployment.md describes it: production settings on PostgreSQL and Redis pass
`check --deploy`, migrate a new database, collect the static files, and gunicorn (deploy/gunicorn.conf.py) serves
/healthz (200, every check passing, the task queue on Redis) and the login page.

It runs in the PostgreSQL pass of the suite (DATABASE_URL=postgres://…, as `.ci/run` does), on a database of its
own that it creates and drops, and needs the Redis at REDIS_URL (default 127.0.0.1:6379).
"""

import http.client
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import redis
from environ import Env

from .test_settings_and_demo import GOOD_ENV

ROOT = Path(__file__).resolve().parents[3]
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
HOST = "yizhan.example.org"

pytestmark = pytest.mark.skipif(
    not DATABASE_URL.startswith(("postgres://", "postgresql://")),
    reason="the production smoke test runs in the PostgreSQL pass (DATABASE_URL=postgres://…)",
)


@pytest.fixture
def smoke_database():
    """A new, empty PostgreSQL database on the suite's server; dropped afterwards."""
    server = Env.db_url_config(DATABASE_URL)
    name = f"yizhan_smoke_{uuid.uuid4().hex[:10]}"
    params = {
        "host": server.get("HOST") or "127.0.0.1",
        "port": server.get("PORT") or 5432,
        "user": server.get("USER") or "postgres",
        "password": server.get("PASSWORD") or None,
        "dbname": "postgres",
        "autocommit": True,
    }
    with psycopg.connect(**params) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    user = params["user"] + (f":{params['password']}" if params["password"] else "")
    try:
        yield f"postgres://{user}@{params['host']}:{params['port']}/{name}"
    finally:
        with psycopg.connect(**params) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port, path, headers=None):
    """One GET to the local server, redirects not followed: (status, headers, body)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": HOST, **(headers or {})})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode()
    finally:
        connection.close()


def test_production_settings_with_postgresql_and_redis_serve_behind_gunicorn(smoke_database, tmp_path):
    redis.Redis.from_url(REDIS_URL).ping()  # Redis must be there: the cache and the task queue
    env = {k: v for k, v in os.environ.items() if k not in GOOD_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= GOOD_ENV | {
        "DJANGO_SETTINGS_MODULE": "yizhan.settings.production",
        "DATABASE_URL": smoke_database,
        "REDIS_URL": REDIS_URL,
        "TASK_BACKEND": "rq",
        "ALLOWED_HOSTS": HOST,
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "LOG_LEVEL": "INFO",
    }

    def manage(*args):
        result = subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
        return result.stdout

    assert "no issues" in manage("check", "--deploy", "--fail-level", "WARNING")
    manage("migrate", "--noinput")
    manage("collectstatic", "--noinput")

    port = _free_port()
    log = (tmp_path / "gunicorn.log").open("w+")
    server = subprocess.Popen(  # noqa: S603 - our own interpreter and config
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", "2", "yizhan.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                status, headers, body = _get(port, "/healthz")
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not answer within 60 s"
                time.sleep(0.5)
        assert status == 200, body
        health = json.loads(body)
        assert health["status"] == "ok"
        assert health["checks"]["tasks"]["backend"] == "RQBackend"
        request_id = headers["X-Request-ID"]

        https = {"X-Forwarded-Proto": "https"}
        status, headers, body = _get(port, "/accounts/login/", https)
        assert status == 200
        assert 'name="csrfmiddlewaretoken"' in body
        assert "max-age=31536000" in headers["Strict-Transport-Security"]
        status, _headers, _body = _get(port, "/accounts/login/")
        assert status == 301  # plain HTTP is sent to HTTPS
        status, _headers, _body = _get(port, "/static/css/app.css", https)
        assert status in (200, 404)
        assert _get(port, "/no-such-page/", https)[0] == 404
    finally:
        server.terminate()
        server.wait(timeout=30)
    output = (tmp_path / "gunicorn.log").read_text()
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    access = [line for line in lines if line.get("logger") == "gunicorn.access"]
    assert any(line["path"] == "/healthz" and line["request_id"] == request_id for line in access)
    not_found = [line for line in lines if line.get("logger") == "django.request"]
    assert not_found, output  # the application's own log lines are JSON too
    assert not_found[0]["level"] == "WARNING"
    assert len(not_found[0]["request_id"]) == 32
