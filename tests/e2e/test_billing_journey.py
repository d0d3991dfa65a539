"""Billing staff issue an invoice; Globex's Administrative Contact opens it and downloads
the PDF, which says the number, the purchase order and the total; tech1 cannot reach it."""

import re

from playwright.sync_api import expect
from pypdf import PdfReader

from subscriptions.models import Subscription
from tests.e2e.conftest import log_in, scroll_width


def log_out(page):
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def test_staff_issue_an_invoice_that_the_administrative_contact_downloads(page):
    globex_term = Subscription.objects.get(
        organization__name="Globex", status="active", plan__code="premium"
    )

    log_in(page, "billing@opennebula.example")
    page.get_by_role("link", name="Invoices", exact=True).click()
    expect(page.get_by_role("heading", name="Invoices")).to_be_visible()
    page.get_by_role("button", name="New draft invoice").click()
    page.get_by_label("Subscription:", exact=True).select_option(str(globex_term.pk))
    page.get_by_label("Adjustment: an empty draft, lines added by hand").check()
    page.get_by_role("button", name="Create draft").click()

    expect(page.get_by_role("heading", name=re.compile(r"Draft invoice #\d+"))).to_be_visible()
    page.get_by_label("Description").fill("Two additional servers, to the end of the term")
    page.get_by_label("Quantity").fill("2")
    page.get_by_label("Unit price").fill("900")
    page.get_by_role("button", name="Add line").click()
    expect(page.get_by_text("Line added.")).to_be_visible()
    page.get_by_label("Purchase-order number").fill("PO-GLOBEX-8")
    page.get_by_role("button", name="Save details").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    page.get_by_role("button", name="Issue…").click()
    expect(page.get_by_text("billing@globex.example")).to_be_visible()
    page.get_by_role("button", name="Yes, issue the invoice").click()
    message = page.get_by_text(re.compile(r"Invoice US-\d{4}-\d{6} issued"))
    expect(message).to_be_visible()
    number = re.search(r"US-\d{4}-\d{6}", message.inner_text()).group()
    page.screenshot(path="var/billing-staff-invoice.png", full_page=True)
    log_out(page)

    log_in(page, "billing@globex.example")
    page.get_by_role("link", name="Billing", exact=True).click()
    page.screenshot(path="var/billing-portal-list.png", full_page=True)
    page.get_by_role("link", name=number, exact=True).click()
    expect(page.get_by_role("heading", name=f"Invoice {number}")).to_be_visible()
    detail_url = page.url
    page.screenshot(path="var/billing-portal-invoice.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download PDF").click()
    assert download.value.suggested_filename == f"{number}.pdf"
    pdf_url = download.value.url
    text = "\n".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert number in text
    assert "PO-GLOBEX-8" in text
    assert "$1,800.00" in text
    log_out(page)

    log_in(page, "tech1@globex.example")
    expect(page.get_by_role("link", name="Billing", exact=True)).to_have_count(0)
    assert page.goto(detail_url).status == 404
    assert page.request.get(pdf_url).status == 404


def test_the_billing_portal_works_at_phone_width(phone_page):
    log_in(phone_page, "main@globex.example")
    phone_page.goto("/billing/")
    expect(phone_page.get_by_role("heading", name="Billing", exact=True)).to_be_visible()
    expect(phone_page.get_by_role("link", name=re.compile(r"US-2026-")).first).to_be_visible()
    phone_page.screenshot(path="var/phone-billing-list.png", full_page=True)
    for url in ["/billing/", phone_page.get_by_role("link", name=re.compile(r"US-"))]:
        if not isinstance(url, str):
            url.first.click()
            phone_page.wait_for_url(re.compile(r"/billing/invoices/\d+/"))
        width = scroll_width(phone_page)
        assert width <= 390, f"{phone_page.url} is {width}px wide at a 390px viewport"
    phone_page.screenshot(path="var/phone-billing-invoice.png", full_page=True)
