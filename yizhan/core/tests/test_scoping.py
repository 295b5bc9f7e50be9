import re

import pytest

from yizhan.accounts.models import User
from yizhan.audit.models import AuditLog
from yizhan.core.scoping import Scope, ScopeError, activate, anonymous_scope, scope_for, scope_for_user, scopes_disabled
from yizhan.regions.models import Region


def test_unscoped_query_raises_instead_of_leaking(world):
    qs = Region.objects.all()  # building is fine (forms build querysets at import time) …
    with pytest.raises(ScopeError):
        list(qs)  # … running it without a scope is not
    for run in (lambda: Region.objects.count(), lambda: Region.objects.exists(), lambda: Region.objects.first()):
        with pytest.raises(ScopeError):
            run()
    with pytest.raises(ScopeError):
        User.objects.filter(username="town_admin").get()
    with pytest.raises(ScopeError):
        Region.objects.filter(code="33").update(name="x")


def test_town_admin_sees_only_their_town(world):
    with scope_for(world.users["town_admin"]):
        codes = set(Region.objects.values_list("code", flat=True))
    assert codes == {"330109113", "330109113001", "330109113002", "330109113003"}


def test_district_admin_sees_every_town_below(world):
    with scope_for(world.users["district_admin"]):
        codes = set(Region.objects.values_list("code", flat=True))
    assert codes == {
        "330109",
        "330109113",
        "330109113001",
        "330109113002",
        "330109113003",
        "330109114",
        "330109114001",
    }  # the district and everything below it; not the city (3301) above


def test_member_roles_see_exactly_their_place(world):
    with scope_for(world.users["station_manager"]):
        assert list(Region.objects.values_list("code", flat=True)) == ["330109113001"]
        # Users: only themselves (they administer nobody)
        assert list(User.objects.values_list("username", flat=True)) == ["station_manager"]


def test_users_in_scope_are_those_with_roles_below(world):
    with scope_for(world.users["town_admin"]):
        names = set(User.objects.values_list("username", flat=True))
    assert names == {"town_admin", "station_manager", "mediator", "advisor", "volunteer"}
    with scope_for(world.users["other_town_admin"]):
        names = set(User.objects.values_list("username", flat=True))
    assert names == {"other_town_admin", "other_station_manager"}


def test_anonymous_scope_sees_nothing(world):
    with anonymous_scope():
        assert Region.objects.count() == 0
        assert User.objects.count() == 0
        assert AuditLog.objects.count() == 0


def test_scopes_disabled_sees_everything(world):
    with scopes_disabled():
        assert Region.objects.count() == 9


def test_scope_is_built_once_per_user(world, django_assert_num_queries):
    user = User.all_objects.get(username="town_admin")
    with django_assert_num_queries(1):
        scope = scope_for_user(user)
        scope_for_user(user)
    assert scope.admin_regions == frozenset({"330109113"})
    assert not scope.member_regions


def test_covers_region():
    scope = Scope(user_id=1, admin_regions=frozenset({"330109113"}), member_regions=frozenset({"330109114001"}))
    assert scope.covers_region("330109113001")
    assert scope.covers_region("330109114001")
    assert not scope.covers_region("330109114001", admin_only=True)
    assert not scope.covers_region("330109114")
    assert not scope.covers_region("3301091")


def test_nested_scopes_restore(world):
    with scope_for(world.users["town_admin"]):
        with activate(Scope()):
            assert Region.objects.count() == 0
        assert Region.objects.count() == 4
    with pytest.raises(ScopeError):
        Region.objects.count()


def test_out_of_scope_object_is_404_like_missing(world, client_for):
    client = client_for(world.users["town_admin"])
    missing = client.get("/regions/330109999/")
    other = client.get("/regions/330109114/")
    assert missing.status_code == other.status_code == 404

    def strip(body):  # CSRF tokens differ per response
        return re.sub(rb'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+', b"", body)

    assert strip(missing.content).replace(b"330109999", b"X") == strip(other.content).replace(b"330109114", b"X")


def test_reverse_relations_are_scoped_too(world):
    town = world.regions["330109113"]
    with pytest.raises(ScopeError):
        list(town.children.all())
    with scope_for(world.users["station_manager"]):
        assert [r.code for r in town.children.all()] == ["330109113001"]  # siblings outside the scope are hidden
    with scope_for(world.users["town_admin"]):
        assert town.children.count() == 3
