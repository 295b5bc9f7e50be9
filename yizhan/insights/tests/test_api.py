import pytest

from yizhan.mediation.tests.network import build_studio_network


@pytest.fixture
def net(world):
    return build_studio_network(world)


def test_coverage_api(net, world, client_for):
    # Issue 12: the answer is the region's rolled-up figures and one page of its children one level down (it used
    # to be every town with every village: 7.6 MB for a province), so "towns"/"village_rows" became "children".
    client = client_for(world.users["district_admin"])
    body = client.get("/api/coverage/?region=330109").json()
    assert body["villages"] == 4
    assert body["operating_stations"] == 2
    assert body["rate"] == 0.5
    assert body["parent"] == "3301"
    assert body["children"]["level"] == 4
    assert body["children"]["meta"] == {"count": 2, "count_exact": True, "offset": 0, "limit": 50}
    assert [t["code"] for t in body["children"]["items"]] == ["330109113", "330109114"]
    assert body["children"]["items"][0]["villages"] == 3
    assert body["children"]["items"][0]["village"] is None
    response = client.get("/api/coverage/?region=330109113001")
    assert response.status_code == 400


def test_coverage_api_by_code_pages_the_children(net, world, client_for):
    client = client_for(world.users["district_admin"])
    body = client.get("/api/coverage/330109113?limit=2").json()
    assert body["name"] == "瓜沥镇"
    assert body["children"]["level"] == 5
    assert body["children"]["meta"] == {"count": 3, "count_exact": True, "offset": 0, "limit": 2}
    first = body["children"]["items"][0]
    assert first["code"] == "330109113001"
    assert first["operating_stations"] == 1
    assert first["village"]["station_status"] == "operating"
    body = client.get("/api/coverage/330109113?limit=2&offset=2").json()
    assert [v["code"] for v in body["children"]["items"]] == ["330109113003"]
    assert body["children"]["items"][0]["operating_studios"] == 1
    # a town admin reads her town only
    town_admin = client_for(world.users["town_admin"])
    assert town_admin.get("/api/coverage/330109").status_code == 404
    assert town_admin.get("/api/coverage/330109114").status_code == 404
    assert client_for(world.users["other_town_admin"]).get("/api/coverage/330109113").status_code == 404


def test_openapi_lists_the_coverage_endpoints(world, client_for):
    schema = client_for(world.users["district_admin"]).get("/api/openapi.json").json()
    assert {"/api/coverage/", "/api/coverage/{code}", "/api/coverage/plan/{village_code}"} <= set(schema["paths"])
