import pytest

from yizhan.audit.models import AuditImmutableError, AuditLog
from yizhan.audit.services import diff, record, snapshot
from yizhan.core.scoping import scope_for, scopes_disabled


def _row(world, **kwargs):
    defaults = {"actor": world.users["town_admin"], "action": "update", "region_code": "330109113001"}
    return record(**(defaults | kwargs))


def test_rows_cannot_be_changed_or_deleted(world):
    row = _row(world)
    row.reason = "篡改"
    with pytest.raises(AuditImmutableError):
        row.save()
    with pytest.raises(AuditImmutableError):
        row.delete()
    with pytest.raises(AuditImmutableError):
        AuditLog.all_objects.filter(pk=row.pk).update(reason="x")
    with pytest.raises(AuditImmutableError):
        AuditLog.all_objects.all().delete()
    with scope_for(world.users["town_admin"]), pytest.raises(AuditImmutableError):
        AuditLog.objects.all().delete()
    assert AuditLog.all_objects.get(pk=row.pk).reason == ""


def test_snapshot_masks_encrypted_fields_and_skips_password(world):
    user = world.users["station_manager"]
    data = snapshot(user)
    assert data["mobile"] == user.masked("mobile") and user.mobile not in str(data)
    assert "password" not in data
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}


def test_scope_of_audit_rows(world):
    _row(world, region_code="330109113001")
    _row(world, region_code="330109114001", actor=world.users["other_town_admin"])
    with scope_for(world.users["town_admin"]):
        assert [r.region_code for r in AuditLog.objects.all()] == ["330109113001"]
    with scope_for(world.users["district_admin"]):
        assert AuditLog.objects.count() == 2
    with scope_for(world.users["station_manager"]):
        assert AuditLog.objects.count() == 0


def test_service_write_and_audit_are_one_transaction(world):
    """If the write fails after the audit row, neither stays."""
    from django.db import transaction

    from yizhan.regions.models import Region

    with scopes_disabled():
        before = AuditLog.objects.count()
        with pytest.raises(RuntimeError), transaction.atomic():
            region = Region.objects.get(code="330109113001")
            region.name = "临时"
            region.save()
            _row(world)
            raise RuntimeError
        assert AuditLog.objects.count() == before
        assert Region.objects.get(code="330109113001").name == "隆园社区"


def test_audit_page_filters(world, client_for):
    _row(world, action="update", target_repr="隆园社区")
    _row(world, action="reveal", target_repr="陈芳", field="mobile", reason="核实")
    client = client_for(world.users["town_admin"])
    page = client.get("/audit/?action=reveal").content.decode()
    assert "陈芳" in page and "核实" in page and "隆园社区</td>" not in page
    bad = client.get("/audit/?date_from=2026-12-01&date_to=2026-11-01")
    assert bad.status_code == 400 and "起始日期晚于截止日期" in bad.content.decode()
    bad = client.get("/audit/?date_from=not-a-date")
    assert bad.status_code == 400
    api = client.get("/api/audit/?action=reveal").json()
    assert api["meta"]["count"] == 1 and api["items"][0]["reason"] == "核实"


@pytest.mark.parametrize("rows", [3, 80])
def test_audit_page_query_count(world, client_for, django_assert_num_queries, rows):
    for _ in range(rows):
        _row(world)
    client = client_for(world.users["town_admin"])
    client.get("/audit/")
    # session, user, memberships, count, page, session save (3)
    with django_assert_num_queries(8):
        assert client.get("/audit/").status_code == 200
