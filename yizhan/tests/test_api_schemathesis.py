"""schemathesis against the whole API, as a district admin's browser session and as a station manager's API token.

Every operation of the OpenAPI schema gets generated requests (valid and invalid ones, a bounded number, the same
ones on every run) through the Django WSGI application, and each answer must be no server error, have a documented
status and content type, and match its documented schema. The world is the permission matrix's (every app's
``prepare``), so there are stations, people, cases … to find.
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from yizhan.accounts import services
from yizhan.core.scoping import scope_for

# Examples per operation and caller beyond the schema's own; the whole file stays well under three minutes. For a deeper
# probe now and then: SCHEMATHESIS_MAX_EXAMPLES=200 SCHEMATHESIS_COVERAGE=1 pytest yizhan/tests/test_api_schemathesis.py
MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "8"))
COVERAGE = os.environ.get("SCHEMATHESIS_COVERAGE", "") == "1"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
CSRF_TOKEN = "schemathesisCsrfToken0123456789a"  # any 32 letters and digits: sent as the cookie and the header

CONFIG = schemathesis.Config.from_dict(
    {
        # Examples and random generation; in CI no coverage or stateful phase (not bounded by max-examples).
        "phases": {"coverage": {"enabled": COVERAGE}, "stateful": {"enabled": False}},
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "mode": "all", "database": "none"},
    }
)
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)

SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
        HealthCheck.data_too_large,
    ],
)


@pytest.fixture
def _wsgi_in_test_transaction():
    """Requests go through the WSGI handler, not Django's test client: like the client, keep the handler from
    closing the test's database connection (and with it the transaction the test runs in) around each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_session(shared_world, _wsgi_in_test_transaction):
    return {
        "cookies": {"sessionid": shared_world.session_keys["district_admin"], "csrftoken": CSRF_TOKEN},
        "headers": {"X-CSRFToken": CSRF_TOKEN},
    }


@pytest.fixture
def station_manager_token(shared_world, _wsgi_in_test_transaction):
    user = shared_world.users["station_manager"]
    with scope_for(user):
        _token, key = services.api_token_create(user=user, name="schemathesis", access="write", days=1)
    return {"cookies": {}, "headers": {"Authorization": f"Bearer {key}"}}


def _call(case, caller):
    response = case.call_and_validate(headers=caller["headers"], cookies=caller["cookies"], checks=CHECKS)
    # The caller's own credentials must be accepted: every case runs as that caller. (A case that adds a bearer header
    # of its own to the session, as the coverage phase does, is judged by that header: 401, as documented.)
    generated_bearer = "authorization" in {name.lower() for name in case.headers or {}}
    if not generated_bearer or "Authorization" in caller["headers"]:
        assert response.status_code != 401, "the caller's session or token was not accepted"


@schema.parametrize()
@SETTINGS
def test_api_as_an_admin_session(case, admin_session):
    _call(case, admin_session)


@schema.parametrize()
@SETTINGS
def test_api_with_an_api_token(case, station_manager_token):
    _call(case, station_manager_token)
