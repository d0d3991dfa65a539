"""The partner program, end to end in Chromium (issue 5 §9): a visitor applies, staff
approve, the Main Contact signs and downloads the PDF, the scorecard shows the
requirements, and a Strategic partner downgraded by staff sees its Strategic benefits
inactive."""

import re

from playwright.sync_api import expect

from accounts.models import Notification
from tests.e2e.conftest import DEMO_PASSWORD, log_in, scroll_width


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def sign_up(page, email):
    page.goto("/programs/")
    page.get_by_role("button", name="Apply now").click()
    page.get_by_role("link", name="Sign up").first.click()
    page.get_by_label("Email").fill(email)
    page.locator("#id_password1").fill(DEMO_PASSWORD)
    page.locator("#id_password2").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    expect(page.get_by_role("heading", name="Verify Your Email Address")).to_be_visible()
    mail = Notification.objects.filter(recipient=email).latest("created_at")
    link = re.search(r"https?://[^/\s]+(/accounts/confirm-email/\S+)", mail.body).group(1)
    page.goto(link)
    page.get_by_role("button", name="Confirm").click()
    if "/accounts/login/" in page.url:
        log_in(page, email)


def test_a_visitor_applies_staff_approve_and_the_main_contact_signs(page):
    email = "founder@initrode.example"
    sign_up(page, email)

    # Apply: the company becomes a pending partner organization.
    page.goto("/partner/apply/?program=services")
    page.get_by_label("Company name").fill("Initrode Cloud")
    page.get_by_role("button", name="Start my application").click()
    expect(page.get_by_role("heading", name="Application to Solution Services")).to_be_visible()

    # Submitting too early gives field errors.
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Some answers are missing")).to_be_visible()
    expect(page.locator("#id_legal_name_error")).to_be_visible()

    # Entry requirements: one Administrator and one Basic sales certification.
    page.get_by_role("link", name="Record your certifications").click()
    for name, person, kind in [
        ("Ingrid Initrode", "ingrid@initrode.example", "Administrator (technical)"),
        ("Sven Sales", "sven@initrode.example", "Basic (sales)"),
    ]:
        page.get_by_label("Certified person").fill(name)
        page.get_by_label("Their email").fill(person)
        page.get_by_label("Certification", exact=True).select_option(label=kind)
        page.get_by_label("Issued on").fill("2026-01-15")
        page.get_by_label("Expires on").fill("2028-01-15")
        page.get_by_role("button", name="Record the certification").click()
        expect(page.get_by_text("Certification recorded")).to_be_visible()

    page.get_by_role("link", name="Status").click()
    page.get_by_role("link", name="Solution Services").click()
    page.get_by_label("Solution Integrator (SI)").check()
    page.get_by_label("Standard").check()
    page.get_by_label("Legal name").fill("Initrode Cloud S.A.")
    page.get_by_label("Country").select_option("ES")
    page.get_by_label("Website", exact=True).fill("https://initrode.example")
    page.get_by_label("Page of your website that shows OpenNebula").fill(
        "https://initrode.example/opennebula"
    )
    page.get_by_label("Company size").select_option("11-50")
    page.get_by_label("Europe").check()
    page.get_by_label("Markets and industries you serve").fill("Public sector clouds")
    page.get_by_label("OpenNebula expertise").fill("Three production clouds since 2023.")
    page.get_by_label("Experience selling subscription products").fill("Resells support.")
    page.get_by_label("How you use and distribute the OpenNebula Enterprise Edition").fill(
        "Every deployment runs the Enterprise Edition."
    )
    page.get_by_label("We use and distribute only the Enterprise Edition of OpenNebula").check()
    page.get_by_label("Sales contact name").fill("Sven Sales")
    page.get_by_label("Sales contact email").fill(email)
    page.get_by_label("Technical contact name").fill("Ingrid Initrode")
    page.get_by_label("Technical contact email").fill(email)
    page.get_by_label("I accept the program terms").check()
    page.get_by_role("button", name="Submit application").click()
    expect(page.get_by_text("Application submitted")).to_be_visible()
    log_out(page)

    # Staff approve at Standard.
    log_in(page, "admin@opennebula.example")
    page.get_by_role("link", name="Applications", exact=True).first.click()
    page.get_by_role("link", name="Initrode Cloud").click()
    page.get_by_label("Approve at tier").select_option(label="Standard")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("Initrode Cloud approved at Standard")).to_be_visible()
    log_out(page)

    # The Main Contact signs and downloads the PDF.
    log_in(page, email)
    page.get_by_role("link", name="Partner program").first.click()
    page.get_by_role("button", name="Read and sign the Partner Agreement").click()
    expect(page.get_by_text("OPENNEBULA BUSINESS PARTNER AGREEMENT")).to_be_visible()
    page.get_by_label("Your full name").fill("Ines Initrode")
    page.get_by_label("Your title").fill("CEO")
    page.get_by_role("button", name="Sign the Partner Agreement").click()
    expect(page.locator("#id_consent_error")).to_be_visible()  # consent is explicit
    page.get_by_label("Your full name").fill("Ines Initrode")
    page.get_by_label("Your title").fill("CEO")
    page.get_by_label("I have read this Partner Agreement").check()
    page.get_by_role("button", name="Sign the Partner Agreement").click()
    expect(page.get_by_text("is now an Authorized Partner")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the signed agreement (PDF)").click()
    assert download.value.suggested_filename.endswith(".pdf")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # The scorecard lists every requirement of the tier with its state.
    page.get_by_role("link", name="Status").click()
    expect(page.get_by_role("heading", name="Standard requirements")).to_be_visible()
    scorecard_table = page.locator("table.scorecard").first
    expect(scorecard_table.get_by_text("Technical certification (Administrator)")).to_be_visible()
    expect(scorecard_table.get_by_text("Regular progress review meetings")).to_be_visible()
    expect(page.get_by_role("heading", name="Reaching Strategic")).to_be_visible()


def test_staff_downgrade_a_strategic_partner_which_then_sees_standard(page):
    log_in(page, "admin@opennebula.example")
    page.get_by_role("link", name="Partners", exact=True).first.click()
    page.get_by_role("link", name="Acme Cloud").click()
    page.get_by_role("button", name="Downgrade to Standard…").click()
    page.get_by_label("Reason").fill("Annual revenue below $100,000 for two quarters.")
    page.get_by_role("button", name="Yes, downgrade").click()
    expect(page.get_by_text("Acme Cloud is now Standard")).to_be_visible()
    log_out(page)

    log_in(page, "main@acme.example")
    page.get_by_role("link", name="Partner program").first.click()
    expect(
        page.get_by_role("heading", name="Solution Services — Solution Provider (SP): Standard")
    ).to_be_visible()
    inactive = page.get_by_role("list", name="Inactive benefits")
    expect(inactive.get_by_text("Deal registration program")).to_be_visible()
    expect(inactive.get_by_text("Volume discount program")).to_be_visible()
    expect(page.get_by_text("Annual revenue below $100,000 for two quarters.")).to_be_visible()


def test_the_scorecard_holds_at_phone_width(phone_page):
    log_in(phone_page, "main@acme.example")
    phone_page.goto("/partner/program/")
    width = scroll_width(phone_page)
    assert width <= 390, f"page is {width}px wide at a 390px viewport"
    phone_page.screenshot(path="var/phone-partner-status.png", full_page=True)
