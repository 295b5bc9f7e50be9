"""Headless Chromium at 390 px: a station manager records a care visit and picks the visitors by typing part of a
name (a searchable select with remove buttons, not a Ctrl-click list; issue 9, finding 12)."""

import pytest
from django.db import connections

from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import Visit
from yizhan.tests.browser import axe_violations, login, screenshot, watch_console
from yizhan.tests.factories import PASSWORD, PersonFactory, build_world, consent_for_care


@pytest.mark.browser
def test_visitors_are_picked_by_typing_their_name(live_server, page, transactional_db):
    from playwright.sync_api import expect

    with scopes_disabled():
        world = build_world()
        manager = world.users["station_manager"]
        manager.name = "陈芳"
        manager.save(update_fields=["name"])
        person = PersonFactory(name="周晓梅")
        consent_for_care(person)
    page.set_viewport_size({"width": 390, "height": 844})
    problems = watch_console(page)
    try:
        login(page, live_server, manager.username, PASSWORD)
        page.goto(f"{live_server.url}/people/{person.pk}/visits/new/")
        chosen = page.locator("#id_visitors + .ts-wrapper .item")
        # the author is chosen already, with its remove button
        expect(chosen).to_have_text("陈芳 · 隆园社区 · 驿站负责人×")
        expect(chosen.locator(".remove")).to_have_attribute("title", "移除")
        chosen.locator(".remove").click()
        expect(chosen).to_have_count(0)
        page.locator("#id_visitors-ts-control").fill("没有这个人")
        expect(page.locator(".ts-dropdown .no-results").first).to_be_visible()
        page.locator("#id_visitors-ts-control").fill("陈")
        page.locator(".ts-dropdown .option").filter(has_text="陈芳").click()
        expect(chosen).to_contain_text("陈芳")
        page.locator("#id_visitors-ts-control").press("Escape")
        problems += axe_violations(page)
        screenshot(page, "people-visit-visitors-phone")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        with scopes_disabled():
            visit = Visit.all_objects.get(person=person)
            assert list(visit.visitors.all()) == [manager]
        assert problems == []
    finally:
        connections.close_all()
