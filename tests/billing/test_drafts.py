"""Processing an order form or a renewal makes the draft invoice; who is billed
follows SPEC §3 "who bills whom" and §6 (Reseller sales are invoiced to the Reseller)."""

from datetime import date
from decimal import Decimal

import pytest

from accounts.models import AuditEvent
from billing import services
from billing.models import Invoice
from subscriptions.models import SalesChannel
from tests import factories
from tests.billing import factories as billing

NEW_TERM = Invoice.Reason.NEW_TERM


def test_a_direct_subscription_is_invoiced_to_the_customer_at_list_price(globex, partner_manager):
    subscription = billing.subscription(globex, servers=10, purchase_order="PO-1")
    invoice = services.create_subscription_invoice(
        subscription, actor=partner_manager, reason=NEW_TERM
    )
    assert invoice.status == Invoice.Status.DRAFT
    assert invoice.number is None
    assert invoice.organization == globex
    assert invoice.partner is None
    assert invoice.entity.code == "US"
    assert invoice.purchase_order == "PO-1"
    [line] = invoice.lines.all()
    assert (line.quantity, line.unit_price, line.discount_percent) == (10, Decimal("1000.00"), 0)
    assert line.subscription == subscription
    assert invoice.total == Decimal("10000.00")
    assert isinstance(invoice.total, Decimal)


def test_a_reseller_sale_is_invoiced_to_the_reseller_with_its_discount(globex, acme):
    subscription = billing.resold_subscription(globex, acme, discount=Decimal("20"), servers=10)
    invoice = services.create_subscription_invoice(subscription, actor=None, reason=NEW_TERM)
    assert invoice.organization == acme
    assert invoice.partner == acme
    [line] = invoice.lines.all()
    assert line.discount_percent == Decimal("20")
    assert "end customer: Globex" in line.description
    assert invoice.total == Decimal("8000.00")


def test_a_solution_provider_is_invoiced_for_its_end_customer(acme):
    umbrella = factories.OrganizationFactory(name="Umbrella", managed_by=acme)
    subscription = billing.resold_subscription(
        umbrella, acme, channel=SalesChannel.SOLUTION_PROVIDER, discount=Decimal("15")
    )
    invoice = services.create_subscription_invoice(subscription, actor=None, reason=NEW_TERM)
    assert invoice.organization == acme
    assert invoice.total == Decimal("8500.00")


@pytest.mark.parametrize("channel", [SalesChannel.REFERRAL, SalesChannel.INTEGRATOR])
def test_referred_and_integrator_sales_bill_the_customer_without_discount(globex, acme, channel):
    subscription = billing.resold_subscription(globex, acme, channel=channel, discount=Decimal(20))
    invoice = services.create_subscription_invoice(subscription, actor=None, reason=NEW_TERM)
    assert invoice.organization == globex
    assert invoice.partner == acme  # its sale counts towards its revenue
    assert invoice.total == Decimal("10000.00")


def test_a_reseller_without_a_configured_discount_pays_list_price(globex, acme):
    subscription = billing.resold_subscription(globex, acme)
    invoice = services.create_subscription_invoice(subscription, actor=None, reason=NEW_TERM)
    assert invoice.organization == acme
    assert invoice.total == Decimal("10000.00")


def test_a_euro_plan_is_invoiced_by_the_europe_entity_in_euros(initech):
    invoice = billing.draft(initech, plan_code="standard-eu", servers=4)
    assert invoice.entity.code == "EU"
    assert invoice.currency == "EUR"
    assert invoice.total == Decimal("3680.00")


def test_a_spanish_customer_of_the_europe_entity_pays_spanish_vat(db):
    madrid = factories.OrganizationFactory(name="Madrid SL", country="ES")
    invoice = billing.draft(madrid, plan_code="standard-eu", servers=1)
    assert invoice.tax_rate == Decimal("21.00")
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        Decimal("920.00"),
        Decimal("193.20"),
        Decimal("1113.20"),
    )


def test_a_two_year_term_is_priced_for_two_years(globex):
    invoice = billing.draft(
        globex, starts_on=date(2026, 3, 1), ends_on=date(2028, 2, 29), servers=2
    )
    assert invoice.total == Decimal("4000.00")
    assert "for 2 years" in invoice.lines.get().description


def test_a_short_term_is_prorated_by_days(globex):
    invoice = billing.draft(globex, starts_on=date(2026, 1, 1), ends_on=date(2026, 7, 2), servers=1)
    # 182 days / 365 of $1,000
    assert invoice.total == Decimal("498.63")


def test_the_same_term_asked_twice_is_one_invoice(globex):
    subscription = billing.subscription(globex)
    first = services.create_subscription_invoice(subscription, actor=None, reason=NEW_TERM)
    second = services.create_subscription_invoice(subscription, actor=None, reason=NEW_TERM)
    assert first.pk == second.pk
    assert Invoice.objects.count() == 1


def test_a_renewal_term_gets_its_renewal_invoice(globex):
    first = billing.subscription(globex, status="renewed")
    renewal = billing.subscription(
        globex, starts_on=date(2027, 1, 1), ends_on=date(2028, 1, 1), previous=first
    )
    invoice = services.create_subscription_invoice(
        renewal, actor=None, reason=Invoice.Reason.RENEWAL
    )
    assert invoice.reason == Invoice.Reason.RENEWAL
    assert invoice.lines.get().description.startswith("Renewal: Standard subscription")


def test_an_adjustment_draft_starts_empty(globex):
    invoice = services.create_subscription_invoice(
        billing.subscription(globex), actor=None, reason=Invoice.Reason.ADJUSTMENT
    )
    assert invoice.lines.count() == 0
    assert invoice.total == 0


def test_drafting_is_audited(globex, partner_manager):
    invoice = billing.draft(globex, actor=partner_manager)
    event = AuditEvent.objects.get(action="invoice.drafted")
    assert event.actor == partner_manager
    assert event.organization == globex
    assert event.target_id == str(invoice.pk)


def test_a_draft_can_be_edited_and_its_totals_follow(globex, billing_clerk):
    invoice = billing.draft(globex, servers=1)
    services.add_line(
        invoice,
        actor=billing_clerk,
        description="Training day",
        quantity=Decimal("2"),
        unit_price=Decimal("750.00"),
        discount_percent=Decimal("10"),
    )
    services.update_draft(
        invoice,
        actor=billing_clerk,
        purchase_order="PO-9",
        payment_terms_days=45,
        tax_rate=Decimal("10"),
        notes="",
    )
    invoice.refresh_from_db()
    assert invoice.subtotal == Decimal("2350.00")
    assert invoice.tax == Decimal("235.00")
    assert invoice.total == Decimal("2585.00")
    assert invoice.purchase_order == "PO-9"
    services.remove_line(invoice.lines.get(description="Training day"), actor=billing_clerk)
    invoice.refresh_from_db()
    assert invoice.total == Decimal("1100.00")
