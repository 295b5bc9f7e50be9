"""Foundation benchmarks. Prints ratios, not verdicts.

    .venv/bin/python bench/foundation.py [--divisions ../shared/data/divisions]

1. Region import: all of China's division codes (44,000+ rows), then the same again (idempotent re-import);
   prints rows per second and the re-import/import time ratio.
2. Page cost vs table size: queries and time of the user list and the audit log at 10× and 100× the rows;
   the query ratio must be 1.0 (cost grows with the page, not with the table).
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


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def bench_import(divisions: Path):
    from yizhan.core.scoping import scopes_disabled
    from yizhan.regions.services import regions_import

    with scopes_disabled():
        first, t1 = timed(lambda: regions_import(directory=divisions))
        again, t2 = timed(lambda: regions_import(directory=divisions))
    rows = first.created
    print(f"region import: {rows} rows in {t1:.2f}s = {rows / t1:,.0f} rows/s")
    print(
        f"re-import (no change): {again.unchanged} unchanged, {again.created} new; "
        f"time ratio re-import/import = {t2 / t1:.2f}"
    )


def bench_pages():
    from yizhan.accounts.models import Role, RoleMembership
    from yizhan.audit.services import Action, record
    from yizhan.core.scoping import scopes_disabled
    from yizhan.tests.factories import UserFactory, build_world, grant

    with scopes_disabled():
        world = build_world()
    admin = world.users["town_admin"]
    client = Client()
    client.force_login(admin)

    def measure(url):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            _, seconds = timed(lambda: client.get(url))
        return len(ctx), seconds

    results = {}
    for size in (100, 2000):
        with scopes_disabled():
            current = RoleMembership.all_objects.count()
            for _ in range(size - current):
                grant(UserFactory(), Role.VOLUNTEER, world.regions["330109113002"])
            for _ in range(size):
                record(actor=admin, action=Action.UPDATE, region_code="330109113002")
        results[size] = {"users": measure("/accounts/users/"), "audit": measure("/audit/")}
    for page in ("users", "audit"):
        (q10, t10), (q1000, t1000) = results[100][page], results[2000][page]
        print(
            f"{page} page: queries {q10} → {q1000} (ratio {q1000 / q10:.2f}); "
            f"time ratio 2000/100 rows = {t1000 / t10:.2f}"
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--divisions", default=str(ROOT.parent / "shared" / "data" / "divisions"))
    args = parser.parse_args()
    setup_test_environment()
    from django.conf import settings

    settings.ALLOWED_HOSTS = ["testserver"]
    call_command("migrate", verbosity=0)
    if Path(args.divisions, "streets.csv").exists():
        bench_import(Path(args.divisions))
    else:
        print(f"skipping region import: no data at {args.divisions}")
    bench_pages()
