"""/healthz (database, cache, task-queue lag; JSON; 200 or 503; no sign-in, nothing personal) and the request id
that every response and log line carries."""

import json
import logging
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from yizhan.core import health
from yizhan.core.request_log import JsonFormatter, RequestIdFilter
from yizhan.core.schedule import run_daily_job

pytestmark = pytest.mark.django_db


def test_healthz_answers_ok_without_sign_in_and_without_personal_data(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "tasks"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["tasks"]["backend"] == "ImmediateBackend"
    assert "sessionid" not in response.cookies
    assert response["Cache-Control"].count("no-store") == 1
    assert len(response["X-Request-ID"]) == 32
    assert client.post("/healthz").status_code == 405


def test_healthz_reports_a_waiting_task_queue_as_unhealthy(client, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.HEALTH_TASK_LAG_SECONDS = 300
    run_daily_job.enqueue(job="people.retention", run_on="2026-01-01")
    assert client.get("/healthz").status_code == 200  # just queued: no lag yet
    DBTaskResult.objects.update(enqueued_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["ok"] is False
    assert tasks["backend"] == "DatabaseBackend"
    assert 590 < tasks["lag_seconds"] < 700
    # A task planned for later is not late.
    DBTaskResult.objects.update(enqueued_at=timezone.now(), run_after=timezone.now() + timedelta(hours=5))
    assert client.get("/healthz").status_code == 200


def test_healthz_names_a_failing_dependency_without_its_message(client, monkeypatch):
    def broken():
        raise OperationalError("could not connect to server at 10.0.0.5 password=secret")

    monkeypatch.setitem(health.CHECKS, "database", broken)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["database"]["error"] == "OperationalError"
    assert "secret" not in response.content.decode()


def test_request_id_comes_from_a_trusted_proxy_only(client, settings):
    given = "abcdef0123456789"
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] != given
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    assert client.get("/healthz", HTTP_X_REQUEST_ID=given)["X-Request-ID"] == given
    assert client.get("/healthz", HTTP_X_REQUEST_ID="bad id\n")["X-Request-ID"] != "bad id\n"


def test_json_log_lines_carry_the_request_id(settings):
    options = {k: v for k, v in settings.LOG_FORMATTERS["json"].items() if k != "()"}
    formatter = JsonFormatter(**options)
    record = logging.LogRecord("yizhan.test", logging.WARNING, __file__, 1, "Not Found: %s", ("/x",), None)
    RequestIdFilter().filter(record)
    line = json.loads(formatter.format(record))
    assert line["level"] == "WARNING"
    assert line["logger"] == "yizhan.test"
    assert line["message"] == "Not Found: /x"
    assert line["request_id"] == "-"
    assert "time" in line
