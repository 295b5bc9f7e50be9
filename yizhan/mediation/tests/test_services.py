import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yizhan.accounts.models import Role, RoleMembership
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scope_for_user, scopes_disabled
from yizhan.mediation import selectors, services
from yizhan.mediation.models import Studio, StudioContact, StudioMember
from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations import selectors as stations_selectors
from yizhan.stations import services as stations_services
from yizhan.stations.models import Station
from yizhan.tests.factories import make_station, make_studio, user_with_role


@pytest.fixture
def net(world):
    return build_studio_network(world)


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted in English (the source language); the Chinese catalogue is tested on pages."""
    from django.utils import translation

    with translation.override("en"):
        yield


def test_studio_shared_station_link_both_ways_and_same_village_only(net, world):
    admin = world.users["town_admin"]
    with scope_for(admin):
        with pytest.raises(ValidationError) as exc:
            services.studio_update(studio=net.studio, updated_by=admin, version=1, shared_station=net.station)
        assert "shared_station" in exc.value.message_dict
        dongling = make_station(world.regions["330109113003"])
        services.studio_update(studio=net.studio, updated_by=admin, version=1, shared_station=dongling)
        assert [s.pk for s in stations_selectors.station_profile(dongling).sharing_places] == [net.studio.pk]
        assert selectors.studio_get(net.studio.pk).shared_station == dongling


def test_team_member_gets_advisor_role_at_the_studio(net, world):
    admin = world.users["town_admin"]
    lawyer = user_with_role(Role.VOLUNTEER, world.regions["330109113002"], username="lawyer2")
    with scope_for(admin):
        with pytest.raises(ValidationError) as exc:
            services.studio_member_add(studio=net.studio, user=lawyer, kind=StudioMember.Kind.LAWYER, added_by=admin)
        assert "organisation" in exc.value.message_dict
        services.studio_member_add(
            studio=net.studio,
            user=lawyer,
            kind=StudioMember.Kind.LAWYER,
            organisation="明理律师事务所",
            added_by=admin,
        )
    membership = RoleMembership.all_objects.get(user=lawyer, role=Role.ADVISOR)
    assert membership.place_ids() == [("studio", net.studio.pk)]
    assert membership.region.code == "330109113003"
    lawyer.__dict__.pop("_memberships_cache", None)
    lawyer.__dict__.pop("_yizhan_scope", None)
    assert scope_for_user(lawyer).place_ids("studio") == frozenset({net.studio.pk})


def test_only_mediators_lead_and_last_lead_stays(net, world):
    admin = world.users["town_admin"]
    with scope_for(admin):
        with pytest.raises(ValidationError):
            services.studio_member_add(
                studio=net.studio,
                user=world.users["volunteer"],
                kind=StudioMember.Kind.COUNSELLOR,
                can_lead=True,
                organisation="灵悦",
                added_by=admin,
            )
        with pytest.raises(ValidationError):
            services.studio_member_remove(member=net.member, removed_by=admin)


def test_removing_advisor_ends_their_studio_scope(net, world):
    admin, advisor = world.users["town_admin"], world.users["advisor"]
    with scope_for(admin):
        member = StudioMember.objects.get(studio=net.studio, user=advisor)
        services.studio_member_remove(member=member, removed_by=admin)
    advisor.__dict__.pop("_memberships_cache", None)
    advisor.__dict__.pop("_yizhan_scope", None)
    assert scope_for_user(advisor).place_ids("studio") == frozenset()


def test_mediator_cannot_edit_studio(net, world):
    mediator = world.users["mediator"]
    with scope_for(mediator), pytest.raises(PermissionDenied):
        services.studio_update(studio=net.studio, updated_by=mediator, version=1, introduction="x")


def test_station_with_a_studio_on_its_premises_cannot_move_away(net, world):
    """Studio.clean: a studio shares premises only with a station of its own village; moving the station broke it.
    The stations app finds the studio through Station.sharing_relations(), without importing this app."""
    with scopes_disabled():
        sharing = make_studio(net.station.region, name="隆园调解室", shared_station=net.station)
    with scope_for(world.users["town_admin"]):
        with pytest.raises(ValidationError) as caught:
            stations_services.station_update(
                station=Station.objects.get(pk=net.station.pk),
                updated_by=world.users["town_admin"],
                version=1,
                region=world.regions["330109113002"],
            )
    assert "region" in caught.value.message_dict
    with scopes_disabled():
        assert Station.all_objects.get(pk=net.station.pk).region.code == "330109113001"
        assert Studio.all_objects.get(pk=sharing.pk).shared_station_id == net.station.pk


def test_studio_contact_is_encrypted_audited_and_removed_by_admins_only(net, world):
    admin, mediator = world.users["town_admin"], world.users["mediator"]
    with scope_for(mediator), pytest.raises(PermissionDenied):
        services.studio_contact_create(studio=net.studio, created_by=mediator, name="张敏", role="调解员")
    with scope_for(admin):
        with pytest.raises(ValidationError):
            services.studio_contact_create(studio=net.studio, created_by=admin, name="王", role="联络员", phone="12345")
        contact = services.studio_contact_create(
            studio=net.studio, created_by=admin, name="张敏", role="调解员", phone="138 1234 5678", sort_order=2
        )
    assert contact.phone == "13812345678"
    assert contact.masked_phone == "138****5678"
    assert contact.sort_order == 2
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM mediation_studiocontact WHERE id = %s", [contact.pk])
        assert "12345678" not in cursor.fetchone()[0]
    with scopes_disabled():
        created = AuditLog.all_objects.get(target_type="mediation.studiocontact", action="create")
    assert created.changes["phone"] == [None, "138****5678"]
    assert created.region_code == "330109113003"
    with scope_for(mediator), pytest.raises(PermissionDenied):
        services.studio_contact_delete(contact=contact, deleted_by=mediator)
    with scope_for(admin):
        services.studio_contact_delete(contact=contact, deleted_by=admin)
    with scopes_disabled():
        assert not StudioContact.all_objects.filter(pk=contact.pk).exists()
        assert AuditLog.all_objects.filter(target_type="mediation.studiocontact", action="delete").count() == 1
