"""Daily jobs on the Tasks API: each job runs once a day at its time and queues its next run itself.

Jobs are listed in ``settings.DAILY_JOBS`` as ``{name: (dotted path, "HH:MM", kwargs)}``; the path names a task
(run with ``.call``) or a plain function. ``manage.py schedule_daily_jobs`` (run by ``bin/run`` at start) queues the
next run of every job; a ``ScheduledRun`` row per job and day means restarts never queue a day twice.
"""

from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task

from .models import ScheduledRun
from .scoping import scopes_disabled


def _at(job: str) -> time:
    hours, minutes = settings.DAILY_JOBS[job][1].split(":")
    return time(int(hours), int(minutes))


def next_run(job: str, *, after: date | None = None, now: datetime | None = None) -> datetime:
    """The next time the job is due: its time today if still ahead (and not already run), else tomorrow."""
    now = timezone.localtime(now or timezone.now())
    day = max(after + timedelta(days=1), now.date()) if after else now.date()
    when = timezone.make_aware(datetime.combine(day, _at(job)))
    if when <= now:
        when = timezone.make_aware(datetime.combine(day + timedelta(days=1), _at(job)))
    return when


def schedule(job: str, *, after: date | None = None, now: datetime | None = None) -> bool:
    """Queue the job's next run unless that day is already queued. Returns whether it queued one."""
    when = next_run(job, after=after, now=now)
    try:
        with transaction.atomic():
            ScheduledRun.objects.create(job=job, run_on=when.date())
            transaction.on_commit(
                lambda: run_daily_job.using(run_after=when).enqueue(job=job, run_on=when.date().isoformat())
            )
    except IntegrityError:
        return False
    return True


def schedule_all(*, now: datetime | None = None) -> list[str]:
    return [job for job in settings.DAILY_JOBS if schedule(job, now=now)]


def run(job: str) -> object:
    path, _at_time, kwargs = settings.DAILY_JOBS[job]
    target = import_string(path)
    return target.call(**kwargs) if hasattr(target, "call") else target(**kwargs)


@task()
def run_daily_job(job: str, run_on: str) -> None:
    """Run one daily job, then queue tomorrow's run."""
    with scopes_disabled():
        try:
            run(job)
        finally:
            schedule(job, after=date.fromisoformat(run_on))
