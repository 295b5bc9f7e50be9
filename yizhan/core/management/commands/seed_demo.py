from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yizhan.core.demo import seed_demo


class Command(BaseCommand):
    help = "Build the 瓜沥镇 demo from every app's part (regions, accounts, stations, residents …). Not in production."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the database already has users.")

    def handle(self, if_empty: bool, **options: Any) -> None:
        if getattr(settings, "YIZHAN_ENV", "") == "production":
            raise CommandError("seed_demo refuses to run with production settings.")
        summaries = seed_demo(only_if_empty=if_empty)
        if summaries is None:
            self.stdout.write("The database already has data; the demo was not loaded again.")
            return
        self.stdout.write(self.style.SUCCESS("Demo loaded:"))
        for summary in summaries:
            self.stdout.write(f"  {summary}")
        self.stdout.write("Log in with any account listed by `manage.py demo_logins`.")
