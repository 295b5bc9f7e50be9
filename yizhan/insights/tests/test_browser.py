"""Headless Chromium: the coverage chart draws under the content security policy."""

import pytest

from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations.tests.network import browser_world
from yizhan.tests.browser import axe_violations, login, screenshot, watch_console
from yizhan.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def net_world(transactional_db):
    return browser_world(build_studio_network)


def test_coverage_chart_renders_under_csp(net_world, live_server, page):
    errors = watch_console(page)
    login(page, live_server, "town_admin", PASSWORD)
    page.goto(f"{live_server.url}/stations/coverage/?region=330109113")
    page.wait_for_selector("#coverage-chart svg")
    assert page.inner_text("[data-testid=coverage-rate]") == "33%"
    screenshot(page, "stations-coverage")
    assert errors == []


def test_drill_down_from_the_district_to_a_town_and_back_up(net_world, live_server, page):
    errors = watch_console(page)
    login(page, live_server, "district_admin", PASSWORD)
    page.goto(f"{live_server.url}/stations/coverage/?region=330109")
    page.wait_for_selector("#coverage-chart svg")  # a stacked bar per town
    assert page.locator("[data-testid=child-row]").count() == 2
    assert axe_violations(page) == []
    page.click("[data-testid=town-table] >> text=瓜沥镇")
    page.wait_for_selector("[data-testid=village-row]")
    assert "瓜沥镇" in page.inner_text("h1")
    assert axe_violations(page) == []
    page.click("[data-testid=coverage-breadcrumb] >> text=萧山区")
    page.wait_for_selector("[data-testid=child-row]")
    assert "萧山区" in page.inner_text("h1")
    assert errors == []
