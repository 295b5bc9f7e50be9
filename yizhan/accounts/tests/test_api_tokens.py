"""API tokens: made, listed and revoked on the user's own page; hashed at rest; read or write; expiring; a token
request runs as its owner, with the owner's scope and rules, without CSRF, past the two-factor and password-change
middlewares, and stops working when revoked, expired or when the account is deactivated."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from yizhan.accounts import services
from yizhan.accounts.models import ApiToken
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled

REFUSED = "API 令牌无效：令牌不存在、已过期或已撤销，或其账户已停用。"
READ_ONLY = "此 API 令牌只能读取。如需修改数据，请创建具有写入权限的令牌。"


def _token(user, access="write", days=30, name="小程序"):
    with scope_for(user):
        return services.api_token_create(user=user, name=name, access=access, days=days)


def _bearer(key):
    """A client without any cookie, sending the key."""
    return Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {key}"})


def _search(client):
    return client.post("/api/accounts/users/search", {"q": ""}, content_type="application/json")


# --- making, listing, revoking on the page -----------------------------------------------------------------------


def test_a_user_makes_a_token_on_her_page_and_sees_the_key_once(world, client_for):
    user = world.users["station_manager"]
    client = client_for(user)
    response = client.post("/accounts/tokens/", {"name": "微信小程序", "access": "read", "days": "90"})
    assert response.status_code == 200
    page = response.content.decode()
    key = response.context["new_key"]
    assert key.startswith("yzt_")
    assert len(key) > 40
    assert key in page
    assert "请立即复制密钥" in page
    with scopes_disabled():
        token = ApiToken.all_objects.get(user=user)
    # hashed at rest: only the SHA-256 and the first characters are kept
    assert token.digest == ApiToken.digest_of(key)
    assert key not in token.digest
    assert token.prefix == key[:12]
    assert key.startswith(token.prefix)
    assert token.access == "read"
    assert token.name == "微信小程序"
    assert timedelta(days=89, hours=23) < token.expires_at - token.created_at <= timedelta(days=90)
    row = AuditLog.all_objects.get(target_type="accounts.apitoken", target_id=str(token.pk), action="create")
    assert row.actor == user
    assert "digest" not in row.changes
    assert key not in str(row.changes)
    assert row.region_code == "330109113001"  # the owner's place: her admins see it
    # listed afterwards, without the key
    listed = client.get("/accounts/tokens/").content.decode()
    assert "微信小程序" in listed
    assert token.prefix in listed
    assert key not in listed
    assert "API 令牌" in listed


def test_the_form_refuses_a_lifetime_over_a_year_and_missing_names(world, client_for):
    client = client_for(world.users["volunteer"])
    response = client.post("/accounts/tokens/", {"name": "", "access": "write", "days": "3650"})
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"name", "days"}
    with scopes_disabled():
        assert not ApiToken.all_objects.exists()


def test_the_service_refuses_more_than_365_days_and_too_many_tokens(world):
    user = world.users["volunteer"]
    with pytest.raises(ValidationError) as exc:
        _token(user, days=366)
    assert "expires_at" in exc.value.message_dict
    for number in range(services.API_TOKEN_LIVE_LIMIT):
        _token(user, name=f"令牌{number}")
    with pytest.raises(ValidationError):
        _token(user, name="再一个")


def test_a_user_revokes_her_token_and_it_stops_working(world, client_for):
    user = world.users["station_manager"]
    token, key = _token(user)
    assert _bearer(key).get("/api/accounts/me").status_code == 200
    response = client_for(user).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert AuditLog.all_objects.filter(target_id=str(token.pk), action="update", actor=user).count() == 1
    refused = _bearer(key).get("/api/accounts/me")
    assert refused.status_code == 401
    assert refused.json() == {"detail": REFUSED}
    assert refused["WWW-Authenticate"].startswith("Bearer")


def test_nobody_else_sees_or_revokes_a_token(world, client_for):
    token, key = _token(world.users["station_manager"])
    for role in ("district_admin", "town_admin", "other_station_manager"):
        client = client_for(world.users[role])
        assert client.post(f"/accounts/tokens/{token.pk}/revoke/").status_code == 404
        assert token.prefix not in client.get("/accounts/tokens/").content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None


# --- a token request runs as its owner ----------------------------------------------------------------------------


def test_a_token_request_runs_as_the_owner_with_her_scope(world, client_for):
    admin = world.users["town_admin"]
    _token_, key = _token(admin, access="read")
    client = _bearer(key)
    assert client.get("/api/accounts/me").json()["username"] == "town_admin"
    own = client.get(f"/api/accounts/users/{world.users['station_manager'].pk}")
    assert own.status_code == 200
    # the other town's account is outside the owner's scope: the same 404 as for the session
    assert client.get(f"/api/accounts/users/{world.users['other_station_manager'].pk}").status_code == 404
    session = client_for(admin).get("/api/accounts/users").json()
    assert client.get("/api/accounts/users").json() == session


def test_a_token_gets_the_owners_permission_checks(world):
    _token_, key = _token(world.users["station_manager"])
    assert _bearer(key).get("/api/accounts/users").status_code == 403  # not an admin, token or not


def test_a_token_request_needs_no_csrf_token_and_sets_no_cookie(world):
    _token_, key = _token(world.users["town_admin"])
    response = _search(_bearer(key))
    assert response.status_code == 200
    assert not response.cookies


def test_a_session_request_still_needs_its_csrf_token(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["town_admin"])
    assert _search(client).status_code == 403
    assert client.get("/api/accounts/users").status_code == 200


def test_a_read_only_token_can_only_read(world):
    _token_, read_key = _token(world.users["town_admin"], access="read")
    assert _bearer(read_key).get("/api/accounts/users").status_code == 200
    refused = _search(_bearer(read_key))
    assert refused.status_code == 403
    assert refused.json() == {"detail": READ_ONLY}
    _token_, write_key = _token(world.users["town_admin"], access="write", name="交换平台")
    assert _search(_bearer(write_key)).status_code == 200


@pytest.mark.parametrize("key", ["", "yzt_unknown", "not-a-token", "yzt_" + "x" * 200])
def test_an_unknown_key_is_refused_with_a_reason(world, key):
    response = _bearer(key).get("/api/accounts/me")
    assert response.status_code == 401
    assert response.json() == {"detail": REFUSED}


def test_a_bad_key_is_refused_even_beside_a_valid_session(world, client_for):
    client = client_for(world.users["town_admin"])
    assert client.get("/api/accounts/me", headers={"Authorization": "Bearer yzt_wrong"}).status_code == 401
    assert client.get("/api/accounts/me").status_code == 200


def test_an_expired_token_is_refused(world):
    token, key = _token(world.users["volunteer"])
    ApiToken.all_objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert _bearer(key).get("/api/accounts/me").status_code == 401


def test_a_deactivated_users_tokens_stop_working(world):
    user = world.users["volunteer"]
    _token_, key = _token(user)
    assert _bearer(key).get("/api/accounts/me").status_code == 200
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert _bearer(key).get("/api/accounts/me").status_code == 401


def test_tokens_are_not_for_pages(world):
    _token_, key = _token(world.users["town_admin"])
    response = _bearer(key).get("/accounts/home/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_forced_password_change_does_not_stop_a_token(world, client_for):
    user = world.users["station_manager"]
    _token_, key = _token(user)
    user.password_change_required = True
    user.save(update_fields=["password_change_required"])
    assert client_for(user).get("/api/accounts/me").status_code == 403
    assert _bearer(key).get("/api/accounts/me").status_code == 200


def test_an_admins_password_reset_revokes_the_users_tokens(world):
    user, admin = world.users["station_manager"], world.users["town_admin"]
    token, key = _token(user)
    with scope_for(admin):
        services.password_set(user=user, password="Qing#Lan2026x", changed_by=admin)
    assert _bearer(key).get("/api/accounts/me").status_code == 401
    with scopes_disabled():
        assert ApiToken.all_objects.get(pk=token.pk).revoked_at is not None
        row = AuditLog.all_objects.get(target_type="accounts.apitoken", target_id=str(token.pk), action="update")
    assert row.actor == admin
    # her own change keeps the tokens she makes afterwards
    token, key = _token(user)
    with scope_for(user):
        services.password_set(user=user, password="Mine#Own2026q", changed_by=user)
    assert _bearer(key).get("/api/accounts/me").status_code == 200


@override_settings(TWO_FACTOR_REQUIRED_ROLES=["federation_admin"])
def test_required_two_factor_does_not_stop_a_token(world, client_for):
    user = world.users["town_admin"]
    _token_, key = _token(user)
    assert client_for(user).get("/api/accounts/me").status_code == 302  # the session must set two-factor up first
    assert _bearer(key).get("/api/accounts/me").status_code == 200


def test_the_owners_language_is_used(world):
    user = world.users["volunteer"]
    user.language = "en"
    user.save(update_fields=["language"])
    _token_, key = _token(user, access="read")
    assert _search(_bearer(key)).json() == {
        "detail": "This API token can only read. Create a token with write access to change data."
    }


def test_last_use_is_noted_to_the_minute_without_an_audit_row(world):
    token, key = _token(world.users["volunteer"])
    rows = AuditLog.all_objects.count()
    client = _bearer(key)
    assert client.get("/api/accounts/me").status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert timezone.now() - first < timedelta(seconds=5)
    assert client.get("/api/accounts/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first  # not rewritten within the minute
    ApiToken.all_objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    assert client.get("/api/accounts/me").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(minutes=2)
    assert AuditLog.all_objects.count() == rows


def test_the_openapi_schema_offers_the_bearer_token_and_the_session(client):
    schema = client.get("/api/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    assert {"type": "http", "scheme": "bearer"}.items() <= schemes["ApiTokenAuth"].items()
    assert schemes["SessionAuth"]["in"] == "cookie"
