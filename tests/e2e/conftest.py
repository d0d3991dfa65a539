"""The browser harness: Debian's Chromium driven by Playwright against a live server.

The `browser` fixture itself is in tests/conftest.py (one per run, shared with tests/quality).

Every journey test gets `live_server` with the demo data (`demo`), and logs in
with `log_in(page, email)`, which answers the TOTP prompt for staff.
"""

import os
from io import StringIO

import pyotp
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.accounts.mfa import DEMO_TOTP_SECRET

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# made by fixtures in the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DEMO_PASSWORD = "demo-pass-2026"
# Generous: CI shares two cores with the browser, the live server and PostgreSQL.
BROWSER_TIMEOUT_MS = 30_000
expect.set_options(timeout=15_000)


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def demo(django_db_serialized_rollback):
    """The demo data on top of what the migrations load (plans, staff groups and their
    permissions), which a transactional test would otherwise flush away."""
    call_command("seed_demo", stdout=StringIO())


@pytest.fixture
def page(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(BROWSER_TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


def log_in(page, email, password=DEMO_PASSWORD):
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign In").click()
    if "/accounts/2fa/authenticate" in page.url:
        page.locator("input[name=code]").fill(pyotp.TOTP(DEMO_TOTP_SECRET).now())
        page.get_by_role("button", name="Sign In").click()
    page.wait_for_url("**/dashboard/")
    return page


def scroll_width(page):
    """The page's width in CSS pixels, once the current navigation has loaded."""
    page.wait_for_load_state("load")
    return page.evaluate("document.documentElement.scrollWidth")
