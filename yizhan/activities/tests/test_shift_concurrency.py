"""Never over the slots: 12 volunteers sign up for a shift of 4 slots at the same moment, each from its own thread with
its own database connection — on PostgreSQL and on SQLite (a file copy of the test database, as in
``test_concurrency.py``). Exactly 4 signed up, 8 told the shift is full, no other errors."""

import sqlite3
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper as SQLiteWrapper

from yizhan.accounts.models import Role
from yizhan.activities import services
from yizhan.activities.models import Shift
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.stations import reference
from yizhan.stations.tests.network import build_network
from yizhan.tests.factories import build_world, user_with_role

from .helpers import make_activity
from .volunteers import make_shift

pytestmark = pytest.mark.django_db(transaction=True)

SLOTS, VOLUNTEERS = 4, 12


def _setup():
    with scopes_disabled():
        reference.load()
        world = build_world()
        n = build_network(world)
        volunteers = [
            user_with_role(Role.VOLUNTEER, world.regions["330109113001"], username=f"race{i}")
            for i in range(VOLUNTEERS)
        ]
        for volunteer in volunteers:
            services.ensure_profile(user=volunteer)  # the race is about the slots, not the profiles
    shift = make_shift(make_activity(n.station), slots=SLOTS)
    return shift, volunteers


def _race(shift, volunteers, *, connect=None):
    barrier = threading.Barrier(len(volunteers))
    signed, full, errors = [], [], []

    def sign_up(volunteer):
        try:
            if connect is not None:
                connections["default"] = connect()
            with scope_for(volunteer):
                target = Shift.objects.select_related("activity__station__region").get(pk=shift.pk)
                barrier.wait()
                try:
                    signed.append(services.shift_signup(shift=target, volunteer=volunteer).pk)
                except ValidationError as exc:
                    full.append(" ".join(exc.messages))
        except Exception as exc:  # noqa: BLE001 - every failure is a finding of this test
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sign_up, args=(v,)) for v in volunteers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return signed, full, errors


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL run of this scenario")
def test_concurrent_shift_signups_never_overfill_on_postgresql():
    shift, volunteers = _setup()
    signed, full, errors = _race(shift, volunteers)
    assert errors == []
    assert len(signed) == SLOTS
    assert len(full) == VOLUNTEERS - SLOTS
    with scopes_disabled():
        shift.refresh_from_db()
        assert shift.taken_count == SLOTS == shift.signups.filter(status="signed_up").count()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite run of this scenario")
def test_concurrent_shift_signups_never_overfill_on_sqlite(tmp_path):
    shift, volunteers = _setup()
    path = str(tmp_path / "shifts.sqlite3")
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.execute("PRAGMA journal_mode=WAL")
    target.close()
    settings = {**connection.settings_dict, "NAME": path}
    settings["OPTIONS"] = {**settings.get("OPTIONS", {}), "transaction_mode": "IMMEDIATE", "timeout": 30}
    signed, full, errors = _race(shift, volunteers, connect=lambda: SQLiteWrapper(settings, "default"))
    assert errors == []
    assert len(signed) == SLOTS
    assert len(full) == VOLUNTEERS - SLOTS
    stored = sqlite3.connect(path)
    try:
        (taken,) = stored.execute("SELECT taken_count FROM activities_shift WHERE id = ?", (shift.pk,)).fetchone()
        (rows,) = stored.execute(
            "SELECT COUNT(*) FROM activities_shiftsignup WHERE shift_id = ? AND status = 'signed_up'", (shift.pk,)
        ).fetchone()
    finally:
        stored.close()
    assert taken == rows == SLOTS
