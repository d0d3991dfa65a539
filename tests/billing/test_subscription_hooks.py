"""Processing an order form drafts the term's invoice and the Welcome email tells the
Main Contact about it; a renewal drafts the renewal invoice."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from accounts.models import Notification
from billing.models import Invoice, PartnerDiscount
from subscriptions import services as subscriptions
from subscriptions.models import SalesChannel
from tests import factories

TODAY = date.today()


def process(sales_ops, **overrides):
    order = {
        "reference": "OF-2026-0100",
        "customer_name": "Hooli",
        "customer_country": "US",
        "plan": factories.plan("standard"),
        "servers": 3,
        "starts_on": TODAY,
        "ends_on": TODAY + timedelta(days=365),
        "purchase_order": "PO-77",
        "payment_method": "bank_transfer",
        "channel": SalesChannel.DIRECT,
        "main_contact_name": "Gavin Belson",
        "main_contact_email": "gavin@hooli.example",
        **overrides,
    }
    order_form, _ = subscriptions.process_order_form(actor=sales_ops, **order)
    return order_form.subscription


def welcome():
    return Notification.objects.get(template="subscriptions/welcome").body


def test_processing_an_order_form_drafts_the_terms_invoice(sales_ops):
    subscription = process(sales_ops)
    invoice = Invoice.objects.get(subscription=subscription)
    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.reason == Invoice.Reason.NEW_TERM
    assert invoice.organization == subscription.organization
    assert invoice.total == Decimal("3000.00")
    assert invoice.purchase_order == "PO-77"


def test_the_welcome_email_gives_the_invoice_information(sales_ops):
    process(sales_ops)
    body = welcome()
    assert "Amount:          $3,000.00, net 30 days" in body
    assert "From:            OpenNebula Systems USA" in body
    assert "Purchase order:  PO-77" in body
    assert "/billing/" in body


def test_a_resold_subscriptions_welcome_names_the_reseller_and_no_price(sales_ops, acme):
    PartnerDiscount.objects.create(partner=acme, percent=Decimal("20"))
    subscription = process(sales_ops, channel=SalesChannel.RESELLER, sold_by=acme)
    invoice = Invoice.objects.get(subscription=subscription)
    assert invoice.organization == acme
    assert invoice.total == Decimal("2400.00")
    body = welcome()
    assert "invoiced by Acme Cloud" in body
    assert "2,400" not in body and "3,000" not in body


def test_processing_the_same_order_form_twice_drafts_one_invoice(sales_ops):
    process(sales_ops)
    process(sales_ops)
    assert Invoice.objects.count() == 1


@pytest.mark.parametrize("plan_code", ["standard-eu"])
def test_a_euro_order_is_drafted_by_the_europe_entity(sales_ops, plan_code):
    process(sales_ops, plan=factories.plan(plan_code), customer_country="DE")
    invoice = Invoice.objects.get()
    assert (invoice.entity.code, invoice.currency) == ("EU", "EUR")
    assert "€2,760.00" in welcome()


def test_a_renewal_drafts_the_renewal_invoice(sales_ops):
    subscription = process(
        sales_ops, starts_on=TODAY - timedelta(days=300), ends_on=TODAY + timedelta(days=65)
    )
    renewal = subscriptions.renew_subscription(
        subscription,
        actor=sales_ops,
        ends_on=subscription.ends_on + timedelta(days=365),
        servers=5,
    )
    invoice = Invoice.objects.get(subscription=renewal)
    assert invoice.reason == Invoice.Reason.RENEWAL
    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.total == Decimal("5000.00")
    assert invoice.lines.get().description.startswith("Renewal: Standard subscription")
