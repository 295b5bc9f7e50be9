import pytest

from yizhan.core.scoping import anonymous_scope, scope_for, scopes_disabled
from yizhan.mediation import selectors
from yizhan.mediation.models import Studio, StudioContact
from yizhan.mediation.tests.network import build_studio_network


@pytest.fixture
def net(world):
    return build_studio_network(world)


def test_studio_scope_for_team_members(net, world):
    for role in ("mediator", "advisor"):
        with scope_for(world.users[role]):
            assert [s.pk for s in selectors.studio_list()] == [net.studio.pk]
    with scope_for(world.users["station_manager"]):
        assert list(selectors.studio_list()) == []
    with scope_for(world.users["other_town_admin"]):
        assert list(selectors.studio_list()) == []


def test_anonymous_scope_sees_public_operating_studios_and_their_public_contacts(net, world):
    with scopes_disabled():
        StudioContact.all_objects.create(studio=net.studio, name="张敏", role="调解员", phone="13812345678")
        StudioContact.all_objects.create(studio=net.studio, name="内部", role="值班", is_public=False)
        hidden = Studio.all_objects.create(
            region=net.studio.region, name="不公开工作室", status="operating", is_public=False
        )
        StudioContact.all_objects.create(studio=hidden, name="隐", role="调解员")
    with anonymous_scope():
        assert list(Studio.objects.values_list("pk", flat=True)) == [net.studio.pk]
        assert list(StudioContact.objects.values_list("name", flat=True)) == ["张敏"]
    with scope_for(world.users["mediator"]):
        assert [c.name for c in selectors.studio_contacts(net.studio)] == ["张敏", "内部"]
    with scope_for(world.users["station_manager"]):
        assert not StudioContact.objects.exists()


def test_team_grouped_by_kind_in_the_order_of_the_kinds(net, world):
    with scope_for(world.users["mediator"]):
        groups = selectors.team_by_kind(selectors.studio_team(net.studio))
    assert [(g["kind"], [m.user.username for m in g["members"]]) for g in groups] == [
        ("mediator", ["mediator"]),
        ("lawyer", ["advisor"]),
    ]
