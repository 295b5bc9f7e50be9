"""Headless Chromium at phone width: a station manager plans and publishes an activity, then registers residents
until it is full and the next one goes on the waitlist; every page on the way passes axe-core."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from yizhan.accounts.demo import DEMO_PASSWORD
from yizhan.activities.models import Activity, RegistrationStatus
from yizhan.core.scoping import scopes_disabled
from yizhan.tests.browser import axe_violations, login, screenshot, watch_console
from yizhan.tests.factories import PersonFactory


@pytest.mark.browser
def test_manager_plans_publishes_and_fills_an_activity_on_a_phone(live_server, page, transactional_db):
    from playwright.sync_api import expect

    call_command("seed_demo")
    with scopes_disabled():
        for name in ("测试甲", "测试乙", "测试丙"):
            PersonFactory(name=name)
    page.set_viewport_size({"width": 390, "height": 844})
    errors = watch_console(page)
    problems = []
    login(page, live_server, "station_manager", DEMO_PASSWORD)

    page.goto(f"{live_server.url}/activities/new/")
    problems += axe_violations(page)
    start = timezone.localtime() + timedelta(days=3)
    page.fill("input[name=title]", "亲子绘本共读")
    page.fill("input[name=starts_at]", start.strftime("%Y-%m-%dT06:30"))  # before any demo activity's room booking
    page.fill("input[name=ends_at]", start.strftime("%Y-%m-%dT07:30"))
    # the room is a remote picker: the first page comes on focus, typing part of its name finds it (core/pickers.py)
    page.locator("#id_room-ts-control").focus()
    room = page.locator(".ts-dropdown .option").filter(has_text=" · ").first.inner_text()
    page.locator("#id_room-ts-control").fill(room.split(" · ")[1][:2])
    page.locator(".ts-dropdown .option").filter(has_text=room).click()
    page.fill("input[name=seats]", "2")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("activity-title")).to_have_text("亲子绘本共读")
    page.get_by_test_id("publish").click()
    page.wait_for_load_state()
    problems += axe_violations(page)

    page.get_by_test_id("register-link").click()
    page.get_by_test_id("person-search").fill("测试")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_load_state()
    problems += axe_violations(page)
    for name in ("测试甲", "测试乙", "测试丙"):
        page.get_by_role("button", name=f"报名 {name}").click()
        page.wait_for_load_state()
    expect(page.get_by_test_id("seats")).to_contain_text("2")
    screenshot(page, "activities-register-phone")

    with scopes_disabled():
        activity = Activity.all_objects.select_related("room").get(title="亲子绘本共读")
        assert activity.room is not None
        assert room.startswith(f"{activity.station.display_name} · {activity.room.name}")
        statuses = dict(activity.registrations.values_list("name", "status"))
    assert statuses == {
        "测试甲": RegistrationStatus.CONFIRMED,
        "测试乙": RegistrationStatus.CONFIRMED,
        "测试丙": RegistrationStatus.WAITLISTED,
    }
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert problems == []
    assert errors == []
