"""Pickers that do not ship the province (issue 12, ``core/pickers.py``): every page with a village, area, station,
studio or account picker costs the same number of ``<option>``s and the same bytes with 3 or 63 villages (and as
many stations, studios and accounts, and 60 more towns); the picker endpoints answer a page of what is in scope."""

import json
import re

import pytest

from yizhan.core.pickers import PAGE_SIZE
from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import Person
from yizhan.regions.models import Region
from yizhan.stations.models import BrandItem, Room, RoomType, Station
from yizhan.tests.factories import PersonFactory, make_station, make_studio, user_with_role

GROWTH = 60


def grow(world, count=GROWTH):
    """``count`` more villages in 瓜沥镇, each with a station (a room, an X item), a studio and a station manager's
    account; ``count`` more towns in 萧山区 (without villages)."""
    town, county = world.regions["330109113"], world.regions["330109"]
    with scopes_disabled():
        villages = Region.all_objects.bulk_create(
            Region(code=f"330109113{101 + n:03d}", name=f"新建村{n:02d}", level=Region.Level.VILLAGE, parent=town)
            for n in range(count)
        )
        Region.all_objects.bulk_create(
            Region(code=f"330109{200 + n:03d}", name=f"新设镇{n:02d}", level=Region.Level.TOWN, parent=county)
            for n in range(count)
        )
        room_type = RoomType.objects.first()
        for n, village in enumerate(villages):
            station = make_station(village, name=f"新建驿站{n:02d}")
            Room.all_objects.create(station=station, room_type=room_type, name=f"活动室{n:02d}", capacity=20)
            BrandItem.all_objects.create(station=station, name=f"新·关爱{n:02d}")
            make_studio(village, name=f"新建工作室{n:02d}")
            user_with_role("station_manager", village, username=f"manager{n:02d}", name=f"新站长{n:02d}")
    return villages


# (who, page, the picker's field): pages whose pickers grow with the province
PAGES = [
    ("town_admin", "/people/", "village"),
    ("town_admin", "/people/new/", "region"),
    ("town_admin", "/people/visits/overdue/", "village"),
    ("town_admin", "/people/visits/plans/", "region"),
    ("town_admin", "/stations/new/", "region"),
    ("town_admin", "/activities/", "station"),
    ("town_admin", "/activities/new/", "station"),
    ("town_admin", "/activities/new/", "room"),
    ("town_admin", "/activities/new/", "brand_item"),
    ("town_admin", "/stations/studios/new/", "shared_station"),
    ("town_admin", "/stations/studios/cases/statistics/", "studio"),
    ("district_admin", "/stations/coverage/?region=330109114", "region"),  # 党湾镇: its villages stay
    ("town_admin", "/audit/?date_from=2100-01-01", "actor"),
    ("district_admin", "/accounts/users/new/", "region"),
]


def _measure(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    return html.count("<option"), len(response.content), html


@pytest.mark.parametrize(("who", "url", "field"), PAGES, ids=[p[1] for p in PAGES])
def test_pickers_ship_the_same_page_at_3_and_63_villages(world, client_for, who, url, field):
    client = client_for(world.users[who])
    client.get(url)  # warm up
    options, size, html = _measure(client, url)
    assert re.search(rf'<select name="{field}"[^>]*data-source="/[^"]+"', html), "the picker names its endpoint"
    grow(world)
    assert _measure(client, url)[:2] == (options, size)


def _pick(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def test_village_picker_pages_searches_and_keeps_to_scope(world, client_for):
    grow(world)
    admin = client_for(world.users["town_admin"])
    first = _pick(admin, "/people/pick/villages/")
    assert len(first["results"]) == PAGE_SIZE
    assert first["more"] is True
    assert first["page"] == 1
    codes = [row["value"] for row in first["results"]]
    assert codes == sorted(codes)
    assert codes[0] == "330109113001"
    assert all(code.startswith("330109113") for code in codes)
    # 63 villages: pages of 20, 20, 20, 3; past the end gives the last page, a bad number the first
    assert [len(_pick(admin, "/people/pick/villages/", page=n)["results"]) for n in (2, 3, 4)] == [20, 20, 3]
    assert _pick(admin, "/people/pick/villages/", page=99) == _pick(admin, "/people/pick/villages/", page=4)
    for bad in ("abc", "-1", "0", "1e9", "99999999999"):
        answer = _pick(admin, "/people/pick/villages/", page=bad)
        assert answer["page"] in (1, 4), bad
        assert answer["results"], bad
    # search: part of a name, a code prefix; nothing of another town, even by its own code or name
    assert [r["text"] for r in _pick(admin, "/people/pick/villages/", q="友谊")["results"]] == ["友谊村"]
    assert len(_pick(admin, "/people/pick/villages/", q="33010911311")["results"]) == 10  # …110 to …119
    assert _pick(admin, "/people/pick/villages/", q="梅西")["results"] == []
    assert _pick(admin, "/people/pick/villages/", q="330109114")["results"] == []
    # a station manager works with her own village only
    manager = client_for(world.users["station_manager"])
    assert [r["value"] for r in _pick(manager, "/people/pick/villages/")["results"]] == ["330109113001"]


def test_picker_refuses_bad_queries_and_strangers(world, client_for):
    admin = client_for(world.users["town_admin"])
    assert admin.get("/people/pick/villages/", {"q": "村" * 101}).status_code == 400
    assert admin.get("/people/pick/villages/", {"q": "村\x00"}).status_code == 400
    anonymous = client_for(None).get("/people/pick/villages/")
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert client_for(world.users["volunteer"]).get("/people/pick/villages/").status_code == 403


def test_station_studio_region_and_account_pickers_keep_to_scope(world, client_for):
    with scopes_disabled():
        make_station(world.regions["330109113001"], name="隆园驿站")
        make_station(world.regions["330109114001"], name="梅西驿站")
        make_studio(world.regions["330109114001"], name="梅西工作室")
    grow(world, 3)
    admin = client_for(world.users["town_admin"])
    stations = [r["text"] for r in _pick(admin, "/stations/pick/stations/")["results"]]
    assert "隆园社区 · 隆园驿站" in stations
    assert not any("梅西" in s for s in stations)
    assert _pick(admin, "/stations/pick/stations/", q="梅西")["results"] == []
    assert [r["text"] for r in _pick(admin, "/stations/pick/stations/", q="新建驿站01")["results"]] == [
        "新建村01 · 新建驿站01"
    ]
    other = client_for(world.users["other_town_admin"])
    assert [r["text"] for r in _pick(other, "/stations/pick/stations/")["results"]] == ["梅西村 · 梅西驿站"]
    assert [r["text"] for r in _pick(other, "/stations/studios/pick/studios/")["results"]] == ["梅西工作室"]
    villages = [r["text"] for r in _pick(admin, "/stations/pick/villages/")["results"]]
    assert villages[:2] == ["瓜沥镇 隆园社区", "瓜沥镇 友谊村"]
    assert not any("梅西" in v for v in villages)
    assert [r["value"] for r in _pick(other, "/stations/coverage/pick/regions/")["results"]] == ["330109114"]
    district = [
        r["value"]
        for r in _pick(client_for(world.users["district_admin"]), "/stations/coverage/pick/regions/")["results"]
    ]
    assert district[:3] == ["330109", "330109113", "330109114"]
    places = [r["value"] for r in _pick(other, "/accounts/pick/places/")["results"]]
    assert places == ["330109114", "330109114001"]
    rooms = [r["text"] for r in _pick(admin, "/activities/pick/rooms/", q="活动室01")["results"]]
    assert rooms == ["新建驿站01 · 活动室01 (20人)"]
    assert _pick(other, "/activities/pick/rooms/", q="活动室")["results"] == []
    assert len(_pick(admin, "/activities/pick/brand-items/", q="新·关爱")["results"]) == 3
    accounts = [r["value"] for r in _pick(admin, "/audit/pick/accounts/", q="新站长")["results"]]
    assert accounts == ["manager00", "manager01", "manager02"]
    assert _pick(other, "/audit/pick/accounts/", q="新站长")["results"] == []


def test_person_picker_names_people_in_scope_only(world, client_for):
    with scopes_disabled():
        PersonFactory(name="王丽", region=world.regions["330109113001"])
        PersonFactory(name="王梅", region=world.regions["330109114001"])
    rows = _pick(client_for(world.users["town_admin"]), "/people/pick/people/", q="王")["results"]
    assert [r["text"] for r in rows] == ["王丽 · 隆园社区"]
    assert set(rows[0]) == {"value", "text"}  # no numbers, no dates
    assert _pick(client_for(world.users["other_station_manager"]), "/people/pick/people/", q="丽")["results"] == []


PERSON = {"name": "李秀英", "gender": "female", "id_type": "resident_id", "residency": "resident"}


def test_a_forged_village_outside_scope_is_refused_and_a_typed_one_is_found(world, client_for):
    admin = client_for(world.users["town_admin"])
    forged = admin.post("/people/new/", {**PERSON, "region": "330109114001"})
    assert forged.status_code == 400
    assert forged.context["form"].errors["region"]
    with scopes_disabled():
        assert not Person.all_objects.filter(name="李秀英").exists()
    # without JavaScript: the select posts nothing chosen, the text box under it part of a name
    several = admin.post("/people/new/", {**PERSON, "region": ["", "社区"]})
    assert several.status_code == 400
    assert "社区" in several.context["form"].errors["region"][0]
    assert admin.post("/people/new/", {**PERSON, "region": ["", "梅西"]}).status_code == 400
    typed = admin.post("/people/new/", {**PERSON, "region": ["", "友谊"]})
    assert typed.status_code == 302
    with scopes_disabled():
        assert Person.all_objects.get(name="李秀英").region.code == "330109113002"


def test_a_forged_station_outside_scope_is_refused(world, client_for):
    with scopes_disabled():
        meixi = make_station(world.regions["330109114001"], name="梅西驿站")
    response = client_for(world.users["town_admin"]).post(
        "/activities/new/",
        {
            "station": meixi.pk,
            "title": "亲子手工",
            "audience": "public",
            "starts_at": "2030-05-01T09:00",
            "ends_at": "2030-05-01T11:00",
            "seats": 10,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["station"]
    for huge in ("99999999999999999999", "-1", "abc"):
        bad = client_for(world.users["town_admin"]).get("/activities/", {"station": huge})
        assert bad.status_code == 400, huge
    with scopes_disabled():
        assert Station.all_objects.filter(name="梅西驿站").count() == 1


def test_the_chosen_value_is_the_only_option_shown(world, client_for):
    grow(world, 3)
    html = client_for(world.users["town_admin"]).get("/people/?village=330109113102").content.decode()
    select = re.search(r'<select name="village".*?</select>', html, re.S).group(0)
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == ["全部", "新建村01"]
    assert 'value="330109113102" selected' in select


def test_a_filter_takes_a_typed_village_without_javascript(world, client_for):
    response = client_for(world.users["town_admin"]).get("/people/", {"village": ["", "友谊"]})
    assert response.status_code == 200
    assert response.context["form"].cleaned_data["village"].code == "330109113002"
    # the chosen village is shown chosen in the picker
    assert 'value="330109113002" selected' in response.content.decode()
