"""Mediation-case benchmarks (issue 11). Prints figures, not verdicts.

    .venv/bin/python bench/mediation.py [--sizes 100 100000] [--concurrent 50]
    DATABASE_URL=postgres://… .venv/bin/python bench/mediation.py --explain   # PostgreSQL (the database is flushed)

1. Bulk-inserts cases at the 东灵 studio of the test world (2023–2026, every status, type and source), first up to the
   smaller size, then up to the larger, and measures for each size the queries and the time of:
   the case list (first page), the statistics page (one year), the statistics API, the early-warning page and the
   mediator's home page (work queue). The query ratio should be 1.00: the cost grows with the page, not the table.
2. 50 concurrent intakes at one studio, each in its own thread with its own database connection, all released at
   once by a barrier: the case numbers they get must be 50 distinct consecutive numbers (SQLite: a file database,
   transactions begin IMMEDIATE; PostgreSQL: the counter row's lock).
3. With ``--explain`` on PostgreSQL: EXPLAIN ANALYZE of every statistics query at the larger size.
"""

import argparse
import os
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizhan.settings.test")
os.environ["TEST_SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
YEARS = (2023, 2024, 2025, 2026)
BATCH = 5000


def timed(fn, repeat=3):
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return result, best


def grow_to(studio, world, size: int) -> None:
    """Bulk-insert bench cases at ``studio`` until it has ``size`` of them (numbers per year, counters kept)."""
    from yizhan.core.scoping import scopes_disabled
    from yizhan.mediation.models import Case, CaseNumberCounter, DisputeType

    with scopes_disabled():
        have = Case.all_objects.filter(studio=studio).count()
        types = list(DisputeType.objects.order_by("pk"))
        sources = [value for value, _label in Case.Source.choices]
        statuses = [value for value, _label in Case.Status.choices]
        counters = {c.year: c for c in CaseNumberCounter.all_objects.filter(studio=studio)}
        mediator = world.users["mediator"]
        rows = []
        for index in range(have, size):
            year = YEARS[index % len(YEARS)]
            counter = counters.get(year) or CaseNumberCounter.all_objects.create(studio=studio, year=year)
            counters[year] = counter
            counter.last += 1
            received = date(year, 1, 1) + timedelta(days=(index * 7) % 330)
            status = statuses[index % len(statuses)]
            accepted = (
                None
                if status in ("intake", "not_accepted")
                else datetime(received.year, received.month, received.day, 10, tzinfo=SHANGHAI)
            )
            closed = None
            if status in ("agreement", "no_agreement", "withdrawn", "not_accepted"):
                closed = datetime(received.year, received.month, received.day, 16, tzinfo=SHANGHAI) + timedelta(
                    days=index % 45
                )
            rows.append(
                Case(
                    studio=studio,
                    number=studio.case_number_format.format(year=year, seq=counter.last),
                    year=year,
                    sequence=counter.last,
                    source=sources[index % len(sources)],
                    dispute_type=types[index % len(types)],
                    narrative="压测案件",
                    status=status,
                    received_on=received,
                    accepted_at=accepted,
                    closed_at=closed,
                    created_by=mediator,
                    lead=mediator if accepted else None,
                )
            )
            if len(rows) >= BATCH:
                Case.all_objects.bulk_create(rows)
                rows = []
        if rows:
            Case.all_objects.bulk_create(rows)
        for counter in counters.values():
            counter.save()


def measure(client, url):
    client.get(url)  # warm-up (session, template cache)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    queries = len(ctx)
    assert response.status_code == 200, (url, response.status_code)
    _, seconds = timed(lambda: client.get(url))
    return queries, seconds


def concurrent_intakes(studio, world, count: int) -> None:
    from yizhan.core.scoping import scope_for, scopes_disabled
    from yizhan.mediation import selectors, services
    from yizhan.mediation.models import Case, CaseNumberCounter, DisputeType
    from yizhan.mediation.services import PartyData

    year = timezone.localdate().year
    with scopes_disabled():
        before = CaseNumberCounter.all_objects.filter(studio=studio, year=year).values_list("last", flat=True).first()
    before = before or 0
    if connection.vendor == "sqlite":
        connection.settings_dict.setdefault("OPTIONS", {})["timeout"] = 60
    results, errors = [], []
    barrier = threading.Barrier(count)
    mediator = world.users["mediator"]

    def intake():
        try:
            with scope_for(mediator):
                the_studio = selectors.studio_get(studio.pk)
                divorce = DisputeType.objects.get(code="divorce")
                barrier.wait()
                case = services.case_intake(
                    studio=the_studio,
                    taken_by=mediator,
                    source="walk_in",
                    dispute_type=divorce,
                    narrative="同时受理",
                    parties=[PartyData(role="applicant", name="李秀英")],
                )
            results.append(case.sequence)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    start = time.perf_counter()
    threads = [threading.Thread(target=intake) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    with scopes_disabled():
        stored = sorted(
            Case.all_objects.filter(studio=studio, year=year, sequence__gt=before).values_list("sequence", flat=True)
        )
    expected = list(range(before + 1, before + count + 1))
    ok = sorted(results) == stored == expected and not errors
    print(
        f"{count} concurrent intakes on {connection.vendor}: {len(set(results))} distinct numbers, "
        f"{before + 1}…{before + count} consecutive: {'yes' if ok else 'NO'} ({seconds:.2f} s)"
    )
    if errors:
        print("  errors:", errors[:3])


def explain_statistics(studio, world, year: int) -> None:
    from yizhan.core.scoping import scope_for
    from yizhan.mediation import selectors_insight

    for label, user in (
        ("mediator, one studio", world.users["mediator"]),
        ("district admin", world.users["district_admin"]),
    ):
        with scope_for(user), CaptureQueriesContext(connection) as ctx:
            selectors_insight.case_statistics(year=year)
        print(f"\nEXPLAIN ANALYZE of the statistics queries ({label}, {year}):")
        for query in ctx.captured_queries:
            sql = query["sql"]
            if "mediation_case" not in sql or "GROUP BY" not in sql and "COUNT(" not in sql:
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON, SUMMARY ON) " + sql)
                plan = [row[0] for row in cursor.fetchall()]
            scans = [line.strip() for line in plan if "Scan" in line]
            total = next((line for line in plan if line.startswith("Execution Time")), "")
            print(f"- {sql[:90]}…\n    {'; '.join(scans[:4])}\n    {total}")


def bench(sizes, concurrent, explain):
    from yizhan.core.scoping import scopes_disabled
    from yizhan.mediation import reference
    from yizhan.mediation.tests.network import build_studio_network
    from yizhan.stations import reference as station_reference
    from yizhan.tests.factories import build_world

    with scopes_disabled():
        reference.load()
        station_reference.load()
        world = build_world()
        studio = build_studio_network(world).studio
    mediator = Client()
    mediator.force_login(world.users["mediator"])
    admin = Client()
    admin.force_login(world.users["district_admin"])
    year = 2025
    pages = {
        "case list": (mediator, "/stations/studios/cases/"),
        "statistics page": (mediator, f"/stations/studios/cases/statistics/?year={year}"),
        "statistics API (district)": (admin, f"/api/cases/overview/statistics?year={year}"),
        "warnings page": (mediator, "/stations/studios/cases/warnings/"),
        "home (work queue)": (mediator, "/accounts/home/"),
    }
    results = {}
    for size in sizes:
        start = time.perf_counter()
        grow_to(studio, world, size)
        print(f"built {size} cases in {time.perf_counter() - start:.1f} s")
        results[size] = {name: measure(client, url) for name, (client, url) in pages.items()}
    base = sizes[0]
    for name in pages:
        q0, t0 = results[base][name]
        parts = [
            f"{size}/{base}: queries {q0} → {results[size][name][0]} "
            f"(ratio {results[size][name][0] / q0:.2f}), time {t0 * 1000:.0f} → {results[size][name][1] * 1000:.0f} ms "
            f"(ratio {results[size][name][1] / t0:.2f})"
            for size in sizes[1:]
        ]
        print(f"{name}: " + "; ".join(parts))
    if explain and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        explain_statistics(studio, world, year)
    concurrent_intakes(studio, world, concurrent)


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 100_000])
    parser.add_argument("--concurrent", type=int, default=50)
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE the statistics queries (PostgreSQL)")
    args = parser.parse_args()
    setup_test_environment()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    if connection.vendor == "postgresql":
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
    else:
        call_command("migrate", verbosity=0)
    bench(args.sizes, args.concurrent, args.explain)
