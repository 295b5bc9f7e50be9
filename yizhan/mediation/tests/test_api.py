import json

import pytest

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.models import Studio, StudioContact
from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations.models import Status


@pytest.fixture
def net(world):
    return build_studio_network(world)


def _send(client, method, url, data):
    return client.generic(method, url, data=json.dumps(data), content_type="application/json")


def test_studio_api(net, world, client_for):
    client = client_for(world.users["town_admin"])
    body = client.get(f"/api/studios/{net.studio.pk}").json()
    assert {m["kind"] for m in body["team"]} == {"mediator", "lawyer"}
    response = _send(client, "PATCH", f"/api/studios/{net.studio.pk}", {"version": 1, "shared_station": net.station.pk})
    assert response.status_code == 400
    assert "shared_station" in response.json()["errors"]
    response = _send(
        client,
        "POST",
        f"/api/studios/{net.studio.pk}/team",
        {"username": "volunteer", "kind": "counsellor", "organisation": "灵悦心理咨询角"},
    )
    assert response.status_code == 201
    response = _send(client, "POST", "/api/studios/", {"region": "330109113002", "name": "友谊村调解工作室"})
    assert response.status_code == 201
    with scopes_disabled():
        assert Studio.all_objects.get(name="友谊村调解工作室").status == Status.PLANNED


def test_studio_detail_masks_contacts(net, world, client_for):
    with scopes_disabled():
        StudioContact.all_objects.create(studio=net.studio, name="张敏", role="调解员", phone="13812345678")
    body = client_for(world.users["mediator"]).get(f"/api/studios/{net.studio.pk}").json()
    assert body["contacts"] == [
        {
            "id": body["contacts"][0]["id"],
            "name": "张敏",
            "role": "调解员",
            "phone_masked": "138****5678",
            "is_public": True,
        }
    ]


def test_station_detail_lists_the_studios_on_its_premises(net, world, client_for):
    with scopes_disabled():
        sharing = Studio.all_objects.create(region=net.station.region, name="隆园调解室", shared_station=net.station)
    body = client_for(world.users["town_admin"]).get(f"/api/stations/{net.station.pk}").json()
    assert body["studios"] == [sharing.pk]


def test_openapi_lists_the_studio_endpoints(world, client_for):
    schema = client_for(world.users["town_admin"]).get("/api/openapi.json").json()
    assert {"/api/studios/", "/api/studios/{studio_id}", "/api/studios/{studio_id}/team"} <= set(schema["paths"])


def test_huge_offset_gives_an_empty_page_not_an_error(net, world, client_for):
    response = client_for(world.users["town_admin"]).get("/api/studios/?offset=99999999999999999999")
    assert response.status_code == 200
    assert response.json()["items"] == []
