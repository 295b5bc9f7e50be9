"""Headless Chromium at phone width (390 px), no account: a resident finds the activity from the station's public
page, signs up until it is full and the next sign-up goes on the waitlist, then opens the private link and cancels
(the waitlisted one gets the seat). Every page on the way passes axe-core and does not scroll sideways."""

import re

import pytest

from yizhan.activities.models import Registration, RegistrationStatus
from yizhan.core.scoping import scopes_disabled
from yizhan.stations import reference
from yizhan.stations.tests.network import build_network
from yizhan.tests.browser import axe_violations, screenshot, watch_console
from yizhan.tests.factories import build_world

from .helpers import make_activity


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
def test_resident_signs_up_until_waitlisted_then_cancels_by_private_link(live_server, page, transactional_db):
    from playwright.sync_api import expect

    with scopes_disabled():
        reference.load()
        world = build_world()
    n = build_network(world)
    activity = make_activity(n.station, title="亲子绘本共读", seats=2, children_need_guardian=True)
    page.set_viewport_size({"width": 390, "height": 844})
    errors = watch_console(page)
    problems = []

    page.goto(f"{live_server.url}/public/stations/{n.station.pk}/")
    page.get_by_test_id("public-activities-link").click()
    page.wait_for_load_state()
    problems += axe_violations(page)
    assert _fits(page)
    page.get_by_role("link", name="亲子绘本共读").click()
    page.wait_for_load_state()
    problems += axe_violations(page)
    assert _fits(page)

    links = []
    for name, mobile in (("王小红", "13800138001"), ("李华", "13800138002"), ("张敏", "13800138003")):
        page.goto(f"{live_server.url}/activities/public/{activity.pk}/")
        page.get_by_label("参加人姓名").fill(name)
        page.get_by_label("手机号（为儿童报名时填监护人的）").fill(mobile)
        page.get_by_label("随行儿童人数").fill("1")
        page.get_by_label("随行儿童年龄").fill("5")
        page.get_by_label("我同意按上述说明使用这些信息。").check()
        page.get_by_test_id("signup-submit").click()
        page.wait_for_load_state()
        expect(page.get_by_test_id("private-code")).to_have_text(re.compile(r"^\d{8}$"))
        links.append(page.get_by_test_id("private-link").get_attribute("href"))
    expect(page.get_by_test_id("signup-result")).to_contain_text("候补")
    problems += axe_violations(page)
    assert _fits(page)
    screenshot(page, "activities-public-signup-phone")

    page.goto(f"{live_server.url}/activities/public/{activity.pk}/")
    expect(page.get_by_test_id("public-seats")).to_contain_text("已满")
    page.goto(links[0])
    expect(page.get_by_test_id("my-status")).to_have_text("已确认")
    problems += axe_violations(page)
    assert _fits(page)
    page.get_by_test_id("cancel-registration").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("my-status")).to_have_text("已取消")
    problems += axe_violations(page)

    with scopes_disabled():
        statuses = dict(Registration.all_objects.filter(activity=activity).values_list("name", "status"))
    assert statuses == {
        "王小红": RegistrationStatus.CANCELLED,
        "李华": RegistrationStatus.CONFIRMED,
        "张敏": RegistrationStatus.CONFIRMED,
    }
    assert problems == []
    assert errors == []
