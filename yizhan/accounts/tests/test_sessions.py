"""Sessions: an absolute lifetime beside the idle timeout; no personal page or answer is cached."""

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from yizhan.accounts.middleware import SESSION_LOGIN_AT, SESSION_RENEWED_AT
from yizhan.audit.models import AuditLog
from yizhan.settings import base
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


RENEWAL = override_settings(SESSION_RENEWAL_INTERVAL=60)  # the base settings' value (the test settings: 0)


def _renewed_ago(seconds):
    """Move every session's last renewal back ``seconds``; return {session key: end of the session}."""
    for row in Session.objects.all():
        store = SessionStore(session_key=row.session_key)
        store[SESSION_RENEWED_AT] = time.time() - seconds
        store.save()
    return dict(Session.objects.values_list("session_key", "expire_date"))


@RENEWAL
def test_a_request_within_a_minute_of_the_last_renewal_writes_no_session(world, client_for):
    client = client_for(world.users["town_admin"])
    assert client.get("/accounts/home/").status_code == 200  # renews: the stamp was missing
    ends = _renewed_ago(30)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/accounts/home/").status_code == 200
    writes = [
        q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"] and not q["sql"].startswith("SELECT")
    ]
    assert writes == []
    assert dict(Session.objects.values_list("session_key", "expire_date")) == ends  # its end did not move


@RENEWAL
def test_a_request_a_minute_after_the_last_renewal_renews_the_session(world, client_for):
    client = client_for(world.users["town_admin"])
    assert client.get("/accounts/home/").status_code == 200
    _renewed_ago(61)
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))  # almost idle for 30 minutes
    assert client.get("/accounts/home/").status_code == 200
    end = Session.objects.get().expire_date  # pushed 30 minutes out again
    assert timedelta(minutes=29) < end - timezone.now() <= timedelta(minutes=30)
    store = SessionStore(session_key=Session.objects.get().session_key)
    assert abs(store[SESSION_RENEWED_AT] - time.time()) < 5


@RENEWAL
def test_a_session_idle_for_the_timeout_ends_even_if_renewed_within_the_minute(world, client_for):
    """The renewal window does not stretch the timeout: the stored end is what counts."""
    client = client_for(world.users["town_admin"])
    assert client.get("/accounts/home/").status_code == 200
    _renewed_ago(10)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/accounts/home/").status_code == 302


def test_the_base_settings_renew_a_session_at_most_once_a_minute():
    assert base.SESSION_RENEWAL_INTERVAL == 60
    assert base.SESSION_SAVE_EVERY_REQUEST is False
    assert base.SESSION_COOKIE_AGE == 30 * 60
