"""Sales-benefit records for tests, made through the services as partners and staff would."""

from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from benefits import services
from benefits.models import Product
from subscriptions.models import Plan


def deal_fields(company="Stark Industries", email="pepper@stark.example", **overrides):
    fields = dict(
        company_name=company,
        country="US",
        contact_name="Pepper Potts",
        contact_email=email,
        expected_value=Decimal("240000.00"),
        currency="USD",
        products=[Product.PREMIUM],
        expected_close_on=timezone.localdate() + timedelta(days=30),
        notes="",
    )
    fields.update(overrides)
    return fields


def register(partner, actor, company="Stark Industries", email="pepper@stark.example", **kw):
    return services.register_deal(partner, actor=actor, **deal_fields(company, email, **kw))


def referral_fields(company="Cyberdyne Systems", email="miles@cyberdyne.example", **overrides):
    fields = dict(
        company_name=company,
        country="NL",
        contact_name="Miles Dyson",
        contact_email=email,
        need="A private cloud for research.",
    )
    fields.update(overrides)
    return fields


def refer(partner, actor, company="Cyberdyne Systems", email="miles@cyberdyne.example", **kw):
    return services.submit_referral(partner, actor=actor, **referral_fields(company, email, **kw))


def order(
    reference="OF-TEST-1",
    *,
    customer="Cyberdyne Systems",
    servers=10,
    plan="standard",
    starts_on=date(2026, 1, 1),
    ends_on=date(2027, 1, 1),
    **overrides,
):
    fields = dict(
        reference=reference,
        customer_name=customer,
        customer_country="NL",
        plan=Plan.objects.get(code=plan),
        servers=servers,
        starts_on=starts_on,
        ends_on=ends_on,
        payment_method="bank_transfer",
        main_contact_name="Miles Dyson",
        main_contact_email="miles@cyberdyne.example",
        technical_contacts=[],
    )
    fields.update(overrides)
    return fields
