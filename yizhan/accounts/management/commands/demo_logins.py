import os
from typing import Any

from django.core.management.base import BaseCommand

from yizhan.accounts.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins (one per role)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"), help="the web server's host")
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"), help="the web server's port")

    def handle(self, **options: Any) -> None:
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"Demo logins at {url} — password for all: {DEMO_PASSWORD}")
        for username, name, role, place_code, mobile in DEMO_USERS:
            self.stdout.write(f"  {username:<22} {name:<4} {role.label:<18} {place_code}  (mobile {mobile})")
