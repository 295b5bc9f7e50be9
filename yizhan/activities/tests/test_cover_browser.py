"""Headless Chromium at phone width: a station manager replaces an activity's cover photo with the real multipart
form, sees the new thumbnail, then removes it; the public page and cards show the cover with the title as its text
alternative; every page on the way passes axe-core."""

import pytest
from django.core.management import call_command

from yizhan.accounts.demo import DEMO_PASSWORD
from yizhan.activities.models import Activity
from yizhan.core.scoping import scopes_disabled
from yizhan.stations.tests.network import png_bytes
from yizhan.tests.browser import axe_violations, login, watch_console

TITLE = "绘画：四季的颜色"


def _loaded(page, selector) -> bool:
    return page.locator(selector).evaluate("img => img.complete && img.naturalWidth > 0")


@pytest.mark.browser
def test_manager_replaces_and_removes_the_cover_and_the_public_sees_it(live_server, page, transactional_db, tmp_path):
    from playwright.sync_api import expect

    call_command("seed_demo")
    with scopes_disabled():
        activity = Activity.all_objects.get(title=TITLE)
    old = activity.cover_image
    assert old  # the demo gave it a cover
    page.set_viewport_size({"width": 390, "height": 844})
    errors = watch_console(page)
    problems = []

    page.goto(f"{live_server.url}/activities/public/stations/{activity.station_id}/")
    card = page.locator(f'img[data-testid="public-cover"][alt="{TITLE}"]')
    expect(card).to_have_count(1)
    assert _loaded(page, f'img[data-testid="public-cover"][alt="{TITLE}"]')
    problems += axe_violations(page)
    page.goto(f"{live_server.url}/activities/public/{activity.pk}/")
    assert _loaded(page, 'img[data-testid="public-cover"]')
    problems += axe_violations(page)

    login(page, live_server, "station_manager", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    expect(page.get_by_test_id("cover-thumb")).to_have_attribute("alt", TITLE)
    problems += axe_violations(page)
    picture = tmp_path / "cover.png"
    picture.write_bytes(png_bytes((800, 600), color=(40, 120, 200)))
    page.locator("input[name=image]").set_input_files(str(picture))
    page.get_by_test_id("cover-upload").click()
    page.wait_for_load_state()
    expect(page.get_by_text("封面照片已保存。")).to_be_visible()
    assert _loaded(page, '[data-testid="cover-thumb"]')
    with scopes_disabled():
        activity.refresh_from_db()
    assert activity.cover_image not in ("", old)
    assert activity.cover_content_type == "image/png"

    page.get_by_test_id("cover-remove").click()
    page.wait_for_load_state()
    expect(page.get_by_text("封面照片已删除。")).to_be_visible()
    expect(page.get_by_test_id("cover-thumb")).to_have_count(0)
    expect(page.get_by_test_id("cover-upload")).to_have_text("上传封面照片")
    problems += axe_violations(page)
    assert problems == [], "\n".join(problems)
    assert errors == []
