import json

from django.core.management.base import BaseCommand

from yizhan.core.scoping import scopes_disabled
from yizhan.people.services import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise personal data past the retention policy (settings.RETENTION): care-visit findings and photos, "
        "people whose consent was withdrawn, uploaded resident lists. Use --dry-run to see what would change."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only report; change nothing.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, dry_run, **options):
        with scopes_disabled():
            report = apply_retention(dry_run=dry_run)
        if options["json"]:
            self.stdout.write(_dumps(report))
            return
        verb = "would be anonymised" if dry_run else "anonymised"
        self.stdout.write(f"Care visits past retention {verb}: {report['visit']}")
        self.stdout.write(f"People whose consent was withdrawn, {verb}: {report['consent_withdrawn_person']}")
        self.stdout.write(
            f"Uploaded resident lists {'would be deleted' if dry_run else 'deleted'}: {report['import_batch']}"
        )
        for held in report["held"]:
            self.stdout.write(f"  person #{held['person_id']} kept in part for legal holds: {'; '.join(held['holds'])}")
        self.stdout.write(self.style.SUCCESS("Dry run: nothing changed." if dry_run else "Retention applied."))


def _dumps(report):
    return json.dumps(report, ensure_ascii=False, indent=2)
