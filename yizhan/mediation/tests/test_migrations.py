"""The move of studios (and the rollout plan) out of stations keeps the data: a database at main's state, with a
studio, its team, contacts of a station and of a studio, a role at the studio and a plan, is migrated forward;
every row is still there as stored (ids, encrypted numbers and blind indexes byte for byte), and the models of the
new apps read it. Then back again, to check the way back too."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from yizhan.accounts.models import RoleMembership
from yizhan.core import crypto
from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.models import Studio, StudioContact, StudioMember
from yizhan.stations.models import Contact

# The last migrations before the move, and the apps the move created.
BEFORE = [
    ("stations", "0004_room_and_item_version"),
    ("accounts", "0004_rolemembership_station_rolemembership_studio"),
    ("mediation", None),
    ("insights", None),
]
CONTACT_COLUMNS = "id, name, role, phone, phone_index, is_public, sort_order"


def _migrate(targets=None):
    executor = MigrationExecutor(connection)
    state = executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return state.apps


def _rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [tuple(str(value) for value in row) for row in cursor.fetchall()]


def _seed_before(apps):
    """Rows written with the models as they were before the move (the historical models of that state)."""
    region, user = apps.get_model("regions", "Region"), apps.get_model("accounts", "User")
    town = region.objects.create(code="330109113", name="瓜沥镇", level=4)
    village = region.objects.create(code="330109113003", name="东灵社区", level=5, parent=town)
    other = region.objects.create(code="330109113004", name="航民村", level=5, parent=town)
    mediator = user._default_manager.create(username="mig_mediator", name="张敏", mobile="13800000005")
    station = apps.get_model("stations", "Station").objects.create(region=village, name="东灵驿站", status="operating")
    studio = apps.get_model("stations", "Studio").objects.create(
        region=village, name="东灵调解室", brand_name="东灵", status="operating", shared_station=station, version=3
    )
    apps.get_model("stations", "StudioMember").objects.create(
        studio=studio, user=mediator, kind="mediator", can_lead=True, organisation="东灵社区人民调解委员会"
    )
    contact = apps.get_model("stations", "Contact")
    contact.objects.create(station=station, name="陈芳", role="站长", phone="13912345678", sort_order=1)
    contact.objects.create(studio=studio, name="张敏", role="调解员", phone="13800000005", is_public=False)
    contact.objects.create(studio=studio, name="值班", role="值班员", phone="0571-82345678", sort_order=2)
    contact.objects.create(station=station, name="李萍", role="联络员", phone="13800000004", sort_order=2)
    apps.get_model("accounts", "RoleMembership").objects.create(
        user=mediator, role="mediator", region=village, studio=studio
    )
    apps.get_model("stations", "CoveragePlan").objects.create(
        region=other, station_target=date(2027, 6, 30), note="选址中"
    )
    return studio.pk


@pytest.mark.django_db(transaction=True)
def test_migrating_from_main_keeps_studios_teams_contacts_roles_and_plans():
    try:
        studio_id = _seed_before(_migrate(BEFORE))
        studios_sql = "SELECT id, region_id, name, brand_name, status, version, shared_station_id FROM {}"
        members_sql = "SELECT id, studio_id, user_id, kind, can_lead, organisation FROM {}"
        before = {
            "studios": _rows(studios_sql.format("stations_studio")),
            "members": _rows(members_sql.format("stations_studiomember")),
            "station contacts": _rows(
                f"SELECT station_id, {CONTACT_COLUMNS} FROM stations_contact WHERE station_id IS NOT NULL ORDER BY id"
            ),
            "studio contacts": _rows(
                f"SELECT studio_id, {CONTACT_COLUMNS} FROM stations_contact WHERE studio_id IS NOT NULL ORDER BY id"
            ),
            "roles": _rows("SELECT id, user_id, role, region_id, studio_id FROM accounts_rolemembership"),
            "plans": _rows("SELECT id, region_id, station_target, note FROM stations_coverageplan"),
        }

        _migrate()

        after = {
            "studios": _rows(studios_sql.format("mediation_studio")),
            "members": _rows(members_sql.format("mediation_studiomember")),
            "station contacts": _rows(f"SELECT station_id, {CONTACT_COLUMNS} FROM stations_contact ORDER BY id"),
            "studio contacts": _rows(f"SELECT studio_id, {CONTACT_COLUMNS} FROM mediation_studiocontact ORDER BY id"),
            # accounts.0007 turned the studio link into the generic (place_kind, place_id)
            "roles": _rows("SELECT id, user_id, role, region_id, place_id FROM accounts_rolemembership"),
            "plans": _rows("SELECT id, region_id, station_target, note FROM insights_coverageplan"),
        }
        assert after == before
        assert [len(rows) for rows in after.values()] == [1, 1, 2, 2, 1, 1]
        assert _rows("SELECT place_kind FROM accounts_rolemembership") == [("studio",)]
        with scopes_disabled():
            studio = Studio.all_objects.get(pk=studio_id)
            assert studio.shared_station.sharing_places(manager="all_objects") == [studio]
            assert StudioMember.all_objects.get().studio == studio
            assert sorted(c.phone for c in StudioContact.all_objects.filter(studio=studio)) == [
                "0571-82345678",
                "13800000005",
            ]
            found = StudioContact.all_objects.get(phone_index=crypto.blind_index("mobile", "13800000005"))
            assert found.name == "张敏"
            assert not found.is_public
            assert [c.phone for c in Contact.all_objects.order_by("pk")] == ["13912345678", "13800000004"]
            assert RoleMembership.all_objects.get(role="mediator").place_ids() == [("studio", studio.pk)]
            # New rows get fresh ids: a new station contact does not take an id a studio contact kept.
            station = studio.shared_station
            new = Contact.all_objects.create(station=station, name="新", role="联络员")
            assert new.pk > max(c.pk for c in StudioContact.all_objects.all())

        _migrate(BEFORE)  # and back: the studios' contacts return to stations_contact
        assert _rows("SELECT COUNT(*) FROM stations_contact WHERE studio_id IS NOT NULL") == [("2",)]
        assert _rows(studios_sql.format("stations_studio")) == before["studios"]
    finally:
        _migrate()
