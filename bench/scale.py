"""Province scale (issue 12): each page and API list at town scale and at province scale, in one run. Prints ratios,
not verdicts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<db> .venv/bin/python bench/scale.py [--reset] [--repeat 5]
        [--people 200000 --visits 40000 --audit 200000 --studios 1000 --villages-per-town 14 --towns 0 --seed 1]
    … bench/scale.py --skip-generate     # re-measure an already generated database (province scale only)

PostgreSQL only (refuses SQLite). Settings: bench/scale_settings.py (DEBUG off, Django admin added, bare view).

1. Fresh database (an empty one, or ``--reset`` to drop everything in it first): migrate, ``seed_demo``.
2. Town scale: every page below for 瓜沥镇's federation admin (``town_admin``) and a federation admin of province 33
   (``bench_province_admin``, made here): queries, median time of ``--repeat`` warm requests (Django test client,
   ``force_login``), response size and the number of ``<option>``s; the public front page anonymously.
3. ``generate_scale_data`` (yizhan/insights/scale.py) with the given sizes; its time is printed.
4. Province scale: the same again, then a table of both with the ratio province/town. The town admin's own scope
   holds the same data at both scales (the generator adds no villages to 瓜沥镇): her ratio is what the bigger tables
   around her cost; the province admin's is what her wider scope costs.
5. Ours / Django admin's changelist (same user made staff, same middleware, the scoped managers: same data and scope)
   for the station and people lists; requests per second of list pages against a bare template view behind the same
   middleware; the people export (masked) at 10k and 100k rows and the province coverage export against a raw
   library write of the same shape (xlsxwriter's constant-memory mode when installed — it is not in the project's
   lock — else openpyxl's write-only workbook; the line says which), with the tracemalloc peak (a second, traced
   run) as memory growth.

With ``--skip-generate`` the town-scale figures come from the last full run's file (``--town-file``), so the ratios
compare a re-measured province with the town scale of that run: re-run in full for ratios after a change that also
affects town-scale pages.
"""

import argparse
import io
import json
import os
import statistics
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "bench.scale_settings"

PROVINCE = "33"
TOWN_USER = "town_admin"
PROVINCE_USER = "bench_province_admin"
ANON = "anon"


def pages() -> list[tuple[str, str, tuple[str, ...]]]:
    """(label, URL, roles) of what is measured."""
    from django.utils import timezone

    month = timezone.localdate().strftime("%Y-%m")
    both = (TOWN_USER, PROVINCE_USER)
    return [
        ("people list", "/people/", both),
        ("new-person form", "/people/new/", both),
        ("visit plans", "/people/visits/plans/", both),
        ("visit calendar (month)", f"/people/visits/calendar/?month={month}", both),
        ("overdue visits", "/people/visits/overdue/", both),
        ("coverage page", "/stations/coverage/", both),
        ("coverage API", "/api/coverage/", both),
        ("station list", "/stations/", both),
        ("API stations", "/api/stations/", both),
        ("API people", "/api/people/", both),
        ("audit log page", "/audit/", both),
        ("audit API", "/api/audit/", both),
        ("activity list", "/activities/", both),
        ("mediation case list", "/stations/studios/cases/", both),
        ("admin home page", "/accounts/home/", both),
        ("public front page", "/public/", (ANON,)),
    ]


ADMIN_PAIRS = [
    ("station list", "/stations/", "/bench/admin/stations/station/"),
    ("people list", "/people/", "/bench/admin/people/person/"),
]


def check_database():
    url = os.environ.get("DATABASE_URL", "")
    if urlparse(url).scheme not in ("postgres", "postgresql", "pgsql"):
        sys.exit("bench/scale.py measures PostgreSQL only: set DATABASE_URL=postgres://user@host:5432/dbname")


# --- measuring -------------------------------------------------------------------------------------------------------


def body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def client_for(username: str):
    from django.test import Client

    from yizhan.accounts.models import User

    client = Client()
    if username != ANON:
        client.force_login(User.all_objects.get(username=username))
    return client


def measure(client, url: str, repeat: int) -> dict:
    """Queries and size of one request, median time of ``repeat`` more (after one to warm up)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    first = client.get(url)
    if first.status_code != 200:
        return {"status": first.status_code}
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        content = body(response)
    queries = len(ctx)  # now: the next request's request_started signal empties the connection's query log
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        body(client.get(url))
        times.append(time.perf_counter() - start)
    return {
        "status": response.status_code,
        "queries": queries,
        "ms": statistics.median(times) * 1000,
        "kb": len(content) / 1024,
        "options": content.count(b"<option"),
    }


def measure_all(repeat: int, log) -> dict:
    results = {}
    clients = {name: client_for(name) for name in (TOWN_USER, PROVINCE_USER, ANON)}
    for label, url, roles in pages():
        for role in roles:
            results[f"{label}|{role}"] = measure(clients[role], url, repeat)
            log(f"  {label:<24} {role:<22} {fmt_result(results[f'{label}|{role}'])}")
    return results


def fmt_result(r: dict) -> str:
    if "ms" not in r:
        return f"HTTP {r.get('status')}"
    return f"{r['queries']:>3} queries {r['ms']:9.1f} ms {r['kb']:8.1f} KB {r['options']:>6} options"


def requests_per_second(client, url: str, count: int) -> float:
    """In-process, through the test client (its template instrumentation included: a lower bound)."""
    client.get(url)
    start = time.perf_counter()
    for _ in range(count):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    return count / (time.perf_counter() - start)


def served_requests_per_second(cookies: dict[str, str], urls: list[str], count: int) -> dict[str, float]:
    """Over HTTP from gunicorn (one sync worker, the deployment's server) with the bench's settings and persistent
    database connections as in production: ``count`` sequential requests per URL, the session's cookies sent."""
    import http.client
    import socket
    import subprocess

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.scale_settings"}
    server = subprocess.Popen(  # noqa: S603  # our own interpreter and arguments
        [
            sys.executable,
            "-m",
            "gunicorn",
            "--workers",
            "1",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
            "yizhan.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
    )
    header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items()), "Host": "testserver"}

    def get(url: str) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", url, headers=header)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response.status

    try:
        for _ in range(100):
            try:
                get("/healthz")
                break
            except OSError:
                time.sleep(0.1)
        found = {}
        for url in urls:
            for _ in range(5):
                assert get(url) == 200, url  # warm
            start = time.perf_counter()
            for _ in range(count):
                get(url)
            found[url] = count / (time.perf_counter() - start)
        return found
    finally:
        server.terminate()
        server.wait(timeout=30)


# --- setup -----------------------------------------------------------------------------------------------------------


def fresh_database(reset: bool, log):
    from django.core.management import call_command
    from django.db import connection

    tables = connection.introspection.table_names()
    if tables and not reset:
        sys.exit(
            f"The database {connection.settings_dict['NAME']} is not empty ({len(tables)} tables): give --reset to "
            "drop everything in it first, or --skip-generate to measure it as it is."
        )
    if tables:
        with connection.cursor() as cursor:
            cursor.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())
    analyze()
    log(f"migrate + seed_demo: {time.perf_counter() - started:.1f}s")


def analyze():
    """Fresh planner statistics, as autovacuum would have them on a running server (the generator does the same)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def prepare_users():
    """The province admin (federation admin of 33), and both admins made staff for the Django admin comparison."""
    from yizhan.accounts.models import Role, RoleMembership, User
    from yizhan.core.scoping import scopes_disabled
    from yizhan.regions.models import Region

    with scopes_disabled():
        user, _ = User.all_objects.get_or_create(username=PROVINCE_USER, defaults={"name": "省妇联管理员"})
        RoleMembership.all_objects.get_or_create(
            user=user, role=Role.FEDERATION_ADMIN, region=Region.all_objects.get(code=PROVINCE)
        )
        User.all_objects.filter(username__in=[TOWN_USER, PROVINCE_USER]).update(is_staff=True)


def generate(args, log) -> float:
    from yizhan.core.scoping import scopes_disabled
    from yizhan.insights.scale import Options, generate_scale_data

    options = Options(
        province=PROVINCE,
        villages_per_town=args.villages_per_town,
        people=args.people,
        visits=args.visits,
        audit=args.audit,
        studios=args.studios,
        towns=args.towns,
        seed=args.seed,
    )
    started = time.perf_counter()
    with scopes_disabled():
        generate_scale_data(options, log=lambda line: log(f"  {line}"))
    seconds = time.perf_counter() - started
    log(f"generate_scale_data: {seconds:.1f}s")
    return seconds


# --- exports ---------------------------------------------------------------------------------------------------------


def traced(fn):
    """(seconds of an untraced run, peak MiB of a traced second run, result)."""
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return seconds, peak / 2**20, result


def raw_xlsx(rows: int, columns: int, width: int = 8) -> int:
    """The library alone: a constant-memory workbook of ``rows`` × ``columns`` short strings, written with xlsxwriter
    when it is installed (it is not in the project's lock), else with openpyxl's write-only workbook."""
    buffer = io.BytesIO()
    cell = "测" * width
    try:
        import xlsxwriter
    except ImportError:
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        for r in range(rows):
            sheet.append([f"{cell}{r}"] * columns)
        workbook.save(buffer)
    else:
        workbook = xlsxwriter.Workbook(buffer, {"constant_memory": True, "in_memory": True})
        sheet = workbook.add_worksheet()
        for r in range(rows):
            sheet.write_row(r, 0, [f"{cell}{r}"] * columns)
        workbook.close()
    return len(buffer.getvalue())


def raw_library() -> str:
    try:
        import xlsxwriter  # noqa: F401
    except ImportError:
        return "openpyxl write-only"
    return "xlsxwriter"


def sheet_shape(content: bytes) -> tuple[int, int]:
    """Rows (all sheets) and widest row of a workbook (streamed files carry no dimensions: counted)."""
    from openpyxl import load_workbook

    rows = columns = 0
    for sheet in load_workbook(io.BytesIO(content), read_only=True).worksheets:
        for row in sheet.iter_rows(values_only=True):
            rows += 1
            columns = max(columns, len(row))
    return rows, columns


def bench_exports(sizes: list[int], log) -> list[str]:
    from django.conf import settings

    from yizhan.accounts.models import User
    from yizhan.core.scoping import scope_for, scopes_disabled
    from yizhan.people import exports, selectors
    from yizhan.people.models import Person

    lines = []
    user = User.all_objects.get(username=PROVINCE_USER)
    with scopes_disabled():
        total = Person.all_objects.filter(region__code__startswith=PROVINCE).count()
    for size in sizes:
        size = min(size, total)
        with scopes_disabled():
            last = (
                Person.all_objects.filter(region__code__startswith=PROVINCE).order_by("pk").values_list("pk", flat=True)
            )[size - 1]
        limit = settings.PEOPLE_EXPORT_LIMIT
        settings.PEOPLE_EXPORT_LIMIT = max(limit, size)  # at least the rows measured

        def run(last=last):
            with scope_for(user):
                response = exports.people_export(
                    people=selectors.person_list().filter(pk__lte=last), actor=user, full=False
                )
            return b"".join(response.streaming_content)  # read with no scope active, as a server sends it

        try:
            seconds, peak, content = traced(run)
        finally:
            settings.PEOPLE_EXPORT_LIMIT = limit
        rows, columns = sheet_shape(content)
        raw_seconds, raw_peak, _ = traced(lambda rows=rows, columns=columns: raw_xlsx(rows, columns))
        lines.append(
            f"people export {size:>7,} rows ({rows - 1:,} written, {columns} columns): {seconds:6.1f}s = "
            f"{seconds / raw_seconds:4.1f}× raw {raw_library()} ({raw_seconds:.1f}s); peak {peak:6.1f} MiB "
            f"({peak * 1024 / max(rows, 1):.2f} KiB/row; raw {raw_peak:.1f} MiB); file {len(content) / 2**20:.1f} MiB"
        )
        log("  " + lines[-1])
    client = client_for(PROVINCE_USER)
    seconds, peak, response = traced(lambda: client.get("/stations/coverage/export.xlsx"))
    content = body(response)
    if response.status_code == 200:
        rows, columns = sheet_shape(content)
        raw_seconds, raw_peak, _ = traced(lambda: raw_xlsx(rows, columns))
        lines.append(
            f"province coverage export ({rows:,} rows, {columns} columns): {seconds:6.2f}s = "
            f"{seconds / raw_seconds:4.1f}× raw {raw_library()} ({raw_seconds:.2f}s); peak {peak:6.1f} MiB "
            f"(raw {raw_peak:.1f} MiB); file {len(content) / 2**10:.0f} KiB"
        )
    else:
        lines.append(f"province coverage export: HTTP {response.status_code}")
    log("  " + lines[-1])
    return lines


# --- report ----------------------------------------------------------------------------------------------------------


def table(town: dict, province: dict) -> list[str]:
    def cell(r, key, fmt):
        return fmt.format(r[key]) if r and key in r else f"HTTP {r.get('status')}" if r else "-"

    head = (
        f"{'page':<24} {'role':<21} {'queries T/P':>11} {'time ms T/P':>19} {'P/T':>6} "
        f"{'KB T/P':>17} {'<option> T/P':>14}"
    )
    out = [head, "-" * len(head)]
    for label, _url, roles in pages():
        for role in roles:
            t, p = town.get(f"{label}|{role}", {}), province.get(f"{label}|{role}", {})
            ratio = f"{p['ms'] / t['ms']:5.1f}×" if "ms" in t and "ms" in p else "    -"
            out.append(
                f"{label:<24} {role:<21} {cell(t, 'queries', '{:>5}')}/{cell(p, 'queries', '{:<5}')} "
                f"{cell(t, 'ms', '{:>9.1f}')}/{cell(p, 'ms', '{:<9.1f}')} {ratio:>6} "
                f"{cell(t, 'kb', '{:>8.1f}')}/{cell(p, 'kb', '{:<8.1f}')} "
                f"{cell(t, 'options', '{:>6}')}/{cell(p, 'options', '{:<6}')}"
            )
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--skip-generate", action="store_true", help="measure the database as it is (province)")
    parser.add_argument("--reset", action="store_true", help="drop everything in the database first")
    parser.add_argument("--repeat", type=int, default=5, help="timed requests per page (median)")
    parser.add_argument("--requests", type=int, default=200, help="sequential requests for requests per second")
    parser.add_argument("--export-sizes", default="10000,100000")
    parser.add_argument("--town-file", default=str(ROOT / "var" / "bench-scale-town.json"))
    parser.add_argument("--people", type=int, default=200_000)
    parser.add_argument("--visits", type=int, default=40_000)
    parser.add_argument("--audit", type=int, default=200_000)
    parser.add_argument("--studios", type=int, default=1_000)
    parser.add_argument("--villages-per-town", type=int, default=14)
    parser.add_argument("--towns", type=int, default=0, help="only the first N towns of the province (0: all)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    check_database()

    import django

    django.setup()
    from django.test.utils import setup_test_environment

    setup_test_environment()  # the test client's response.templates etc.; leaves DEBUG as the settings say

    def log(line):
        print(line, flush=True)

    town_file = Path(args.town_file)
    generation = None
    if args.skip_generate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the database follows the code being measured
        call_command("refresh_rollups", verbosity=0)
        prepare_users()
        analyze()
        town = json.loads(town_file.read_text()) if town_file.exists() else {}
        log(f"town scale: {'from ' + str(town_file) if town else 'none on file'}")
    else:
        fresh_database(args.reset, log)
        prepare_users()
        log("town scale (demo only):")
        town = measure_all(args.repeat, log)
        town_file.parent.mkdir(parents=True, exist_ok=True)
        town_file.write_text(json.dumps(town, indent=1))
        generation = generate(args, log)
    log("province scale:")
    province = measure_all(args.repeat, log)

    log("ours / Django admin changelist (same user, scope and middleware):")
    admin_lines = []
    clients = {role: client_for(role) for role in (TOWN_USER, PROVINCE_USER)}
    for label, ours, theirs in ADMIN_PAIRS:
        for role, client in clients.items():
            a, b = measure(client, ours, args.repeat), measure(client, theirs, args.repeat)
            if "ms" in a and "ms" in b:
                admin_lines.append(
                    f"{label:<13} {role:<21} ours {a['ms']:8.1f} ms ({a['queries']} queries) / admin {b['ms']:8.1f} ms "
                    f"({b['queries']} queries) = {a['ms'] / b['ms']:.2f}×"
                )
            else:
                admin_lines.append(f"{label:<13} {role:<21} ours {fmt_result(a)} / admin {fmt_result(b)}")
            log("  " + admin_lines[-1])

    log(f"requests per second ({args.requests} sequential, {TOWN_USER}):")
    client = clients[TOWN_USER]
    lists = (("station list", "/stations/"), ("people list", "/people/"))
    served = served_requests_per_second(
        {k: v.value for k, v in client.cookies.items()}, ["/bench/bare/", *(url for _, url in lists)], args.requests
    )
    bare = served["/bench/bare/"]
    rps_lines = [f"served by gunicorn (1 worker, HTTP): bare template view {bare:7.1f} req/s"]
    for label, url in lists:
        rps_lines.append(f"  {label}: {served[url]:7.1f} req/s = {served[url] / bare:.2f}× the bare view")
    bare = requests_per_second(client, "/bench/bare/", args.requests)
    rps_lines.append(f"in process (test client, instrumented templates): bare template view {bare:7.1f} req/s")
    for label, url in lists:
        rps = requests_per_second(client, url, args.requests)
        rps_lines.append(f"  {label}: {rps:7.1f} req/s = {rps / bare:.2f}× the bare view")
    for line in rps_lines:
        log("  " + line)

    log("exports (province admin):")
    export_lines = bench_exports([int(s) for s in args.export_sizes.split(",")], log)

    print()
    print("=" * 40, "summary", "=" * 40)
    if generation is not None:
        print(f"generate_scale_data: {generation:.1f}s")
    print(f"time: median of {args.repeat} warm requests; T = town scale (demo only), P = province scale")
    print("\n".join(table(town, province)))
    print()
    print("\n".join(admin_lines))
    print("\n".join(rps_lines))
    print("\n".join(export_lines))


if __name__ == "__main__":
    main()
