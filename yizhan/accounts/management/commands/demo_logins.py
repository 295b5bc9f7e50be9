from typing import Any

from django.core.management.base import BaseCommand

from yizhan.accounts.demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Print the demo logins (one per role)."

    def handle(self, **options: Any) -> None:
        self.stdout.write(f"Demo logins at http://127.0.0.1:8000/ — password for all: {DEMO_PASSWORD}")
        for username, name, role, place_code, mobile in DEMO_USERS:
            self.stdout.write(f"  {username:<22} {name:<4} {role.label:<18} {place_code}  (mobile {mobile})")
