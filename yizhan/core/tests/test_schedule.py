from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from yizhan.activities.services import erase_public_signups
from yizhan.core import schedule
from yizhan.core.models import ScheduledRun
from yizhan.core.tasks import run_daily_job
from yizhan.mediation.sweep import sweep_alerts
from yizhan.people.services import apply_retention
from yizhan.people.tasks import send_overdue_reminders


def _local(*args):
    return timezone.make_aware(datetime(*args))  # noqa: DTZ001 - a wall-clock time made aware in the site zone


@pytest.fixture
def jobs(settings):
    settings.DAILY_JOBS = {"test.job": ("yizhan.core.tests.test_schedule._job", "08:00", {"value": 7})}
    _job.calls = []
    return settings.DAILY_JOBS


def _job(value):
    _job.calls.append(value)
    return value


def test_next_run_is_today_if_ahead_else_tomorrow(jobs):
    assert schedule.next_run("test.job", now=_local(2026, 11, 28, 7, 0)) == _local(2026, 11, 28, 8, 0)
    assert schedule.next_run("test.job", now=_local(2026, 11, 28, 9, 0)) == _local(2026, 11, 29, 8, 0)
    # after the run of the 28th: the 29th; after a very late run, the next time still ahead
    assert schedule.next_run("test.job", after=date(2026, 11, 28), now=_local(2026, 11, 28, 8, 1)) == _local(
        2026, 11, 29, 8, 0
    )
    assert schedule.next_run("test.job", after=date(2026, 11, 20), now=_local(2026, 11, 28, 7, 0)) == _local(
        2026, 11, 28, 8, 0
    )


def test_each_day_is_queued_once_however_often_the_app_starts(jobs, db, settings, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with django_capture_on_commit_callbacks(execute=True):
        assert schedule.schedule_all(now=_local(2026, 11, 28, 9, 0)) == ["test.job"]
        assert schedule.schedule_all(now=_local(2026, 11, 28, 9, 5)) == []
    assert ScheduledRun.objects.get().run_on == date(2026, 11, 29)
    queued = DBTaskResult.objects.get()
    assert queued.run_after == _local(2026, 11, 29, 8, 0)
    assert queued.args_kwargs["kwargs"] == {"job": "test.job", "run_on": "2026-11-29"}


def test_a_run_does_the_job_and_queues_the_next_day(jobs, db):
    run_on = timezone.localdate() + timedelta(days=1)  # the run queued for tomorrow, run (say) by a worker now
    run_daily_job.call(job="test.job", run_on=run_on.isoformat())
    assert _job.calls == [7]
    assert list(ScheduledRun.objects.values_list("job", "run_on")) == [("test.job", run_on + timedelta(days=1))]


def test_command(jobs, db, capsys):
    call_command("schedule_daily_jobs")
    call_command("schedule_daily_jobs")
    assert capsys.readouterr().out.splitlines() == [
        "Daily jobs queued: test.job",
        "Daily jobs queued: none (all already queued)",
    ]
    assert ScheduledRun.objects.count() == 1


def test_configured_jobs_exist(db, settings):
    from django.utils.module_loading import import_string

    from yizhan.insights.rollups import refresh_rollups

    assert {job: import_string(path) for job, (path, _at, _kwargs) in settings.DAILY_JOBS.items()} == {
        "people.overdue_reminders": send_overdue_reminders,  # a task: run with .call
        "people.retention": apply_retention,  # a plain function
        "activities.signup_retention": erase_public_signups,  # a plain function
        "mediation.alert_sweep": sweep_alerts,  # a task
        "insights.refresh_rollups": refresh_rollups,  # a plain function (issue 12)
    }
    assert hasattr(send_overdue_reminders, "call")
    assert not hasattr(apply_retention, "call")
    for job in settings.DAILY_JOBS:
        schedule.next_run(job)  # the time of day parses
    assert [at for _path, at, _kwargs in settings.DAILY_JOBS.values()] == ["08:00", "02:30", "02:45", "07:30", "01:30"]
