import re
from datetime import UTC, datetime

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
from yizhan.tests.factories import make_station


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
    assert "隆园社区" not in page  # only the reveal is listed
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
    # session, user, memberships, count, page (with its actors), session save (3); "by" lists nobody (a picker)
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


@pytest.mark.parametrize("rows", [3, 60])
def test_related_records_cost_one_query_per_kind_not_per_row(world, client_for, django_assert_num_queries, rows):
    station = make_station(world.regions["330109113001"])
    for _ in range(rows):
        moved = [world.regions["330109113002"].pk, world.regions["330109113001"].pk]
        _row(world, target=station, changes={"region": moved})
    client = client_for(world.users["town_admin"])
    client.get("/audit/")
    with django_assert_num_queries(9):  # the eight above and the regions named on the page
        assert client.get("/audit/").status_code == 200


def test_audit_page_reads_as_staff_read_it(world, client_for):
    station = make_station(world.regions["330109113001"], name="四融驿站")
    when = datetime(2026, 11, 3, 1, 30, tzinfo=UTC)  # 09:30 in Asia/Shanghai
    town_admin = world.users["town_admin"]
    AuditLog.all_objects.create(
        at=when,
        actor=town_admin,
        actor_label=town_admin.username,
        action=AuditLog.Action.UPDATE,
        target_type="stations.station",
        target_id=str(station.pk),
        target_repr=station.name,
        region_code="330109113001",
        changes={
            "status": ["planned", "operating"],
            "is_public": [False, True],
            "opened_on": [None, "2026-11-01"],
            "region": [world.regions["330109113002"].pk, world.regions["330109114001"].pk],
        },
    )
    client = client_for(world.users["town_admin"])
    response = client.get("/audit/")
    text = re.sub(r"<[^>]+>", " ", response.content.decode())  # what a reader sees, not attribute values
    text = re.sub(r"\s+", " ", text)
    assert "2026-11-03 09:30" in text
    assert "驿站「四融驿站」" in text
    assert "状态 计划中 → 运行中" in text
    assert "在公开页面展示 否 → 是" in text
    assert "启用日期 （空） → 2026-11-01" in text
    assert "友谊村 → 不在您范围内的记录" in text  # 梅西村 is in another town
    for raw in ("stations.station", "planned", "operating", "False", "True", "is_public", "∅"):
        assert raw not in text
    (group,) = response.context["groups"]
    assert group.actor == world.users["town_admin"].name
    raw = client.get(f"/audit/{group.entries[0].row.pk}/")
    assert raw.status_code == 200
    assert "stations.station" in raw.content.decode()
    assert client.get("/audit/999999/").status_code == 404


def test_filters_are_choices_and_history_of_one_record(world, client_for):
    a = make_station(world.regions["330109113001"], name="甲站")
    b = make_station(world.regions["330109113002"], name="乙站")
    _row(world, target=a, changes={"name": ["旧", "甲站"]})
    _row(world, target=b, changes={"name": ["旧", "乙站"]})
    _row(world, actor=world.users["station_manager"], target=b, changes={"address": ["", "路 1 号"]})
    client = client_for(world.users["town_admin"])
    form = client.get("/audit/").context["form"]
    assert ("stations.station", "驿站") in form.fields["target_type"].choices
    assert "station_manager" in dict(form.fields["actor"].choices)
    one = client.get(f"/audit/?target_type=stations.station&target_id={a.pk}").context["groups"]
    assert [e.row.target_repr for g in one for e in g.entries] == ["甲站"]
    theirs = client.get("/audit/?actor=station_manager").context["groups"]
    assert [e.row.target_repr for g in theirs for e in g.entries] == ["乙站"]
    bad = client.get("/audit/?target_type=people.nothing")
    assert bad.status_code == 400
