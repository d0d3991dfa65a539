"""Referrals and commissions (guide: Commission on Referred Sales): partners entitled to
commissions refer leads, staff qualify them, the referred customer's order form links the
referral, and every invoice it pays earns the partner's rate."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from benefits import services
from benefits.models import Commission, Referral
from billing import services as billing
from billing.models import Invoice
from programs import services as programs
from programs.models import Enrollment
from tests.benefits import builders
from tests.programs import builders as program_builders


def converted(partner, actor, partner_manager, sales_ops, **order):
    referral = builders.refer(partner, actor)
    services.qualify_referral(referral, actor=partner_manager)
    order_form = services.convert_referral(referral, actor=sales_ops, **builders.order(**order))
    referral.refresh_from_db()
    return referral, order_form


def pay(invoice, on=date(2026, 2, 10), clerk=None):
    """Issue (if still a draft) and pay an invoice in full, through billing's services."""
    if invoice.is_draft:
        billing.issue_invoice(invoice, actor=clerk, issued_on=date(2026, 1, 5))
        invoice.refresh_from_db()
    billing.record_payment(
        invoice, actor=clerk, amount=invoice.amount_due, method="bank_transfer", received_on=on
    )
    invoice.refresh_from_db()
    return invoice


def term_invoice(order_form):
    return Invoice.objects.get(subscription=order_form.subscription, reason="new_term")


# --- Who refers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "program, tier, track",
    [
        ("referral", "referral", ""),
        ("reseller", "standard", ""),
        ("reseller", "strategic", ""),
        ("services", "standard", "si"),
    ],
)
def test_partners_entitled_to_commissions_refer_customers(acme, acme_main, program, tier, track):
    program_builders.enrollment(acme, program, tier, track=track)
    assert builders.refer(acme, acme_main).status == "submitted"


def test_a_solution_provider_earns_no_commission_and_refers_nothing(client, acme, acme_main):
    program_builders.enrollment(acme, "services", "strategic", track="sp")
    with pytest.raises(services.NotEntitled):
        builders.refer(acme, acme_main)
    client.force_login(acme_main)
    response = client.get(reverse("referral_list"))
    assert response.status_code == 404
    assert "Referrals and commissions is not in your tier" in response.content.decode()


def test_a_referral_partner_refers_through_the_page(client, referrer, referrer_main):
    client.force_login(referrer_main)
    response = client.post(reverse("referral_new"), builders.referral_fields())
    referral = Referral.objects.get()
    assert response.url == referral.get_absolute_url()
    assert referral.partner == referrer and referral.submitted_by == referrer_main


def test_referring_an_existing_customer_is_flagged(referrer, referrer_main, globex, globex_main):
    referral = builders.refer(referrer, referrer_main, "Globex", "cto@globex.example")
    assert referral.has_conflict


# --- Qualification and conversion --------------------------------------------------------


def test_staff_qualify_and_the_order_form_links_the_referral(
    referrer, referrer_main, partner_manager, sales_ops
):
    referral, order_form = converted(referrer, referrer_main, partner_manager, sales_ops)
    assert referral.status == "converted"
    assert referral.order_form == order_form and referral.customer == order_form.organization
    subscription = order_form.subscription
    assert subscription.channel == "referral" and subscription.sold_by == referrer
    # A referred sale is billed to the customer at list price.
    invoice = term_invoice(order_form)
    assert invoice.organization == referral.customer and invoice.partner == referrer
    assert invoice.subtotal == Decimal("10000.00")


def test_an_unqualified_referral_has_no_order_form(referrer, referrer_main, sales_ops):
    referral = builders.refer(referrer, referrer_main)
    with pytest.raises(services.BenefitError):
        services.convert_referral(referral, actor=sales_ops, **builders.order())


def test_a_declined_referral_tells_the_partner_why(
    client, referrer, referrer_main, partner_manager
):
    referral = builders.refer(referrer, referrer_main)
    client.force_login(partner_manager)
    client.post(reverse("staff_referral_decline", args=[referral.pk]), {"reason": "Too small."})
    referral.refresh_from_db()
    assert referral.status == "declined" and referral.decline_reason == "Too small."


# --- Commissions: exact arithmetic --------------------------------------------------------


def test_the_commission_accrues_when_the_invoice_is_paid(
    referrer, referrer_main, partner_manager, sales_ops, billing_clerk
):
    _, order_form = converted(referrer, referrer_main, partner_manager, sales_ops)
    invoice = term_invoice(order_form)
    billing.issue_invoice(invoice, actor=billing_clerk, issued_on=date(2026, 1, 5))
    invoice.refresh_from_db()
    assert not Commission.objects.exists()  # issued is not paid
    pay(invoice, clerk=billing_clerk)
    commission = Commission.objects.get()
    # $10,000 before tax at the Referral rate of 10%.
    assert commission.base_amount == Decimal("10000.00")
    assert commission.rate_percent == Decimal("10.00")
    assert commission.amount == Decimal("1000.00")
    assert commission.accrued_on == date(2026, 2, 10)
    assert commission.rate_source == "Referral Referral"


def test_tax_is_not_commissioned_and_rounding_is_half_up_to_the_cent(
    settings, referrer, referrer_main, partner_manager, sales_ops, billing_clerk
):
    settings.COMMISSION_RATES = {"referral/referral": "7.5"}
    _, order_form = converted(referrer, referrer_main, partner_manager, sales_ops, servers=1)
    invoice = term_invoice(order_form)
    for line in invoice.lines.all():
        billing.remove_line(line, actor=billing_clerk)
    billing.add_line(
        invoice, actor=billing_clerk, description="Services", quantity=3, unit_price="411.50"
    )
    billing.update_draft(
        invoice,
        actor=billing_clerk,
        purchase_order="",
        payment_terms_days=30,
        tax_rate=Decimal("21"),
        notes="",
    )
    pay(invoice, clerk=billing_clerk)
    commission = Commission.objects.get()
    # 3 x 411.50 = 1,234.50 before tax (the 21% tax is not commissioned);
    # 7.5% of it is 92.5875, which rounds half up to 92.59.
    assert invoice.total == Decimal("1493.75")
    assert commission.base_amount == Decimal("1234.50")
    assert commission.amount == Decimal("92.59")


def test_half_a_cent_rounds_up(settings, referrer, referrer_main, partner_manager, sales_ops):
    settings.COMMISSION_RATES = {"referral/referral": "10"}
    _, order_form = converted(referrer, referrer_main, partner_manager, sales_ops, servers=1)
    invoice = term_invoice(order_form)
    for line in invoice.lines.all():
        billing.remove_line(line, actor=None)
    billing.add_line(invoice, actor=None, description="Fee", quantity=1, unit_price="0.05")
    pay(invoice)
    assert Commission.objects.get().amount == Decimal("0.01")  # 0.005 → 0.01


def test_the_rate_follows_the_program_and_tier(
    settings, acme, acme_main, partner_manager, sales_ops
):
    settings.COMMISSION_RATES = {"reseller/strategic": "15", "reseller/standard": "10"}
    program_builders.enrollment(acme, "reseller", "strategic", track="")
    _, order_form = converted(acme, acme_main, partner_manager, sales_ops, servers=3)
    pay(term_invoice(order_form))
    commission = Commission.objects.get()
    assert commission.rate_percent == Decimal("15.00") and commission.amount == Decimal("450.00")
    assert commission.rate_source == "Solution Reseller Strategic"


def test_renewals_earn_the_commission_too(referrer, referrer_main, partner_manager, sales_ops):
    from subscriptions import services as subscriptions

    _, order_form = converted(referrer, referrer_main, partner_manager, sales_ops)
    pay(term_invoice(order_form))
    renewal = subscriptions.renew_subscription(
        order_form.subscription, actor=sales_ops, ends_on=date(2028, 1, 1)
    )
    pay(Invoice.objects.get(subscription=renewal), on=date(2026, 11, 1))
    assert [c.amount for c in Commission.objects.order_by("accrued_on")] == [
        Decimal("1000.00"),
        Decimal("1000.00"),
    ]


def test_a_credit_note_takes_back_its_share(
    referrer, referrer_main, partner_manager, sales_ops, billing_clerk
):
    _, order_form = converted(referrer, referrer_main, partner_manager, sales_ops)
    invoice = pay(term_invoice(order_form), clerk=billing_clerk)
    note = billing.credit_invoice(
        invoice, actor=billing_clerk, reason="Two servers fewer", amount=Decimal("2000.00")
    )
    reversal = Commission.objects.get(invoice=note)
    assert reversal.base_amount == Decimal("-2000.00") and reversal.amount == Decimal("-200.00")
    assert sum(c.amount for c in Commission.objects.all()) == Decimal("800.00")


def test_a_suspended_partner_earns_nothing(referrer, referrer_main, partner_manager, sales_ops):
    _, order_form = converted(referrer, referrer_main, partner_manager, sales_ops)
    programs.suspend(
        Enrollment.objects.get(organization=referrer),
        actor=partner_manager,
        reason="Breach of the agreement.",
    )
    pay(term_invoice(order_form))
    assert not Commission.objects.exists()


def test_other_invoices_of_the_customer_earn_nothing(
    referrer, referrer_main, partner_manager, sales_ops, globex
):
    referral, _ = converted(referrer, referrer_main, partner_manager, sales_ops)
    from tests.billing import factories as billing_factories

    direct = billing_factories.draft(referral.customer)  # bought directly later
    pay(direct)
    assert not Commission.objects.exists()


def test_recording_the_same_payment_twice_adds_one_line(
    referrer, referrer_main, partner_manager, sales_ops
):
    _, order_form = converted(referrer, referrer_main, partner_manager, sales_ops)
    invoice = pay(term_invoice(order_form))
    services.record_commission(invoice)
    assert Commission.objects.count() == 1


# --- Statements --------------------------------------------------------------------------


@pytest.fixture
def paid_referral(referrer, referrer_main, partner_manager, sales_ops):
    _, order_form = converted(
        referrer, referrer_main, partner_manager, sales_ops, customer="=HYPERLINK(evil)"
    )
    pay(term_invoice(order_form), on=date(2026, 5, 20))
    return order_form


def test_the_quarterly_statement_lists_the_quarters_commissions(
    client, referrer_main, paid_referral
):
    client.force_login(referrer_main)
    page = client.get(reverse("commission_statements"))
    assert [(q["year"], q["quarter"], q["total"]) for q in page.context["quarters"]] == [
        (2026, 2, Decimal("1000.00"))
    ]
    statement = client.get(reverse("commission_statement", args=[2026, 2]))
    assert "$1,000.00" in statement.content.decode()
    assert client.get(reverse("commission_statement", args=[2026, 3])).status_code == 404
    assert client.get(reverse("commission_statement", args=[2026, 5])).status_code == 404


def test_the_statement_csv_cannot_run_formulas(client, referrer_main, paid_referral):
    client.force_login(referrer_main)
    response = client.get(reverse("commission_statement_csv", args=[2026, 2]))
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="commissions-2026-Q2.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:3] == ["accrued_on", "invoice", "customer"]
    line = dict(zip(rows[0], rows[1], strict=True))
    assert line["customer"] == "'=HYPERLINK(evil)"
    assert line["referral"] == "Cyberdyne Systems"
    assert (line["base_amount"], line["rate_percent"], line["commission"]) == (
        "10000.00",
        "10.00",
        "1000.00",
    )


def test_a_reversal_stays_a_number_in_the_csv(client, referrer_main, paid_referral, billing_clerk):
    invoice = term_invoice(paid_referral)
    billing.credit_invoice(invoice, actor=billing_clerk, reason="Credit", amount=Decimal("10"))
    from benefits.models import Commission as C

    C.objects.filter(amount__lt=0).update(accrued_on=date(2026, 6, 1))
    client.force_login(referrer_main)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("commission_statement_csv", args=[2026, 2])).content.decode()
            )
        )
    )
    assert rows[2][7] == "-1.00"


def test_the_customer_a_referral_became_is_not_its_own_conflict(
    client, referrer, referrer_main, partner_manager, sales_ops
):
    referral, _ = converted(referrer, referrer_main, partner_manager, sales_ops)
    client.force_login(partner_manager)
    page = client.get(reverse("staff_referral", args=[referral.pk]))
    assert not page.context["conflicts"]
