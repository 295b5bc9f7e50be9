from typing import Any

from django.core.management.base import BaseCommand

from yizhan.core.scoping import scopes_disabled
from yizhan.insights.rollups import rebuild


class Command(BaseCommand):
    help = "Recompute every region's rolled-up figures (coverage) from the rows and fix those that differ. Repeatable."

    def handle(self, **options: Any) -> None:
        with scopes_disabled():
            fixed = rebuild()
        self.stdout.write(f"Rolled-up figures rebuilt: {fixed} rows corrected or added.")
