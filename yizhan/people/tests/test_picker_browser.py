"""Headless Chromium at phone width: the new-person form's village picker (core/pickers.py) ships no villages; it
loads the first page when it gets the focus, searches the server as the user types, and the chosen village is
posted. No axe-core violations, no console or CSP errors."""

import pytest
from django.db import connections

from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import Person
from yizhan.regions.models import Region
from yizhan.tests.browser import axe_violations, login, screenshot, watch_console
from yizhan.tests.factories import PASSWORD, build_world


@pytest.mark.browser
def test_the_village_is_found_by_typing_and_posted(live_server, page, transactional_db):
    from playwright.sync_api import expect

    with scopes_disabled():
        world = build_world()
        town = world.regions["330109113"]
        Region.all_objects.bulk_create(
            Region(code=f"330109113{101 + n:03d}", name=f"新建村{n:02d}", level=Region.Level.VILLAGE, parent=town)
            for n in range(40)
        )
    page.set_viewport_size({"width": 390, "height": 844})
    problems = watch_console(page)
    try:
        login(page, live_server, world.users["town_admin"].username, PASSWORD)
        page.goto(f"{live_server.url}/people/new/")
        assert page.locator("select#id_region option").count() == 1  # only "---------": no village in the page
        page.fill("input[name=name]", "周晓梅")
        search = page.locator("#id_region-ts-control")
        search.focus()
        expect(page.locator(".ts-dropdown .option").filter(has_text="隆园社区")).to_be_visible()  # the first page
        search.fill("没有这个村")
        expect(page.locator(".ts-dropdown .no-results")).to_have_text("没有匹配的选项，请换个字词试试。")
        search.fill("友谊")
        page.locator(".ts-dropdown .option").filter(has_text="友谊村").click()
        assert page.locator("select#id_region").input_value() == "330109113002"
        problems += axe_violations(page)
        screenshot(page, "people-village-picker-phone")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        expect(page.locator("h1")).to_contain_text("周晓梅")
        with scopes_disabled():
            assert Person.all_objects.get(name="周晓梅").region.code == "330109113002"
        assert problems == []
    finally:
        connections.close_all()
