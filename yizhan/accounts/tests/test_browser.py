import pytest

from yizhan.tests.browser import login, screenshot
from yizhan.tests.factories import PASSWORD


@pytest.mark.browser
def test_login_in_chinese_switch_to_english_and_back(live_server, page, transactional_db):
    from yizhan.core.scoping import scopes_disabled
    from yizhan.tests.factories import build_world

    with scopes_disabled():
        world = build_world()
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "登录"
    login(page, live_server, "town_admin", PASSWORD)
    assert page.url.endswith("/accounts/home/")
    assert "欢迎" in page.locator("[data-testid=home-title]").inner_text()
    assert "瓜沥镇" in page.locator("[data-testid=membership]").first.inner_text()
    assert page.get_by_role("link", name="用户管理").is_visible()
    screenshot(page, "home-zh")

    page.click("[data-testid=lang-en]")
    page.wait_for_load_state()
    assert "Welcome" in page.locator("[data-testid=home-title]").inner_text()
    assert page.get_by_role("link", name="Users").is_visible()
    screenshot(page, "home-en")

    # The choice is remembered: a new visit stays in English, and so does the account on another device.
    page.goto(f"{live_server.url}/accounts/home/")
    assert "Welcome" in page.locator("[data-testid=home-title]").inner_text()
    with scopes_disabled():
        world.users["town_admin"].refresh_from_db()
        assert world.users["town_admin"].language == "en"

    page.click("[data-testid=lang-zh]")
    page.wait_for_load_state()
    assert "欢迎" in page.locator("[data-testid=home-title]").inner_text()


@pytest.mark.browser
def test_station_manager_sees_no_admin_navigation(live_server, page, transactional_db):
    from yizhan.core.scoping import scopes_disabled
    from yizhan.tests.factories import build_world

    with scopes_disabled():
        build_world()
    login(page, live_server, "station_manager", PASSWORD)
    assert page.url.endswith("/accounts/home/")
    assert page.get_by_role("link", name="用户管理").count() == 0
    assert page.get_by_role("link", name="操作日志").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "home-station-manager-phone")


@pytest.mark.browser
def test_the_header_leaves_room_for_the_page_on_a_phone(live_server, page, transactional_db):
    """Issue 9, findings 7, 8 and 13: who is signed in is shown, the account links sit in a menu opened by keyboard,
    the main navigation is one line on a phone, and anonymous visitors are led to the public pages."""
    from yizhan.core.scoping import scopes_disabled
    from yizhan.tests.browser import axe_violations
    from yizhan.tests.factories import build_world

    with scopes_disabled():
        world = build_world()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    assert page.get_by_test_id("public-link").get_by_role("link").get_attribute("href") == "/public/"
    assert page.locator("a.brand").get_attribute("href") == "/public/"
    login(page, live_server, "town_admin", PASSWORD)  # the admin with the longest navigation
    menu = page.get_by_test_id("user-menu")
    assert world.users["town_admin"].name in menu.locator("summary").inner_text()
    assert not page.get_by_role("link", name="密码").is_visible()
    menu.locator("summary").focus()
    page.keyboard.press("Enter")
    assert page.get_by_role("link", name="密码").is_visible()
    page.keyboard.press("Enter")  # closes again
    heading_top = page.locator("h1").bounding_box()["y"]
    assert heading_top < 200, heading_top  # was 300–420 px of links before any content
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert axe_violations(page) == []
    screenshot(page, "header-town-admin-phone")
