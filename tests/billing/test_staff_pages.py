"""Billing staff: the invoice list with filters, drafts, issue, void (confirmed),
credit, payments, and a CSV export that a spreadsheet cannot turn into formulas."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import Invoice
from billing.views import spreadsheet_safe
from tests import factories
from tests.accounts.mfa import enroll_totp
from tests.billing import factories as billing

LIST = reverse("staff_invoices")


@pytest.fixture
def clerk(client, billing_clerk):
    client.force_login(billing_clerk)
    return billing_clerk


def test_staff_without_the_billing_permission_get_404s(client, vendor, globex_invoice):
    support = factories.staff_member(vendor, "support@opennebula.example")
    enroll_totp(support)
    client.force_login(support)
    assert client.get(LIST).status_code == 404
    assert client.get(globex_invoice.get_staff_url()).status_code == 404
    assert f'href="{LIST}"' not in client.get(reverse("dashboard")).content.decode()


def test_billing_staff_see_every_organizations_invoices(client, clerk, globex_invoice, initech):
    eu = billing.issued(initech, plan_code="standard-eu")
    page = client.get(LIST).content.decode()
    assert globex_invoice.number in page and eu.number in page
    assert f'href="{LIST}"' in client.get(reverse("dashboard")).content.decode()


def test_the_staff_list_filters(client, clerk, globex_invoice, initech):
    eu = billing.issued(initech, plan_code="standard-eu")
    draft = billing.draft(initech)
    europe = billing.entity("EU").pk
    by_entity = client.get(LIST, {"entity": europe}).content.decode()
    assert eu.number in by_entity and globex_invoice.number not in by_entity
    drafts = client.get(LIST, {"status": "draft"}).content.decode()
    assert f"Draft #{draft.pk}" in drafts and eu.number not in drafts
    search = client.get(LIST, {"q": "PO-GLOBEX"}).content.decode()
    assert globex_invoice.number in search and eu.number not in search


def test_staff_start_a_draft_from_a_subscription(client, clerk, globex):
    subscription = billing.subscription(globex, servers=3)
    response = client.post(
        reverse("staff_invoice_new"), {"subscription": subscription.pk, "reason": "new_term"}
    )
    invoice = Invoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == invoice.get_staff_url()
    assert invoice.total == Decimal("3000.00")


def test_a_draft_is_edited_then_issued_after_confirmation(client, clerk, globex):
    invoice = billing.draft(globex, servers=1)
    client.post(
        reverse("staff_invoice_edit", args=[invoice.pk]),
        {"purchase_order": "PO-NEW", "payment_terms_days": "15", "tax_rate": "0", "notes": ""},
    )
    client.post(
        reverse("staff_invoice_line_add", args=[invoice.pk]),
        {
            "line-description": "Setup",
            "line-quantity": "1",
            "line-unit_price": "500",
            "line-discount_percent": "0",
        },
    )
    confirm = client.get(reverse("staff_invoice_issue", args=[invoice.pk]))
    assert "Yes, issue the invoice" in confirm.content.decode()
    invoice.refresh_from_db()
    assert invoice.is_draft and invoice.total == Decimal("1500.00")
    client.post(reverse("staff_invoice_issue", args=[invoice.pk]))
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.purchase_order == "PO-NEW"
    assert (invoice.due_on - invoice.issued_on).days == 15


def test_a_line_error_is_shown_at_its_field(client, clerk, globex):
    invoice = billing.draft(globex)
    response = client.post(
        reverse("staff_invoice_line_add", args=[invoice.pk]),
        {
            "line-description": "",
            "line-quantity": "-1",
            "line-unit_price": "x",
            "line-discount_percent": "0",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'aria-describedby="id_line-quantity_error"' in page
    assert 'id="id_line-quantity_error"' in page
    assert invoice.lines.count() == 1


def test_voiding_asks_for_confirmation_first(client, clerk, globex_invoice):
    url = reverse("staff_invoice_void", args=[globex_invoice.pk])
    page = client.get(url).content.decode()
    assert "Yes, void the invoice" in page
    globex_invoice.refresh_from_db()
    assert globex_invoice.status == Invoice.Status.ISSUED
    assert client.post(url, {"reason": ""}).status_code == 200  # the reason is required
    client.post(url, {"reason": "Duplicate"})
    globex_invoice.refresh_from_db()
    assert globex_invoice.status == Invoice.Status.VOID


def test_staff_record_a_partial_then_a_final_payment(client, clerk, globex_invoice):
    url = reverse("staff_invoice_payment", args=[globex_invoice.pk])
    data = {
        "payment-method": "bank_transfer",
        "payment-reference": "W1",
        "payment-received_on": globex_invoice.issued_on.isoformat(),
    }
    client.post(url, {**data, "payment-amount": "2500.00"})
    globex_invoice.refresh_from_db()
    assert globex_invoice.status == Invoice.Status.ISSUED
    too_much = client.post(url, {**data, "payment-amount": "9000.00"})
    assert too_much.status_code == 400
    assert "more than the amount due" in too_much.content.decode()
    client.post(url, {**data, "payment-amount": "7500.00"})
    globex_invoice.refresh_from_db()
    assert globex_invoice.status == Invoice.Status.PAID


def test_staff_issue_a_credit_note(client, clerk, globex_invoice):
    client.post(
        reverse("staff_invoice_credit", args=[globex_invoice.pk]),
        {"amount": "1000", "reason": "Two servers fewer"},
    )
    note = Invoice.objects.get(kind=Invoice.Kind.CREDIT_NOTE)
    assert note.total == Decimal("1000.00")
    assert "Two servers fewer" in note.lines.get().description


def test_staff_preview_a_draft_pdf(client, clerk, globex):
    invoice = billing.draft(globex)
    response = client.get(reverse("staff_invoice_pdf", args=[invoice.pk]))
    assert response.content.startswith(b"%PDF")
    assert "DRAFT" in billing.pdf_text(response.content)


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ('=HYPERLINK("http://evil")', '\'=HYPERLINK("http://evil")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("Globex", "Globex"),
        (Decimal("10.00"), "10.00"),
        (None, ""),
    ],
)
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


def test_the_csv_export_neutralises_formulas(client, clerk, vendor):
    evil = factories.OrganizationFactory(name='=HYPERLINK("http://evil.example","Click")')
    invoice = billing.issued(evil, purchase_order="+cmd|' /C calc'!A0")
    response = client.get(reverse("staff_invoices_export"))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    [row] = rows
    assert row["number"] == invoice.number
    assert row["organization"] == "'" + evil.name
    assert row["purchase_order"].startswith("'+")
    assert row["total"] == "10000.00"


def test_the_csv_export_follows_the_filters(client, clerk, globex_invoice, initech):
    billing.issued(initech, plan_code="standard-eu")
    response = client.get(reverse("staff_invoices_export"), {"entity": billing.entity("US").pk})
    body = b"".join(response.streaming_content).decode()
    assert globex_invoice.number in body and "EU-" not in body
