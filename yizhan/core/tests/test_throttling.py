"""API rate limits (core/throttling.py): per user over the session and tokens together, per address for anonymous
callers; 429 with a translated message and Retry-After, documented on every operation; rates from the settings."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings

from yizhan.accounts import services
from yizhan.core.scoping import scope_for
from yizhan.core.throttling import AnonThrottle, UserThrottle


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


@override_settings(API_THROTTLE_RATES={"user": "3/min", "anon": ""})
def test_a_user_over_the_rate_gets_429_with_a_translated_message_and_retry_after(world, client_for):
    user = world.users["town_admin"]
    with scope_for(user):
        _token, key = services.api_token_create(user=user, name="平台", access="read", days=30)
    session = client_for(user)
    by_token = Client(headers={"Authorization": f"Bearer {key}"})
    assert [session.get("/api/accounts/me").status_code for _ in range(2)] == [200, 200]
    assert by_token.get("/api/accounts/me").status_code == 200  # the session and the tokens share one count
    refused = by_token.get("/api/accounts/me")
    assert refused.status_code == 429
    assert refused.json() == {"detail": "请求过于频繁，请稍后再试。"}
    assert 0 < int(refused["Retry-After"]) <= 60
    assert session.get("/api/accounts/me").status_code == 429
    # another user has her own count
    assert client_for(world.users["volunteer"]).get("/api/accounts/me").status_code == 200


@override_settings(API_THROTTLE_RATES={"user": "", "anon": ""})
def test_an_empty_rate_means_no_limit(world, client_for):
    client = client_for(world.users["volunteer"])
    assert {client.get("/api/accounts/me").status_code for _ in range(20)} == {200}


@override_settings(API_THROTTLE_RATES={"user": "2/min", "anon": "2/min"}, TRUSTED_PROXIES=[])
def test_the_throttles_count_by_user_and_by_the_real_address():
    factory = RequestFactory()
    anon = AnonThrottle()

    def request(address, forwarded=""):
        made = factory.get("/api/x", REMOTE_ADDR=address, HTTP_X_FORWARDED_FOR=forwarded)
        made.auth, made.user = None, AnonymousUser()
        return made

    # a forged X-Forwarded-For does not give a fresh count: without trusted proxies the peer's address counts
    assert [anon.allow_request(request("10.0.0.1", f"1.2.3.{n}")) for n in range(3)] == [True, True, False]
    assert 0 < anon.wait() <= 60
    assert anon.allow_request(request("10.0.0.2"))
    signed_in = request("10.0.0.1")
    signed_in.auth = object()
    assert anon.allow_request(signed_in)  # the anonymous rate is not for signed-in callers
    assert UserThrottle().get_cache_key(signed_in) == "throttle_user_10.0.0.1"  # no user: the address


def test_every_operation_documents_429(client):
    schema = client.get("/api/openapi.json").json()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            answer = operation["responses"]["429"]["content"]["application/json"]["schema"]
            assert answer == {"$ref": "#/components/schemas/ErrorOut"}, (method, path)
