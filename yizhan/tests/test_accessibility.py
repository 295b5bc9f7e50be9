"""axe-core's WCAG 2.1 A/AA rules on every page a role reaches in the demo, at desktop and phone width.

The pages are found, not listed: every URL route without arguments, and the links to object pages found on the
list pages (a station, a person, a studio, an activity …), visited as the roles that use them. A page that answers
anything but 200 for a role (403, a redirect to an export) is left out for that role. Each page is checked once, as
the first role that reaches it (the roles' variants of a page share its template).
"""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from playwright.sync_api import Error as PlaywrightError

from yizhan.accounts.demo import DEMO_PASSWORD
from yizhan.accounts.models import User
from yizhan.tests.browser import axe_violations, login
from yizhan.tests.permission_matrix import page_routes

ROLES = [None, "town_admin", "station_manager", "mediator", "advisor", "volunteer"]
WIDTHS = (1366, 390)
# Object pages (a station, its rooms, a person, a case …) reached by links: the first link of each shape.
OBJECT_LINK = re.compile(r"^/[\w/-]*\d[\w/-]*/$")
SKIP = re.compile(r"(export|\.xlsx|\.ics|/logout/|/language/|^/api/|^/healthz|/captcha/)")


def _plain_routes() -> list[str]:
    return sorted(
        "/" + r.route for r in page_routes() if "<" not in r.route and not SKIP.search("/" + r.route) and r.route
    )


def _visit(page, url) -> bool:
    try:
        response = page.goto(url)
    except PlaywrightError:  # a route that only takes POST answers 405 with no body, which Chromium will not show
        return False
    return response is not None and response.status == 200 and page.url.split("?")[0] == url.split("?")[0]


def _pages_by_role() -> list[tuple[str | None, str]]:
    """(role, path) for each page, as the first role that gets it with 200 (found with Django's test client)."""
    routes, found, seen = _plain_routes(), [], set()
    for role in ROLES:
        client = Client()
        if role:
            client.force_login(User.all_objects.get(username=role))
        paths, shapes, reachable = list(routes), set(), []
        for path in paths:
            response = client.get(path)
            if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
                continue
            reachable.append(path)
            for href in re.findall(r'href="([^"]+)"', response.content.decode()):
                shape = re.sub(r"\d+", "N", href)
                if OBJECT_LINK.match(href) and not SKIP.search(href) and shape not in shapes:
                    shapes.add(shape)
                    paths.append(href)
        for path in reachable:
            if re.sub(r"\d+", "N", path) not in seen:
                seen.add(re.sub(r"\d+", "N", path))
                found.append((role, path))
    return found


@pytest.mark.browser
def test_every_page_passes_axe_at_desktop_and_phone_width(live_server, page, transactional_db):
    call_command("seed_demo")
    pages = _pages_by_role()
    assert len(pages) > 25
    problems, current = [], "-"
    for role, path in pages:
        if role != current:
            page.context.clear_cookies()
            if role:
                login(page, live_server, role, DEMO_PASSWORD)
            current = role
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            assert _visit(page, live_server.url + path), f"{role} {path}"
            problems += [f"{role or 'anonymous'} {path} @{width}px: {v}" for v in axe_violations(page)]
    assert problems == [], "\n".join(problems)
