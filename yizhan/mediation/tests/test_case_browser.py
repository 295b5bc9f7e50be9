"""Headless Chromium at phone width (390 px), one whole case as the studio's mediator: intake → accept and team →
a separate session and a joint session → closed with a written agreement → the agreement written and its PDF
downloaded (its text checked) → a follow-up visit recorded → the case file downloaded. No sideways scroll, every
control labelled, axe-core clean at each step, no console or CSP errors."""

import re

import pytest
from django.db import connections
from django.utils import timezone

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation import reference
from yizhan.mediation.models import Case, CaseSession, FollowUp
from yizhan.mediation.tests.network import build_studio_network
from yizhan.mediation.tests.test_browser import OVERFLOW, UNLABELLED
from yizhan.stations import reference as station_reference
from yizhan.tests.browser import axe_violations, login, screenshot, watch_console
from yizhan.tests.factories import PASSWORD, build_world
from yizhan.tests.pdf import pdf_text


def _check(page, problems):
    assert page.evaluate(UNLABELLED) == []
    assert not page.evaluate(OVERFLOW)
    problems += axe_violations(page)


def _session(page, *, kind, when, record, heard=None, present=()):
    form = "[data-testid=session-form]"
    page.select_option(f"{form} select[name=kind]", kind)
    page.fill(f"{form} input[name=starts_at]", when)
    page.fill(f"{form} input[name=place]", "东灵社区调解室")
    if heard:
        page.select_option(f"{form} select[name=heard_party]", label=heard)
    for name in present:
        page.get_by_role("checkbox", name=name).check()
    page.fill(f"{form} textarea[name=record]", record)
    page.click(f"{form} button[type=submit]")


@pytest.mark.browser
def test_a_whole_case_on_a_phone(live_server, page, transactional_db):
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
        # intake
        page.goto(f"{live_server.url}/stations/studios/cases/")
        page.get_by_test_id("new-case").click()
        _check(page, problems)
        page.select_option("select[name=source]", "walk_in")
        page.select_option("select[name=dispute_type]", label="抚养")
        page.fill("textarea[name=narrative]", "离婚后王强未按期支付女儿的抚养费。")
        page.fill("input[name=applicant_name]", "李秀英")
        page.fill("input[name=applicant_mobile]", "13912345678")
        page.fill("input[name=respondent_name]", "王强")
        page.fill("input[name=respondent_relation]", "前夫")
        page.click("[data-testid=intake-submit]")
        expect(page.get_by_test_id("case-status")).to_have_text("登记中")
        _check(page, problems)
        with scopes_disabled():
            case = Case.all_objects.get(studio=studio)

        # accept, team
        page.check("input[name=willingness_recorded]")
        page.check("input[name=notice_given]")
        page.click("[data-testid=accept-form] button[type=submit]")
        expect(page.get_by_test_id("case-status")).to_have_text("已受理")
        lead, lawyer = world.users["mediator"].name, world.users["advisor"].name
        page.select_option("[data-testid=team-form] select[name=lead]", label=f"{lead} · 调解员")
        page.get_by_role("checkbox", name=f"{lawyer} · 律师").check()
        page.click("[data-testid=team-form] button[type=submit]")
        expect(page.get_by_test_id("team")).to_contain_text("调解主持人")
        _check(page, problems)

        # a separate session, then a joint one
        page.get_by_test_id("sessions-link").click()
        page.wait_for_load_state()
        _check(page, problems)
        when = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        _session(page, kind="separate", when=when, record="李秀英陈述王强拖欠抚养费的经过。", heard="申请人 李秀英")
        expect(page.get_by_test_id("confidential")).to_be_visible()
        _session(
            page,
            kind="joint",
            when=when,
            record="双方当面协商，同意分期支付。",
            present=("申请人 李秀英", "被申请人 王强"),
        )
        expect(page.get_by_test_id("session-row")).to_have_count(2)
        _check(page, problems)
        with scopes_disabled():
            assert sorted(CaseSession.all_objects.filter(case=case).values_list("kind", flat=True)) == [
                "joint",
                "separate",
            ]

        # closed with a written agreement, the agreement written, its PDF downloaded
        page.goto(f"{live_server.url}/stations/studios/cases/{case.pk}/")
        page.select_option("[data-testid=close-form] select[name=outcome]", "agreement")
        page.select_option("[data-testid=close-form] select[name=agreement_form]", "written")
        page.click("[data-testid=close-form] button[type=submit]")
        expect(page.get_by_test_id("case-status")).to_have_text("调解成功")
        page.get_by_test_id("agreement-edit").click()
        _check(page, problems)
        for label, value in (("李秀英的性别", "female"), ("王强的性别", "male")):
            page.get_by_label(label).select_option(value)
        page.get_by_label("李秀英的年龄").fill("34")
        page.get_by_label("王强的年龄").fill("36")
        page.get_by_label("李秀英的住址").fill("瓜沥镇东灵社区")
        page.get_by_label("王强的住址").fill("瓜沥镇友谊村")
        page.get_by_label("纠纷的主要事实").fill("双方离婚后，王强未按期支付女儿的抚养费。")
        page.get_by_label("争议事项").fill("拖欠的抚养费及今后的支付方式。")
        page.get_by_label("各方当事人的责任").fill("王强未履行离婚协议，负主要责任。")
        page.get_by_label("协议内容").fill("王强分三期支付拖欠的抚养费一万元。")
        page.get_by_label("履行方式", exact=True).fill("银行转账。")
        page.get_by_label("履行期限（日期）").fill("2026-12-31")
        page.click("[data-testid=agreement-form] button[type=submit]")
        expect(page.get_by_test_id("agreement-draft")).to_be_visible()
        _check(page, problems)
        with page.expect_download() as download:
            page.get_by_test_id("agreement-pdf").click()
        text = re.sub(r"\s+", "", pdf_text(download.value.path().read_bytes()))
        for item in ("人民调解协议书", "李秀英", "王强", "王强分三期支付拖欠的抚养费一万元", "（签名或按指印）"):
            assert item in text, item

        # a follow-up visit recorded
        page.locator("[data-testid=follow-up] summary").first.click()
        visit = page.locator("[data-testid=follow-up-form]").first
        visit.locator("input[name=performed_on]").fill(timezone.localdate().isoformat())
        visit.locator("select[name=performance]").select_option("partial")
        visit.locator("select[name=satisfaction]").select_option("basically")
        visit.locator("textarea[name=notes]").fill("王强已支付第一期。")
        visit.locator("button[type=submit]").click()
        expect(page.get_by_test_id("follow-ups")).to_contain_text("部分履行")
        _check(page, problems)

        # the case file for the archive
        page.get_by_test_id("case-file-link").click()
        page.wait_for_load_state()
        _check(page, problems)
        with page.expect_download() as download:
            page.get_by_test_id("case-file-download").click()
        text = re.sub(r"\s+", "", pdf_text(download.value.path().read_bytes()))
        for item in ("人民调解卷宗", "李秀英陈述王强拖欠抚养费的经过", "双方当面协商，同意分期支付", "部分履行"):
            assert item in text, item
        screenshot(page, "mediation-whole-case-phone")
        assert not problems, problems
        with scopes_disabled():
            done = FollowUp.all_objects.get(case=case, performed_on__isnull=False)
        assert done.performance == "partial"
    finally:
        connections.close_all()
