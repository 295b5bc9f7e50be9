from datetime import timedelta

import pytest
from django.utils import timezone

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.mediation.tests.network import build_studio_network
from yizhan.portal import selectors
from yizhan.regions.models import Region
from yizhan.stations.models import HoursException, Station, Status
from yizhan.stations.tests.network import make_photo
from yizhan.tests.factories import make_station


@pytest.fixture
def net(world):
    return build_studio_network(world)


def test_public_station_shows_only_operating_public_stations_and_their_public_parts(net, world):
    with scopes_disabled():
        hidden_station = make_station(world.regions["330109113003"], name="不公开驿站", is_public=False)
    make_photo(net.station, caption="公开")
    make_photo(net.station, caption="内部", is_public=False)
    profile = selectors.public_station(net.station.pk)
    assert [p.caption for p in profile.photos] == ["公开"]
    assert [c.name for c in profile.contacts] == ["陈芳"]
    assert profile.station.status == Status.OPERATING
    with pytest.raises(Station.DoesNotExist):
        selectors.public_station(net.planned_station.pk)
    with pytest.raises(Station.DoesNotExist):
        selectors.public_station(hidden_station.pk)


def test_public_selectors_ignore_the_signed_in_scope(net, world):
    with scope_for(world.users["district_admin"]), pytest.raises(Station.DoesNotExist):
        selectors.public_station(net.planned_station.pk)


def test_public_exceptions_are_upcoming_only(net, world):
    today = timezone.localdate()
    with scopes_disabled():
        HoursException.all_objects.create(station=net.station, date=today - timedelta(days=3), note="过去")
        HoursException.all_objects.create(station=net.station, date=today + timedelta(days=3), note="将来")
    assert [e.note for e in selectors.public_station(net.station.pk).exceptions] == ["将来"]


def _another_district(world, towns: int = 1):
    """A second district of 杭州市 (滨江区) with ``towns`` towns, each with one village and its open station."""
    with scopes_disabled():
        district = Region.all_objects.create(code="330108", name="滨江区", level=3, parent=world.regions["3301"])
        for i in range(towns):
            town = Region.all_objects.create(code=f"330108{i + 1:03d}", name=f"滨江{i}街道", level=4, parent=district)
            village = Region.all_objects.create(code=f"{town.code}001", name=f"滨江{i}社区", level=5, parent=town)
            make_station(village, name=f"滨江{i}驿站")
    return district


def test_public_town_lists(net, world):
    towns = selectors.public_areas()
    assert [t.code for t in towns] == ["330109113", "330109114"]
    assert [(t.stations, t.studios) for t in towns] == [(1, 1), (1, 0)]
    stations, studios = selectors.public_places_in_town(world.regions["330109113"])
    assert [s.pk for s in stations] == [net.station.pk]
    assert [s.pk for s in studios] == [net.studio.pk]
    assert [i.name for i in stations[0].public_items] == ["融智"]


def test_a_portal_of_several_districts_lists_districts_and_each_district_its_towns(net, world):
    district = _another_district(world, towns=3)
    areas = selectors.public_areas()
    assert [(a.code, a.stations, a.studios) for a in areas] == [("330108", 3, 0), ("330109", 2, 1)]
    assert areas[0].parent.name == "杭州市"
    towns = selectors.public_areas(district)
    assert [(t.name, t.stations) for t in towns] == [("滨江0街道", 1), ("滨江1街道", 1), ("滨江2街道", 1)]
    # the city holds two districts with places: its page lists them; the province, of one city, goes down to them
    assert [a.code for a in selectors.public_areas(world.regions["3301"])] == ["330108", "330109"]
    assert [a.code for a in selectors.public_areas(world.regions["33"])] == ["330108", "330109"]
