"""Headless Chromium: revealing a value without a reason shows why, instead of doing nothing."""

import pytest
from django.db import connections

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scopes_disabled
from yizhan.tests.browser import login
from yizhan.tests.factories import PASSWORD, PersonFactory, build_world


@pytest.mark.browser
def test_a_reveal_without_a_reason_says_why_and_a_reason_then_shows_it(live_server, page, transactional_db):
    from playwright.sync_api import expect

    with scopes_disabled():
        world = build_world()
        person = PersonFactory(name="周晓梅", mobile="13755556666")
    try:
        login(page, live_server, world.users["station_manager"].username, PASSWORD)
        page.goto(f"{live_server.url}/people/{person.pk}/")
        reveal = page.locator(".reveal").filter(has_text="137****6666")
        reveal.locator("button").click()
        expect(page.get_by_role("alert")).to_have_text("请说明查看完整信息的理由。")
        with scopes_disabled():
            assert not AuditLog.all_objects.filter(action="reveal").exists()
        reveal = page.locator(".reveal").filter(has_text="137****6666")
        reveal.locator("input[name=reason]").fill("电话通知活动")
        reveal.locator("button").click()
        expect(page.get_by_test_id("revealed")).to_have_text("13755556666")
        with scopes_disabled():
            assert AuditLog.all_objects.get(action="reveal").reason == "电话通知活动"
    finally:
        connections.close_all()
