"""Partner revenue: paid invoices of subscriptions it sold, trailing 12 months, in USD at
the rate stored on each invoice when it was issued, before tax and net of credit notes."""

from datetime import date
from decimal import Decimal

import pytest

from billing import services
from billing.models import ExchangeRate
from billing.revenue import partner_annual_revenue, partner_annual_revenues
from subscriptions.models import SalesChannel
from tests import factories
from tests.billing import factories as billing

AS_OF = date(2026, 6, 30)


def paid_sale(customer, partner, *, paid_on, channel=SalesChannel.RESELLER, **kw):
    subscription = billing.resold_subscription(customer, partner, channel=channel, **kw)
    invoice = services.create_subscription_invoice(subscription, actor=None, reason="new_term")
    services.issue_invoice(invoice, actor=None, issued_on=paid_on)
    invoice.refresh_from_db()
    services.record_payment(
        invoice, actor=None, amount=invoice.total, method="bank_transfer", received_on=paid_on
    )
    invoice.refresh_from_db()
    return invoice


def test_a_partner_without_sales_has_no_revenue(acme):
    assert partner_annual_revenue(acme, as_of=AS_OF) == Decimal("0.00")


def test_revenue_sums_the_paid_invoices_of_its_sales(globex, acme):
    paid_sale(globex, acme, paid_on=date(2026, 1, 10), servers=10, discount=Decimal("20"))
    paid_sale(globex, acme, paid_on=date(2026, 5, 1), servers=5, channel=SalesChannel.REFERRAL)
    assert partner_annual_revenue(acme, as_of=AS_OF) == Decimal("13000.00")


def test_only_the_trailing_twelve_months_count(globex, acme):
    paid_sale(globex, acme, paid_on=date(2025, 6, 30), servers=1)  # one day too old
    paid_sale(globex, acme, paid_on=date(2025, 7, 1), servers=2)
    paid_sale(globex, acme, paid_on=date(2026, 6, 30), servers=3)
    assert partner_annual_revenue(acme, as_of=AS_OF) == Decimal("5000.00")


def test_unpaid_invoices_do_not_count(globex, acme):
    subscription = billing.resold_subscription(globex, acme)
    invoice = services.create_subscription_invoice(subscription, actor=None, reason="new_term")
    services.issue_invoice(invoice, actor=None, issued_on=date(2026, 3, 1))
    assert partner_annual_revenue(acme, as_of=AS_OF) == 0


def test_other_partners_sales_do_not_count(globex, acme):
    other = factories.OrganizationFactory(name="Northwind", kind="partner")
    paid_sale(globex, other, paid_on=date(2026, 3, 1))
    assert partner_annual_revenue(acme, as_of=AS_OF) == 0


def test_euros_are_converted_at_the_rate_stored_when_issued(initech, acme):
    paid_sale(initech, acme, paid_on=date(2026, 2, 1), plan_code="standard-eu", servers=10)
    ExchangeRate.objects.create(currency="EUR", usd_per_unit="2.000000", valid_from="2026-03-01")
    # 10 × €920 at 1.08 $/€, whatever the rate is today
    assert partner_annual_revenue(acme, as_of=AS_OF) == Decimal("9936.00")


def test_tax_is_not_revenue(acme):
    madrid = factories.OrganizationFactory(name="Madrid SL", country="ES")
    paid_sale(
        madrid,
        acme,
        paid_on=date(2026, 2, 1),
        plan_code="standard-eu",
        servers=1,
        channel=SalesChannel.REFERRAL,
    )
    assert partner_annual_revenue(acme, as_of=AS_OF) == Decimal("993.60")  # 920 × 1.08


def test_credit_notes_are_taken_off(globex, acme):
    invoice = paid_sale(globex, acme, paid_on=date(2026, 2, 1), servers=10)
    services.credit_invoice(invoice, actor=None, reason="Two servers fewer", amount="2000")
    assert partner_annual_revenue(acme, as_of=AS_OF) == Decimal("8000.00")


def test_several_partners_in_one_query(globex, acme, django_assert_num_queries):
    other = factories.OrganizationFactory(name="Northwind", kind="partner")
    idle = factories.OrganizationFactory(name="Idle", kind="partner")
    paid_sale(globex, acme, paid_on=date(2026, 2, 1), servers=3)
    paid_sale(globex, other, paid_on=date(2026, 2, 1), servers=1)
    with django_assert_num_queries(1):
        revenues = partner_annual_revenues([acme.pk, other.pk, idle.pk], as_of=AS_OF)
    assert revenues == {acme.pk: Decimal("3000.00"), other.pk: Decimal("1000.00"), idle.pk: 0}


@pytest.mark.parametrize("as_of", [date(2024, 2, 29)])
def test_a_leap_day_has_a_trailing_year_too(acme, as_of):
    assert partner_annual_revenue(acme, as_of=as_of) == 0


def test_invoices_of_nfr_subscriptions_never_count(globex, acme):
    """Not-for-resale subscriptions are free demonstrations (issue 7): even an invoice that
    reached one (say, before staff marked it NFR) is not revenue."""
    from subscriptions.models import Subscription

    counted = paid_sale(globex, acme, paid_on=date(2026, 3, 1), servers=2)
    demo = paid_sale(globex, acme, paid_on=date(2026, 3, 1), servers=7)
    Subscription.objects.filter(pk=demo.subscription_id).update(is_nfr=True)
    assert partner_annual_revenue(acme, as_of=AS_OF) == counted.subtotal == Decimal("2000.00")
