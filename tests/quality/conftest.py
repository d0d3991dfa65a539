"""Debian's Chromium with axe-core on every page, for the quality gates' own tests."""

import os

import pytest

from quality import axe

# Playwright's sync API runs an event loop in this thread (see tests/e2e/conftest.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def axe_page(browser):
    """A page that has axe-core on every document it loads (`browser`: tests/conftest.py)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    axe.install(context)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def serve_html(axe_page):
    """Open an HTML document in the browser as if a server had sent it."""

    def open_html(html, url="http://quality.test/page/"):
        axe_page.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        axe_page.goto(url)
        return axe_page

    return open_html
