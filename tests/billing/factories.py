"""Billing test data. Builders get-or-create the reference data (issuing entities,
plans) because a transactional test may run after another one flushed it."""

from datetime import date
from decimal import Decimal

from billing import services
from billing.models import Invoice, IssuingEntity, PartnerDiscount
from billing.reference_data import ensure_reference_data
from subscriptions.models import Plan, SalesChannel, Subscription
from tests import factories

PLANS = {
    "standard": ("Standard", "business", "1000.00", "USD"),
    "premium": ("Premium", "24x7", "2000.00", "USD"),
    "standard-eu": ("Standard (EUR)", "business", "920.00", "EUR"),
}


def entity(code="US"):
    ensure_reference_data()
    return IssuingEntity.objects.get(code=code)


def plan(code="standard"):
    name, hours, price, currency = PLANS[code]
    found, _ = Plan.objects.get_or_create(
        code=code,
        defaults={
            "name": name,
            "support_hours": hours,
            "max_technical_contacts": 2,
            "annual_price_per_server": Decimal(price),
            "currency": currency,
        },
    )
    return found


def subscription(
    organization,
    *,
    plan_code="standard",
    servers=10,
    starts_on=date(2026, 1, 1),
    ends_on=date(2027, 1, 1),
    **fields,
):
    ensure_reference_data()
    fields.setdefault("status", Subscription.Status.ACTIVE)
    return Subscription.objects.create(
        organization=organization,
        plan=plan(plan_code),
        servers=servers,
        starts_on=starts_on,
        ends_on=ends_on,
        **fields,
    )


def resold_subscription(customer, partner, *, channel=SalesChannel.RESELLER, discount=None, **kw):
    if discount is not None:
        PartnerDiscount.objects.update_or_create(partner=partner, defaults={"percent": discount})
    return subscription(customer, channel=channel, sold_by=partner, **kw)


def draft(organization, *, actor=None, **kw):
    """The term invoice of a new subscription of `organization`, as a draft."""
    return services.create_subscription_invoice(
        subscription(organization, **kw), actor=actor, reason=Invoice.Reason.NEW_TERM
    )


def issued(organization, *, actor=None, issued_on=None, **kw):
    invoice = draft(organization, actor=actor, **kw)
    services.issue_invoice(invoice, actor=actor, issued_on=issued_on)
    invoice.refresh_from_db()
    return invoice


def billing_staff(vendor, email="billing@opennebula.example"):
    """In the Billing group (its permission comes from billing migration 0003), TOTP enrolled."""
    return factories.staff_member(vendor, email, "Billing")


def pdf_text(pdf_bytes):
    from io import BytesIO

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf_bytes)).pages)
