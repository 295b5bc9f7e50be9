"""A region's page as its readers use it: a village's page leads to its places, its residents and its town's
coverage; the breadcrumb leads up (issue 9, finding 14)."""

import re

import pytest

from yizhan.core.scoping import scopes_disabled
from yizhan.tests.factories import PersonFactory, make_station, make_studio

pytestmark = pytest.mark.django_db


def _links(html: str) -> set[str]:
    return set(re.findall(r'href="([^"]+)"', html))


def test_a_village_page_leads_to_its_places_residents_and_coverage(world, client_for):
    village = world.regions["330109113001"]  # 隆园社区
    with scopes_disabled():
        station = make_station(village, name="四融驿站")
        studio = make_studio(village, name="隆园调解工作室")
        make_studio(world.regions["330109113003"], name="东灵工作室")  # another village: not listed
        PersonFactory(name="王小红", region=village)
        PersonFactory(name="李小兰", region=village)
    response = client_for(world.users["town_admin"]).get("/regions/330109113001/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "暂无地区" not in html  # no empty table of subdivisions
    assert "<table" not in html
    places = re.findall(r'data-testid="region-place">(.*?)</li>', html, re.S)
    assert len(places) == 2
    assert f'href="/stations/{station.pk}/"' in places[0]
    assert "四融驿站" in places[0]
    assert "运行中" in places[0]
    assert "隆园调解工作室" in places[1]
    assert studio.get_absolute_url() in places[1]
    assert "东灵工作室" not in html
    residents = re.search(r'data-testid="village-residents".*?</div>', html, re.S).group(0)
    assert "/people/?village=330109113001" in residents
    assert "<strong>2</strong>" in residents
    assert "/stations/coverage/?region=330109113" in _links(html)
    breadcrumb = re.search(r'<nav class="breadcrumb".*?</nav>', html, re.S).group(0)
    assert '<a href="/regions/330109113/">瓜沥镇</a>' in breadcrumb
    assert "/regions/330109/" not in breadcrumb  # 萧山区 is above a town admin's scope: named, not linked
    assert "萧山区" in breadcrumb


def test_a_village_without_places_says_so_and_the_district_admin_climbs_the_breadcrumb(world, client_for):
    html = client_for(world.users["district_admin"]).get("/regions/330109113002/").content.decode()
    assert "这里还没有驿站或调解工作室。" in html
    breadcrumb = re.search(r'<nav class="breadcrumb".*?</nav>', html, re.S).group(0)
    assert '<a href="/regions/330109/">萧山区</a>' in breadcrumb
    assert '<a href="/regions/330109113/">瓜沥镇</a>' in breadcrumb


def test_a_town_page_keeps_its_villages_and_has_no_residents_panel(world, client_for):
    html = client_for(world.users["town_admin"]).get("/regions/330109113/").content.decode()
    assert "隆园社区" in html
    assert "<table" in html
    assert 'data-testid="village-residents"' not in html
    assert 'data-testid="region-places"' not in html


VILLAGE_PAGE_QUERIES = 12  # session, user, scope …, the region, its ancestors, one per kind of place, residents (2)


@pytest.mark.parametrize("count", [1, 6])
def test_a_village_page_costs_the_same_with_more_places_and_residents(
    world, client_for, django_assert_num_queries, count
):
    village = world.regions["330109113001"]
    with scopes_disabled():
        for n in range(count):
            make_station(village, name=f"驿站{n}")
            make_studio(village, name=f"工作室{n}")
            PersonFactory(region=village)
    client = client_for(world.users["town_admin"])
    client.get("/regions/330109113001/")
    with django_assert_num_queries(VILLAGE_PAGE_QUERIES):
        assert client.get("/regions/330109113001/").status_code == 200
