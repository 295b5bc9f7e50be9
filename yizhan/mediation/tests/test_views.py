import pytest

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.models import Studio, StudioContact, StudioMember
from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations.tests.network import count_queries


@pytest.fixture
def net(world):
    return build_studio_network(world)


def test_station_page_and_shared_studio_link(net, world, client_for):
    with scopes_disabled():
        net.studio.shared_station = net.station
        net.studio.region = net.station.region
        net.studio.save()
    client = client_for(world.users["town_admin"])
    assert net.studio.display_name in client.get(f"/stations/{net.station.pk}/").content.decode()
    assert net.station.display_name in client.get(f"/stations/studios/{net.studio.pk}/").content.decode()


def test_studio_page_in_chinese_with_team_and_contacts(net, world, client_for):
    client = client_for(world.users["town_admin"])
    response = client.post(
        f"/stations/studios/{net.studio.pk}/contacts/", {"name": "张敏", "role": "调解员", "phone": "13812345678"}
    )
    assert response.status_code == 302
    assert response.url == f"/stations/studios/{net.studio.pk}/"
    html = client.get(response.url).content.decode()
    assert "团队" in html
    assert "明理律师事务所" in html
    assert "138****5678" in html
    assert "13812345678" not in html
    with scopes_disabled():
        contact = StudioContact.all_objects.get(studio=net.studio)
    response = client.post(f"/stations/studios/{net.studio.pk}/contacts/{contact.pk}/delete/")
    assert response.status_code == 302
    with scopes_disabled():
        assert not StudioContact.all_objects.exists()


def test_team_member_added_and_removed_through_the_page(net, world, client_for):
    client = client_for(world.users["town_admin"])
    response = client.post(
        f"/stations/studios/{net.studio.pk}/team/",
        {"username": "volunteer", "kind": "social_worker", "organisation": "向阳社工工作室"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        member = StudioMember.all_objects.get(studio=net.studio, user__username="volunteer")
    assert client.post(f"/stations/studios/{net.studio.pk}/team/{member.pk}/remove/").status_code == 302
    with scopes_disabled():
        assert not StudioMember.all_objects.get(pk=member.pk).is_active


def test_navigation_names_the_studios_for_their_team(net, world, client_for):
    html = client_for(world.users["mediator"]).get("/accounts/home/").content.decode()
    assert 'href="/stations/studios/"' in html
    assert f'href="/stations/studios/{net.studio.pk}/"' in html


PINNED = {"list": 8, "studio": 10}  # the studio page: 9, and the count of new online requests


@pytest.mark.parametrize("n", [10, 60])
def test_studio_pages_query_counts_do_not_grow(net, world, client_for, n):
    with scopes_disabled():
        village = net.studio.region
        Studio.all_objects.bulk_create(
            [Studio(region=village, name=f"工作室{i}", status="operating") for i in range(n)]
        )
        StudioContact.all_objects.bulk_create(
            [StudioContact(studio=net.studio, name=f"联络{i}", role="值班", phone="13812345678") for i in range(n)]
        )
    client = client_for(world.users["town_admin"])
    client.get("/accounts/home/")  # session warm-up
    counts = {
        "list": count_queries(client, "/stations/studios/?page=2" if n > 30 else "/stations/studios/"),
        "studio": count_queries(client, f"/stations/studios/{net.studio.pk}/"),
    }
    assert counts == PINNED


def test_studio_contact_number_revealed_to_admins_only_and_logged(net, world, client_for):
    with scopes_disabled():
        contact = StudioContact.all_objects.create(studio=net.studio, name="张敏", role="调解员", phone="13812345678")
    url = f"/reveal/mediation.studiocontact/{contact.pk}/phone/"
    page = f"/stations/studios/{net.studio.pk}/"
    html = client_for(world.users["mediator"]).get(page).content.decode()
    assert "138****5678" in html
    assert url not in html
    assert url in client_for(world.users["town_admin"]).get(page).content.decode()
    assert client_for(world.users["mediator"]).post(url, {"reason": "回访当事人"}).status_code == 403
    assert client_for(world.users["station_manager"]).post(url, {"reason": "回访当事人"}).status_code == 404
    response = client_for(world.users["town_admin"]).post(url, {"reason": "回访当事人"})
    assert response.status_code == 200
    assert "13812345678" in response.content.decode()
    with scopes_disabled():
        row = AuditLog.all_objects.get(action="reveal", target_type="mediation.studiocontact")
    assert row.actor == world.users["town_admin"]
    assert row.reason == "回访当事人"
    assert row.field == "phone"
