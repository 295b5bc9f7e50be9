"""Every role against every page and API operation, on its own scope and on another's (rows: see
``yizhan/tests/permission_matrix.py``).

The world is built once per module; each case runs its one request inside a savepoint that is rolled back.
"""

import json
from urllib.parse import urlencode

import pytest

from yizhan.tests.factories import MATRIX_ROLES
from yizhan.tests.permission_matrix import ROWS


def _cases():
    """One case per row and role; a role's ``known_bug(...)`` status carries its strict xfail mark."""
    for row in ROWS:
        name, expected = row[0], row[3]
        for role in MATRIX_ROLES:
            want = expected.get(role, expected.get("default"))
            marks = ()
            if hasattr(want, "marks"):  # known_bug(status, reason)
                (want,), marks = want.values, want.marks
            yield pytest.param(row, role, want, marks=marks, id=f"{name}--{role}")


CASES = list(_cases())


def _request(world, client, row):
    _name, method, url_of, _expected = row[:4]
    data_of = row[4] if len(row) > 4 else None
    url = url_of(world)
    data = data_of(world) if data_of else {}
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.generic(method, url, data=json.dumps(data), content_type="application/json")
    return client.generic(method, url, data=urlencode(data), content_type="application/x-www-form-urlencoded")


@pytest.mark.parametrize(("row", "role", "want"), CASES)
def test_role_gets_expected_status(shared_world, client_of, row, role, want):
    response = _request(shared_world, client_of(role), row)
    assert response.status_code == want, f"{row[0]} as {role}: {response.status_code} != {want}"


def test_every_row_names_a_status_for_every_role():
    missing = [
        f"{row[0]}: {role}" for row in ROWS for role in MATRIX_ROLES if role not in row[3] and "default" not in row[3]
    ]
    assert not missing, "rows without an expected status:\n" + "\n".join(missing)
