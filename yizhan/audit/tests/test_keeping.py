"""The audit log lasts: a retention floor that cannot be configured away, nothing that deletes rows (retention and
erasure included), append-only in PostgreSQL itself, and an Excel export for an auditor that is itself logged."""

import io
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from openpyxl import load_workbook

from yizhan.audit.checks import check_audit_retention
from yizhan.audit.models import AuditLog
from yizhan.audit.services import record
from yizhan.core.schedule import run
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.people import services as people
from yizhan.people.models import Person
from yizhan.tests.factories import PersonFactory

ROOT = Path(__file__).resolve().parents[3]


def _row(world, **kwargs):
    defaults = {"actor": world.users["town_admin"], "action": AuditLog.Action.UPDATE, "region_code": "330109113001"}
    return record(**(defaults | kwargs))


def _old_row(world, *, days, **kwargs):
    """An audit row written ``days`` ago (a new row may carry its time; no row is ever changed)."""
    with scopes_disabled():
        return AuditLog.all_objects.create(
            actor=world.users["town_admin"],
            action=AuditLog.Action.UPDATE,
            region_code="330109113001",
            at=timezone.now() - timedelta(days=days),
            **kwargs,
        )


def _sheet(response):
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(r) for r in book.active.iter_rows(values_only=True)]


# --- retention policy --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("days", "errors"), [(179, 1), (180, 0), (3650, 0), ("365", 1), (None, 1)])
def test_audit_retention_has_a_floor_of_180_days(settings, days, errors):
    settings.AUDIT_RETENTION_DAYS = days
    found = check_audit_retention()
    assert len(found) == errors
    if errors:
        assert found[0].id == "yizhan.E006"


def test_settings_refuse_an_audit_retention_below_the_floor():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env |= {"AUDIT_RETENTION_DAYS": "90", "DJANGO_SETTINGS_MODULE": "yizhan.settings.local"}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "AUDIT_RETENTION_DAYS is 90; audit rows are kept at least 180 days" in result.stderr


def test_retention_and_erasure_keep_every_audit_row(world, settings):
    """apply_retention (the daily job) and a person's erasure anonymise the person, not the log of what was done."""
    admin = world.users["town_admin"]
    with scopes_disabled():
        person = PersonFactory(region=world.regions["330109113001"], name="王小红")
    with scope_for(admin):
        people.person_update(person=person, changed_by=admin, version=person.version, notes="旧备注")
    old = _row(world, target=person, reason="一年前的记录")
    Person.all_objects.filter(pk=person.pk).update(consent_withdrawn_at=timezone.now() - timedelta(days=400))
    settings.RETENTION = {"visit": 1, "consent_withdrawn_person": 1, "import_batch": 1}
    with scopes_disabled():
        before = list(AuditLog.all_objects.order_by("pk").values_list("pk", flat=True))
        people.apply_retention(dry_run=False)
        people.person_erase(person=Person.all_objects.get(pk=person.pk), actor=None, reason="再次删除")
        after = list(AuditLog.all_objects.order_by("pk").values_list("pk", flat=True))
        assert Person.all_objects.get(pk=person.pk).is_anonymised
    assert after[: len(before)] == before  # nothing deleted; the retention and erasure rows were added
    assert len(after) > len(before)
    assert AuditLog.all_objects.get(pk=old.pk).reason == "一年前的记录"


def test_no_daily_job_deletes_audit_rows(world, settings):
    """Every daily job runs over a log with rows older than the floor and leaves all of them."""
    row = _old_row(world, days=400)
    with scopes_disabled():
        before = AuditLog.all_objects.count()
        for job in settings.DAILY_JOBS:
            run(job)
        assert AuditLog.all_objects.filter(pk=row.pk).exists()
        assert AuditLog.all_objects.count() >= before


# --- append-only in the database ---------------------------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is installed on PostgreSQL only")
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditlog SET reason = 'forged' WHERE id = %s",
        "DELETE FROM audit_auditlog WHERE id = %s",
    ],
)
def test_postgresql_refuses_update_and_delete_of_audit_rows(world, sql):
    row = _row(world, reason="原始")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, [row.pk])
    with scopes_disabled():
        assert AuditLog.all_objects.get(pk=row.pk).reason == "原始"
        _row(world, reason="still appendable")  # INSERT is untouched


# --- export for an auditor ---------------------------------------------------------------------------------------


def test_audit_export_filters_by_dates_and_region_and_is_itself_logged(world, client_for):
    _row(world, region_code="330109113001", target_repr="隆园社区", reason="=HYPERLINK(1)")
    _row(world, region_code="330109113002", target_repr="友谊村")
    _row(world, region_code="330109114001", target_repr="梅西村", actor=world.users["other_town_admin"])
    _old_row(world, days=400, target_repr="去年")
    client = client_for(world.users["town_admin"])
    today = timezone.localdate().isoformat()
    response = client.get(f"/audit/export.xlsx?region=330109113001&date_from={today}&date_to={today}")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store") or "no-store" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    rows = _sheet(response)
    assert rows[0][:3] == ["时间", "操作人", "操作"]
    objects = [r[5] for r in rows[1:]]
    assert "隆园社区" in objects
    assert "友谊村" not in objects  # another village
    assert "梅西村" not in objects  # another town: outside the admin's scope anyway
    assert "去年" not in objects  # before the date range
    assert "'=HYPERLINK(1)" in [r[8] for r in rows[1:]]  # never a formula
    with scopes_disabled():
        export = AuditLog.all_objects.filter(action=AuditLog.Action.EXPORT).get()
    assert export.actor == world.users["town_admin"]
    assert export.field == "audit_log"
    assert export.region_code == "330109113001"
    assert export.changes["filters"][1] == {"region": "330109113001", "date_from": today, "date_to": today}
    assert export.changes["rows"][1] == len(rows) - 1


def test_audit_export_whole_scope_streams_in_batches(world, client_for, monkeypatch):
    monkeypatch.setattr("yizhan.audit.exports.BATCH", 2)
    for n in range(5):
        _row(world, target_repr=f"记录{n}")
    response = client_for(world.users["district_admin"]).get("/audit/export.xlsx")
    rows = _sheet(response)
    assert [r[5] for r in rows[1:] if str(r[5]).startswith("记录")] == [f"记录{n}" for n in range(5)]  # oldest first
    assert not any(r[2] == "导出" for r in rows[1:])  # rows written after the export started are not in it


def test_audit_export_refuses_bad_filters_and_too_many_rows(world, client_for, settings):
    client = client_for(world.users["town_admin"])
    bad = client.get("/audit/export.xlsx?region=33a")
    assert bad.status_code == 400
    assert "区划代码" in bad.content.decode()
    _row(world)
    _row(world)
    settings.AUDIT_EXPORT_LIMIT = 1
    response = client.get("/audit/export.xlsx?action=update", follow=True)
    assert response.redirect_chain[-1][0] == "/audit/?action=update"
    assert "缩小" in response.content.decode()
    with scopes_disabled():
        assert not AuditLog.all_objects.filter(action=AuditLog.Action.EXPORT).exists()
