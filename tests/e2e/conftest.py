"""The browser harness: Debian's Chromium driven by Playwright against a live server.

Every journey test gets `live_server` with the demo data (`demo`), and logs in
with `log_in(page, email)`, which answers the TOTP prompt for staff.
"""

import os
import shutil
from io import StringIO

import pyotp
import pytest
from django.core.management import call_command

from tests.accounts.mfa import DEMO_TOTP_SECRET

# Playwright's sync API runs an event loop in this thread; Django's ORM calls
# made by fixtures in the same thread are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
DEMO_PASSWORD = "demo-pass-2026"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    assert executable, "Debian's chromium is needed: scripts/ensure-chromium installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def demo(transactional_db):
    """The demo data, on top of the migrations' data: a journey never depends on running first."""
    reload_migrations_data()
    call_command("seed_demo", stdout=StringIO())


def reload_migrations_data():
    """Re-run the project's data migrations (plans and SLA targets, staff groups, business
    calendars...) after the previous journey's flush emptied their tables.

    Each RunPython step of a project app is idempotent (get_or_create), so the first
    journey changes nothing. Django's serialized rollback cannot do this here: Playwright
    runs an event loop in this thread, so asgiref hands the journeys a fresh database
    connection without the serialized copy.
    """
    from django.apps import apps
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader
    from django.db.migrations.operations import RunPython

    project_apps = {"accounts", "programs", "subscriptions", "billing", "support"}
    loader = MigrationLoader(connection)
    done = set()
    for leaf in loader.graph.leaf_nodes():
        for key in loader.graph.forwards_plan(leaf):
            if key in done or key[0] not in project_apps:
                continue
            done.add(key)
            for operation in loader.graph.nodes[key].operations:
                if isinstance(operation, RunPython):
                    with connection.schema_editor() as schema_editor:
                        operation.code(apps, schema_editor)


@pytest.fixture
def page(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def phone_page(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    context.set_default_timeout(10_000)
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
