"""Every role against every page and API operation, on its own scope and on another's (rows: see
``yizhan/tests/permission_matrix.py``), and the check that no route or operation of the project lacks a row.

The world is built once per module; each case runs its one request inside a savepoint that is rolled back.
"""

import json
from urllib.parse import urlencode

import pytest
from django.urls import Resolver404

from yizhan.tests.factories import MATRIX_ROLES
from yizhan.tests.permission_matrix import (
    EXEMPT_ROUTES,
    ROWS,
    Route,
    api_operations,
    api_pattern_routes,
    page_routes,
    route_of,
)


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


# --- completeness: no route and no API operation without a row ---------------------------------------------------


def _covered(world) -> tuple[set[Route], list[str]]:
    covered, unresolved = set(), []
    for row in ROWS:
        url = row[2](world)
        try:
            covered.add(route_of(row[1], url))
        except Resolver404:
            unresolved.append(f"{row[0]}: {row[1]} {url}")
    return covered, unresolved


def test_every_url_route_has_a_row(shared_world):
    covered, _ = _covered(shared_world)
    missing = [r for r in page_routes() if r not in covered and r.route not in EXEMPT_ROUTES]
    assert not missing, (
        f"{len(missing)} URL route(s) without a permission-matrix row; add rows to yizhan/<app>/tests/matrix.py:\n"
        + "\n".join(f"  {r}" for r in missing)
    )


def test_every_api_operation_has_a_row(shared_world):
    covered, _ = _covered(shared_world)
    missing = [op for op in api_operations() if op not in covered]
    assert not missing, (
        f"{len(missing)} API operation(s) without a permission-matrix row; add rows to yizhan/<app>/tests/matrix.py:\n"
        + "\n".join(f"  {op}" for op in missing)
    )


def test_every_row_requests_a_route_of_the_project(shared_world):
    covered, unresolved = _covered(shared_world)
    assert not unresolved, "rows whose URL resolves to no route:\n" + "\n".join(unresolved)
    served = set(page_routes()) | set(api_operations())
    strays = sorted(str(r) for r in covered - served)
    assert not strays, "rows for a method the API operation does not have:\n" + "\n".join(strays)


def test_exempt_routes_exist_and_have_no_rows(shared_world):
    covered, _ = _covered(shared_world)
    routes = {r.route for r in page_routes()}
    assert set(EXEMPT_ROUTES) <= routes, f"exempt routes that no longer exist: {set(EXEMPT_ROUTES) - routes}"
    assert not {r.route for r in covered} & set(EXEMPT_ROUTES), "an exempt route has rows: take it off the list"
    assert all(len(reason) > 20 for reason in EXEMPT_ROUTES.values())


def test_api_operations_are_all_found():
    """The operations read from django-ninja's routers are the ones its URL patterns serve (none is overlooked)."""
    operations = api_operations()
    assert {op.route for op in operations} == api_pattern_routes()
    assert len(operations) == len(set(operations)) >= 40
