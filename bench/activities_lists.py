"""Activity list and calendar cost vs table size. Prints ratios, not verdicts.

    .venv/bin/python bench/activities_lists.py [--large 100000]

Bulk-inserts 100, then ``--large`` (100,000) activities spread over the last twenty years at two stations of
different towns (隆园社区 of 瓜沥镇, 梅西村 of 党湾镇), and measures, for each size, the queries and the time of:

- the activity list (first page, 瓜沥镇's admin),
- the month calendar of the current month (瓜沥镇's admin),
- the public calendar of 隆园社区's station (anonymous).

The query ratio should be 1.00 for every page: the cost grows with the page, not with the table. Time ratios are
printed as measured; a calendar shows every activity of its month, so its time grows with that month's activities
(about 200 at the large size), not with the table.
"""

import argparse
import os
import sys
import tempfile
import time
from datetime import timedelta
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

YEARS = 20
BATCH = 5000


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def fill(stations, total: int) -> None:
    """Bulk-insert activities until there are ``total``, spread evenly over the last ``YEARS`` years."""
    from django.utils import timezone

    from yizhan.activities.models import Activity, ActivityStatus

    now = timezone.now()
    have = Activity.all_objects.count()
    span = timedelta(days=365 * YEARS).total_seconds()
    rows = []
    for i in range(have, total):
        start = now - timedelta(seconds=span * (i % 7919) / 7919) + timedelta(days=3)
        rows.append(
            Activity(
                station=stations[i % len(stations)],
                title=f"活动 {i}",
                starts_at=start,
                ends_at=start + timedelta(hours=2),
                seats=20,
                status=ActivityStatus.PUBLISHED,
            )
        )
        if len(rows) == BATCH:
            Activity.all_objects.bulk_create(rows)
            rows = []
    if rows:
        Activity.all_objects.bulk_create(rows)


def main(large: int) -> None:
    from django.utils import timezone

    from yizhan.core.scoping import scopes_disabled
    from yizhan.stations import reference
    from yizhan.stations.tests.network import build_network
    from yizhan.tests.factories import build_world

    with scopes_disabled():
        reference.load()
        world = build_world()
        network = build_network(world)
    stations = [network.station, network.other_station]
    admin = Client()
    admin.force_login(world.users["town_admin"])
    public = Client()
    day = timezone.localdate().isoformat()
    pages = {
        "activity list": (admin, "/activities/"),
        "month calendar": (admin, f"/activities/calendar/?day={day}"),
        "public station calendar": (public, f"/public/stations/{network.station.pk}/calendar/?day={day}"),
    }

    def measure(client, url):
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            _, seconds = timed(lambda: client.get(url))
        return len(ctx), seconds

    results = {}
    for size in (100, large):
        with scopes_disabled():
            _, seconds = timed(lambda size=size: fill(stations, size))
        print(f"{size:,} activities ({seconds:.1f}s to insert)")
        results[size] = {name: measure(client, url) for name, (client, url) in pages.items()}
    for name in pages:
        (q_small, t_small), (q_large, t_large) = results[100][name], results[large][name]
        print(
            f"{name}: queries {q_small} → {q_large} (ratio {q_large / q_small:.2f}); "
            f"time {t_small * 1000:.0f} ms → {t_large * 1000:.0f} ms (ratio {t_large / t_small:.2f})"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=100_000)
    args = parser.parse_args()
    setup_test_environment()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    main(args.large)
