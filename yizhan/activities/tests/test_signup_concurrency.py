"""Never overbooked by public sign-ups either: 20 residents sign up for 5 seats at the same moment, each from its own
thread with its own database connection, on PostgreSQL and on SQLite (a file copy of the test database, as in
``test_concurrency``), plus two sign-ups with the same mobile number at once: exactly one of them gets through."""

import sqlite3
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from yizhan.activities import services
from yizhan.activities.models import Activity, Registration

from .test_concurrency import PEOPLE, SEATS, _setup

pytestmark = pytest.mark.django_db(transaction=True)


def _race(activity, mobiles, *, connect=None):
    barrier = threading.Barrier(len(mobiles))
    results, refused, errors = [], [], []

    def sign(i, mobile):
        try:
            if connect is not None:
                connections["default"] = connect()
            target = Activity.all_objects.select_related("station").get(pk=activity.pk)
            barrier.wait()
            signup = services.public_signup(activity=target, name=f"居民{i}", mobile=mobile, consent=True)
            results.append(signup.registration.status)
        except ValidationError as exc:
            refused.append(exc.messages)
        except Exception as exc:  # noqa: BLE001 - every failure is a finding of this test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign, args=(i, m)) for i, m in enumerate(mobiles)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, refused, errors


def _sqlite_copy(tmp_path):
    path = str(tmp_path / "signup.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    settings = {**connection.settings_dict, "NAME": path}
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "transaction_mode": "IMMEDIATE", "timeout": 30}
    return path, lambda: SQLiteWrapper(settings, "default")


def _check(results, refused, errors, *, duplicates=0):
    assert errors == []
    assert sorted(results) == ["confirmed"] * SEATS + ["waitlisted"] * (PEOPLE - SEATS)
    assert len(refused) == duplicates


MOBILES = [f"1371000{i:04d}" for i in range(PEOPLE)]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL run of this scenario")
def test_concurrent_public_signups_never_overbook_on_postgresql():
    _world, activity, _people = _setup()
    _check(*_race(activity, [*MOBILES, MOBILES[0]]), duplicates=1)
    stored = Activity.all_objects.get(pk=activity.pk)
    assert stored.confirmed_count == SEATS
    positions = set(Registration.all_objects.filter(activity=activity).values_list("position", flat=True))
    assert len(positions) == PEOPLE


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run of this scenario")
def test_concurrent_public_signups_never_overbook_on_sqlite(tmp_path):
    _world, activity, _people = _setup()
    path, connect = _sqlite_copy(tmp_path)
    _check(*_race(activity, [*MOBILES, MOBILES[0]], connect=connect), duplicates=1)
    stored = sqlite3.connect(path)
    try:
        rows = stored.execute(
            "SELECT status, position FROM activities_registration WHERE activity_id = ?", (activity.pk,)
        ).fetchall()
        (confirmed_count,) = stored.execute(
            "SELECT confirmed_count FROM activities_activity WHERE id = ?", (activity.pk,)
        ).fetchone()
    finally:
        stored.close()
    assert sum(status == "confirmed" for status, _ in rows) == SEATS == confirmed_count
    assert len(rows) == PEOPLE
    assert len({position for _, position in rows}) == PEOPLE
