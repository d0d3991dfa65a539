"""Payments (partial; paid when covered), credit notes (corrections of an issued
invoice) and voiding (only while nothing was paid or credited)."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from accounts.services import DomainError
from billing import services
from billing.models import Invoice
from subscriptions.models import PaymentMethod
from tests.billing import factories as billing

TRANSFER = PaymentMethod.BANK_TRANSFER


def pay(invoice, amount, actor=None, **kw):
    kw.setdefault("method", TRANSFER)
    return services.record_payment(invoice, actor=actor, amount=Decimal(amount), **kw)


def test_a_partial_payment_leaves_the_invoice_unpaid(globex_invoice, billing_clerk):
    pay(globex_invoice, "4000.00", billing_clerk, reference="WIRE-1")
    globex_invoice.refresh_from_db()
    assert globex_invoice.status == Invoice.Status.ISSUED
    assert globex_invoice.amount_paid == Decimal("4000.00")
    assert globex_invoice.amount_due == Decimal("6000.00")


def test_the_invoice_is_paid_when_payments_cover_it(globex_invoice, billing_clerk):
    yesterday = timezone.localdate() - timedelta(days=1)
    pay(globex_invoice, "4000.00", billing_clerk, received_on=yesterday - timedelta(days=3))
    pay(globex_invoice, "6000.00", billing_clerk, method=PaymentMethod.CARD, received_on=yesterday)
    globex_invoice.refresh_from_db()
    assert globex_invoice.status == Invoice.Status.PAID
    assert globex_invoice.paid_on == yesterday
    assert globex_invoice.amount_due == 0
    assert Notification.objects.filter(template="billing/invoice_paid").count() == 2


def test_an_overdue_invoice_can_be_paid(globex_invoice):
    Invoice.objects.filter(pk=globex_invoice.pk).update(status=Invoice.Status.OVERDUE)
    pay(globex_invoice, "10000.00")
    globex_invoice.refresh_from_db()
    assert globex_invoice.status == Invoice.Status.PAID


def test_a_payment_above_the_amount_due_is_refused(globex_invoice):
    with pytest.raises(DomainError, match="more than the amount due"):
        pay(globex_invoice, "10000.01")


def test_a_payment_in_the_future_is_refused(globex_invoice):
    with pytest.raises(DomainError, match="future"):
        pay(globex_invoice, "1.00", received_on=timezone.localdate() + timedelta(days=1))


def test_a_draft_takes_no_payment(globex):
    with pytest.raises(services.InvalidTransition):
        pay(billing.draft(globex), "1.00")


def test_a_payment_is_audited(globex_invoice, billing_clerk):
    pay(globex_invoice, "100.00", billing_clerk, reference="CHQ 7", method=PaymentMethod.CHEQUE)
    event = AuditEvent.objects.get(action="invoice.payment_recorded")
    assert event.actor == billing_clerk
    assert event.changes["amount"] == "100.00"
    assert event.changes["method"] == "cheque"


def test_a_full_credit_copies_the_lines_and_settles_the_invoice(globex_invoice, billing_clerk):
    note = services.credit_invoice(globex_invoice, actor=billing_clerk, reason="Wrong plan")
    globex_invoice.refresh_from_db()
    assert note.kind == Invoice.Kind.CREDIT_NOTE
    assert note.number == f"US-CN-{note.issued_on.year}-000001"
    assert note.credited_invoice == globex_invoice
    assert note.total == globex_invoice.total
    assert note.lines.count() == globex_invoice.lines.count()
    assert bytes(note.document.pdf).startswith(b"%PDF")
    assert globex_invoice.status == Invoice.Status.PAID
    assert globex_invoice.amount_due == 0
    assert globex_invoice.credited_subtotal == globex_invoice.subtotal


def test_a_partial_credit_lowers_the_amount_due(globex_invoice):
    services.credit_invoice(globex_invoice, actor=None, reason="Discount agreed", amount="1500")
    globex_invoice.refresh_from_db()
    assert globex_invoice.status == Invoice.Status.ISSUED
    assert globex_invoice.amount_due == Decimal("8500.00")
    with pytest.raises(DomainError, match="between"):
        services.credit_invoice(globex_invoice, actor=None, reason="Too much", amount="8500.01")


def test_a_credit_note_is_in_its_own_series(globex_invoice):
    note = services.credit_invoice(globex_invoice, actor=None, reason="x", amount="1")
    later = billing.issued(globex_invoice.organization)
    assert note.number.startswith("US-CN-")
    assert later.number.endswith("-000002")


def test_a_draft_cannot_be_credited(globex):
    with pytest.raises(services.InvalidTransition):
        services.credit_invoice(billing.draft(globex), actor=None, reason="x")


def test_voiding_an_issued_invoice_keeps_its_number(globex_invoice, billing_clerk):
    services.void_invoice(globex_invoice, actor=billing_clerk, reason="Duplicate order")
    globex_invoice.refresh_from_db()
    assert globex_invoice.status == Invoice.Status.VOID
    assert globex_invoice.number.endswith("-000001")
    assert globex_invoice.amount_due == 0
    assert Notification.objects.filter(template="billing/invoice_voided").count() == 2
    next_invoice = billing.issued(globex_invoice.organization)
    assert next_invoice.number.endswith("-000002")


def test_a_void_needs_a_reason(globex_invoice):
    with pytest.raises(DomainError, match="why"):
        services.void_invoice(globex_invoice, actor=None, reason="  ")


def test_an_invoice_with_a_payment_is_credited_not_voided(globex_invoice):
    pay(globex_invoice, "1.00")
    with pytest.raises(DomainError, match="credit note"):
        services.void_invoice(globex_invoice, actor=None, reason="Oops")


def test_a_void_draft_frees_its_term_for_a_new_draft(globex):
    invoice = billing.draft(globex)
    services.void_invoice(invoice, actor=None, reason="Wrong servers")
    again = services.create_subscription_invoice(
        invoice.subscription, actor=None, reason=Invoice.Reason.NEW_TERM
    )
    assert again.pk != invoice.pk


def test_a_paid_invoice_is_not_voided(globex_invoice):
    pay(globex_invoice, "10000.00", received_on=date.today())
    with pytest.raises(services.InvalidTransition):
        services.void_invoice(globex_invoice, actor=None, reason="Too late")
