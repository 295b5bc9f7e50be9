"""Headless Chromium (Debian's package) driven by Playwright for Python, for browser tests.

Playwright cannot download its own browser here, so it launches /usr/bin/chromium. Use the ``page`` fixture (from
conftest.py) together with ``live_server``; ``login(page, live_server, username, password)`` signs in through the form.
"""

import os
import shutil
from pathlib import Path

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"  # npm devDependency
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def login(page, live_server, username, password):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]:not(.small)")
    page.wait_for_load_state()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def watch_console(page) -> list[str]:
    """Script errors, CSP violations and failed loads of scripts, styles and images (400 pages are expected)."""
    errors = []

    def on_console(msg):
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    def on_response(response):
        if response.status >= 400 and response.request.resource_type != "document" and "favicon" not in response.url:
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", on_response)
    return errors


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2.1 A and AA rules on the page as it is now: one line per rule broken, with where.

    The script is evaluated through the DevTools protocol, which the page's Content Security Policy does not govern,
    so nothing is added to the page and no policy is loosened for tests."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    found = page.evaluate(
        """async (tags) => {
            const result = await window.axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => `${v.id} (${v.impact}): ${v.help} — ` +
                v.nodes.slice(0, 5).map(n => n.target.join(" ")).join(" | "));
        }""",
        WCAG_21_AA,
    )
    return list(found)
