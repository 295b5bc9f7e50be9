import pytest

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.tests.network import build_studio_network
from yizhan.regions.models import Region
from yizhan.stations.models import BrandItem
from yizhan.stations.tests.network import count_queries, grow_network, make_photo


@pytest.fixture
def net(world):
    return build_studio_network(world)


def test_public_station_page_shows_offer_and_the_published_numbers_in_full(net, world, client_for):
    with scopes_disabled():
        BrandItem.all_objects.create(station=net.station, name="内部停用", is_active=False)
    response = client_for(None).get(f"/public/stations/{net.station.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "四融驿站" in html
    assert "融智" in html
    assert "教育培训" in html
    assert "公益活动室" in html
    assert "查找驿站" in html  # the portal's own catalogue, in Chinese by default
    # a number the station chose to publish is not personal data: in full, as a link to call (finding 7 of issue 9)
    assert '<a href="tel:13912345678" data-testid="public-phone">13912345678</a>' in html
    assert "139****5678" not in html
    assert "内部联络" not in html
    assert "13987654321" not in html
    assert "139****4321" not in html
    assert "内部停用" not in html
    assert "08:30" in html


def test_public_studio_page_shows_team_by_organisation_not_names(net, world, client_for):
    html = client_for(None).get(f"/public/studios/{net.studio.pk}/").content.decode()
    assert "明理律师事务所" in html
    assert world.users["advisor"].name not in html
    assert world.users["mediator"].name not in html


def test_public_page_same_when_signed_in(net, world, client_for):
    client = client_for(world.users["district_admin"])
    assert client.get(f"/public/stations/{net.planned_station.pk}/").status_code == 404
    assert "13987654321" not in client.get(f"/public/stations/{net.station.pk}/").content.decode()


def test_public_photo_is_served_and_a_hidden_one_is_not(net, world, client_for):
    shown, hidden = make_photo(net.station), make_photo(net.station, is_public=False)
    response = client_for(None).get(f"/public/photos/{shown.pk}/full/")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert client_for(None).get(f"/public/photos/{hidden.pk}/thumb/").status_code == 404


@pytest.mark.parametrize("n", [10, 200])
def test_public_station_query_count_does_not_grow(net, world, client_for, n):
    grow_network(world, n)
    make_photo(net.station)
    assert count_queries(client_for(None), f"/public/stations/{net.station.pk}/") == 14  # 11 + activity figures


def test_nul_characters_in_a_public_query_are_refused(net, world, client_for):
    response = client_for(world.users["town_admin"]).get("/public/?x=%00")
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_the_front_page_lists_towns_with_their_district_and_numbers(net, world, client_for):
    html = client_for(None).get("/public/").content.decode()
    cards = html.split('data-testid="public-area"')[1:]
    html = next(card for card in cards if "瓜沥镇" in card)
    assert "萧山区" in html
    assert "1 个驿站" in html  # the planned station is not open, so not counted
    assert "1 个调解工作室" in html
    assert "/activities/public/towns/330109113/" in html


def test_the_town_page_shows_every_village_and_whether_stations_are_open(net, world, client_for):
    html = client_for(None).get("/public/towns/330109113/").content.decode()
    grid = html.split('data-testid="village-grid"')[1]
    with scopes_disabled():
        villages = list(Region.all_objects.filter(parent__code="330109113", level=5).values_list("name", flat=True))
    assert villages
    assert all(name in grid for name in villages)
    assert f'href="/public/stations/{net.station.pk}/"' in grid
    assert f'href="/public/studios/{net.studio.pk}/"' in grid
    assert "尚无开放的驿站" in grid
    # the station has Monday-morning hours: the card says whether it is open now or when it opens next
    assert 'data-testid="open-now"' in html


@pytest.mark.parametrize("n", [10, 200])
def test_the_front_and_town_pages_cost_the_same_queries_at_any_size(net, world, client_for, n):
    grow_network(world, n)
    assert count_queries(client_for(None), "/public/") == 3
    assert count_queries(client_for(None), "/public/towns/330109113/") == 7


def test_the_front_page_of_several_districts_drills_down_to_their_towns(net, world, client_for):
    from .test_selectors import _another_district

    _another_district(world, towns=2)
    html = client_for(None).get("/public/").content.decode()
    assert 'href="/public/areas/330108/"' in html
    assert 'href="/public/areas/330109/"' in html
    assert "/public/towns/" not in html
    page = client_for(None).get("/public/areas/330108/").content.decode()
    assert 'href="/public/towns/330108001/"' in page
    assert 'href="/public/towns/330108002/"' in page
    assert "滨江区" in page
    assert 'aria-label="导航路径"' in page


@pytest.mark.parametrize("code", ["330109113", "999999", "33<x>"])
def test_an_area_page_is_only_for_a_city_district_or_province(net, world, client_for, code):
    assert client_for(None).get(f"/public/areas/{code}/").status_code == 404


@pytest.mark.parametrize("towns", [2, 40])
def test_the_front_page_costs_the_same_whatever_the_number_of_towns(net, world, client_for, towns):
    from .test_selectors import _another_district

    _another_district(world, towns=towns)
    client = client_for(None)
    assert count_queries(client, "/public/") == 3
    assert count_queries(client, "/public/areas/3301/") == 4
    assert len(client.get("/public/").content) < 20_000
