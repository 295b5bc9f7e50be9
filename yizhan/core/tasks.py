"""Tasks of the core app. ``run_daily_job`` lives in ``yizhan.core.schedule`` with the scheduler it belongs to; this
name stays importable because task rows queued before the move name ``yizhan.core.tasks.run_daily_job``."""

from .schedule import run_daily_job

__all__ = ["run_daily_job"]
