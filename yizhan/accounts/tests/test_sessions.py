"""Sessions: an absolute lifetime beside the idle timeout; no personal page or answer is cached."""

import time

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.test import Client, override_settings

from yizhan.accounts.middleware import SESSION_LOGIN_AT
from yizhan.audit.models import AuditLog
from yizhan.tests.factories import PASSWORD


def _age_the_login(seconds):
    """Move every session's login time back, as if the login had happened ``seconds`` ago."""
    for row in Session.objects.all():
        store = SessionStore(session_key=row.session_key)
        if SESSION_LOGIN_AT in store:
            store[SESSION_LOGIN_AT] = time.time() - seconds
            store.save()


def _logged_in(username="town_admin"):
    client = Client()
    assert client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code == 302
    return client


def test_a_session_ends_12_hours_after_the_login_however_active(world):
    assert settings.SESSION_ABSOLUTE_LIFETIME == 12 * 3600
    client = _logged_in()
    _age_the_login(11 * 3600 + 3500)
    assert client.get("/accounts/home/").status_code == 200  # active, and not yet 12 hours
    _age_the_login(12 * 3600 + 1)
    ended = client.get("/accounts/home/")
    assert ended.status_code == 302
    assert ended["Location"].startswith("/accounts/login/")
    page = client.get(ended["Location"])
    assert "为了您的账户安全，每次登录最长有效 12 小时，请重新登录。" in page.content.decode()
    assert client.get("/api/accounts/me").status_code == 401
    assert AuditLog.all_objects.filter(action="logout", actor=world.users["town_admin"]).count() == 1
    # logging in again starts a new lifetime
    again = client.post("/accounts/login/", {"username": "town_admin", "password": PASSWORD})
    assert again.status_code == 302
    assert client.get("/accounts/home/").status_code == 200


@override_settings(SESSION_ABSOLUTE_LIFETIME=0)
def test_the_absolute_lifetime_can_be_switched_off(world):
    client = _logged_in()
    _age_the_login(100 * 3600)
    assert client.get("/accounts/home/").status_code == 200


def test_a_session_without_a_login_time_starts_counting(world, client_for):
    client = client_for(world.users["town_admin"])  # force_login: no login time recorded
    assert client.get("/accounts/home/").status_code == 200
    _age_the_login(12 * 3600 + 1)
    assert client.get("/accounts/home/").status_code == 302


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/accounts/home/"),
        ("get", "/accounts/users/"),
        ("get", "/api/accounts/me"),
        ("get", "/api/accounts/users"),
        ("get", "/people/"),
        ("get", "/accounts/login/"),
    ],
)
def test_pages_and_api_answers_are_never_stored(world, client_for, method, url):
    response = getattr(client_for(world.users["town_admin"]), method)(url, follow=False)
    assert "no-store" in response["Cache-Control"], url
    assert "private" in response["Cache-Control"]


def test_reveal_answers_are_never_stored(world, client_for):
    user = world.users["station_manager"]
    response = client_for(world.users["town_admin"]).post(
        f"/reveal/accounts.user/{user.pk}/mobile/", {"reason": "核实联系方式"}
    )
    assert response.status_code == 200
    assert user.mobile in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_anonymous_pages_are_not_stored_either(db):
    response = Client().get("/accounts/login/")
    assert "no-store" in response["Cache-Control"]
