"""A station's activity figures (what ratings read): queries and time at 100 and at 100,000 activities.

    .venv/bin/python bench/activity_figures.py [--quick]

Builds one station with 100 completed activities (spread over the last two years, each with a summary and, for one
in three, a satisfaction answer; one in five has check-ins instead of a summary), measures
``yizhan.activities.figures.station_activity_figures`` (best of 3), grows the same station to 100,000 activities
(10,000 with --quick) and measures again. The query ratio must be 1.00 (three aggregate queries at any size); the
time ratio is printed as measured (the database still reads the station's rows to count them).
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
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

BATCH = 5_000


def timed(fn, repeat=3):
    best, result = None, None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return result, best


def grow_to(station, size: int):
    """Add completed activities (with summaries, answers, check-ins) to ``station`` until it has ``size``."""
    from yizhan.activities.models import Activity, ActivityStatus, ActivitySummary, Feedback, Registration

    now = timezone.now()
    have = Activity.all_objects.filter(station=station).count()
    while have < size:
        count = min(BATCH, size - have)
        with transaction.atomic():
            activities = Activity.all_objects.bulk_create(
                Activity(
                    station=station,
                    title=f"活动{have + i}",
                    starts_at=now - timedelta(hours=2 + (have + i) % (2 * 365 * 24)),
                    ends_at=now - timedelta(hours=(have + i) % (2 * 365 * 24)),
                    seats=20,
                    status=ActivityStatus.COMPLETED,
                )
                for i in range(count)
            )
            if connection.vendor == "sqlite" or any(a.pk is None for a in activities):
                activities = list(Activity.all_objects.filter(station=station).order_by("-pk")[:count])
            summarised = [a for a in activities if a.pk % 5]
            ActivitySummary.all_objects.bulk_create(
                ActivitySummary(activity=a, text="好", participants=10 + a.pk % 7) for a in summarised
            )
            Registration.all_objects.bulk_create(
                Registration(activity=a, name="参加者", status="confirmed", position=1, checked_in_at=a.starts_at)
                for a in activities
                if not a.pk % 5
            )
            Feedback.all_objects.bulk_create(
                Feedback(
                    activity=a,
                    participation=1 + a.pk % 5,
                    safety=1 + (a.pk // 5) % 5,
                    happiness=5,
                    device_guard=f"bench{a.pk}",
                    is_low=a.pk % 5 < 2,
                )
                for a in activities
                if not a.pk % 3
            )
        have += count


def measure(station):
    from yizhan.activities.figures import station_activity_figures

    with CaptureQueriesContext(connection) as queries:
        station_activity_figures(station)
    figures, seconds = timed(lambda: station_activity_figures(station))
    return len(queries), seconds, figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10,000 activities instead of 100,000")
    args = parser.parse_args()
    setup_test_environment()
    call_command("migrate", verbosity=0)

    from yizhan.core.scoping import scopes_disabled
    from yizhan.stations import reference
    from yizhan.stations.tests.network import build_network
    from yizhan.tests.factories import build_world

    big = 10_000 if args.quick else 100_000
    with scopes_disabled():
        reference.load()
        station = build_network(build_world()).station
        grow_to(station, 100)
        q_small, t_small, f_small = measure(station)
        print(f"100 activities: {q_small} queries, {t_small * 1000:.1f} ms, figures {f_small}")
        start = time.perf_counter()
        grow_to(station, big)
        print(f"(built {big:,} activities in {time.perf_counter() - start:.0f}s)")
        q_big, t_big, f_big = measure(station)
        print(f"{big:,} activities: {q_big} queries, {t_big * 1000:.1f} ms, figures {f_big}")
    print(f"query ratio {big:,}/100 = {q_big / q_small:.2f}   time ratio = {t_big / t_small:.1f}")


if __name__ == "__main__":
    main()
