"""Headless Chromium at phone width (390 px): a participant checks in from the QR page; the desk checks someone in
with one tap (htmx); a manager completes an activity with a summary and photos, two attendees answer the
satisfaction questions on their phones, and the manager sees the averages. axe-core on every page on the way."""

import pytest

from yizhan.activities import tokens
from yizhan.activities.models import Activity, ActivityStatus, Feedback, Registration
from yizhan.core.scoping import scopes_disabled
from yizhan.stations.tests.network import browser_world, png_bytes
from yizhan.tests.browser import axe_violations, login, screenshot, watch_console
from yizhan.tests.factories import PASSWORD

from .helpers import build_checkin

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def ck_world(transactional_db):
    return browser_world(build_checkin)


def _no_sideways_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def _phone(page):
    return page.context.browser.new_context(locale="zh-CN", viewport=PHONE).new_page()


def test_a_participant_checks_in_from_the_qr_page(ck_world, live_server, page):
    world = ck_world.checkin
    phone = _phone(page)
    errors = watch_console(phone)
    phone.goto(f"{live_server.url}/activities/checkin/{tokens.checkin_token(world.live)}/")
    problems = axe_violations(phone)
    assert "学剪纸" in phone.inner_text("[data-testid=checkin-title]")
    phone.fill("input[name=mobile_or_code]", "1390000")  # a typo first: a clear message, nothing changed
    phone.click("[data-testid=checkin-submit]")
    phone.wait_for_selector("text=11 位")
    problems += axe_violations(phone)
    phone.fill("input[name=mobile_or_code]", world.live_registration.mobile)
    phone.click("[data-testid=checkin-submit]")
    phone.wait_for_selector("[data-testid=checkin-done]")
    assert "签到成功" in phone.inner_text("[data-testid=checkin-done]")
    problems += axe_violations(phone)
    screenshot(phone, "activities-checkin-phone")
    assert _no_sideways_scroll(phone)
    with scopes_disabled():
        registration = Registration.all_objects.get(pk=world.live_registration.pk)
    assert registration.checked_in_at is not None
    assert registration.check_in_method == "qr"
    assert problems == []
    assert errors == []


def test_the_desk_checks_in_with_one_tap(ck_world, live_server, page):
    world = ck_world.checkin
    page.set_viewport_size(PHONE)
    errors = watch_console(page)
    login(page, live_server, "station_manager", PASSWORD)
    page.goto(f"{live_server.url}/activities/{world.live.pk}/")
    page.click("[data-testid=desk-link]")
    page.fill("[data-testid=desk-search]", world.live_registration.mobile[-4:])
    page.wait_for_selector("[data-testid=desk-check-in]")
    problems = axe_violations(page)
    page.click("[data-testid=desk-check-in]")
    page.wait_for_selector("[data-testid=checked-in]")
    assert "签到成功" in page.inner_text("[data-testid=desk-message]")
    problems += axe_violations(page)
    assert _no_sideways_scroll(page)
    screenshot(page, "activities-desk-phone")
    with scopes_disabled():
        assert Registration.all_objects.get(pk=world.live_registration.pk).check_in_method == "desk"
    assert problems == []
    assert errors == []


def test_a_manager_completes_with_a_summary_and_sees_the_satisfaction(ck_world, live_server, page, tmp_path):
    world = ck_world.checkin
    with scopes_disabled():  # a second attendee, so that two answers are taken
        other = Registration.all_objects.create(
            activity=world.done, name="第二位", status="confirmed", position=99, walk_in=True
        )
        Registration.all_objects.filter(pk=other.pk).update(checked_in_at=world.done_registration.checked_in_at)
    page.set_viewport_size(PHONE)
    errors = watch_console(page)
    login(page, live_server, "station_manager", PASSWORD)
    page.goto(f"{live_server.url}/activities/{world.done.pk}/")
    problems = axe_violations(page)
    page.click("[data-testid=summary-link]")
    assert page.input_value("input[name=participants]") == "2"  # prefilled from the attendance
    problems += axe_violations(page)
    page.fill("textarea[name=text]", "大家一起读绘本，孩子们很开心 📚")
    photo = tmp_path / "photo.png"
    photo.write_bytes(png_bytes())
    page.set_input_files("input[name=photos]", [str(photo)])
    page.click("[data-testid=summary-save]")
    page.wait_for_selector("[data-testid=summary-text]")
    assert "孩子们很开心" in page.inner_text("[data-testid=summary-text]")
    with scopes_disabled():
        assert Activity.all_objects.get(pk=world.done.pk).status == ActivityStatus.COMPLETED

    page.click("[data-testid=feedback-qr-link]")
    page.wait_for_selector("[data-testid=feedback-qr]")
    problems += axe_violations(page)
    feedback_url = page.get_attribute("[data-testid=feedback-link]", "href")
    for scores in (("5", "4", "5"), ("4", "2", "3")):
        phone = _phone(page)
        phone_errors = watch_console(phone)
        phone.goto(feedback_url)
        problems += axe_violations(phone)
        for sense, score in zip(("participation", "safety", "happiness"), scores, strict=True):
            phone.check(f"[data-testid=score-{sense}] input[value='{score}']")
        phone.fill("textarea[name=comment]", "谢谢老师 🌸")
        phone.click("[data-testid=feedback-submit]")
        phone.wait_for_selector("[data-testid=feedback-done]")
        assert _no_sideways_scroll(phone)
        assert phone_errors == []
        phone.context.close()
    with scopes_disabled():
        assert Feedback.all_objects.filter(activity=world.done).count() == 2

    page.goto(f"{live_server.url}/activities/{world.done.pk}/")
    assert page.inner_text("[data-testid=avg-participation]") == "4.5"
    assert page.inner_text("[data-testid=avg-safety]") == "3.0"
    assert page.inner_text("[data-testid=avg-happiness]") == "4.0"
    assert page.is_visible("[data-testid=low-flag]")
    problems += axe_violations(page)
    assert _no_sideways_scroll(page)
    screenshot(page, "activities-summary-phone")
    assert problems == []
    assert errors == []
