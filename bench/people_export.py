"""Benchmark: the streamed resident export at 2,000 and 20,000 rows — memory must stay flat.

    .venv/bin/python bench/people_export.py [--small 2000] [--large 20000]

Uses a fresh SQLite file in a temporary directory unless DATABASE_URL is set. For each size it runs the masked and
the full export the way a request does (the response is made in the user's scope, its body is read afterwards with
no scope active) and prints the time, the peak of Python memory (tracemalloc, in a second run) while the file is made
and sent, then the ratios large/small. Flat memory means a memory ratio near 1 while the time ratio follows the rows.
"""

import argparse
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=2000)
    parser.add_argument("--large", type=int, default=20000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="yz-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizhan.settings.local")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.DEBUG = False  # DEBUG keeps every query's SQL in memory, which would count as the export's

    from yizhan.accounts.models import Role, RoleMembership, User
    from yizhan.audit.models import AuditLog
    from yizhan.core.masking import mask
    from yizhan.core.scoping import scope_for, scopes_disabled
    from yizhan.people import exports, selectors
    from yizhan.people.models import Person
    from yizhan.people.validators import make_resident_id
    from yizhan.regions.models import Region

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        parent = None
        for code, name, level in [
            ("33", "浙江省", 1),
            ("3301", "杭州市", 2),
            ("330109", "萧山区", 3),
            ("330109113", "瓜沥镇", 4),
        ]:
            parent, _ = Region.all_objects.get_or_create(
                code=code, defaults={"name": name, "level": level, "parent": parent}
            )
        villages = [
            Region.all_objects.get_or_create(
                code=f"330109113{n:03d}", defaults={"name": f"基准村{n}", "level": 5, "parent": parent}
            )[0]
            for n in range(901, 911)
        ]
        user, _ = User.all_objects.get_or_create(username="bench_export", defaults={"name": "基准"})
        RoleMembership.all_objects.get_or_create(user=user, role=Role.FEDERATION_ADMIN, region=parent)

    def fill(count):
        with scopes_disabled():
            have = Person.all_objects.filter(region__in=villages).count()
            people = []
            for n in range(have, count):
                born = date(1940, 1, 1) + timedelta(days=n % 30000)
                person = Person(
                    name=f"基准居民{n}",
                    birth_date=born,
                    region=villages[n % len(villages)],
                    id_number=make_resident_id("330109", born, n // 30000),
                    mobile=f"15{n:09d}",
                    address=f"瓜沥镇基准村{n}号",
                )
                person.mobile_hint = mask("mobile", person.mobile)
                people.append(person)
            Person.all_objects.bulk_create(people, batch_size=1000)

    def export(full):
        with scope_for(user):
            response = exports.people_export(
                people=selectors.person_list(), actor=user, full=full, reason="基准" if full else ""
            )
        return sum(len(chunk) for chunk in response.streaming_content)

    def run(full):
        started = time.perf_counter()
        size = export(full)
        seconds = time.perf_counter() - started
        tracemalloc.start()  # a second run for memory: tracing slows Python down several times
        export(full)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak, seconds, size

    results = {}
    for count in (args.small, args.large):
        fill(count)
        results[count] = {"masked": run(full=False), "full": run(full=True)}
        for kind, (peak, seconds, size) in results[count].items():
            print(
                f"{count:>6} rows {kind:>6}: peak {peak / 2**20:6.1f} MiB, {seconds:6.2f} s, "
                f"file {size / 2**20:5.1f} MiB"
            )
    with scopes_disabled():
        reveals = AuditLog.all_objects.filter(action=AuditLog.Action.REVEAL).count()
    print(f"reveal rows logged: {reveals} (expected {2 * (args.small + args.large)}: two full runs per size)")
    for kind in ("masked", "full"):
        (p_small, t_small, _s), (p_large, t_large, _l) = results[args.small][kind], results[args.large][kind]
        print(
            f"{kind:>6}: rows x{args.large / args.small:.0f} -> memory ratio {p_large / p_small:.2f}, "
            f"time ratio {t_large / t_small:.2f}"
        )


if __name__ == "__main__":
    main()
