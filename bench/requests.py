"""What a signed-in request costs over a bare one (issue 12, "cheaper requests"). Prints ratios, not verdicts.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name> .venv/bin/python bench/requests.py [--requests 400]

Runs on a throwaway database (``test_<name>`` next to the one in DATABASE_URL, dropped at the end; SQLite: a
temporary file) with the production middleware stack (the test settings' audit guard taken out), through Django's
test client in one process — what the server does per request, without the network.

``--before`` measures the settings before issue 12 (session saved on every request, scope built on every request,
sessions read from the database); without it, the production settings' (session renewed once a minute, scope kept,
sessions read from the cache — here the local-memory cache in one process, in production Redis).

1. Requests per second of an authenticated list page (a town admin's station list) against a bare template view
   behind the same middleware, asked anonymously (the floor: nothing to load for a user) and signed in.
2. Where the time goes: each middleware's own time per request (its time minus the time of what it wraps), and the
   view's, for the list page and for the signed-in bare view.
3. The queries each request makes (what a simple signed-in page reads and writes before its own work).
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yizhan.settings.test")
os.environ["TEST_SQLITE_PATH"] = os.path.join(tempfile.mkdtemp(), "bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

BARE = engines["django"].from_string(
    '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8"><title>{{ title }}</title></head>'
    "<body><p>{{ title }}</p></body></html>"
)


def bare(request):
    """A template view that reads nothing: the floor a page costs behind the middleware."""
    return HttpResponse(BARE.render({"title": "bare"}))


urlpatterns = [path("bench/bare/", bare), path("", include("yizhan.urls"))]

# --- timing each middleware --------------------------------------------------------------------------------------

SPENT: dict[int, float] = defaultdict(float)  # layer index → inclusive seconds (summed over the measured requests)
LAYERS: list[str] = []


def _timed_layer(index: int, dotted: str):
    factory = import_string(dotted)

    class Timed:
        def __init__(self, get_response):
            self.inner = factory(get_response)

        def __call__(self, request):
            start = time.perf_counter()
            try:
                return self.inner(request)
            finally:
                SPENT[index] += time.perf_counter() - start

        def __getattr__(self, name):  # process_view, process_exception … stay the wrapped middleware's
            return getattr(self.inner, name)

    Timed.__name__ = f"Timed{index}"
    return Timed


def timed_middleware(stack: list[str]) -> list[str]:
    LAYERS[:] = stack
    module = sys.modules[__name__]
    names = []
    for index, dotted in enumerate(stack):
        setattr(module, f"Layer{index}", _timed_layer(index, dotted))
        names.append(f"{__name__}.Layer{index}")
    return names


# --- measuring ---------------------------------------------------------------------------------------------------


def rates(pages: dict[str, tuple[Client, str]], n: int, rounds: int = 5) -> dict[str, float]:
    """Requests per second of each page: the median of ``rounds`` rounds, the pages taking turns within each round
    (the machine's load then weighs on all of them alike)."""
    for client, url in pages.values():
        for _ in range(20):  # warm up: templates, translations, the connection
            assert client.get(url).status_code == 200, url
    seen: dict[str, list[float]] = defaultdict(list)
    for _ in range(rounds):
        for name, (client, url) in pages.items():
            start = time.perf_counter()
            for _ in range(n // rounds):
                client.get(url)
            seen[name].append((n // rounds) / (time.perf_counter() - start))
    return {name: statistics.median(values) for name, values in seen.items()}


def breakdown(client: Client, url: str, n: int) -> tuple[dict[str, float], float]:
    """Each layer's own milliseconds per request (the innermost's own time includes the view), and the total."""
    SPENT.clear()
    for _ in range(n):
        client.get(url)
    inclusive = [SPENT[i] / n * 1000 for i in range(len(LAYERS))]
    own = {}
    for i, name in enumerate(LAYERS):
        inner = inclusive[i + 1] if i + 1 < len(LAYERS) else 0.0
        own[name.rsplit(".", 1)[-1]] = inclusive[i] - inner
    own["(view, URL resolving, template)"] = own.pop(LAYERS[-1].rsplit(".", 1)[-1])
    # the innermost layer is a cheap one (axes); its own time is folded into the view's line above
    return own, inclusive[0]


def queries(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    return [q["sql"] for q in ctx.captured_queries]


def build():
    from yizhan.core.scoping import scopes_disabled
    from yizhan.tests.factories import build_world, make_station

    with scopes_disabled():
        world = build_world()
        for code in ("330109113001", "330109113002", "330109113003", "330109114001"):
            make_station(world.regions[code])
    return world


def main(n: int) -> None:
    world = build()
    admin = world.users["town_admin"]
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(admin)
    pages = {"bare, anonymous": (anonymous, "/bench/bare/"), "bare, signed in": (signed_in, "/bench/bare/")}
    pages["station list, signed in"] = (signed_in, "/stations/")
    measured = rates(pages, n)
    floor = measured["bare, anonymous"]
    print(
        f"database: {connection.vendor}; {n} requests each (median of 5 rounds), one process, test client; "
        f"session renewed every {settings.SESSION_RENEWAL_INTERVAL}s, scope kept {settings.SCOPE_CACHE_SECONDS}s, "
        f"sessions {settings.SESSION_ENGINE.rsplit('.', 1)[-1]}"
    )
    for name, value in measured.items():
        print(f"  {name:<26} {value:8.0f} req/s   ratio to the bare anonymous view {value / floor:.2f}")
    print(
        "authenticated list page / bare view: "
        f"{measured['station list, signed in'] / floor:.2f} (anonymous bare view), "
        f"{measured['station list, signed in'] / measured['bare, signed in']:.2f} (signed-in bare view); target ≥ 0.80"
    )
    for name in ("bare, signed in", "station list, signed in"):
        client, url = pages[name]
        own, total = breakdown(client, url, n)
        print(f"where a request's {total:.2f} ms go ({name}), ms per request:")
        for layer, ms in sorted(own.items(), key=lambda item: -item[1]):
            if ms >= 0.005:
                print(f"  {ms:6.2f}  {ms / total:5.1%}  {layer}")
    for name in ("bare, signed in", "station list, signed in"):
        client, url = pages[name]
        sql = queries(client, url)
        print(f"queries of one request ({name}): {len(sql)}")
        for statement in sql:
            print(f"  {statement[:110]}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument(
        "--before", action="store_true", help="as before issue 12: session saved on every request, scope never kept"
    )
    args = parser.parse_args()
    if args.before:
        settings.SESSION_SAVE_EVERY_REQUEST = True
        settings.SESSION_RENEWAL_INTERVAL = 0
        settings.SCOPE_CACHE_SECONDS = 0
    else:  # as the production settings have it (their cache is Redis; here the local-memory cache, one process)
        settings.SESSION_RENEWAL_INTERVAL = 60  # the base settings' (the test settings renew on every request)
        settings.SCOPE_CACHE_SECONDS = 300
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    settings.ROOT_URLCONF = __name__
    stack = [m for m in settings.MIDDLEWARE if not m.startswith("yizhan.tests.")]
    settings.MIDDLEWARE = timed_middleware(stack)
    settings.DEBUG = False
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        main(args.requests)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
