import pytest

from yizhan.core.scoping import anonymous_scope, scope_for, scopes_disabled
from yizhan.stations import selectors
from yizhan.stations.models import BrandItem, Contact, Photo, Station, Status
from yizhan.stations.tests.network import build_network, make_photo
from yizhan.tests.factories import make_station


@pytest.fixture
def net(world):
    return build_network(world)


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("district_admin", {"station", "other_station", "planned_station"}),
        ("town_admin", {"station", "planned_station"}),
        ("other_town_admin", {"other_station"}),
        ("station_manager", {"station"}),
        ("other_station_manager", {"other_station"}),
        ("mediator", set()),
        ("advisor", set()),
        ("volunteer", set()),
    ],
)
def test_station_list_is_scoped(net, world, role, expected):
    names = {getattr(net, key).pk: key for key in ("station", "other_station", "planned_station")}
    with scope_for(world.users[role]):
        got = {names[s.pk] for s in selectors.station_list()}
    assert got == expected


def test_station_list_filters(net, world):
    with scope_for(world.users["district_admin"]):
        assert [s.pk for s in selectors.station_list(status=Status.PLANNED)] == [net.planned_station.pk]
        assert [s.pk for s in selectors.station_list(region_code="330109114")] == [net.other_station.pk]
        assert [s.pk for s in selectors.station_list(search="四融")] == [net.station.pk]
        row = selectors.station_list(search="四融").get()
        assert row.room_count == 1
        assert row.item_count == 1


def test_anonymous_scope_sees_only_public_operating_stations_and_public_parts(net, world):
    with scopes_disabled():
        hidden_station = make_station(world.regions["330109113003"], name="不公开驿站", is_public=False)
        suspended = make_station(world.regions["330109113002"], name="暂停驿站", status=Status.SUSPENDED)
        BrandItem.all_objects.create(station=net.station, name="停用项目", is_active=False)
    make_photo(net.station, caption="公开")
    make_photo(net.station, caption="内部", is_public=False)
    with anonymous_scope():
        visible = set(Station.objects.values_list("pk", flat=True))
        assert visible == {net.station.pk, net.other_station.pk}
        assert hidden_station.pk not in visible
        assert suspended.pk not in visible
        assert set(Contact.objects.values_list("name", flat=True)) == {"陈芳"}
        assert {i.name for i in BrandItem.objects.filter(station=net.station)} == {"融智"}
        assert set(Photo.objects.filter(station=net.station).values_list("caption", flat=True)) == {"公开"}
        profile = selectors.station_profile(net.station, public=True)
    assert [p.caption for p in profile.photos] == ["公开"]
    assert [c.name for c in profile.contacts] == ["陈芳"]


def test_catalogue_groups_items_under_the_five_lines(net, world):
    with scope_for(world.users["station_manager"]):
        profile = selectors.station_profile(net.station)
    assert [row["line"].name_zh for row in profile.catalogue] == [
        "教育培训",
        "维权调解",
        "创业帮扶",
        "公益关爱",
        "儿童服务",
    ]
    assert [i.name for i in profile.catalogue[0]["items"]] == ["融智"]
    assert all(not row["items"] for row in profile.catalogue[1:])
