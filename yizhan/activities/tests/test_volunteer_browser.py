"""Headless Chromium at phone width (390 px): a volunteer signs up for a shift from the home page, checks in and out
on her phone, the station's manager confirms the hours, the volunteer downloads her certificate; a month calendar
shows every day of the month without sideways scrolling; axe-core on each page."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from yizhan.accounts.demo import DEMO_PASSWORD
from yizhan.activities.models import HoursStatus, Shift, ShiftSignup, SignupStatus
from yizhan.core.scoping import scopes_disabled
from yizhan.tests.browser import axe_violations, login, screenshot, watch_console
from yizhan.tests.pdf import pdf_text


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.browser
def test_volunteer_serves_a_shift_and_gets_the_certificate_on_a_phone(live_server, page, transactional_db):
    from playwright.sync_api import expect

    call_command("seed_demo")
    page.set_viewport_size({"width": 390, "height": 844})
    errors = watch_console(page)
    problems = []

    # the volunteer (赵红, 友谊村) signs up from her home page
    login(page, live_server, "volunteer", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/accounts/home/")
    expect(page.get_by_test_id("volunteer-panel")).to_be_visible()
    problems += axe_violations(page)
    assert _fits(page)
    page.get_by_test_id("shift-signup").first.click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("my-shift")).to_have_count(1)
    with scopes_disabled():
        signup = ShiftSignup.all_objects.select_related("shift__activity").get(
            volunteer__username="volunteer", status=SignupStatus.SIGNED_UP, hours_status=HoursStatus.OPEN
        )
        title = signup.shift.activity.title
        # the day has come: the shift started ten minutes ago
        now = timezone.now()
        Shift.all_objects.filter(pk=signup.shift_id).update(
            starts_at=now - timedelta(minutes=10), ends_at=now + timedelta(hours=2)
        )
    page.reload()
    problems += axe_violations(page)
    page.get_by_test_id("check-in").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("check-out")).to_be_visible()
    with scopes_disabled():  # she has been helping for two hours
        ShiftSignup.all_objects.filter(pk=signup.pk).update(checked_in_at=timezone.now() - timedelta(hours=2))
    page.get_by_test_id("check-out").click()
    page.wait_for_load_state()
    with scopes_disabled():
        signup.refresh_from_db()
    assert signup.hours_status == HoursStatus.PENDING
    assert signup.minutes == 120
    screenshot(page, "volunteer-shifts-phone")

    # the station's manager confirms the hours from her home page
    page.context.clear_cookies()
    login(page, live_server, "station_manager_youyi", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/accounts/home/")
    expect(page.get_by_test_id("hours-to-confirm")).to_have_count(1)
    problems += axe_violations(page)
    page.get_by_role("link", name="确认时长").click()
    page.wait_for_load_state()
    problems += axe_violations(page)
    assert _fits(page)
    page.get_by_test_id("confirm-hours").click()
    page.wait_for_load_state()
    with scopes_disabled():
        signup.refresh_from_db()
    assert signup.hours_status == HoursStatus.CONFIRMED

    # a month calendar at 390 px: every day of the month, stacked, none cut off
    page.goto(f"{live_server.url}/activities/calendar/")
    problems += axe_violations(page)
    days = page.locator(".cal-day:not(.outside)")
    count = days.count()
    assert count >= 28
    for i in range(count):
        box = days.nth(i).bounding_box()
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 390
    weekdays = {days.nth(i).locator(".wd").inner_text()[-1:] for i in range(7)}
    assert len(weekdays) == 7  # seven different weekdays shown
    assert _fits(page)
    screenshot(page, "calendar-month-phone")

    # the volunteer downloads her certificate
    page.context.clear_cookies()
    login(page, live_server, "volunteer", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/activities/volunteers/me/hours/")
    problems += axe_violations(page)
    expect(page.get_by_test_id("hours-total")).to_contain_text("小时")
    with page.expect_download() as download:
        page.get_by_test_id("certificate").click()
    text = pdf_text(Path(download.value.path()).read_bytes())
    for item in ("赵红", title, "2.0", "志愿服务时长证明"):
        assert item in text, item

    assert problems == []
    assert errors == []


@pytest.mark.browser
def test_a_district_admins_month_counts_per_day_on_a_phone(live_server, page, transactional_db):
    """Issue 12: above one town the month shows each day's number of activities, in words, and opens the day."""
    call_command("seed_demo")
    page.set_viewport_size({"width": 390, "height": 844})
    login(page, live_server, "district_admin", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/activities/calendar/")
    counts = page.get_by_test_id("calendar-count")
    assert counts.count() >= 1
    assert "项活动" in counts.first.inner_text()
    assert _fits(page)
    assert axe_violations(page) == []
    screenshot(page, "calendar-month-counted-phone")
    counts.first.get_by_role("link").click()
    assert page.get_by_test_id("calendar-day-list").get_by_test_id("calendar-activity").count() >= 1
    assert _fits(page)
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/activities/calendar/week/")
    assert _fits(page)
    assert axe_violations(page) == []
