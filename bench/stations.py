"""Station-network benchmarks. Prints ratios, not verdicts.

    .venv/bin/python bench/stations.py [--quick]

Builds 10, then 200, then (without --quick) 2,000 operating stations, each in its own village with two rooms and two
X brand items (500 villages per bench town under 萧山区), and measures, for each size, the queries and the time of:

- the station list (first page, district admin),
- one station's page (district admin),
- the coverage page of the district (its towns' rolled-up figures, district admin),
- the public town list of the first bench town (anonymous).

The query ratio against the 10-station run should be 1.00 for every page: the cost grows with the page, not with the
table. Time ratios are printed as measured; the public town list shows every station of the town, so its time grows
with the size of the town; the coverage page reads one rolled-up row per town (issue 12).
"""

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizhan.settings.test")
os.environ["TEST_SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

VILLAGES_PER_TOWN = 500
FIRST_TOWN = 201  # bench towns 330109201, 330109202, … next to the fixture's towns


def timed(fn, repeat=3):
    """The best of ``repeat`` runs (seconds) and the last result."""
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return result, best


def grow_to(size: int):
    """Add bench stations (with villages, towns, rooms and X items) until there are ``size`` of them."""
    from yizhan.core.scoping import scopes_disabled
    from yizhan.regions.models import Region
    from yizhan.stations.models import BrandItem, Room, RoomType, ServiceLine, Station, Status

    with scopes_disabled():
        county = Region.all_objects.get(code="330109")
        have = Station.all_objects.filter(region__code__startswith="3301092").count()
        room_types = list(RoomType.objects.order_by("pk")[:2])
        lines = list(ServiceLine.objects.order_by("pk")[:2])
        for index in range(have, size):
            town_no, village_no = divmod(index, VILLAGES_PER_TOWN)
            town_code = f"330109{FIRST_TOWN + town_no:03d}"
            town = Region.all_objects.filter(code=town_code).first() or Region.all_objects.create(
                code=town_code, name=f"测试镇{town_no + 1}", level=Region.Level.TOWN, parent=county
            )
            village = Region.all_objects.create(
                code=f"{town_code}{village_no + 1:03d}",
                name=f"测试{town_no + 1}镇{village_no + 1}村",
                level=Region.Level.VILLAGE,
                parent=town,
            )
            station = Station.all_objects.create(
                region=village, name=f"{village.name}驿站", status=Status.OPERATING, floor_area=150
            )
            Room.all_objects.bulk_create(
                [Room(station=station, room_type=t, name=f"{t.name_zh}{i}", area=40) for i, t in enumerate(room_types)]
            )
            for i, line in enumerate(lines):
                item = BrandItem.all_objects.create(station=station, name=f"X{i + 1}", sort_order=i)
                item.service_lines.set([line])


def bench(sizes):
    from yizhan.core.scoping import scopes_disabled
    from yizhan.stations.models import Station
    from yizhan.tests.factories import build_world

    with scopes_disabled():
        world = build_world()
    admin = Client()
    admin.force_login(world.users["district_admin"])
    anonymous = Client()

    def measure(client, url):
        client.get(url)  # warm-up (session, template cache)
        with CaptureQueriesContext(connection) as ctx:
            response, seconds = timed(lambda: client.get(url), repeat=1)
        queries = len(ctx)  # read now: the next request resets the query log
        assert response.status_code == 200, (url, response.status_code)
        _, seconds = timed(lambda: client.get(url))
        return queries, seconds

    results = {}
    for size in sizes:
        grow_to(size)
        with scopes_disabled():
            station = Station.all_objects.filter(region__code__startswith="330109201").order_by("pk").first()
        results[size] = {
            "station list": measure(admin, "/stations/"),
            "station page": measure(admin, f"/stations/{station.pk}/"),
            "coverage page": measure(admin, "/stations/coverage/?region=330109"),
            "public town list": measure(anonymous, f"/public/towns/330109{FIRST_TOWN:03d}/"),
        }
        print(f"built {size} stations")
    base = sizes[0]
    for page in results[base]:
        q0, t0 = results[base][page]
        parts = []
        for size in sizes[1:]:
            q, t = results[size][page]
            parts.append(f"{size}/{base}: queries {q0} → {q} (ratio {q / q0:.2f}), time ratio {t / t0:.2f}")
        print(f"{page}: " + "; ".join(parts))


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="10 and 200 stations only (skip 2,000)")
    args = parser.parse_args()
    setup_test_environment()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    bench([10, 200] if args.quick else [10, 200, 2000])
