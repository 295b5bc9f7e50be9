"""The permission matrix: its rows, and every route and API operation of the project it must cover.

Each app lists its rows in ``yizhan/<app>/tests/matrix.py`` as ``ROWS``: tuples of
``(name, method, url(world) -> str, expected)`` plus an optional 5th element ``data(world) -> dict`` that POST,
PUT and PATCH rows send (JSON to the API, a form to pages). ``expected`` maps each role in ``MATRIX_ROLES`` to the
HTTP status it must get; missing roles fall back to ``expected["default"]``. Conventions: anonymous page requests
are redirected to the login page (302) and anonymous API calls get 401; a signed-in role that may not use a page
or an endpoint at all gets 403; an object outside the role's scope answers 404 like a missing one.

A status that the code gets wrong today is written as it should be and wrapped in ``known_bug(status, reason)``
(``yizhan/tests/factories.py``): that case is a strict expected failure, so it fails the run as soon as the bug is
fixed and the mark must come off.

An app's ``matrix.py`` may also define ``prepare(world)``: it builds the objects its rows use once per test module
(see ``module_world`` in ``conftest.py``), so that a case only runs its request. Every case runs in a savepoint that
is rolled back, so a row may change or delete what ``prepare`` made; but files in storage are not rolled back, so a
row about a stored file makes that file in its own ``url(world)``.

The completeness tests (``test_permission_matrix.py``) walk every URL pattern and every django-ninja operation and
fail for each one without a row, unless it is listed in ``EXEMPT_ROUTES`` with the reason it needs none.
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from ninja.utils import normalize_path, replace_path_param_notation

import yizhan

# Routes that need no row: they decide nothing about roles or scope. Keep this list short; give each a reason.
EXEMPT_ROUTES = {
    "accounts/logout/": "ends whatever session the request has; the same for every role and for nobody",
    "accounts/language/": "sets the interface language cookie (and the user's own preference); the same for everyone",
    "api/docs": "the public OpenAPI documentation page: describes the API, holds no data",
    "api/openapi.json": "the public OpenAPI schema: describes the API, holds no data",
    "api/": "django-ninja's root, only there to reverse API URLs: always 404",
}


# --- rows --------------------------------------------------------------------------------------------------------


def _matrix_modules():
    for module in pkgutil.iter_modules(yizhan.__path__):
        name = f"yizhan.{module.name}.tests.matrix"
        try:
            yield importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name not in (name, f"yizhan.{module.name}.tests"):
                raise  # the app has a matrix, and it is broken


MATRIX_MODULES = list(_matrix_modules())
ROWS = [row for module in MATRIX_MODULES for row in module.ROWS]


def prepare_world(world) -> None:
    """Let each app build the objects its rows use (once per module world)."""
    for module in MATRIX_MODULES:
        prepare = getattr(module, "prepare", None)
        if prepare is not None:
            prepare(world)


# --- what the project serves -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    """A URL pattern (``method`` is None: one row with any method covers it) or an API operation."""

    route: str  # as ``django.urls.resolve(path).route`` gives it, e.g. "people/<int:pk>/relations/"
    method: str | None = None
    name: str = field(default="", compare=False)  # the URL name or the operation's function, for messages

    def __str__(self) -> str:
        where = f"{self.method} /{self.route}" if self.method else f"/{self.route}"
        return f"{where}  ({self.name})" if self.name else where


def _is_api_operation_view(callback) -> bool:
    """django-ninja serves every operation of one path through one ``PathView`` view function."""
    return getattr(callback, "__module__", "") == "ninja.operation"


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}:{pattern.namespace}".strip(":") if pattern.namespace else namespace
            yield from _walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), f"{namespace}:{pattern.name}".strip(":"), pattern.callback


def url_patterns() -> list[tuple[str, str, object]]:
    """(route, url name, view) of every URL pattern of the project, includes walked recursively."""
    return list(_walk(get_resolver()))


def page_routes() -> list[Route]:
    """Every URL pattern that is not a django-ninja operation (those are covered per method)."""
    seen, routes = set(), []
    for route, name, callback in url_patterns():
        if not _is_api_operation_view(callback) and route not in seen:
            seen.add(route)
            routes.append(Route(route, None, name))
    return routes


def api_operations() -> list[Route]:
    """Every operation (path template + HTTP method) of the django-ninja ``api`` mounted at ``/api/``.

    The routers' ``path_operations`` map each path to its ``PathView``, whose ``operations`` carry the methods; the
    mount prefix comes from ``api._routers`` (filled in when ``api.urls`` is built, as ``yizhan/urls.py`` does).
    """
    from yizhan.api import api

    mount = reverse(f"{api.urls_namespace}:api-root").lstrip("/")
    routes = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            route = normalize_path("/".join(p for p in (prefix, path) if p)).lstrip("/")
            route = mount + replace_path_param_notation(route)
            for operation in path_view.operations:
                for method in operation.methods:
                    routes.append(Route(route, method.upper(), operation.view_func.__name__))
    return routes


def api_pattern_routes() -> set[str]:
    """The routes of the URL patterns django-ninja made for its operations (to check ``api_operations``)."""
    return {route for route, _name, callback in url_patterns() if _is_api_operation_view(callback)}


def route_of(method: str, url: str) -> Route:
    """The route (and, for the API, the operation) a request goes to. Raises ``Resolver404`` for none."""
    match = resolve(urlsplit(url).path)
    if _is_api_operation_view(match.func):
        return Route(match.route, method.upper())
    return Route(match.route)
