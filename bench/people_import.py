"""Benchmark: import 10,000 residents from Excel (check + confirm), against the 60-second budget.

    .venv/bin/python bench/people_import.py [--rows 10000]

Uses a fresh SQLite file in a temporary directory unless DATABASE_URL is set (then that database must be empty
of demo data for the village codes used here). Prints rows per second and the ratio of time used to the budget.
"""

import argparse
import io
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
BUDGET_SECONDS = 60.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="yz-bench-")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{tmp}/bench.sqlite3")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizhan.settings.local")
    import django

    django.setup()
    from django.core.management import call_command
    from openpyxl import Workbook

    from yizhan.accounts.models import Role, RoleMembership, User
    from yizhan.core.scoping import scope_for, scopes_disabled
    from yizhan.people.models import Person
    from yizhan.people.services import imports
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
        user, _ = User.all_objects.get_or_create(username="bench_admin", defaults={"name": "基准"})
        RoleMembership.all_objects.get_or_create(user=user, role=Role.FEDERATION_ADMIN, region=parent)
        before = Person.all_objects.count()

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(["姓名", "性别", "出生日期", "证件类型", "证件号码", "手机号码", "地址", "村社", "户籍类型", "备注"])
    for n in range(args.rows):
        born = date(1940, 1, 1) + timedelta(days=(n * 37) % 30000)
        village = villages[n % len(villages)]
        ws.append(
            [
                f"基准居民{n}",
                "女" if n % 2 else "男",
                born.isoformat(),
                "居民身份证",
                make_resident_id("330109", born, n % 1000),
                f"15{n:09d}",
                f"瓜沥镇{village.name}{n}号",
                village.code,
                "户籍" if n % 3 else "外来",
                "",
            ]
        )
    out = io.BytesIO()
    wb.save(out)
    data = out.getvalue()

    with scope_for(user):
        t0 = time.perf_counter()
        batch = imports.import_preview(actor=user, file_name="bench.xlsx", data=data)
        t1 = time.perf_counter()
        created = imports.import_confirm(actor=user, batch=batch)
        t2 = time.perf_counter()
        again = imports.import_preview(actor=user, file_name="bench.xlsx", data=data)
    with scopes_disabled():
        after = Person.all_objects.count()
    total = t2 - t0
    print(f"rows in file:           {args.rows}")
    print(f"valid / imported:       {batch.valid_rows} / {created} (database: {before} -> {after} people)")
    print(f"re-upload finds:        {again.existing_rows} already registered, {again.valid_rows} new")
    print(f"check (upload+preview): {args.rows / (t1 - t0):,.0f} rows/s")
    print(f"confirm (write):        {created / (t2 - t1):,.0f} rows/s")
    print(f"whole import:           {args.rows / total:,.0f} rows/s")
    scaled = total * 10000 / args.rows
    print(
        f"ratio to budget:        {scaled / BUDGET_SECONDS:.3f} of the 60 s budget for 10,000 rows "
        f"({'within' if scaled <= BUDGET_SECONDS else 'OVER'} budget)"
    )


if __name__ == "__main__":
    main()
