"""Never overbooked: 20 staff registrations for 5 seats at the same moment, each from its own thread with its own
database connection — on PostgreSQL (the test database) and on SQLite (a file database, because the test settings'
in-memory one cannot be shared between connections: the world is copied into a file with SQLite's backup API and each
thread opens its own connection to it). Exactly 5 confirmed, 15 waitlisted in distinct positions, no errors."""

import sqlite3
import threading

import pytest
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from yizhan.activities import services
from yizhan.activities.models import Activity, Registration
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.stations import reference
from yizhan.stations.tests.network import build_network
from yizhan.tests.factories import build_world

from .helpers import happening, make_activity, register, residents

pytestmark = pytest.mark.django_db(transaction=True)

SEATS, PEOPLE = 5, 20


def _setup():
    with scopes_disabled():
        reference.load()
        world = build_world()
    n = build_network(world)
    activity = make_activity(n.station, seats=SEATS)
    people = residents(world.regions["330109113001"], PEOPLE)
    return world, activity, people


def _run_concurrently(world, activity, people, *, connect=None):
    users = [world.users["station_manager"], world.users["town_admin"]]
    barrier = threading.Barrier(len(people))
    results, errors = [], []

    def register(i, person):
        try:
            if connect is not None:
                connections["default"] = connect()
            user = users[i % 2]
            with scope_for(user):
                target = Activity.objects.select_related("station", "station__region").get(pk=activity.pk)
                barrier.wait()
                results.append(services.registration_add(activity=target, person=person, registered_by=user).status)
        except Exception as exc:  # noqa: BLE001 - every failure is a finding of this test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=register, args=(i, p)) for i, p in enumerate(people)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL run of this scenario")
def test_concurrent_registrations_never_overbook_on_postgresql():
    world, activity, people = _setup()
    results, errors = _run_concurrently(world, activity, people)
    assert errors == []
    assert sorted(results) == ["confirmed"] * SEATS + ["waitlisted"] * (PEOPLE - SEATS)
    with scopes_disabled():
        regs = list(Registration.all_objects.filter(activity=activity))
        assert Activity.all_objects.get(pk=activity.pk).confirmed_count == SEATS
    assert sum(r.status == "confirmed" for r in regs) == SEATS
    assert sorted(r.position for r in regs) == list(range(1, PEOPLE + 1))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run of this scenario")
def test_concurrent_registrations_never_overbook_on_sqlite(tmp_path):
    world, activity, people = _setup()
    path = str(tmp_path / "concurrent.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    settings = {**connection.settings_dict, "NAME": path}
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "transaction_mode": "IMMEDIATE", "timeout": 30}

    results, errors = _run_concurrently(world, activity, people, connect=lambda: SQLiteWrapper(settings, "default"))
    assert errors == []
    assert sorted(results) == ["confirmed"] * SEATS + ["waitlisted"] * (PEOPLE - SEATS)
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
    assert sorted(position for _, position in rows) == list(range(1, PEOPLE + 1))


# --- the same person checks in twice at the same moment (two phones, or the phone and the desk) ----------------

CHECKINS = 8


def _checkin_setup():
    with scopes_disabled():
        reference.load()
        world = build_world()
    n = build_network(world)
    activity = happening(n.station)
    (registration,) = register(activity, residents(world.regions["330109113001"], 1, start=600))
    return world, activity, registration


def _check_in_concurrently(world, activity, registration, *, connect=None):
    manager = world.users["station_manager"]
    barrier = threading.Barrier(CHECKINS)
    results, errors = [], []

    def check_in(i):
        try:
            if connect is not None:
                connections["default"] = connect()
            if i % 2:  # the participant's phone (no account)
                target = Activity.all_objects.get(pk=activity.pk)
                barrier.wait()
                results.append(services.self_check_in(activity=target, mobile=registration.mobile).already)
            else:  # the desk
                with scope_for(manager):
                    target = Registration.objects.select_related("activity__station").get(pk=registration.pk)
                    barrier.wait()
                    results.append(services.desk_check_in(registration=target, checked_in_by=manager).already)
        except Exception as exc:  # noqa: BLE001 - every failure is a finding of this test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=check_in, args=(i,)) for i in range(CHECKINS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL run of this scenario")
def test_checking_in_twice_at_once_checks_in_once_on_postgresql():
    world, activity, registration = _checkin_setup()
    results, errors = _check_in_concurrently(world, activity, registration)
    assert errors == []
    assert sorted(results) == [False] + [True] * (CHECKINS - 1)  # one did it, the others found it done
    with scopes_disabled():
        rows = AuditLog.all_objects.filter(target_type="activities.registration", target_id=str(registration.pk))
        assert rows.count() == 1
        assert Registration.all_objects.get(pk=registration.pk).checked_in_at is not None


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run of this scenario")
def test_checking_in_twice_at_once_checks_in_once_on_sqlite(tmp_path):
    world, activity, registration = _checkin_setup()
    path = str(tmp_path / "checkin.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    settings = {**connection.settings_dict, "NAME": path}
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "transaction_mode": "IMMEDIATE", "timeout": 30}
    results, errors = _check_in_concurrently(
        world, activity, registration, connect=lambda: SQLiteWrapper(settings, "default")
    )
    assert errors == []
    assert sorted(results) == [False] + [True] * (CHECKINS - 1)
    stored = sqlite3.connect(path)
    try:
        (audit_rows,) = stored.execute(
            "SELECT COUNT(*) FROM audit_auditlog WHERE target_type = ? AND target_id = ?",
            ("activities.registration", str(registration.pk)),
        ).fetchone()
        (checked_in,) = stored.execute(
            "SELECT checked_in_at FROM activities_registration WHERE id = ?", (registration.pk,)
        ).fetchone()
    finally:
        stored.close()
    assert audit_rows == 1
    assert checked_in is not None
