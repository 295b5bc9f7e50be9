"""The scope kept between requests (SCOPE_CACHE_SECONDS, on in production with Redis): a signed-in request reads no
memberships, and a membership change — granted, revoked, moved — takes effect on the very next request."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from yizhan.accounts import services
from yizhan.accounts.models import Role, RoleMembership
from yizhan.core.scoping import scope_for

PAGE = "/people/visits/calendar/"  # residents' work: federation admins and station managers only


@pytest.fixture(autouse=True)
def kept_scopes():
    cache.clear()
    with override_settings(SCOPE_CACHE_SECONDS=300):
        yield
    cache.clear()


def _memberships_read(client, url=PAGE):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    return response, sum("accounts_rolemembership" in q["sql"] for q in ctx.captured_queries)


def test_a_signed_in_request_reads_the_memberships_once_then_keeps_the_scope(world, client_for):
    client = client_for(world.users["town_admin"])
    first, reads = _memberships_read(client)
    assert first.status_code == 200
    assert reads == 1
    again, reads = _memberships_read(client)
    assert again.status_code == 200
    assert reads == 0


def test_a_role_revoked_takes_effect_on_the_next_request(world, client_for):
    admin, district = world.users["town_admin"], world.users["district_admin"]
    with scope_for(district):
        services.membership_grant(
            user=admin, role=Role.VOLUNTEER, region=world.regions["330109113002"], granted_by=district
        )
    client = client_for(admin)
    assert _memberships_read(client)[0].status_code == 200
    assert _memberships_read(client)[1] == 0  # kept
    membership = RoleMembership.all_objects.get(user=admin, role=Role.FEDERATION_ADMIN)
    with scope_for(district):
        services.membership_revoke(membership=membership, revoked_by=district)
    refused, reads = _memberships_read(client)
    assert refused.status_code == 403
    assert reads == 1


def test_a_role_granted_or_moved_takes_effect_on_the_next_request(world, client_for):
    manager, district = world.users["station_manager"], world.users["district_admin"]
    client = client_for(manager)
    url = "/people/visits/calendar/?area=330109114001"  # 梅西村: not hers yet
    assert client.get(url).status_code == 400
    with scope_for(district):
        services.membership_grant(
            user=manager, role=Role.STATION_MANAGER, region=world.regions["330109114001"], granted_by=district
        )
    assert client.get(url).status_code == 200
    # a save by any app's service (a station moving its manager, a studio its team) forgets the scope too
    membership = RoleMembership.all_objects.get(user=manager, region__code="330109114001")
    membership.delete()
    assert client.get(url).status_code == 400


def test_a_change_of_the_superuser_flag_is_not_served_from_the_kept_scope(world, client_for):
    volunteer = world.users["volunteer"]
    client = client_for(volunteer)
    assert client.get(PAGE).status_code == 403
    volunteer.is_superuser = True
    volunteer.save(update_fields=["is_superuser"])
    assert client.get(PAGE).status_code == 200
    volunteer.is_superuser = False
    volunteer.save(update_fields=["is_superuser"])
    assert client.get(PAGE).status_code == 403


@override_settings(SCOPE_CACHE_SECONDS=0)
def test_without_a_shared_cache_the_scope_is_built_on_every_request(world, client_for):
    client = client_for(world.users["town_admin"])
    assert _memberships_read(client)[1] == 1
    assert _memberships_read(client)[1] == 1
