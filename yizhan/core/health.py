"""``GET /healthz``: is this instance able to serve? For load balancers, monitoring and the deployment smoke test.

It checks the database (a query), the cache (a write and a read back) and the task queue (how long the oldest task
that is due has been waiting: a stopped worker shows as a growing lag), and answers JSON, 200 when every check
passes and 503 otherwise. No sign-in is needed and nothing personal is in the answer: only check names, true/false,
durations, the task backend's name and error class names (never messages, which could carry a host or a password).
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TypedDict

import django_rq
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe
from django_tasks_db.models import DBTaskResult, get_date_max

CACHE_KEY = "yizhan:healthz"


class Check(TypedDict, total=False):
    ok: bool
    ms: float
    error: str
    backend: str
    lag_seconds: float | None


def _timed(check: Callable[[], Check]) -> Check:
    started = time.perf_counter()
    try:
        result = check()
    except Exception as exc:  # noqa: BLE001 - any failure of a dependency is an unhealthy answer, not a 500
        result = {"ok": False, "error": type(exc).__name__}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> Check:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        return {"ok": cursor.fetchone() == (1,)}


def check_cache() -> Check:
    token = secrets.token_hex(8)
    cache.set(CACHE_KEY, token, timeout=30)
    return {"ok": cache.get(CACHE_KEY) == token}


def _aware(moment: datetime) -> datetime:
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=UTC)


def oldest_due_task(backend: str) -> datetime | None:
    """When the oldest task that is due now became due (None: nothing waits, or the backend has no queue)."""
    if backend.endswith("DatabaseBackend"):
        now = timezone.now()
        ready = DBTaskResult.objects.ready()
        without_time = ready.filter(run_after=get_date_max()).order_by("enqueued_at").first()
        timed = ready.filter(run_after__lte=now).order_by("run_after").first()
        moments = [t.enqueued_at for t in (without_time,) if t] + [t.run_after for t in (timed,) if t]
        return min(moments) if moments else None
    if backend.endswith("RQBackend"):
        moments = []
        for name in settings.TASKS["default"].get("QUEUES", ["default"]):
            queue = django_rq.get_queue(name)
            job_ids = queue.get_job_ids(0, 0)
            job = queue.fetch_job(job_ids[0]) if job_ids else None
            if job is not None and job.enqueued_at is not None:
                moments.append(_aware(job.enqueued_at))
        return min(moments) if moments else None
    return None  # the immediate or dummy backend (tests): no queue


def check_tasks() -> Check:
    backend = str(settings.TASKS["default"]["BACKEND"])
    oldest = oldest_due_task(backend)
    lag = max(0.0, (timezone.now() - oldest).total_seconds()) if oldest is not None else 0.0
    limit: int = settings.HEALTH_TASK_LAG_SECONDS
    return {"ok": lag <= limit, "backend": backend.rsplit(".", 1)[-1], "lag_seconds": round(lag, 1)}


CHECKS: dict[str, Callable[[], Check]] = {"database": check_database, "cache": check_cache, "tasks": check_tasks}


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    results = {name: _timed(check) for name, check in CHECKS.items()}
    healthy = all(result.get("ok") for result in results.values())
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": results}, status=200 if healthy else 503)
