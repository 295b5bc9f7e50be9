from typing import Any

from django.core.management.base import BaseCommand

from yizhan.core.schedule import schedule_all


class Command(BaseCommand):
    help = "Queue the next run of every daily job (settings.DAILY_JOBS) that is not queued yet. Safe to repeat."

    def handle(self, **options: Any) -> None:
        queued = schedule_all()
        self.stdout.write(f"Daily jobs queued: {', '.join(queued) if queued else 'none (all already queued)'}")
