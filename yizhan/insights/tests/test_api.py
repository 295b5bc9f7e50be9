import pytest

from yizhan.mediation.tests.network import build_studio_network


@pytest.fixture
def net(world):
    return build_studio_network(world)


def test_coverage_api(net, world, client_for):
    body = client_for(world.users["district_admin"]).get("/api/coverage/?region=330109").json()
    assert body["villages"] == 4
    assert body["operating_stations"] == 2
    assert body["rate"] == 0.5
    assert [t["code"] for t in body["towns"]] == ["330109113", "330109114"]
    assert body["towns"][0]["village_rows"][0]["station_status"] == "operating"
    response = client_for(world.users["district_admin"]).get("/api/coverage/?region=330109113001")
    assert response.status_code == 400


def test_openapi_lists_the_coverage_endpoints(world, client_for):
    schema = client_for(world.users["district_admin"]).get("/api/openapi.json").json()
    assert {"/api/coverage/", "/api/coverage/plan/{village_code}"} <= set(schema["paths"])
