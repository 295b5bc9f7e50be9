import re

import pytest

from yizhan.audit.models import AuditImmutableError, AuditLog
from yizhan.audit.services import (
    Action,
    diff,
    log_create,
    log_create_many,
    log_update,
    record,
    record_many,
    region_code_of,
    snapshot,
)
from yizhan.core.scoping import scope_for, scopes_disabled


def _row(world, **kwargs):
    defaults = {"actor": world.users["town_admin"], "action": AuditLog.Action.UPDATE, "region_code": "330109113001"}
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
    assert data["mobile"] == user.masked("mobile")
    assert user.mobile not in str(data)
    assert "password" not in data
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3, "c": 4}) == {"b": [2, 3], "c": [None, 4]}


def test_a_change_the_mask_hides_is_still_recorded(world):
    """Masked values compare by what they hide: one mobile for another with the same masked form is a change (it
    was lost when snapshots held only the masked text), an unchanged value is not."""
    user, admin = world.users["station_manager"], world.users["town_admin"]
    user.mobile = "13900001234"
    before = snapshot(user, fields=["mobile"])
    user.mobile = "13955551234"
    row = log_update(admin, user, before)
    assert row is not None
    assert AuditLog.all_objects.get(pk=row.pk).changes == {"mobile": ["139****1234", "139****1234"]}
    assert log_update(admin, user, snapshot(user, fields=["mobile"])) is None


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
        with pytest.raises(RuntimeError), transaction.atomic():  # noqa: PT012 - the block must fail after its writes
            region = Region.objects.get(code="330109113001")
            region.name = "临时"
            region.save()
            _row(world)
            raise RuntimeError
        assert AuditLog.objects.count() == before
        assert Region.objects.get(code="330109113001").name == "隆园社区"


def test_audit_page_filters(world, client_for):
    _row(world, action=AuditLog.Action.UPDATE, target_repr="隆园社区")
    _row(world, action=AuditLog.Action.REVEAL, target_repr="陈芳", field="mobile", reason="核实")
    client = client_for(world.users["town_admin"])
    page = client.get("/audit/?action=reveal").content.decode()
    assert "陈芳" in page
    assert "核实" in page
    assert "隆园社区</td>" not in page
    bad = client.get("/audit/?date_from=2026-12-01&date_to=2026-11-01")
    assert bad.status_code == 400
    assert "起始日期晚于截止日期" in bad.content.decode()
    bad = client.get("/audit/?date_from=not-a-date")
    assert bad.status_code == 400
    assert bad.context["form"].errors == {"date_from": ["输入一个有效的日期。"]}
    api = client.get("/api/audit/?action=reveal").json()
    assert api["meta"]["count"] == 1
    assert api["items"][0]["reason"] == "核实"


@pytest.mark.parametrize("rows", [3, 80])
def test_audit_page_query_count(world, client_for, django_assert_num_queries, rows):
    for _ in range(rows):
        _row(world)
    client = client_for(world.users["town_admin"])
    client.get("/audit/")
    # session, user, memberships, count, page, session save (3)
    with django_assert_num_queries(8):
        assert client.get("/audit/").status_code == 200


@pytest.mark.parametrize("action", ["reveal", "update", "deleted_everything", None])
def test_record_refuses_actions_outside_the_enum(world, action):
    message = re.escape(f"An audit action is an AuditLog.Action member, not {action!r}.")
    with pytest.raises(TypeError, match=message):
        _row(world, action=action)
    with pytest.raises(TypeError, match=message):
        record_many(actor=world.users["town_admin"], action=action, targets=[world.users["volunteer"]])
    assert not AuditLog.all_objects.exists()


def test_record_many_writes_what_record_writes_in_bulk(world, django_assert_num_queries):
    actor = world.users["town_admin"]
    targets = [world.regions["330109113001"], world.regions["330109113002"], world.regions["330109114001"]]
    single = record(actor=actor, action=Action.REVEAL, target=targets[0], field="name", reason="核实", changes={"a": 1})
    fields = ["actor", "actor_label", "action", "target_type", "target_id", "target_repr", "region_code", "field"]
    with django_assert_num_queries(2):  # two batches of two
        written = record_many(
            actor=actor,
            action=Action.REVEAL,
            targets=(t for t in targets),  # any iterable, consumed batch by batch
            changes=lambda t: {"a": 1} if t.code == "330109113001" else {"code": t.code},
            field="name",
            reason="核实",
            batch_size=2,
        )
    assert written == 3
    rows = list(AuditLog.all_objects.exclude(pk=single.pk).order_by("id"))
    assert [r.target_id for r in rows] == [str(t.pk) for t in targets]
    bulk = rows[0]
    assert {f: getattr(bulk, f) for f in fields} == {f: getattr(single, f) for f in fields}
    assert (bulk.reason, bulk.changes, single.changes) == ("核实", {"a": 1}, {"a": 1})
    assert rows[2].changes == {"code": "330109114001"}
    assert rows[2].region_code == region_code_of(targets[2])
    assert len({r.at for r in rows}) == 1
    assert record_many(actor=actor, action=Action.EXPORT, targets=[]) == 0


def test_log_create_many_matches_log_create(world):
    actor = world.users["town_admin"]
    region = world.regions["330109113001"]
    one = log_create(actor, region)
    assert log_create_many(actor, [region]) == 1
    many = AuditLog.all_objects.exclude(pk=one.pk).get()
    assert (many.action, many.changes, many.target_repr) == (one.action, one.changes, one.target_repr)
