"""Headless Chromium at phone width (390 px): the mediator's home shows the work queue; the intake page finds a party
in the registry by a full mobile number and links it; the statistics page draws its charts without sideways
scrolling; axe-core finds nothing on these pages."""

from datetime import date, timedelta

import pytest
from django.db import connections
from django.utils import timezone

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation import reference
from yizhan.mediation.models import Case, CaseParty
from yizhan.mediation.tests.network import build_studio_network
from yizhan.mediation.tests.test_insight import add_case
from yizhan.regions.models import Region
from yizhan.stations import reference as station_reference
from yizhan.tests.browser import axe_violations, login, screenshot, watch_console
from yizhan.tests.factories import PASSWORD, PersonFactory, build_world

OVERFLOW = "() => document.documentElement.scrollWidth > window.innerWidth + 1"


@pytest.mark.browser
def test_queue_lookup_and_statistics_on_a_phone(live_server, page, transactional_db):
    from playwright.sync_api import expect

    with scopes_disabled():
        reference.load()
        station_reference.load()  # earlier transactional tests may have flushed the reference tables
        world = build_world()
        build_studio_network(world)
        person = PersonFactory(
            region=Region.all_objects.get(code="330109113003"),
            name="孙秀兰",
            mobile="13900001002",
            birth_date=date(1960, 3, 1),
        )
    today = timezone.localdate()
    mediator = world.users["mediator"]
    add_case(world, status=Case.Status.INTAKE)
    add_case(world, accepted_on=today - timedelta(days=33), lead=mediator, dispute="divorce")
    add_case(world, accepted_on=today - timedelta(days=27), lead=mediator, source=Case.Source.HOTLINE)
    add_case(world, status=Case.Status.AGREEMENT, accepted_on=today - timedelta(days=20), closed_on=today)
    page.set_viewport_size({"width": 390, "height": 844})
    problems = watch_console(page)
    try:
        login(page, live_server, "mediator", PASSWORD)
        page.goto(f"{live_server.url}/accounts/home/")
        expect(page.get_by_test_id("my-cases")).to_be_visible()
        expect(page.get_by_test_id("queue-case")).to_have_count(2)
        expect(page.get_by_test_id("queue-mine").get_by_test_id("overdue")).to_contain_text("逾期 3 天")
        assert not page.evaluate(OVERFLOW)
        assert axe_violations(page) == []
        screenshot(page, "mediation-queue-phone")

        page.goto(f"{live_server.url}/stations/studios/{build_studio_network(world).studio.pk}/cases/new/")
        page.select_option("select[name=dispute_type]", label="赡养")
        page.fill("textarea[name=narrative]", "子女就赡养费分担发生争执。")
        page.fill("input[name=applicant_name]", "孙秀兰")
        page.fill("input[name=applicant_lookup_number]", "13900001002")
        page.get_by_test_id("lookup-applicant-button").click()
        expect(page.get_by_test_id("lookup-match")).to_contain_text("孙**")
        expect(page.get_by_test_id("lookup-match")).to_contain_text("东灵社区")
        assert page.input_value("textarea[name=narrative]") == "子女就赡养费分担发生争执。"
        assert not page.evaluate(OVERFLOW)
        assert axe_violations(page) == []
        page.click("[data-testid=intake-submit]")
        expect(page.get_by_test_id("case-status")).to_have_text("登记中")
        with scopes_disabled():
            assert CaseParty.all_objects.get(case__narrative__isnull=False, person=person).role == "applicant"

        page.goto(f"{live_server.url}/stations/studios/cases/statistics/?year={today.year}")
        expect(page.get_by_test_id("stat-total")).to_have_text("5")
        page.wait_for_selector("#chart-month svg")
        page.wait_for_selector("#chart-outcome svg")
        assert not page.evaluate(OVERFLOW)
        assert axe_violations(page) == []
        screenshot(page, "mediation-statistics-phone")

        page.goto(f"{live_server.url}/stations/studios/cases/warnings/")
        expect(page.get_by_test_id("warning-overdue").get_by_test_id("warning-row")).to_have_count(1)
        assert not page.evaluate(OVERFLOW)
        assert axe_violations(page) == []
        assert not problems, problems
    finally:
        connections.close_all()
