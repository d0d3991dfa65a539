"""Debian's Chromium with axe-core on every page, for the quality gates' own tests."""

import os

import pytest

from quality import axe
from quality.browser import chromium

# Playwright's sync API runs an event loop in this thread (see tests/e2e/conftest.py).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="module")
def quality_browser():
    with chromium() as browser:
        yield browser


@pytest.fixture
def axe_page(quality_browser):
    """A page that has axe-core on every document it loads."""
    context = quality_browser.new_context(viewport={"width": 1280, "height": 900})
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
