"""Headless Chromium at phone width (390 px): a mediator takes in a case, accepts it, puts the team together and
closes it with an agreement; the pages have no script, style or CSP errors and every form control has a label."""

import pytest
from django.db import connections

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation import reference
from yizhan.mediation.models import Case
from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations import reference as station_reference
from yizhan.tests.browser import login, screenshot, watch_console
from yizhan.tests.factories import PASSWORD, build_world

UNLABELLED = """() => [...document.querySelectorAll('main input:not([type=hidden]), main select, main textarea')]
    .filter(el => !el.closest('label') && !el.getAttribute('aria-label')
                  && !(el.id && document.querySelector(`label[for="${el.id}"]`)))
    .map(el => el.name)"""
OVERFLOW = "() => document.documentElement.scrollWidth > window.innerWidth + 1"


@pytest.mark.browser
def test_case_from_intake_to_agreement_on_a_phone(live_server, page, transactional_db):
    from playwright.sync_api import expect

    with scopes_disabled():
        reference.load()
        station_reference.load()  # earlier transactional tests may have flushed the reference tables
        world = build_world()
        studio = build_studio_network(world).studio
    page.set_viewport_size({"width": 390, "height": 844})
    problems = watch_console(page)
    try:
        login(page, live_server, "mediator", PASSWORD)
        page.goto(f"{live_server.url}/stations/studios/cases/")
        page.get_by_test_id("new-case").click()
        assert page.evaluate(UNLABELLED) == []
        page.select_option("select[name=source]", "hotline_12338")
        page.select_option("select[name=dispute_type]", label="赡养")
        page.fill("textarea[name=narrative]", "三名子女就母亲赡养费分担发生争执。")
        page.fill("input[name=applicant_name]", "孙阿婆")
        page.fill("input[name=applicant_mobile]", "13900001002")
        page.fill("input[name=respondent_name]", "孙志强")
        page.fill("input[name=respondent_relation]", "长子")
        page.click("[data-testid=intake-submit]")
        expect(page.get_by_test_id("case-status")).to_have_text("登记中")
        assert "139****1002" in page.content()
        assert not page.evaluate(OVERFLOW)
        assert page.evaluate(UNLABELLED) == []

        page.check("input[name=willingness_recorded]")
        page.check("input[name=notice_given]")
        page.click("[data-testid=accept-form] button[type=submit]")
        expect(page.get_by_test_id("case-status")).to_have_text("已受理")
        expect(page.get_by_test_id("deadline")).to_contain_text("30")

        lead, lawyer = world.users["mediator"].name, world.users["advisor"].name
        page.select_option("[data-testid=team-form] select[name=lead]", label=f"{lead} · 调解员")
        page.get_by_role("checkbox", name=f"{lawyer} · 律师").check()
        page.click("[data-testid=team-form] button[type=submit]")
        expect(page.get_by_test_id("team")).to_contain_text("调解主持人")
        expect(page.get_by_test_id("team")).to_contain_text("律师")

        page.select_option("[data-testid=close-form] select[name=outcome]", "agreement")
        page.select_option("[data-testid=close-form] select[name=agreement_form]", "written")
        page.click("[data-testid=close-form] button[type=submit]")
        expect(page.get_by_test_id("case-status")).to_have_text("调解成功")
        assert not page.evaluate(OVERFLOW)
        screenshot(page, "mediation-case-closed-phone")
        assert not problems, problems
        with scopes_disabled():
            case = Case.all_objects.get(studio=studio)
        assert case.status == Case.Status.AGREEMENT
        assert case.lead.username == "mediator"
    finally:
        connections.close_all()
