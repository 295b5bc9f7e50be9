from django.core.management.base import BaseCommand, CommandError

from yizhan.core.scoping import scopes_disabled
from yizhan.regions.services import regions_import


class Command(BaseCommand):
    help = "Import statistical division codes (provinces.csv, cities.csv, areas.csv, streets.csv, villages.csv)."

    def add_arguments(self, parser):
        parser.add_argument("directory")
        parser.add_argument("--only", default="", help="Import only codes starting with this prefix, e.g. 33.")

    def handle(self, directory, only, **options):
        with scopes_disabled():
            report = regions_import(directory=directory, only_prefix=only)
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(f"{len(report.errors)} error(s); nothing was imported.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {', '.join(report.files)}: {report.created} new, {report.updated} changed, "
                f"{report.unchanged} unchanged."
            )
        )
