from datetime import date

from django_tasks import task

from .scoping import scopes_disabled


@task()
def run_daily_job(job: str, run_on: str) -> None:
    """Run one daily job, then queue tomorrow's run (see yizhan.core.schedule)."""
    from . import schedule

    with scopes_disabled():
        try:
            schedule.run(job)
        finally:
            schedule.schedule(job, after=date.fromisoformat(run_on))
