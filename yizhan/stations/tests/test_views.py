import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from yizhan.core.scoping import scopes_disabled
from yizhan.stations.models import BrandItem, OpeningInterval, Photo, Room, RoomType, Station, Status
from yizhan.stations.tests.network import build_network, count_queries, grow_network, make_photo, png_bytes


@pytest.fixture
def net(world):
    return build_network(world)


def _profile_data(**overrides):
    data = {
        "name": "隆园社区妇女儿童驿站",
        "brand_name": "四融驿站",
        "address": "隆园社区一楼",
        "floor_area": "300",
        "version": "1",
        "is_public": "on",
    }
    data.update(overrides)
    return data


def test_manager_edits_profile(net, world, client_for):
    client = client_for(world.users["station_manager"])
    response = client.post(f"/stations/{net.station.pk}/edit/", _profile_data(introduction="欢迎"))
    assert response.status_code == 302
    with scopes_disabled():
        station = Station.all_objects.get(pk=net.station.pk)
    assert station.introduction == "欢迎"
    assert station.version == 2


def test_manager_form_has_no_status_or_village(net, world, client_for):
    client = client_for(world.users["station_manager"])
    html = client.get(f"/stations/{net.station.pk}/edit/").content.decode()
    assert 'name="status"' not in html
    assert 'name="region"' not in html
    client.post(f"/stations/{net.station.pk}/edit/", _profile_data(status="closed", region="330109113002"))
    with scopes_disabled():
        station = Station.all_objects.get(pk=net.station.pk)
    assert station.status == Status.OPERATING
    assert station.region.code == "330109113001"


def test_stale_form_shows_message_and_saves_nothing(net, world, client_for):
    admin = client_for(world.users["town_admin"])
    manager = client_for(world.users["station_manager"])
    assert (
        admin.post(
            f"/stations/{net.station.pk}/edit/",
            _profile_data(address="镇上改的地址", region="330109113001", status="operating"),
        ).status_code
        == 302
    )
    response = manager.post(f"/stations/{net.station.pk}/edit/", _profile_data(brand_name="站长改的品牌"))
    assert response.status_code == 400
    assert "已有其他人修改了这些内容，本次没有保存" in response.content.decode()  # zh-hans is the default
    with scopes_disabled():
        station = Station.all_objects.get(pk=net.station.pk)
    assert station.address == "镇上改的地址"
    assert station.brand_name == "四融驿站"


def test_negative_area_form_error(net, world, client_for):
    client = client_for(world.users["station_manager"])
    response = client.post(f"/stations/{net.station.pk}/edit/", _profile_data(floor_area="-3"))
    assert response.status_code == 400
    room_type = RoomType.objects.get(code="library")
    response = client.post(f"/stations/{net.station.pk}/rooms/", {"room_type": room_type.pk, "name": "x", "area": "-1"})
    assert response.status_code == 400
    with scopes_disabled():
        assert Room.all_objects.filter(station=net.station).count() == 1


def test_overlapping_hours_form_error(net, world, client_for):
    client = client_for(world.users["station_manager"])
    response = client.post(
        f"/stations/{net.station.pk}/hours/",
        {"d0_0_opens": "08:00", "d0_0_closes": "12:00", "d0_1_opens": "11:00", "d0_1_closes": "13:00"},
    )
    assert response.status_code == 400
    assert "08:00–12:00" in response.content.decode()
    response = client.post(f"/stations/{net.station.pk}/hours/", {"d1_0_opens": "18:00", "d1_0_closes": "08:00"})
    assert response.status_code == 400
    with scopes_disabled():
        assert OpeningInterval.all_objects.filter(station=net.station).count() == 1


def test_photo_upload_through_the_page(net, world, client_for):
    client = client_for(world.users["station_manager"])
    bad = SimpleUploadedFile("evil.png", b"<script>alert(1)</script>", content_type="image/png")
    response = client.post(f"/stations/{net.station.pk}/photos/", {"image": bad, "caption": "x"})
    assert response.status_code == 400
    good = SimpleUploadedFile("ok.jpg", png_bytes(fmt="JPEG"), content_type="image/jpeg")
    response = client.post(f"/stations/{net.station.pk}/photos/", {"image": good, "caption": "活动", "is_public": "on"})
    assert response.status_code == 302
    with scopes_disabled():
        photo = Photo.all_objects.get()
    thumb = client.get(f"/stations/photos/{photo.pk}/thumb/")
    assert thumb.status_code == 200
    assert thumb["Content-Type"] == "image/jpeg"
    assert b"".join(thumb.streaming_content)[:2] == b"\xff\xd8"


# --- query counts: the same at 10 and at 200 stations -----------------------------------------------------


PINNED = {"list": 8, "station": 21}  # the station page: 18, and 3 for the activities section (place_panels)


@pytest.mark.parametrize("n", [10, 200])
def test_query_counts_do_not_grow(net, world, client_for, n):
    grow_network(world, n)
    make_photo(net.station)
    client = client_for(world.users["town_admin"])
    client.get("/accounts/home/")  # session warm-up
    counts = {
        "list": count_queries(client, "/stations/?page=2" if n > 60 else "/stations/"),
        "station": count_queries(client, f"/stations/{net.station.pk}/"),
    }
    assert counts == PINNED


@pytest.mark.parametrize("bad", ["99999999999999999999999", "-1", "abc", "1.5"])
def test_out_of_range_choice_ids_are_refused_with_a_message(net, world, client_for, bad):
    client = client_for(world.users["town_admin"])
    response = client.post(f"/stations/{net.station.pk}/items/{net.item.pk}/", {"name": "融智", "service_lines": [bad]})
    assert response.status_code == 400
    response = client.post(f"/stations/{net.station.pk}/items/", {"name": "新品牌", "service_lines": [bad]})
    assert response.status_code == 400
    response = client.post(
        "/stations/new/", {"name": "新驿站", "region": "330109113003", "status": "planned", "positions": [bad]}
    )
    assert response.status_code == 400
    assert "positions" in response.context["form"].errors
    with scopes_disabled():
        assert not BrandItem.all_objects.filter(name="新品牌").exists()
        assert not Station.all_objects.filter(name="新驿站").exists()
        assert [line.pk for line in BrandItem.all_objects.get(pk=net.item.pk).service_lines.all()] != []


@pytest.mark.parametrize("url", ["/stations/?q=%00"])
def test_nul_characters_in_page_queries_are_refused(net, world, client_for, url):
    response = client_for(world.users["town_admin"]).get(url)
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_nul_characters_in_a_form_change_nothing(net, world, client_for):
    client = client_for(world.users["station_manager"])
    response = client.post(f"/stations/{net.station.pk}/rooms/", {"room_type": "1", "name": "活动\x00室"})
    assert response.status_code == 400
    with scopes_disabled():
        assert Room.all_objects.filter(station=net.station).count() == 1


def test_stale_room_and_item_edits_on_pages_change_nothing(net, world, client_for):
    """Two people edit the same room (or X item): the second save is refused with a message, not overwritten."""
    first, second = client_for(world.users["station_manager"]), client_for(world.users["town_admin"])
    room_url = f"/stations/{net.station.pk}/rooms/{net.room.pk}/"
    assert 'name="version" value="1"' in first.get(room_url).content.decode()
    room = {"room_type": net.room.room_type_id, "name": "公益活动室", "area": "80", "sort_order": "0", "version": "1"}
    assert first.post(room_url, {**room, "capacity": "50"}).status_code == 302
    response = second.post(room_url, {**room, "capacity": "10"})
    assert response.status_code == 400
    assert "其他人修改" in response.content.decode()
    item_url = f"/stations/{net.station.pk}/items/{net.item.pk}/"
    with scopes_disabled():
        lines = [line.pk for line in net.item.service_lines.all()]
    item = {"name": "融智", "service_lines": lines, "is_active": "on", "version": "1"}
    assert first.post(item_url, {**item, "description": "第一位"}).status_code == 302
    response = second.post(item_url, {**item, "description": "第二位"})
    assert response.status_code == 400
    assert "其他人修改" in response.content.decode()
    with scopes_disabled():
        assert Room.all_objects.get(pk=net.room.pk).capacity == 50
        assert BrandItem.all_objects.get(pk=net.item.pk).description == "第一位"
