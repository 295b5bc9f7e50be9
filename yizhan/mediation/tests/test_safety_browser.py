"""Headless Chromium at phone width (390 px): a mediator screens a case (red), is refused a joint session and records
a separate one; the pages have no axe-core violations, no horizontal scroll and no console or CSP errors."""

import pytest
from django.db import connections
from django.utils import timezone

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation import reference
from yizhan.mediation.models import Case, CaseSession, RiskScreening
from yizhan.mediation.tests.cases import make_case
from yizhan.mediation.tests.test_browser import OVERFLOW, UNLABELLED
from yizhan.stations import reference as station_reference
from yizhan.tests.browser import axe_violations, login, screenshot, watch_console
from yizhan.tests.factories import PASSWORD, build_world


@pytest.mark.browser
def test_red_screening_blocks_a_joint_session_and_a_separate_one_is_recorded(live_server, page, transactional_db):
    from playwright.sync_api import expect

    with scopes_disabled():
        reference.load()
        station_reference.load()
        world = build_world()
        case = make_case(world, status=Case.Status.ACCEPTED, lead=True, advisor_on=True)
    page.set_viewport_size({"width": 390, "height": 844})
    problems = watch_console(page)
    try:
        login(page, live_server, "mediator", PASSWORD)
        page.goto(f"{live_server.url}/stations/studios/cases/{case.pk}/")
        expect(page.get_by_test_id("risk-level")).to_have_text("未筛查")
        page.get_by_test_id("safety-link").click()
        page.wait_for_load_state()
        problems += axe_violations(page)
        assert page.evaluate(UNLABELLED) == []
        page.get_by_role("checkbox", name="使用或威胁使用凶器").check()
        page.get_by_role("checkbox", name="此前发生过家庭暴力").check()
        page.fill("[data-testid=screen-form] textarea[name=note]", "曾持刀威胁 😢")
        page.click("[data-testid=screen-form] button[type=submit]")
        expect(page.get_by_test_id("risk-level")).to_contain_text("红")
        expect(page.get_by_test_id("joint-blocked")).to_be_visible()
        assert not page.evaluate(OVERFLOW)
        problems += axe_violations(page)

        page.goto(f"{live_server.url}/stations/studios/cases/{case.pk}/sessions/")
        problems += axe_violations(page)
        assert page.evaluate(UNLABELLED) == []
        form = "[data-testid=session-form]"
        when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        page.select_option(f"{form} select[name=kind]", "joint")
        page.fill(f"{form} input[name=starts_at]", when)
        page.fill(f"{form} input[name=place]", "东灵社区调解室")
        page.get_by_role("checkbox", name="申请人 李秀英").check()
        page.get_by_role("checkbox", name="被申请人 王强").check()
        page.click(f"{form} button[type=submit]")
        # wait for the refusal itself: the form's own labels already say 背对背, and filling it in before htmx has
        # swapped the answer in loses the changes (the swap replaces the form)
        expect(page.locator(form)).to_contain_text("只能进行背对背调解")
        # the refusal is the answer expected here: htmx's request for the form gets 400 with the form's errors
        refused = f"400 {live_server.url}/stations/studios/cases/{case.pk}/sessions/new/"
        with scopes_disabled():
            assert not CaseSession.all_objects.exists()
        problems += axe_violations(page)

        page.select_option(f"{form} select[name=kind]", "separate")
        page.fill(f"{form} input[name=starts_at]", when)
        page.fill(f"{form} input[name=place]", "东灵社区调解室")
        page.get_by_role("checkbox", name="申请人 李秀英").uncheck()
        page.get_by_role("checkbox", name="被申请人 王强").uncheck()
        page.select_option(f"{form} select[name=heard_party]", label="申请人 李秀英")
        page.fill(f"{form} textarea[name=record]", "申请人陈述被持刀威胁的经过。")
        page.click(f"{form} button[type=submit]")
        expect(page.get_by_test_id("session-row")).to_contain_text("背对背")
        expect(page.get_by_test_id("confidential")).to_be_visible()
        assert not page.evaluate(OVERFLOW)
        problems += axe_violations(page)
        screenshot(page, "mediation-separate-session-phone")
        assert [p for p in problems if p != refused] == []
        with scopes_disabled():
            assert RiskScreening.all_objects.get().level == "red"
            session = CaseSession.all_objects.get()
        assert session.kind == "separate"
        assert session.record == "申请人陈述被持刀威胁的经过。"
    finally:
        connections.close_all()
