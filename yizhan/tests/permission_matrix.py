"""The permission matrix: its rows, collected from every app.

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
"""

from __future__ import annotations

import importlib
import pkgutil

import yizhan

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
