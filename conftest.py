"""Shared test fixtures: a small region tree with one user per role, logged-in clients, scope helpers."""

import pytest

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.tests.factories import build_world


@pytest.fixture
def world(db):
    """Two towns under 萧山区; 瓜沥镇 has villages 隆园社区 and 友谊村; 党湾镇 has 梅西村. One user per role."""
    with scopes_disabled():
        return build_world()


@pytest.fixture
def unscoped():
    with scopes_disabled():
        yield


@pytest.fixture
def as_user():
    """Run code as a user: ``with as_user(user): ...`` activates that user's scope."""
    return scope_for


@pytest.fixture
def client_for(client):
    """A fresh logged-in test client per call: ``client_for(world.users["town_admin"])``."""
    from django.test import Client

    def make(user):
        c = Client()
        if user is not None:
            c.force_login(user)
        return c

    return make


@pytest.fixture(scope="session")
def _browser():
    import os

    from playwright.sync_api import sync_playwright

    from yizhan.tests.browser import CHROMIUM, LAUNCH_ARGS

    # Playwright's sync API runs an event loop in this thread; Django's ORM is still used synchronously here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(_browser):
    """A fresh browser context (no cookies) with a phone-sized or desktop viewport, Chinese by default."""
    context = _browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
