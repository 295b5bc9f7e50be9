"""Benchmark: 200 concurrent public sign-ups for 50 seats, over HTTP, from separate processes — on SQLite and on
PostgreSQL. Must give exactly 50 confirmed, 150 waitlisted, 0 errors on both.

    .venv/bin/python bench/activities_signup.py [--db sqlite|postgresql|both] [--requests 200] [--seats 50]
                                                [--workers 4] [--server gunicorn|runserver]

For each database: a fresh database (a new SQLite file in a temporary directory; for PostgreSQL a new database
``<name>_bench`` next to the one in DATABASE_URL, default postgres://postgres@127.0.0.1:5432/yizhan), migrated, with
one operating public station and one published activity; then the real server (gunicorn with several worker
processes, or runserver) on a free local port, with the sign-up rate limits off. Each sign-up is its own process
(multiprocessing, fork), all released at once by a barrier, each POSTing to ``/api/public/activities/<id>/signup``.
Prints the answers (confirmed / waitlisted / errors), the time from release to the last answer, and what the
database holds afterwards (confirmed rows, ``confirmed_count``, distinct positions).
"""

import argparse
import json
import multiprocessing
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


# --- inside a subprocess with the bench database's settings -------------------------------------------------------


def _django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizhan.settings.local")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def prepare(seats: int) -> None:
    """Migrate the fresh database and create the station and the published activity; print the activity's id."""
    _django()
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    from yizhan.activities.models import Activity, ActivityStatus
    from yizhan.core.scoping import scopes_disabled
    from yizhan.stations import reference
    from yizhan.tests.factories import build_world, make_station

    call_command("migrate", verbosity=0)
    with scopes_disabled():
        reference.load()
        world = build_world()
        station = make_station(world.regions["330109113001"], brand_name="四融驿站")
        starts = timezone.now() + timedelta(days=7)
        activity = Activity.all_objects.create(
            station=station,
            title="学英语（基准）",
            seats=seats,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            status=ActivityStatus.PUBLISHED,
        )
    print(json.dumps({"activity": activity.pk}))


def count(activity_id: int) -> None:
    """Print what the database holds for the activity."""
    _django()
    from yizhan.activities.models import Activity, Registration
    from yizhan.core.scoping import scopes_disabled

    with scopes_disabled():
        rows = list(Registration.all_objects.filter(activity_id=activity_id).values_list("status", "position"))
        activity = Activity.all_objects.get(pk=activity_id)
    print(
        json.dumps(
            {
                "confirmed": sum(status == "confirmed" for status, _ in rows),
                "waitlisted": sum(status == "waitlisted" for status, _ in rows),
                "rows": len(rows),
                "distinct_positions": len({position for _, position in rows}),
                "confirmed_count": activity.confirmed_count,
                "registration_seq": activity.registration_seq,
            }
        )
    )


# --- the bench itself ------------------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _fresh_postgresql(url: str) -> str:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}"))


def _run(args: list[str], env: dict) -> dict:
    command = [PYTHON, __file__, *args]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        sys.exit(f"{' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _wait_for(url: str, server: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"the server stopped: {server.stderr.read().decode()[-3000:] if server.stderr else ''}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - our own local server
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    sys.exit("the server did not answer in time")


def _sign_up(url: str, i: int, barrier, results) -> None:
    payload = json.dumps({"name": f"居民{i}", "mobile": f"139{i:08d}", "consent": True}).encode()
    headers = {"Content-Type": "application/json"}
    request = urllib.request.Request(url, data=payload, headers=headers, method="POST")  # noqa: S310 - local server
    barrier.wait()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:  # noqa: S310 - our own local server
            body = json.loads(response.read())
            results.put((i, response.status, body["registration"]["status"]))
    except urllib.error.HTTPError as exc:
        results.put((i, exc.code, exc.read()[:200].decode(errors="replace")))
    except Exception as exc:  # noqa: BLE001 - every failure is a finding of the bench
        results.put((i, 0, repr(exc)))


def bench(db: str, *, requests: int, seats: int, workers: int, server_kind: str) -> bool:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "yizhan.settings.local"}
    env.update({"API_THROTTLE_SIGNUP": "", "API_THROTTLE_ANON": "", "API_THROTTLE_USER": "", "LOG_LEVEL": "WARNING"})
    if db == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='yz-bench-')}/signup.sqlite3"
    else:
        env["DATABASE_URL"] = _fresh_postgresql(
            os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yizhan")
            if os.environ.get("DATABASE_URL", "").startswith("postgres")
            else "postgres://postgres@127.0.0.1:5432/yizhan"
        )
    activity = _run(["--prepare", "--seats", str(seats)], env)["activity"]
    port = _free_port()
    if server_kind == "gunicorn":
        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            "yizhan.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--timeout",
            "120",
            "--log-level",
            "warning",
        ]
    else:
        command = [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"]
    server = subprocess.Popen(  # noqa: S603 - our own commands
        command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        base = f"http://127.0.0.1:{port}/api/public/activities/{activity}"
        _wait_for(base, server)
        ctx = multiprocessing.get_context("fork")
        barrier, results = ctx.Barrier(requests + 1), ctx.Queue()
        clients = [ctx.Process(target=_sign_up, args=(f"{base}/signup", i, barrier, results)) for i in range(requests)]
        for client in clients:
            client.start()
        barrier.wait()
        started = time.perf_counter()
        answers = [results.get(timeout=300) for _ in clients]
        elapsed = time.perf_counter() - started
        for client in clients:
            client.join()
    finally:
        server.terminate()
        server.wait(timeout=30)
    stored = _run(["--count", str(activity)], env)
    confirmed = sum(1 for _, status, what in answers if status == 201 and what == "confirmed")
    waitlisted = sum(1 for _, status, what in answers if status == 201 and what == "waitlisted")
    errors = [answer for answer in answers if answer[1] != 201]
    print(
        f"{db:10} {server_kind}×{workers if server_kind == 'gunicorn' else 1}: {requests} sign-ups for {seats} seats "
        f"from {requests} processes — confirmed {confirmed}, waitlisted {waitlisted}, errors {len(errors)}; "
        f"{elapsed:.2f} s ({requests / elapsed:.0f} sign-ups/s)"
    )
    print(
        f"{'':10} database: {stored['confirmed']} confirmed rows, confirmed_count {stored['confirmed_count']}, "
        f"{stored['waitlisted']} waitlisted, {stored['distinct_positions']} distinct positions of {stored['rows']}"
    )
    for error in errors[:5]:
        print(f"{'':10} error: {error}")
    ok = (
        confirmed == seats == stored["confirmed"] == stored["confirmed_count"]
        and waitlisted == requests - seats == stored["waitlisted"]
        and not errors
        and stored["distinct_positions"] == requests
    )
    print(f"{'':10} {'OK' if ok else 'FAILED'}: expected exactly {seats} / {requests - seats} / 0")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--seats", type=int, default=50)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--server", choices=["gunicorn", "runserver"], default="gunicorn")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--count", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.seats)
        return
    if args.count:
        count(args.count)
        return
    databases = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [
        bench(db, requests=args.requests, seats=args.seats, workers=args.workers, server_kind=args.server)
        for db in databases
    ]
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
