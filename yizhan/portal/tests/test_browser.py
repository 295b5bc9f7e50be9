"""Headless Chromium: a station manager edits hours and adds an X item; the public page shows both."""

import pytest

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations.models import ServiceLine
from yizhan.stations.tests.network import browser_world
from yizhan.tests.browser import login, screenshot, watch_console
from yizhan.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def net_world(transactional_db):
    return browser_world(build_studio_network)


def test_manager_edits_hours_and_adds_item_public_page_shows_them(net_world, live_server, page):
    station = net_world.network.station
    with scopes_disabled():
        welfare = ServiceLine.objects.get(code="welfare")
    base = live_server.url
    errors = watch_console(page)
    login(page, live_server, "station_manager", PASSWORD)
    assert page.url.endswith("/accounts/home/")

    page.goto(f"{base}/stations/{station.pk}/")
    page.click("[data-testid=edit-hours]")
    page.fill("input[name=d1_0_opens]", "09:00")
    page.fill("input[name=d1_0_closes]", "11:30")
    page.fill("input[name=d1_1_opens]", "14:00")
    page.fill("input[name=d1_1_closes]", "16:30")
    page.click("[data-testid=save-hours]")
    page.wait_for_selector("text=开放时间已保存")

    # An overlapping interval is refused with a message and nothing changes.
    page.fill("input[name=d2_0_opens]", "09:00")
    page.fill("input[name=d2_0_closes]", "12:00")
    page.fill("input[name=d2_1_opens]", "11:00")
    page.fill("input[name=d2_1_closes]", "13:00")
    page.click("[data-testid=save-hours]")
    page.wait_for_selector("text=时间重叠")

    page.click("[data-testid=edit-items]")
    page.fill("input[name=name]", "融心")
    page.fill("textarea[name=description]", "邻里互助、关爱走访")
    page.check(f"input[name=service_lines][value='{welfare.pk}']")
    page.click("[data-testid=save-item]")
    page.wait_for_selector("text=特色品牌项目已添加")
    screenshot(page, "stations-items")

    # A visitor without an account (a fresh browser context: no cookies).
    public = page.context.browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    public_errors = watch_console(public)
    public.goto(f"{base}/public/stations/{station.pk}/")
    assert public.inner_text("[data-testid=public-title]").startswith("四融驿站")
    catalogue = public.inner_text("[data-testid=catalogue]")
    assert "融心" in catalogue
    assert "公益关爱" in catalogue
    hours = public.inner_text("[data-testid=hours-table]")
    assert "09:00–11:30, 14:00–16:30" in hours
    assert "12:00" not in hours
    # the number the station published, in full and callable; whether it is open now, or when it opens next
    assert public.get_by_test_id("public-phone").get_attribute("href") == "tel:13912345678"
    assert public.get_by_test_id("open-now").inner_text().startswith(("开放中", "已关门"))
    screenshot(public, "stations-public")
    public.context.close()
    assert errors == []
    assert public_errors == []
