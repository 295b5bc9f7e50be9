"""Each role's main job at 390 px, walked from its home page in headless Chromium on the 瓜沥镇 demo (issue 9).

A walk clicks links by their visible text, as a person would; a link that is not there is a dead end and fails the
walk. On every page reached the walk fails for:
- English words on a Chinese page (beyond the few the product uses as they are: Excel, PDF, the language switch …),
- an internal id or label: a model label (``people.person``), a role key in brackets (``(district_admin)``), ``#123``,
- a page wider than the phone (sideways scrolling),
- a script error, a CSP violation, or an htmx request answered with an error and no message on the page.
Screenshots of each page (test-artifacts/walk-*.png, not committed) show what the person saw.
"""

import re

import pytest
from django.core.management import call_command
from django.db import connections

from yizhan.accounts.demo import DEMO_PASSWORD, DEMO_USERS
from yizhan.tests.browser import login, screenshot, watch_console

PHONE = {"width": 390, "height": 844}
# Latin words the product shows on Chinese pages on purpose: the language switch, file formats, the 5+X brand's X.
ALLOWED_LATIN = {"english", "excel", "pdf", "zip", "api", "ics", "icalendar", "qr", "wifi", "ai"}
USERNAMES = {username for username, *_ in DEMO_USERS}
ROLE_KEYS = "federation_admin|station_manager|mediator|advisor|volunteer|district_admin|town_admin"
INTERNAL = [
    re.compile(
        r"\b(?:accounts|audit|regions|notifications|people|stations|mediation|activities|insights|portal|core)"
        r"\.[a-z_]+\b"
    ),
    re.compile(rf"\((?:{ROLE_KEYS})\)"),
    re.compile(r"#\d+"),
    re.compile(r"\bNone\b|\bTrue\b|\bFalse\b"),
]


def sign_up(page) -> bool:
    """A resident signs up for the first activity open for sign-up, on the public page, and gets her code."""
    link = page.locator("main a[href^='/activities/public/']").filter(has_not_text="日历").first
    if link.count() == 0:
        return False
    link.click()
    page.wait_for_load_state()
    page.get_by_label("参加人姓名").fill("林小梅")
    page.get_by_label("手机号（为儿童报名时填监护人的）").fill("13900139000")
    page.get_by_label("我同意按上述说明使用这些信息。").check()
    page.get_by_test_id("signup-submit").click()
    page.wait_for_load_state()
    return re.fullmatch(r"\d{8}", page.get_by_test_id("private-code").inner_text()) is not None


def register_resident(page) -> bool:
    """A station manager registers a new resident with the form (her only village is already chosen)."""
    page.get_by_label("姓名").fill("林小梅")
    page.get_by_label("手机号").fill("13900139001")
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    return page.locator("main h1").inner_text().startswith("林小梅")


def first_case(page) -> bool:
    """A mediator or an advisor opens the first case of her work queue (我的案件)."""
    link = page.locator("[data-testid=queue-case] a").first
    if link.count() == 0:
        return False
    link.click()
    page.wait_for_load_state()
    return "/stations/studios/cases/" in page.url


# Each role's main job: what a person does, in order, starting on the home page. A step is a link's text (its first
# match in the main content, or in the main navigation with "nav:"), or a function that fills in and sends a form
# and says whether it worked.
WALKS: dict[str | None, list] = {
    None: ["瓜沥镇", "四融驿站", "近期活动与报名", sign_up],
    "town_admin": ["浏览该地区", "nav:驿站", "四融驿站", "nav:覆盖情况", "nav:居民", "nav:调解案件", "nav:活动"],
    "station_manager": [
        "登记居民",
        register_resident,
        "nav:首页",
        "查找要走访的居民",
        "nav:活动",
        "nav:驿站",
        "四融驿站",
    ],
    "mediator": [first_case, "nav:首页", "预警", "nav:案件统计", "nav:预约", "nav:调解工作室", "东灵", "网上调解申请"],
    "advisor": [first_case, "nav:调解案件", "nav:预约"],
    "volunteer": ["我的时长和证明", "nav:我的志愿服务"],
}


def page_problems(page, role) -> list[str]:
    where = f"{role or 'resident'} {page.url.split('//', 1)[1].split('/', 1)[1]}"
    text = page.locator("body").inner_text()
    problems = []
    for word in re.findall(r"[A-Za-z][A-Za-z_]{2,}", text):
        if word.lower() not in ALLOWED_LATIN and word not in USERNAMES:
            problems.append(f"{where}: English on a Chinese page: {word!r}")
    for pattern in INTERNAL:
        problems += [f"{where}: internal id or label: {m!r}" for m in pattern.findall(text)]
    if page.evaluate("document.documentElement.scrollWidth > window.innerWidth"):
        problems.append(f"{where}: wider than the phone")
    return problems


def click(page, step: str) -> bool:
    if step.startswith("nav:"):
        link = page.locator("nav.main-nav a", has_text=step[4:]).first
    else:
        link = page.locator("main a", has_text=step).first
    if link.count() == 0:
        return False
    link.click()
    page.wait_for_load_state()
    return True


@pytest.mark.browser
def test_each_role_walks_its_main_job_on_a_phone(live_server, page, transactional_db):
    call_command("seed_demo")
    page.set_viewport_size(PHONE)
    problems = watch_console(page)
    try:
        for role, steps in WALKS.items():
            page.context.clear_cookies()
            if role:
                login(page, live_server, role, DEMO_PASSWORD)
                assert page.url.endswith("/accounts/home/"), page.url
            else:
                page.goto(f"{live_server.url}/accounts/login/")
                page.locator("main a", has_text="查找身边的驿站").click()  # a resident finds the public pages
                page.wait_for_load_state()
            problems += page_problems(page, role)
            screenshot(page, f"walk-{role or 'resident'}-0-home-390")
            page.set_viewport_size({"width": 1366, "height": 900})
            screenshot(page, f"walk-{role or 'resident'}-0-home-1366")
            page.set_viewport_size(PHONE)
            for number, step in enumerate(steps, start=1):
                if not (step(page) if callable(step) else click(page, step)):
                    problems.append(
                        f"{role or 'resident'}: dead end at {getattr(step, '__name__', step)!r} on {page.url}"
                    )
                    break
                problems += page_problems(page, role)
                screenshot(page, f"walk-{role or 'resident'}-{number}-390")
        assert problems == [], "\n".join(problems)
    finally:
        connections.close_all()


@pytest.mark.browser
def test_the_walk_sees_english_internal_ids_and_overflow(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/public/")  # any page of the site, then its content replaced
    page.set_content(
        "<main><p>联系人 Name：沈慧 (district_admin) people.person #12 None</p>"
        f"<pre>{'1' * 120}</pre><p>下载 Excel · English</p></main>"  # no inline style: the page's CSP applies
    )
    found = page_problems(page, "town_admin")
    assert any("'Name'" in p for p in found)
    assert any("(district_admin)" in p for p in found)
    assert any("people.person" in p for p in found)
    assert any("#12" in p for p in found)
    assert any("None" in p for p in found)
    assert any("wider than the phone" in p for p in found)
    assert not any("'Excel'" in p or "'English'" in p for p in found)
