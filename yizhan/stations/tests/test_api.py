import json

import pytest

from yizhan.core.scoping import scopes_disabled
from yizhan.core.versioning import STALE_MESSAGE
from yizhan.stations.models import BrandItem, Room, Station
from yizhan.stations.tests.network import build_network


@pytest.fixture
def net(world):
    return build_network(world)


def _send(client, method, url, data):
    return client.generic(method, url, data=json.dumps(data), content_type="application/json")


def test_list_filters_and_pagination(net, world, client_for):
    client = client_for(world.users["district_admin"])
    body = client.get("/api/stations/?limit=2").json()
    assert body["meta"] == {"count": 3, "count_exact": True, "offset": 0, "limit": 2}
    assert len(body["items"]) == 2
    body = client.get("/api/stations/?limit=2&offset=2").json()
    assert len(body["items"]) == 1
    body = client.get("/api/stations/?region=330109114").json()
    assert [s["id"] for s in body["items"]] == [net.other_station.pk]
    body = client.get("/api/stations/?status=planned").json()
    assert [s["id"] for s in body["items"]] == [net.planned_station.pk]
    body = client.get("/api/stations/?q=四融").json()
    assert body["items"][0]["brand_name"] == "四融驿站"
    assert body["items"][0]["region"]["code"] == "330109113001"


def test_detail_masks_contacts(net, world, client_for):
    body = client_for(world.users["station_manager"]).get(f"/api/stations/{net.station.pk}").json()
    assert [r["name"] for r in body["rooms"]] == ["公益活动室"]
    assert body["brand_items"][0] == {
        "id": net.item.pk,
        "name": "融智",
        "description": "干部能力提升",
        "is_active": True,
        "service_lines": ["education"],
        "version": 1,
    }
    assert {c["phone_masked"] for c in body["contacts"]} == {"139****5678", "139****4321"}
    assert "13912345678" not in json.dumps(body)
    assert body["hours"] == [{"weekday": 0, "opens": "08:30", "closes": "11:30"}]


def test_create_update_and_version_conflict(world, client_for):
    client = client_for(world.users["town_admin"])
    response = _send(
        client,
        "POST",
        "/api/stations/",
        {"region": "330109113003", "name": "东灵社区驿站", "floor_area": 120, "positions": ["women_home"]},
    )
    assert response.status_code == 201, response.content
    station_id = response.json()["id"]
    response = _send(client, "PATCH", f"/api/stations/{station_id}", {"version": 1, "status": "operating"})
    assert response.status_code == 200
    assert response.json()["status"] == "operating"
    assert response.json()["positions"] == ["women_home"]
    assert response.json()["version"] == 2
    response = _send(client, "PATCH", f"/api/stations/{station_id}", {"version": 1, "name": "旧版本"})
    assert response.status_code == 409
    assert "detail" in response.json()
    with scopes_disabled():
        assert Station.all_objects.get(pk=station_id).name == "东灵社区驿站"


@pytest.mark.parametrize(
    ("payload", "status"),
    [
        ({"region": "330109113003", "name": "驿站", "floor_area": -1}, 400),
        ({"region": "330109113003", "name": ""}, 422),
        ({"region": "330109113", "name": "镇驿站"}, 400),
        ({"region": "330109113003", "name": "驿站", "positions": ["nope"]}, 400),
        ({"region": "330109113003", "name": "驿站", "status": "flying"}, 422),
        ({"name": "驿站"}, 422),
    ],
)
def test_bad_station_input_is_4xx_with_messages(world, client_for, payload, status):
    response = _send(client_for(world.users["town_admin"]), "POST", "/api/stations/", payload)
    assert response.status_code == status, response.content
    assert response.json()["detail"]
    with scopes_disabled():
        assert not Station.all_objects.exists()


def test_manager_cannot_move_station_by_api(net, world, client_for):
    client = client_for(world.users["station_manager"])
    response = _send(client, "PATCH", f"/api/stations/{net.station.pk}", {"version": 1, "region": "330109113002"})
    assert response.status_code == 403
    response = _send(client, "PATCH", f"/api/stations/{net.station.pk}", {"version": 1, "floor_area": 310})
    assert response.status_code == 200
    assert response.json()["floor_area"] == 310


def test_rooms_and_items_by_api(net, world, client_for):
    client = client_for(world.users["station_manager"])
    response = _send(
        client, "POST", f"/api/stations/{net.station.pk}/rooms", {"room_type": "mediation", "name": "调解室"}
    )
    assert response.status_code == 201
    assert response.json()["room_type"] == "mediation"
    room_id = response.json()["id"]
    response = _send(client, "PATCH", f"/api/stations/{net.station.pk}/rooms/{room_id}", {"version": 1, "area": -4})
    assert response.status_code == 400
    assert "area" in response.json()["errors"]
    response = _send(client, "POST", f"/api/stations/{net.station.pk}/rooms", {"room_type": "spaceship", "name": "x"})
    assert response.status_code == 400
    response = _send(
        client, "POST", f"/api/stations/{net.station.pk}/brand-items", {"name": "融心", "service_lines": []}
    )
    assert response.status_code == 400
    assert "service_lines" in response.json()["errors"]
    response = _send(
        client,
        "POST",
        f"/api/stations/{net.station.pk}/brand-items",
        {"name": "融心", "service_lines": ["welfare", "rights"]},
    )
    assert response.status_code == 201
    item_id = response.json()["id"]
    response = _send(
        client, "PATCH", f"/api/stations/{net.station.pk}/brand-items/{item_id}", {"version": 1, "is_active": False}
    )
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    # Another station's room through this station's address: 404.
    response = client.get(f"/api/stations/{net.station.pk}/rooms/{net.other_room.pk}")
    assert response.status_code == 404
    with scopes_disabled():
        assert Room.all_objects.filter(station=net.station).count() == 2
        assert BrandItem.all_objects.filter(station=net.station).count() == 2


def _room_and_item(net, client):
    room = _send(client, "POST", f"/api/stations/{net.station.pk}/rooms", {"room_type": "mediation", "name": "调解室"})
    item = _send(
        client, "POST", f"/api/stations/{net.station.pk}/brand-items", {"name": "融心", "service_lines": ["rights"]}
    )
    assert room.status_code == item.status_code == 201
    return (
        f"/api/stations/{net.station.pk}/rooms/{room.json()['id']}",
        f"/api/stations/{net.station.pk}/brand-items/{item.json()['id']}",
    )


def test_room_and_item_patches_without_a_version_are_refused_and_change_nothing(net, world, client_for):
    client = client_for(world.users["station_manager"])
    room_url, item_url = _room_and_item(net, client)
    for url in (room_url, item_url):
        response = _send(client, "PATCH", url, {"name": "改名"})
        assert response.status_code == 422
        assert response.json()["errors"] == {"version": ["此项为必填项。"]}
    assert client.get(room_url).json()["name"] == "调解室"
    with scopes_disabled():
        item = BrandItem.all_objects.get(pk=item_url.rsplit("/", 1)[1])
        assert (item.name, item.version) == ("融心", 1)


def test_room_and_item_patches_with_a_stale_version_get_409_and_change_nothing(net, world, client_for):
    client = client_for(world.users["station_manager"])
    room_url, item_url = _room_and_item(net, client)
    for url in (room_url, item_url):
        assert _send(client, "PATCH", url, {"version": 1, "name": "第一次"}).status_code == 200
        response = _send(client, "PATCH", url, {"version": 1, "name": "第二次"})
        assert response.status_code == 409
        assert response.json()["errors"] == {"version": [str(STALE_MESSAGE)]}
    assert client.get(room_url).json()["name"] == "第一次"
    with scopes_disabled():
        item = BrandItem.all_objects.get(pk=item_url.rsplit("/", 1)[1])
        assert (item.name, item.version) == ("第一次", 2)


def test_hours_by_api_refuses_overlap(net, world, client_for):
    client = client_for(world.users["station_manager"])
    response = _send(
        client,
        "PUT",
        f"/api/stations/{net.station.pk}/hours",
        [{"weekday": 0, "opens": "08:00", "closes": "12:00"}, {"weekday": 0, "opens": "11:00", "closes": "13:00"}],
    )
    assert response.status_code == 400
    assert "hours" in response.json()["errors"]


def test_catalogue(world, client_for):
    body = client_for(world.users["volunteer"]).get("/api/catalogue/service-lines").json()
    assert [line["name_zh"] for line in body] == ["教育培训", "维权调解", "创业帮扶", "公益关爱", "儿童服务"]


def test_openapi_lists_station_endpoints(world, client_for):
    schema = client_for(world.users["town_admin"]).get("/api/openapi.json").json()
    for path in ("/api/stations/", "/api/stations/{station_id}"):
        assert path in schema["paths"]
    assert client_for(world.users["town_admin"]).get("/api/docs").status_code == 200


def test_huge_offset_gives_an_empty_page_not_an_error(net, world, client_for):
    client = client_for(world.users["town_admin"])
    response = client.get("/api/stations/?offset=99999999999999999999&limit=99999999999")
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["meta"]["count"] == 2


def test_room_capacity_has_the_same_upper_bound_as_the_form(net, world, client_for):
    client = client_for(world.users["station_manager"])
    url = f"/api/stations/{net.station.pk}/rooms"
    response = _send(client, "POST", url, {"room_type": "activity_room", "name": "大厅", "capacity": 10**12})
    assert response.status_code == 400
    assert "capacity" in response.json()["errors"]
    response = _send(client, "PATCH", f"{url}/{net.room.pk}", {"version": net.room.version, "capacity": 100001})
    assert response.status_code == 400
    assert "capacity" in response.json()["errors"]
    with scopes_disabled():
        assert Room.all_objects.filter(station=net.station).count() == 1
        assert Room.all_objects.get(pk=net.room.pk).capacity == 40


def test_schema_errors_are_translated_per_field(world, client_for):
    client = client_for(world.users["town_admin"])
    response = _send(
        client,
        "POST",
        "/api/stations/",
        {"region": "330109113003", "name": "x" * 101, "status": "flying", "opened_on": "2026-02-30"},
    )
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "数据无效。"
    assert body["errors"]["name"] == ["最多填写 100 个字符。"]
    assert body["errors"]["status"][0].startswith("请从以下选项中选择：")
    assert body["errors"]["opened_on"] == ["请输入有效的日期（YYYY-MM-DD）。"]
    response = _send(client, "PUT", "/api/stations/1/hours", [{"weekday": 9, "opens": "8", "closes": "x"}])
    assert response.json()["errors"]["0.weekday"] == ["请输入不大于 6 的值。"]
    response = _send(client, "POST", "/api/stations/", {"name": "驿站"})
    assert response.json()["errors"] == {"region": ["此项为必填项。"]}
    with scopes_disabled():
        assert not Station.all_objects.exists()


def test_unreadable_body_and_anonymous_calls_get_translated_messages(world, client_for):
    client = client_for(world.users["town_admin"])
    response = client.generic("POST", "/api/stations/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "无法读取请求内容：请发送有效的 JSON。"
    response = client_for(None).get("/api/stations/")
    assert response.status_code == 401
    assert response.json()["detail"] == "请先登录。"


@pytest.mark.parametrize(
    ("method", "path", "payload"),
    [
        ("POST", "/api/stations/", {"region": "330109113003", "name": "新\x00驿站"}),
        ("PATCH", "/api/stations/{station}", {"version": 1, "introduction": "介绍\x00"}),
        ("POST", "/api/stations/{station}/brand-items", {"name": "X", "service_lines": ["education\x00"]}),
        ("GET", "/api/stations/?q=%E9%9A%86%00", None),
    ],
)
def test_nul_characters_are_refused_with_a_message(net, world, client_for, method, path, payload):
    """PostgreSQL cannot store or compare text with U+0000: without the check these were 500s there."""
    client = client_for(world.users["town_admin"])
    url = path.format(station=net.station.pk)
    response = client.get(url) if payload is None else _send(client, method, url, payload)
    assert response.status_code == 400
    assert "空字符" in response.json()["detail"]
    with scopes_disabled():
        assert Station.all_objects.count() == 3
        assert Station.all_objects.get(pk=net.station.pk).version == 1
        assert BrandItem.all_objects.filter(station=net.station).count() == 1


def test_stale_room_and_item_edits_by_api_change_nothing(net, world, client_for):
    client = client_for(world.users["station_manager"])
    room_url = f"/api/stations/{net.station.pk}/rooms/{net.room.pk}"
    response = _send(client, "PATCH", room_url, {"version": 1, "capacity": 50})
    assert response.status_code == 200
    assert response.json()["version"] == 2
    response = _send(client, "PATCH", room_url, {"version": 1, "capacity": 10})
    assert response.status_code == 409
    assert response.json()["detail"]
    item_url = f"/api/stations/{net.station.pk}/brand-items/{net.item.pk}"
    response = _send(client, "PATCH", item_url, {"version": 1, "description": "新的说明"})
    assert response.status_code == 200
    assert response.json()["version"] == 2
    response = _send(client, "PATCH", item_url, {"version": 1, "description": "旧的说明"})
    assert response.status_code == 409
    with scopes_disabled():
        assert Room.all_objects.get(pk=net.room.pk).capacity == 50
        assert BrandItem.all_objects.get(pk=net.item.pk).description == "新的说明"
