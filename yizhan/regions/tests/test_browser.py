"""Headless Chromium: a town admin opens a village's page on a phone (issue 9, finding 14)."""

import pytest

from yizhan.core.scoping import scopes_disabled
from yizhan.tests.browser import axe_violations, login, screenshot
from yizhan.tests.factories import PASSWORD, PersonFactory, build_world, make_station


@pytest.mark.browser
def test_a_village_page_on_a_phone_leads_to_its_station_and_residents(live_server, page, transactional_db):
    with scopes_disabled():
        world = build_world()
        village = world.regions["330109113001"]
        station = make_station(village, name="四融驿站", brand_name="四融驿站")
        PersonFactory(name="王小红", region=village)
    login(page, live_server, world.users["town_admin"].username, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/regions/330109113001/")
    assert page.get_by_role("link", name="瓜沥镇", exact=True).is_visible()  # the breadcrumb leads up
    page.get_by_role("link", name="四融驿站").click()
    page.wait_for_url(f"**/stations/{station.pk}/")
    page.go_back()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    screenshot(page, "region-village-phone")
    page.get_by_role("button", name="隆园社区的居民").click()
    page.wait_for_url("**/people/?village=330109113001")
    assert page.get_by_text("王小红").first.is_visible()
