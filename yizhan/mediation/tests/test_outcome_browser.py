"""Headless Chromium at phone width (390 px): from an accepted case the mediator closes with a written agreement,
writes the agreement, downloads its PDF (its text checked), uploads the signed scan and finds the agreement locked
with the judicial-confirmation clock running; no sideways scroll, every control labelled, axe-core clean."""

import re

import pytest
from django.db import connections

from yizhan.core.scoping import scopes_disabled
from yizhan.mediation import reference
from yizhan.mediation.models import Agreement, Case
from yizhan.mediation.tests.cases import make_case
from yizhan.mediation.tests.outcomes import PDF_BYTES
from yizhan.mediation.tests.test_browser import OVERFLOW, UNLABELLED
from yizhan.stations import reference as station_reference
from yizhan.tests.browser import axe_violations, login, screenshot, watch_console
from yizhan.tests.factories import PASSWORD, build_world
from yizhan.tests.pdf import pdf_text


@pytest.mark.browser
def test_agreement_from_closing_to_the_signed_scan_on_a_phone(live_server, page, transactional_db, tmp_path):
    from playwright.sync_api import expect

    with scopes_disabled():
        reference.load()
        station_reference.load()  # earlier transactional tests may have flushed the reference tables
        world = build_world()
        case = make_case(world, status=Case.Status.ACCEPTED, lead=True)
    page.set_viewport_size({"width": 390, "height": 844})
    problems = watch_console(page)
    try:
        login(page, live_server, "mediator", PASSWORD)
        page.goto(f"{live_server.url}/stations/studios/cases/{case.pk}/")
        problems += axe_violations(page)
        page.select_option("[data-testid=close-form] select[name=outcome]", "agreement")
        page.select_option("[data-testid=close-form] select[name=agreement_form]", "written")
        page.click("[data-testid=close-form] button[type=submit]")
        expect(page.get_by_test_id("case-status")).to_have_text("调解成功")
        expect(page.get_by_test_id("follow-ups")).to_contain_text("计划")
        problems += axe_violations(page)

        page.get_by_test_id("agreement-edit").click()
        assert page.evaluate(UNLABELLED) == []
        assert not page.evaluate(OVERFLOW)
        problems += axe_violations(page)
        for label, value in (("李秀英的性别", "female"), ("王强的性别", "male")):
            page.get_by_label(label).select_option(value)
        page.get_by_label("李秀英的年龄").fill("34")
        page.get_by_label("王强的年龄").fill("36")
        page.get_by_label("李秀英的住址").fill("瓜沥镇东灵社区")
        page.get_by_label("王强的住址").fill("瓜沥镇友谊村")
        page.get_by_label("纠纷的主要事实").fill("双方离婚后，王强未按期支付女儿的抚养费。")
        page.get_by_label("争议事项").fill("拖欠的抚养费及今后的支付方式。")
        page.get_by_label("各方当事人的责任").fill("王强未履行离婚协议，负主要责任。")
        page.get_by_label("协议内容").fill("王强于2026年12月31日前支付拖欠的抚养费一万元。")
        page.get_by_label("履行方式", exact=True).fill("银行转账。")
        page.get_by_label("履行期限（日期）").fill("2026-12-31")
        page.click("[data-testid=agreement-form] button[type=submit]")
        expect(page.get_by_test_id("agreement-draft")).to_be_visible()
        assert not page.evaluate(OVERFLOW)

        with page.expect_download() as download:
            page.get_by_test_id("agreement-pdf").click()
        pdf = download.value.path().read_bytes()
        text = re.sub(r"\s+", "", pdf_text(pdf))
        for item in (
            "人民调解协议书",
            "李秀英",
            "王强",
            "拖欠的抚养费及今后的支付方式",
            "王强未履行离婚协议，负主要责任",
            "2026年12月31日前履行完毕",
            "（签名或按指印）",
            "人民调解委员会印章",
            "本协议一式3份",
        ):
            assert item in text, item

        scan = tmp_path / "signed.pdf"
        scan.write_bytes(PDF_BYTES)
        page.set_input_files("[data-testid=scan-form] input[type=file]", str(scan))
        page.click("[data-testid=scan-form] button[type=submit]")
        expect(page.get_by_test_id("agreement-locked")).to_be_visible()
        expect(page.get_by_test_id("confirmation-clock")).to_contain_text("30")
        expect(page.get_by_test_id("agreement-edit")).to_have_text("制作新版本")
        assert page.evaluate(UNLABELLED) == []
        assert not page.evaluate(OVERFLOW)
        problems += axe_violations(page)
        screenshot(page, "mediation-agreement-locked-phone")
        assert not problems, problems
        with scopes_disabled():
            agreement = Agreement.all_objects.get(case=case)
        assert agreement.is_locked
        assert agreement.revision == 1
    finally:
        connections.close_all()
