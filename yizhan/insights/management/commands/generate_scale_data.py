"""Build the province-scale data set of issue 12 on top of the database's data (normally the 瓜沥镇 demo).

    manage.py seed_demo
    manage.py generate_scale_data --province 33 --people 200000 --visits 40000 --audit 200000 --studios 1000 --seed 1

See ``yizhan/insights/scale.py`` for what it makes. Re-running is a no-op (towns that have villages get none).
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yizhan.core.scoping import scopes_disabled
from yizhan.insights.scale import DEFAULT_DIVISIONS, Options, generate_scale_data


class Command(BaseCommand):
    help = "Generate a province-scale data set (towns, villages, stations, residents, visits, audit rows …)."

    def add_arguments(self, parser):
        defaults = Options()
        parser.add_argument("--province", default=defaults.province, help="Code prefix: 33, or 330109 for a county.")
        parser.add_argument("--villages-per-town", type=int, default=defaults.villages_per_town)
        parser.add_argument("--towns", type=int, default=0, help="Only the first N towns (by code); 0: all.")
        for name in ("people", "visits", "audit", "studios", "cases", "activities", "seed"):
            parser.add_argument(f"--{name}", type=int, default=getattr(defaults, name))
        parser.add_argument("--divisions", default=str(DEFAULT_DIVISIONS), help="Folder of the division CSV files.")

    def handle(self, **options):
        fields = Options.__dataclass_fields__
        values = {key: value for key, value in options.items() if key in fields}
        values["divisions"] = Path(values["divisions"])
        try:
            with scopes_disabled():
                report = generate_scale_data(Options(**values), log=self.stdout.write)
        except RuntimeError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(report.lines()[-1]))
