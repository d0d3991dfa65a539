"""Partner sales benefits in Chromium (issue 7 §9): Acme registers a deal; another partner
registers the same end customer and staff see the conflict; after staff downgrade Acme to
Standard, Acme no longer sees deal registration."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import log_in
from tests.programs import builders


def log_out(page):
    page.get_by_role("button", name="Log out").click()


@pytest.fixture
def rival(demo):
    """A second Strategic Solution Services partner, with its Main Contact."""
    org = factories.OrganizationFactory(name="Rival Cloud", kind="partner", country="US")
    builders.enrollment(org, "services", "strategic", track="si")
    factories.member(org, "main@rival.example", "main_contact", "sales_contact")
    return org


def register_deal(page, company, email):
    page.get_by_role("link", name="Sales benefits", exact=True).click()
    page.get_by_role("navigation", name="Sales benefits").get_by_role("link", name="Deals").click()
    page.get_by_role("button", name="Register a deal").click()
    page.get_by_label("End-customer company").fill(company)
    page.get_by_label("Country").select_option("US")
    page.get_by_label("Contact name").fill("Rachael")
    page.get_by_label("Contact email").fill(email)
    page.get_by_label("Expected value").fill("150000")
    page.get_by_label("Enterprise subscription, Premium (24x7)").check()
    close = timezone.localdate() + timedelta(days=40)
    page.get_by_label("Expected close date").fill(close.isoformat())
    page.get_by_role("button", name="Register the deal").click()
    expect(page.get_by_text(f"Deal with {company} registered")).to_be_visible()


def test_a_conflicting_registration_is_flagged_and_a_downgrade_removes_deals(page, rival):
    log_in(page, "main@acme.example")
    register_deal(page, "Tyrell Corporation", "rachael@tyrell.example")
    log_out(page)

    log_in(page, "main@rival.example")
    register_deal(page, "TYRELL CORP.", "eldon@tyrell.example")
    log_out(page)

    # Staff see both registrations flagged, and who else claims the customer.
    log_in(page, "admin@opennebula.example")
    page.get_by_role("link", name="Partner sales").click()
    rows = page.locator("tbody tr", has_text="Conflict")
    expect(rows).to_have_count(2)
    page.get_by_role("link", name="TYRELL CORP.").click()
    expect(page.get_by_role("heading", name="Rival Cloud: deal with TYRELL CORP.")).to_be_visible()
    conflicts = page.get_by_role("region", name="Conflicts")
    expect(conflicts.get_by_text("Acme Cloud")).to_be_visible()
    expect(conflicts.get_by_role("link", name="Tyrell Corporation")).to_be_visible()

    # Staff downgrade Acme Cloud to Standard.
    page.get_by_role("link", name="Partners", exact=True).first.click()
    page.get_by_role("link", name="Acme Cloud").click()
    page.get_by_role("button", name="Downgrade to Standard…").click()
    page.get_by_label("Reason").fill("Annual revenue below $100,000 for two quarters.")
    page.get_by_role("button", name="Yes, downgrade").click()
    expect(page.get_by_text("Acme Cloud is now Standard")).to_be_visible()
    log_out(page)

    # Acme no longer sees deal registration, and the old address says why.
    log_in(page, "main@acme.example")
    page.get_by_role("link", name="Sales benefits", exact=True).click()
    subnav = page.get_by_role("navigation", name="Sales benefits")
    expect(subnav.get_by_role("link", name="Deals")).to_have_count(0)
    expect(subnav.get_by_role("link", name="NFR subscriptions")).to_be_visible()
    expect(
        page.get_by_role("list", name="Benefits not in your tier").get_by_text("Deal registration")
    ).to_be_visible()
    page.goto("/partner/deals/")
    expect(
        page.get_by_role("heading", name="Deal registration is not in your tier")
    ).to_be_visible()


@pytest.mark.parametrize(
    "email, paths",
    [
        (
            "main@acme.example",
            ["/partner/sales/", "/partner/deals/", "/partner/deals/new/", "/partner/nfr/"],
        ),
        ("main@northwind.example", ["/partner/referrals/", "/partner/commissions/"]),
        ("admin@opennebula.example", ["/staff/deals/?status=", "/staff/leads/"]),
    ],
)
def test_the_benefit_pages_hold_at_phone_width(phone_page, email, paths):
    log_in(phone_page, email)
    for path in paths:
        phone_page.goto(path)
        width = phone_page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path} is {width}px wide at a 390px viewport"
