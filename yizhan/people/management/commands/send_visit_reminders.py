from django.core.management.base import BaseCommand

from yizhan.people.tasks import send_overdue_reminders


class Command(BaseCommand):
    help = "Queue the daily reminders for overdue care visits and follow-up actions (run once a day, e.g. by cron)."

    def handle(self, **options):
        result = send_overdue_reminders.enqueue()
        self.stdout.write(self.style.SUCCESS(f"Reminders queued ({result.id})."))
