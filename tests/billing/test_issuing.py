"""Issuing: the number (gapless per entity, series and year), the frozen content,
the PDF rendered once and kept, and the email to the billing contacts."""

import hashlib
from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Notification
from accounts.services import DomainError
from billing import services
from billing.models import ExchangeRate, Invoice, InvoiceDocument, InvoiceImmutable, InvoiceLine
from tests.billing import factories as billing


def test_issuing_gives_the_next_number_of_the_entity_and_year(globex, initech, billing_clerk):
    first = billing.issued(globex, actor=billing_clerk, issued_on=date(2026, 3, 1))
    second = billing.issued(globex, actor=billing_clerk, issued_on=date(2026, 3, 2))
    europe = billing.issued(initech, plan_code="standard-eu", issued_on=date(2026, 3, 2))
    assert [first.number, second.number] == ["US-2026-000001", "US-2026-000002"]
    assert europe.number == "EU-2026-000001"


def test_numbering_starts_again_each_year(globex):
    assert billing.issued(globex, issued_on=date(2025, 12, 31)).number == "US-2025-000001"
    assert billing.issued(globex, issued_on=date(2026, 1, 1)).number == "US-2026-000001"


def test_a_number_is_given_at_issue_not_at_draft(globex):
    drafts = [billing.draft(globex) for _ in range(3)]
    services.issue_invoice(drafts[2], actor=None)
    drafts[2].refresh_from_db()
    assert drafts[2].number.endswith("-000001")
    assert Invoice.objects.filter(number__isnull=True).count() == 2


def test_an_issue_that_fails_uses_no_number(globex):
    invoice = billing.draft(globex)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.issue_invoice(invoice, actor=None)
        raise RuntimeError("the request fails after issuing")
    services.issue_invoice(invoice, actor=None)
    invoice.refresh_from_db()
    assert invoice.number == f"US-{timezone.localdate().year}-000001"


def test_issuing_freezes_due_date_rate_and_addresses(globex):
    globex.legal_name, globex.address = "Globex Corporation", "1 Globex Plaza"
    globex.save()
    invoice = billing.issued(globex, issued_on=date(2026, 5, 10))
    assert invoice.due_on == date(2026, 6, 9)
    assert invoice.usd_rate == Decimal("1")
    assert invoice.bill_to_name == "Globex Corporation"
    assert invoice.bill_to_address == "1 Globex Plaza"
    assert invoice.issuer_name == "OpenNebula Systems USA"
    globex.address = "Moved away"
    globex.save()
    invoice.refresh_from_db()
    assert invoice.bill_to_address == "1 Globex Plaza"


def test_a_euro_invoice_keeps_the_rate_of_its_issue_date(initech):
    ExchangeRate.objects.create(currency="EUR", usd_per_unit="1.150000", valid_from="2026-06-01")
    before = billing.issued(initech, plan_code="standard-eu", issued_on=date(2026, 5, 31))
    after = billing.issued(initech, plan_code="standard-eu", issued_on=date(2026, 6, 1))
    assert (before.usd_rate, after.usd_rate) == (Decimal("1.08"), Decimal("1.15"))


def test_an_invoice_without_a_rate_for_its_currency_is_not_issued(initech):
    invoice = billing.draft(initech, plan_code="standard-eu")
    ExchangeRate.objects.all().delete()
    with pytest.raises(DomainError, match="exchange rate"):
        services.issue_invoice(invoice, actor=None)
    invoice.refresh_from_db()
    assert invoice.number is None


def test_an_empty_draft_is_not_issued(globex):
    invoice = services.create_subscription_invoice(
        billing.subscription(globex), actor=None, reason=Invoice.Reason.ADJUSTMENT
    )
    with pytest.raises(DomainError, match="at least one line"):
        services.issue_invoice(invoice, actor=None)


def test_an_issued_invoice_is_not_issued_again(globex_invoice):
    with pytest.raises(services.InvalidTransition):
        services.issue_invoice(globex_invoice, actor=None)


def test_an_issued_invoice_never_changes(globex_invoice):
    globex_invoice.total = Decimal("1.00")
    with pytest.raises(InvoiceImmutable):
        globex_invoice.save()
    with pytest.raises(InvoiceImmutable):
        globex_invoice.save(update_fields=["total"])
    with pytest.raises(InvoiceImmutable):
        globex_invoice.delete()


def test_the_lines_of_an_issued_invoice_never_change(globex_invoice):
    line = globex_invoice.lines.get()
    line.unit_price = Decimal("1.00")
    with pytest.raises(InvoiceImmutable):
        line.save()
    with pytest.raises(InvoiceImmutable):
        line.delete()
    with pytest.raises(InvoiceImmutable):
        InvoiceLine(
            invoice=globex_invoice, description="x", quantity=1, unit_price=1, amount=1
        ).save()


@pytest.mark.postgres
def test_the_database_refuses_to_change_an_issued_invoice(globex_invoice):
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=globex_invoice.pk).update(total=Decimal("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceLine.objects.filter(invoice=globex_invoice).update(unit_price=Decimal("1.00"))
    with pytest.raises(IntegrityError), transaction.atomic():
        InvoiceDocument.objects.filter(invoice=globex_invoice).update(pdf=b"forged")
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.filter(pk=globex_invoice.pk).delete()
    # Its status still moves (payments, overdue).
    Invoice.objects.filter(pk=globex_invoice.pk).update(status=Invoice.Status.OVERDUE)


def test_the_pdf_is_rendered_at_issue_and_kept(globex_invoice, monkeypatch):
    document = globex_invoice.document
    pdf = bytes(document.pdf)
    assert pdf.startswith(b"%PDF")
    assert document.sha256 == hashlib.sha256(pdf).hexdigest()

    def no_rendering(*args, **kwargs):
        raise AssertionError("an issued invoice is never rendered again")

    monkeypatch.setattr("billing.pdf.render_invoice_pdf", no_rendering)
    monkeypatch.setattr("billing.views.render_invoice_pdf", no_rendering)
    assert bytes(InvoiceDocument.objects.get(invoice=globex_invoice).pdf) == pdf


def test_the_pdf_says_number_purchase_order_and_total(globex_invoice):
    text = billing.pdf_text(bytes(globex_invoice.document.pdf))
    assert globex_invoice.number in text
    assert "PO-GLOBEX-7" in text
    assert "$10,000.00" in text
    assert "OpenNebula Systems USA" in text
    assert "1500 District Ave" in text


def test_the_billing_contacts_get_the_invoice_by_email(globex_invoice, globex_tech1):
    rows = Notification.objects.filter(template="billing/invoice_issued")
    assert sorted(rows.values_list("recipient", flat=True)) == [
        "billing@globex.example",
        "main@globex.example",
    ]
    row = rows.get(recipient="main@globex.example")
    assert globex_invoice.number in row.subject
    assert "/billing/link/" in row.body
    assert row.is_sensitive  # the link can set the account's password


def test_issuing_is_audited_with_number_and_total(globex_invoice, billing_clerk):
    from accounts.models import AuditEvent

    event = AuditEvent.objects.get(action="invoice.issued")
    assert event.actor == billing_clerk
    assert event.changes["number"] == globex_invoice.number
    assert event.changes["total"] == "10000.00"
