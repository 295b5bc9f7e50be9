import pytest

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations.models import BrandItem
from yizhan.stations.tests.network import count_queries, grow_network, make_photo


@pytest.fixture
def net(world):
    return build_studio_network(world)


def test_public_station_page_shows_offer_and_masks_numbers(net, world, client_for):
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
    assert "139****5678" in html
    assert "13912345678" not in html
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
