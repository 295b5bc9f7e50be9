"""Headless Chromium at phone width: the audit log's "by" filter is a searchable select (core/widgets.py, tom-select
served locally): typing part of a name finds the person, nothing found says so in Chinese, the choice is posted like
the native select's. No axe-core violations, no console or CSP errors."""

import pytest
from django.db import connections

from yizhan.core.scoping import scopes_disabled
from yizhan.tests.browser import axe_violations, login, screenshot, watch_console
from yizhan.tests.factories import PASSWORD, build_world


@pytest.mark.browser
def test_the_by_filter_is_searched_by_typing_and_posts_the_choice(live_server, page, transactional_db):
    from playwright.sync_api import expect

    with scopes_disabled():
        world = build_world()
        manager = world.users["station_manager"]
        manager.name = "陈芳"
        manager.save(update_fields=["name"])
    page.set_viewport_size({"width": 390, "height": 844})
    problems = watch_console(page)
    try:
        login(page, live_server, world.users["town_admin"].username, PASSWORD)
        page.goto(f"{live_server.url}/audit/")
        control = page.locator(".ts-wrapper").filter(has=page.locator("#id_actor-ts-control"))
        expect(control).to_be_visible()
        page.locator("#id_actor-ts-control").fill("没有这个人")
        expect(page.locator(".ts-dropdown .no-results")).to_have_text("没有匹配的选项，请换个字词试试。")
        page.locator("#id_actor-ts-control").fill("陈")
        page.locator(".ts-dropdown .option").filter(has_text="陈芳").click()
        assert page.locator("select#id_actor").input_value() == manager.username
        problems += axe_violations(page)
        screenshot(page, "audit-searchable-by-phone")
        page.locator("form.filters button[type=submit]").first.click()
        page.wait_for_load_state()
        assert f"actor={manager.username}" in page.url
        expect(page.locator("#id_actor + .ts-wrapper .item")).to_have_text("陈芳")
        assert problems == []
    finally:
        connections.close_all()
