"""Headless Chromium: a station manager imports a file with errors, confirms the valid rows, reveals a number."""

import io
from datetime import date

import pytest
from django.db import connections
from openpyxl import Workbook

from yizhan.audit.models import AuditLog
from yizhan.core.scoping import scopes_disabled
from yizhan.people.models import Person
from yizhan.people.validators import make_resident_id
from yizhan.tests.browser import login, screenshot
from yizhan.tests.factories import PASSWORD, build_world


def _file(tmp_path):
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "性别", "出生日期", "证件类型", "证件号码", "手机号码", "地址", "村社", "户籍类型", "备注"])
    born = date(1988, 8, 8)
    ws.append(
        [
            "周晓梅",
            "女",
            "",
            "居民身份证",
            make_resident_id("330109", born, 246),
            "13755556666",
            "瓜沥镇隆园社区9幢",
            "330109113001",
            "户籍",
            "",
        ]
    )
    ws.append(["错号码", "女", "", "居民身份证", "330109198808082461", "13755557777", "", "330109113001", "", ""])
    ws.append(["错手机", "女", "1990-01-01", "", "", "12345", "", "330109113001", "", ""])
    path = tmp_path / "residents.xlsx"
    buf = io.BytesIO()
    wb.save(buf)
    path.write_bytes(buf.getvalue())
    return path


@pytest.mark.browser
def test_import_with_errors_then_reveal(live_server, page, transactional_db, tmp_path):
    from playwright.sync_api import expect

    with scopes_disabled():
        world = build_world()
    manager = world.users["station_manager"]
    problems = []  # failed requests (the browser's own favicon probe aside) and CSP violations
    page.on(
        "response",
        lambda r: (
            problems.append(f"{r.status} {r.url}") if r.status >= 400 and not r.url.endswith("/favicon.ico") else None
        ),
    )
    page.on("console", lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None)
    try:
        login(page, live_server, manager.username, PASSWORD)
        page.goto(f"{live_server.url}/people/import/")
        page.set_input_files("[data-testid=file]", str(_file(tmp_path)))
        page.click("[data-testid=upload]")
        page.wait_for_url("**/people/import/*/")
        expect(page.get_by_test_id("row-errors")).to_contain_text("错号码")
        expect(page.get_by_test_id("row-errors")).to_contain_text("错手机")
        expect(page.get_by_test_id("row-errors")).to_contain_text("校验码")
        screenshot(page, "people-import-preview")
        with page.expect_download() as download:
            page.click("[data-testid=error-report]")
        assert download.value.suggested_filename.endswith(".xlsx")
        with scopes_disabled():
            assert not Person.all_objects.exists()  # nothing imported before confirming
        page.click("[data-testid=confirm]")
        expect(page.get_by_test_id("import-done")).to_be_visible()
        with scopes_disabled():
            person = Person.all_objects.get()
        assert person.name == "周晓梅"

        page.goto(f"{live_server.url}/people/")
        expect(page.get_by_test_id("person-row")).to_contain_text("137****6666")
        assert "13755556666" not in page.content()
        page.goto(f"{live_server.url}/people/{person.pk}/")
        reveal = page.locator(".reveal").nth(1)  # the mobile number
        reveal.locator("input[name=reason]").fill("电话通知活动")
        reveal.locator("button").click()
        expect(page.get_by_test_id("revealed")).to_have_text("13755556666")
        screenshot(page, "people-reveal")
        assert not problems, problems
        row = AuditLog.all_objects.get(action="reveal", target_id=str(person.pk))
        assert row.reason == "电话通知活动"
        assert row.actor_id == manager.pk
    finally:
        # ORM calls made while Playwright's event loop runs use their own connection; close it for teardown.
        connections.close_all()


@pytest.mark.browser
def test_the_visit_calendar_shows_today_on_a_phone(live_server, page, transactional_db):
    """Issue 9, finding 8: at 390 px the month grid cut off Friday to Sunday, today included. On a phone the month is
    a list of the days with visits and today; on a desktop the grid stays, today inside the window."""
    from datetime import timedelta

    from django.utils import timezone

    from yizhan.people.models import ScheduledVisit, TargetGroup, VisitPlan
    from yizhan.tests.browser import axe_violations
    from yizhan.tests.factories import PersonFactory, consent_for_care

    today = timezone.localdate()
    with scopes_disabled():
        world = build_world()
        village = world.regions["330109113001"]
        # a transactional test empties the tables the data migrations fill: the group is made here
        group, _ = TargetGroup.all_objects.get_or_create(code="single_mothers", defaults={"name": "单亲母亲"})
        plan = VisitPlan.all_objects.create(name="月访", group=group, region=village, interval_days=30)
        for n, days in enumerate((0, 1, 2)):  # today and the two days after it, whatever weekday today is
            person = PersonFactory(name=f"走访对象{n}", region=village)
            consent_for_care(person)
            due = today + timedelta(days=days)
            if due.month == today.month:
                ScheduledVisit.all_objects.create(plan=plan, person=person, due_date=due)
    login(page, live_server, world.users["station_manager"].username, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/people/visits/calendar/")
    today_item = page.get_by_test_id("calendar-today-day")
    assert today_item.is_visible()
    assert "走访对象0" in today_item.inner_text()
    box = today_item.bounding_box()
    assert box["x"] >= 0
    assert box["x"] + box["width"] <= 390, box
    assert not page.locator("table.calendar").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    screenshot(page, "people-calendar-phone")
    page.click("text=跳到今天")
    assert today_item.is_visible()
    page.set_viewport_size({"width": 1366, "height": 900})
    cell = page.get_by_test_id("calendar-today")
    assert cell.is_visible()
    assert not page.get_by_test_id("calendar-days").is_visible()
    box = cell.bounding_box()
    assert box["x"] + box["width"] <= 1366, box
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    assert axe_violations(page) == []
    screenshot(page, "people-calendar-desktop")


@pytest.mark.browser
def test_a_town_admins_calendar_counts_per_day_and_opens_the_day_on_a_phone(live_server, page, transactional_db):
    """Issue 12: above one village the month counts the visits per day; the figure says what it counts in words (not
    by colour alone) and opens the day's list, at 390 px and on a desktop."""
    from django.utils import timezone

    from yizhan.people.models import ScheduledVisit, TargetGroup, VisitPlan
    from yizhan.tests.browser import axe_violations
    from yizhan.tests.factories import PersonFactory

    today = timezone.localdate()
    with scopes_disabled():
        world = build_world()
        group, _ = TargetGroup.all_objects.get_or_create(code="single_mothers", defaults={"name": "单亲母亲"})
        plan = VisitPlan.all_objects.create(name="月访", group=group, region=world.regions["330109113"])
        for n, code in enumerate(("330109113001", "330109113002", "330109113003")):
            person = PersonFactory(name=f"走访对象{n}", region=world.regions[code])
            ScheduledVisit.all_objects.create(plan=plan, person=person, due_date=today)
    login(page, live_server, world.users["town_admin"].username, PASSWORD)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/people/visits/calendar/")
    today_item = page.get_by_test_id("calendar-today-day")
    assert today_item.is_visible()
    assert "3 项到期" in today_item.inner_text()
    assert "走访对象0" not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    screenshot(page, "people-calendar-counts-phone")
    today_item.get_by_role("link", name="3 项到期").click()
    rows = page.get_by_test_id("calendar-day-list")
    assert "走访对象0" in rows.inner_text()
    assert "走访对象2" in rows.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/people/visits/calendar/")
    cell = page.get_by_test_id("calendar-today")
    assert "3 项到期" in cell.inner_text()
    page.get_by_test_id("calendar-areas").get_by_role("link", name="友谊村").click()
    assert "走访对象1" in page.get_by_test_id("calendar-today").inner_text()  # one village: each visit named
    assert axe_violations(page) == []
    screenshot(page, "people-calendar-counts-desktop")
