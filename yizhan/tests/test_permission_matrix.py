"""Every role against every page and endpoint, on its own scope and on another's.

Each app lists its rows in ``yizhan/<app>/tests/matrix.py`` as ``ROWS``: tuples of
``(name, method, url(world) -> str, expected)`` where ``expected`` maps each role in ``MATRIX_ROLES``
to the HTTP status it must get (anonymous page requests redirect to login: 302; API: 401).
Missing roles fall back to ``expected["default"]``. POST rows send ``data(world)`` if a 5th element is given.
"""

import importlib
import json
import pkgutil
from urllib.parse import urlencode

import pytest

import yizhan
from yizhan.tests.factories import MATRIX_ROLES


def _collect_rows():
    rows = []
    for module in pkgutil.iter_modules(yizhan.__path__):
        try:
            matrix = importlib.import_module(f"yizhan.{module.name}.tests.matrix")
        except ModuleNotFoundError:
            continue
        rows.extend(matrix.ROWS)
    return rows


ROWS = _collect_rows()
CASES = [(row, role) for row in ROWS for role in MATRIX_ROLES]


def test_every_app_contributes_rows():
    assert len(ROWS) >= 10


@pytest.mark.parametrize(("row", "role"), CASES, ids=[f"{row[0]}--{role}" for row, role in CASES])
def test_permission_matrix(world, client_for, row, role):
    name, method, url_of, expected = row[:4]
    data_of = row[4] if len(row) > 4 else None
    client = client_for(None if role == "anonymous" else world.users[role])
    url = url_of(world)
    data = data_of(world) if data_of else {}
    if method == "GET":
        response = client.get(url)
    elif url.startswith("/api/"):
        response = client.generic(method, url, data=json.dumps(data), content_type="application/json")
    else:
        response = client.generic(method, url, data=urlencode(data), content_type="application/x-www-form-urlencoded")
    want = expected.get(role, expected.get("default"))
    assert response.status_code == want, f"{name} as {role}: {response.status_code} != {want}"
