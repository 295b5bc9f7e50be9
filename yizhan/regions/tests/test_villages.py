import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.regions import selectors
from yizhan.regions.models import Region
from yizhan.regions.services import region_create_village, region_rename
from yizhan.tests.factories import RegionFactory


def test_town_admin_adds_a_village(world):
    admin, town = world.users["town_admin"], world.regions["330109113"]
    with scope_for(admin):
        village = region_create_village(town=town, code="330109113050", name=" 新塘村 ", created_by=admin)
    assert (village.level, village.parent, village.name) == (Region.Level.VILLAGE, town, "新塘村")
    row = AuditLog.all_objects.get(action="create", target_type="regions.region")
    assert row.actor == admin
    assert row.region_code == "330109113050"
    assert row.changes["name"] == [None, "新塘村"]


@pytest.mark.parametrize(
    ("code", "name", "field"),
    [
        ("33010911305", "短", "code"),
        ("3301091130AB", "字母", "code"),
        ("330109114050", "别镇代码", "code"),
        ("330109113001", "重复", "code"),
        ("330109113051", "  ", "name"),
    ],
)
def test_bad_village_input_changes_nothing(world, code, name, field):
    admin, town = world.users["town_admin"], world.regions["330109113"]
    with scopes_disabled():
        before = Region.objects.count()
    with scope_for(admin), pytest.raises(ValidationError) as exc:
        region_create_village(town=town, code=code, name=name, created_by=admin)
    assert field in exc.value.message_dict
    with scopes_disabled():
        assert Region.objects.count() == before
        assert not AuditLog.objects.exists()


def test_village_only_under_a_town_in_own_scope(world):
    with scope_for(world.users["other_town_admin"]), pytest.raises(PermissionDenied):
        region_create_village(
            town=world.regions["330109113"],
            code="330109113060",
            name="越权村",
            created_by=world.users["other_town_admin"],
        )
    with scope_for(world.users["district_admin"]), pytest.raises(ValidationError) as exc:
        region_create_village(
            town=world.regions["330109"], code="330109000001", name="区下村", created_by=world.users["district_admin"]
        )
    assert exc.value.message_dict == {"parent": ["村（社区）只能添加在乡镇（街道）之下。"]}
    with scope_for(world.users["station_manager"]), pytest.raises(PermissionDenied):
        region_create_village(
            town=world.regions["330109113"],
            code="330109113061",
            name="站长村",
            created_by=world.users["station_manager"],
        )


def test_rename_is_audited(world):
    admin = world.users["town_admin"]
    with scope_for(admin):
        region_rename(region=world.regions["330109113002"], name="友谊村（新）", changed_by=admin)
        with pytest.raises(ValidationError) as exc:
            region_rename(region=world.regions["330109113002"], name="", changed_by=admin)
        assert exc.value.message_dict == {"name": ["请输入不超过 100 个字符的名称。"]}
    row = AuditLog.all_objects.get(action="update")
    assert row.changes == {"name": ["友谊村", "友谊村（新）"]}


def test_add_village_page(world, client_for):
    client = client_for(world.users["town_admin"])
    page = client.get("/regions/330109113/")
    assert "添加村（社区）" in page.content.decode()
    bad = client.post("/regions/330109113/", {"code": "123", "name": "坏"})
    assert bad.status_code == 400
    assert bad.context["form"].errors == {"code": ["确保该变量至少包含 12 字符(目前字符数 3)。"]}
    ok = client.post("/regions/330109113/", {"code": "330109113070", "name": "页面村"}, follow=True)
    assert "页面村" in ok.content.decode()
    # a village page has no add form
    assert "添加村（社区）" not in client.get("/regions/330109113001/").content.decode()


def test_api_add_village_validation(world, client_for):
    client = client_for(world.users["town_admin"])
    bad = client.post(
        "/api/regions/330109113/villages", {"code": "330109114001", "name": "x"}, content_type="application/json"
    )
    assert (bad.status_code, bad.json()["errors"]) == (400, {"code": ["代码必须以乡镇代码 330109113 开头。"]})
    ok = client.post(
        "/api/regions/330109113/villages", {"code": "330109113071", "name": "接口村"}, content_type="application/json"
    )
    assert ok.status_code == 201
    assert ok.json()["parent_code"] == "330109113"
    listing = client.get("/api/regions/?parent=330109113").json()
    assert sorted((i["code"], i["name"]) for i in listing["items"]) == [
        ("330109113001", "隆园社区"),
        ("330109113002", "友谊村"),
        ("330109113003", "东灵社区"),
        ("330109113071", "接口村"),
    ]
    assert listing["meta"]["count"] == 4
    assert client.get("/api/regions/?parent=330109114").status_code == 404


@pytest.mark.parametrize("villages", [5, 60])
def test_region_page_query_count_does_not_grow(world, client_for, django_assert_num_queries, villages):
    with scopes_disabled():
        for n in range(villages):
            RegionFactory(code=f"330109113{200 + n:03d}", parent=world.regions["330109113"])
    client = client_for(world.users["town_admin"])
    client.get("/regions/330109113/")  # warm the session
    # session, user, memberships, region, ancestors, count, page of children, session save (savepoint, update, release)
    with django_assert_num_queries(10):
        assert client.get("/regions/330109113/").status_code == 200
    with django_assert_num_queries(8):
        assert client.get("/regions/").status_code == 200


def test_top_level_is_the_root_of_the_scope(world):
    with scope_for(world.users["district_admin"]) as scope:
        assert [r.code for r in selectors.region_top_level(scope)] == ["330109"]
    with scope_for(world.users["station_manager"]) as scope:
        assert [r.code for r in selectors.region_top_level(scope)] == ["330109113001"]
