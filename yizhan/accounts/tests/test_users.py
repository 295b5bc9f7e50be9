import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yizhan.accounts import services
from yizhan.accounts.models import Role, RoleMembership, User
from yizhan.accounts.permissions import can_grant, can_manage_user
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scope_for, scope_for_user, scopes_disabled
from yizhan.notifications.models import Notification
from yizhan.tests.factories import UserFactory, grant


def _create(world, actor="town_admin", **overrides):
    data = {
        "username": "newbie",
        "name": "新人",
        "password": "Guali#2027x",
        "role": Role.VOLUNTEER,
        "region": world.regions["330109113002"],
        "mobile": "13700001111",
    }
    data.update(overrides)
    with scope_for(world.users[actor]):
        return services.user_create(created_by=world.users[actor], **data)


def test_admin_creates_user_with_role_audit_and_welcome(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user = _create(world)
    assert user.check_password("Guali#2027x")
    assert [(m.role, m.region.code) for m in user.active_memberships()] == [("volunteer", "330109113002")]
    rows = AuditLog.all_objects.filter(action="create").order_by("id")
    assert [r.target_type for r in rows] == ["accounts.user", "accounts.rolemembership"]
    assert rows[0].changes["mobile"] == [None, "137****1111"]
    assert "13700001111" not in str(rows[0].changes)
    note = Notification.all_objects.get(user=user)
    assert note.kind == "welcome"
    assert "newbie" in note.body
    assert "13700001111" not in str(note.params)


def _counts():
    with scopes_disabled():
        return User.objects.count(), RoleMembership.objects.count(), AuditLog.objects.count()


@pytest.mark.parametrize(
    ("overrides", "errors"),
    [
        ({"username": "town_admin"}, {"username": ["该用户名已被使用。"]}),
        (
            {"username": "has space"},
            {"username": ["请输入合法的用户名。只能包含英文字母、数字、特殊字符“@”、“.”、“-”和“_”。"]},
        ),
        ({"mobile": "12345"}, {"mobile": ["请输入 11 位中国大陆手机号，例如 13800138000。"]}),
        ({"name": ""}, {"name": ["此字段不能为空。"]}),
    ],
)
def test_bad_input_creates_nothing(world, overrides, errors):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _create(world, **overrides)
    assert exc.value.message_dict == errors
    assert _counts() == before


@pytest.mark.parametrize(
    ("password", "codes"),
    [("short1A", ["password_too_short"]), ("alllowercaseletters", ["password_classes"])],
)
def test_weak_password_creates_nothing(world, password, codes):
    before = _counts()
    with pytest.raises(ValidationError) as exc:
        _create(world, password=password)
    assert [e.code for e in exc.value.error_list] == codes  # the password policy's errors (test_auth.py)
    assert _counts() == before


def test_duplicate_mobile_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        _create(world, mobile=world.users["station_manager"].mobile)
    assert exc.value.message_dict == {"mobile": ["该手机号已被其他账户使用。"]}


def test_grant_rules(world):
    town = scope_for_user(world.users["town_admin"])
    r = world.regions
    assert can_grant(town, Role.STATION_MANAGER, r["330109113001"])
    assert can_grant(town, Role.FEDERATION_ADMIN, r["330109113001"])  # a village admin below the town
    assert not can_grant(town, Role.FEDERATION_ADMIN, r["330109113"])  # no peers
    assert not can_grant(town, Role.STATION_MANAGER, r["330109114001"])  # other town
    assert not can_grant(town, Role.STATION_MANAGER, r["330109"])  # above
    with pytest.raises(PermissionDenied):
        _create(world, region=r["330109114001"])
    with pytest.raises(PermissionDenied):
        _create(world, actor="station_manager")


def test_who_manages_whom(world):
    town = scope_for_user(world.users["town_admin"])
    district = scope_for_user(world.users["district_admin"])
    assert can_manage_user(town, world.users["station_manager"])
    assert not can_manage_user(town, world.users["other_station_manager"])
    assert not can_manage_user(town, world.users["town_admin"])  # not themselves through admin pages
    assert can_manage_user(district, world.users["town_admin"])
    assert not can_manage_user(town, world.users["district_admin"])
    with scopes_disabled():
        grant(world.users["station_manager"], Role.VOLUNTEER, world.regions["330109114001"])
    # a user who also holds a role in another town is beyond the town admin
    assert not can_manage_user(town, User.all_objects.get(username="station_manager"))


def test_update_revoke_and_reset(world):
    admin = world.users["town_admin"]
    target = User.all_objects.get(username="volunteer")
    with scope_for(admin):
        services.user_update(user=target, changed_by=admin, name="赵红（改）", mobile="13600002222", is_active=True)
        membership = services.membership_grant(
            user=target, role=Role.STATION_MANAGER, region=world.regions["330109113002"], granted_by=admin
        )
        with pytest.raises(ValidationError) as exc:
            services.membership_grant(
                user=target, role=Role.STATION_MANAGER, region=world.regions["330109113002"], granted_by=admin
            )
        assert exc.value.messages == ["该用户在此地点已担任此角色。"]
        services.membership_revoke(membership=membership, revoked_by=admin)
        only = RoleMembership.all_objects.get(user=target, is_active=True)
        with pytest.raises(ValidationError) as exc:
            services.membership_revoke(membership=only, revoked_by=admin)  # last role stays
        assert exc.value.messages == ["用户至少需要一个角色。如需停用，请停用账户。"]
        with pytest.raises(ValidationError) as exc:
            services.password_set(user=target, password="weak", changed_by=admin)
        assert [e.code for e in exc.value.error_list] == ["password_too_short", "password_classes"]
        services.password_set(user=target, password="Reset#Pass99", changed_by=admin)
    target.refresh_from_db()
    assert target.name == "赵红（改）"
    assert target.mobile == "13600002222"
    assert target.check_password("Reset#Pass99")
    change = AuditLog.all_objects.get(action="update", target_type="accounts.user", changes__has_key="mobile")
    assert change.changes["mobile"][1] == "136****2222"


def test_other_town_admin_cannot_touch(world):
    with scope_for(world.users["other_town_admin"]), pytest.raises(PermissionDenied):
        services.user_update(user=world.users["volunteer"], changed_by=world.users["other_town_admin"], name="x")


def test_user_pages(world, client_for):
    client = client_for(world.users["town_admin"])
    r = client.post(
        "/accounts/users/new/",
        {"username": "bad name", "name": "", "role": "volunteer", "region": "330109114001", "password": "x"},
    )
    assert r.status_code == 400
    assert r.context["form"].errors == {
        "name": ["此项为必填项。"],
        "region": ["选择一个有效的选项： 该选择不在可用的选项中。"],  # another town: not offered to this admin
    }
    with scopes_disabled():
        assert not User.objects.filter(name="").exists()
    r = client.post(
        "/accounts/users/new/",
        {
            "username": "wang",
            "name": "王五",
            "role": "volunteer",
            "region": "330109113002",
            "password": "Lake#Rain2026",  # not "Wang@Wu2026": it contains the username
            "mobile": "",
        },
    )
    assert r.status_code == 302
    with scopes_disabled():
        wang = User.objects.get(username="wang")
    # search by full mobile number through the blind index
    mobile = world.users["station_manager"].mobile
    posted = client.post("/accounts/users/", {"q": mobile})
    assert posted.status_code == 302
    assert mobile not in posted["Location"]
    assert "key=m." in posted["Location"]
    assert mobile not in client.get(f"/accounts/users/?q={mobile}")["Location"]  # a typed URL is redirected too
    listing = client.get(posted["Location"]).content.decode()
    table = listing[listing.index("<tbody>") :]
    assert ">station_manager<" in table
    assert ">volunteer<" not in table
    assert mobile not in table
    assert mobile[:3] + "****" + mobile[-4:] in table
    assert ">volunteer<" in client.get("/accounts/users/?role=volunteer").content.decode()
    # edit with a bad mobile number: clear message, nothing saved
    bad = client.post(f"/accounts/users/{wang.pk}/", {"name": "王五", "mobile": "123", "is_active": "on"})
    assert bad.status_code == 400
    assert bad.context["edit_form"].errors == {"mobile": ["请输入 11 位中国大陆手机号，例如 13800138000。"]}
    ok = client.post(f"/accounts/users/{wang.pk}/", {"name": "王五五", "mobile": "", "is_active": "on"})
    assert ok.status_code == 302
    client.post(f"/accounts/users/{wang.pk}/roles/", {"role": "station_manager", "region": "330109113003"})
    with scopes_disabled():
        assert RoleMembership.objects.filter(user=wang, role="station_manager").exists()
    client.post(f"/accounts/users/{wang.pk}/roles/", {"role": "station_manager", "region": "330109114001"})
    with scopes_disabled():
        assert not RoleMembership.objects.filter(user=wang, region__code="330109114001").exists()


@pytest.mark.parametrize("extra", [2, 70])
def test_user_list_query_count(world, client_for, django_assert_num_queries, extra):
    with scopes_disabled():
        for _ in range(extra):
            grant(UserFactory(), Role.VOLUNTEER, world.regions["330109113002"])
    client = client_for(world.users["town_admin"])
    client.get("/accounts/users/")
    # session, user, memberships, count, page, prefetch roles+regions, session save (3)
    with django_assert_num_queries(9):
        assert client.get("/accounts/users/").status_code == 200


@pytest.mark.parametrize("roles", [1, 30])
def test_home_query_count(world, client_for, django_assert_num_queries, roles):
    user = world.users["town_admin"]
    with scopes_disabled():
        for n in range(roles):
            from yizhan.tests.factories import RegionFactory

            grant(
                user, Role.VOLUNTEER, RegionFactory(code=f"330109113{300 + n:03d}", parent=world.regions["330109113"])
            )
    client = client_for(user)
    client.get("/accounts/home/")
    # session, user, memberships, unread notifications, session save (3); the apps' home panels: residents (care
    # visits, my follow-ups), coverage (villages, covered villages, quiet stations: count and first five),
    # mediation for an admin (the region's overdue / nearly due counts, the most urgent cases) and the activities'
    # volunteer panel (the roles here are volunteer roles: upcoming shifts, open shifts, hours this year)
    with django_assert_num_queries(18):
        assert client.get("/accounts/home/").status_code == 200


def test_api_keeps_mobile_numbers_out_of_urls(world, client_for):
    client = client_for(world.users["town_admin"])
    mobile = world.users["station_manager"].mobile
    refused = client.get(f"/api/accounts/users?q={mobile}")
    assert (refused.status_code, refused.json()["errors"]) == (
        400,
        {"q": ["完整手机号请通过 POST /api/accounts/users/search 搜索。"]},
    )
    found = client.post("/api/accounts/users/search", {"q": mobile}, content_type="application/json").json()
    assert [u["username"] for u in found["items"]] == ["station_manager"]
    assert mobile not in str(found)
    assert client.get("/api/accounts/users?q=station").json()["meta"]["count"] == 1
