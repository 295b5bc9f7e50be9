"""Shared test fixtures: a small region tree with one user per role, logged-in clients, scope helpers."""

import copy

import pytest
from django.db import connections, transaction
from django.utils import translation

from yizhan.core.scoping import scope_for, scopes_disabled
from yizhan.tests.factories import build_world


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Chinese). A request in English leaves English active in the thread
    (LocaleMiddleware activates the request's language and nothing deactivates it), so without this, service messages
    in a later test on the same worker would come out in English."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture
def world(db):
    """Two towns under 萧山区; 瓜沥镇 has villages 隆园社区 and 友谊村; 党湾镇 has 梅西村. One user per role."""
    with scopes_disabled():
        return build_world()


@pytest.fixture(scope="module")
def module_world(django_db_setup, django_db_blocker):
    """The same world, built once for a whole test module inside a transaction that is rolled back after it.

    Tests use it through ``shared_world``: each runs in its own savepoint inside that transaction (pytest-django's
    ``db``), so whatever a test writes is gone before the next one starts. Works on SQLite and PostgreSQL, and per
    pytest-xdist worker (each worker has its own test database and builds its own module world).
    """
    with django_db_blocker.unblock():
        atomics = {}
        for alias in connections:
            atomics[alias] = transaction.atomic(using=alias)
            atomics[alias]._from_testcase = True  # like Django's TestCase: durable blocks inside are allowed
            atomics[alias].__enter__()
        try:
            with scopes_disabled():
                world = build_world()
        except BaseException:
            _roll_back(atomics)
            raise
    yield world
    with django_db_blocker.unblock():
        _roll_back(atomics)


def _roll_back(atomics):
    for alias, atomic in reversed(atomics.items()):
        transaction.set_rollback(True, using=alias)
        atomic.__exit__(None, None, None)


@pytest.fixture
def shared_world(module_world, db):
    """``module_world`` for one test: a deep copy, so that what a test caches on the Python objects (a user's
    ``_yizhan_scope`` and ``_memberships_cache``, objects a helper memoises on the world) stays with that test,
    while its database writes are rolled back with its savepoint."""
    return copy.deepcopy(module_world)


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
