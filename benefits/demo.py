"""Demo data of the sales benefits, loaded by `manage.py seed_demo` after the partner
program (must be idempotent). Everything goes through the services, as in real use:

- Acme Cloud (Strategic Solution Provider): an approved, protected deal registration
  for Stark Industries and one awaiting review for Wayne Enterprises; a lead offered
  to it; an approved NFR subscription.
- Northwind Resale (Standard reseller): its referral of Cyberdyne Systems became a
  customer whose first invoice is paid, so its commission has accrued.
- A lead in the pool, and partner news for everyone and for Strategic partners.
"""

from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from accounts.models import Organization
from benefits import services
from benefits.models import DealRegistration, Lead, NewsItem, NFRRequest, Product, Referral
from billing import services as billing
from billing.models import Invoice
from programs.models import Tier
from subscriptions.models import Plan

User = get_user_model()


def seed(people):
    """`people` maps demo emails to users and names to organizations (see seed_demo)."""
    admin = people["admin@opennebula.example"]
    clerk = people["billing@opennebula.example"]
    acme = people["Acme Cloud"]
    acme_main = people["main@acme.example"]
    seed_deals(acme, acme_main, admin)
    northwind = Organization.objects.get(name="Northwind Resale", kind="partner")
    nora = User.objects.get(email="main@northwind.example")
    seed_referral(northwind, nora, admin, clerk)
    seed_leads(acme, admin)
    seed_nfr(acme, acme_main, admin)
    seed_news(admin)


def seed_deals(acme, acme_main, admin):
    today = timezone.localdate()
    if not DealRegistration.objects.filter(partner=acme, company_name="Stark Industries").exists():
        stark = services.register_deal(
            acme,
            actor=acme_main,
            company_name="Stark Industries",
            country="US",
            contact_name="Pepper Potts",
            contact_email="pepper@stark.example",
            expected_value=Decimal("240000.00"),
            currency="USD",
            products=[Product.PREMIUM, Product.SERVICES],
            expected_close_on=today + timedelta(days=45),
            notes="Replacing a VMware estate in three data centres; 120 servers.",
        )
        services.approve_deal(stark, actor=admin)
    if not DealRegistration.objects.filter(partner=acme, company_name="Wayne Enterprises").exists():
        services.register_deal(
            acme,
            actor=acme_main,
            company_name="Wayne Enterprises",
            country="US",
            contact_name="Lucius Fox",
            contact_email="lucius@wayne.example",
            expected_value=Decimal("85000.00"),
            currency="USD",
            products=[Product.STANDARD, Product.TRAINING],
            expected_close_on=today + timedelta(days=75),
            notes="Private cloud for the applied sciences division.",
        )


def seed_referral(northwind, nora, admin, clerk):
    if Referral.objects.filter(partner=northwind, company_name="Cyberdyne Systems").exists():
        return
    referral = services.submit_referral(
        northwind,
        actor=nora,
        company_name="Cyberdyne Systems",
        country="NL",
        contact_name="Miles Dyson",
        contact_email="miles@cyberdyne.example",
        need="Twenty-server private cloud for AI research, live this quarter.",
    )
    services.qualify_referral(referral, actor=admin)
    today = timezone.localdate()
    starts_on = today - timedelta(days=40)
    order_form = services.convert_referral(
        referral,
        actor=admin,
        reference="OF-DEMO-0201",
        customer_name="Cyberdyne Systems",
        customer_legal_name="Cyberdyne Systems B.V.",
        customer_country="NL",
        customer_address="Keizersgracht 100\n1015 AA Amsterdam\nNetherlands",
        plan=Plan.objects.get(code="standard"),
        servers=20,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=365),
        payment_method="bank_transfer",
        main_contact_name="Miles Dyson",
        main_contact_email="miles@cyberdyne.example",
        technical_contacts=[],
    )
    invoice = Invoice.objects.get(subscription=order_form.subscription, reason="new_term")
    billing.issue_invoice(invoice, actor=clerk, issued_on=starts_on)
    invoice.refresh_from_db()
    # Paid in full: the commission accrues (billing calls benefits.services.record_commission).
    billing.record_payment(
        invoice,
        actor=clerk,
        amount=invoice.amount_due,
        method="bank_transfer",
        reference=f"TRANSFER {invoice.number}",
        received_on=starts_on + timedelta(days=20),
    )


def seed_leads(acme, admin):
    if not Lead.objects.filter(company_name="Soylent Foods").exists():
        lead = services.create_lead(
            actor=admin,
            company_name="Soylent Foods",
            country="GB",
            contact_name="Sol Roth",
            contact_email="sol@soylent.example",
            need="Migration of 300 VMs from VMware, with training for two administrators.",
            estimated_value=Decimal("60000.00"),
            currency="USD",
        )
        services.offer_lead(lead, acme, actor=admin)
    if not Lead.objects.filter(company_name="Oscorp").exists():
        services.create_lead(
            actor=admin,
            company_name="Oscorp",
            country="DE",
            contact_name="Otto Octavius",
            contact_email="otto@oscorp.example",
            need="Edge cloud design for twelve laboratories.",
            estimated_value=Decimal("40000.00"),
            currency="EUR",
        )


def seed_nfr(acme, acme_main, admin):
    if NFRRequest.objects.filter(partner=acme).exists():
        return
    request = services.request_nfr(
        acme,
        actor=acme_main,
        plan=Plan.objects.get(code="premium"),
        servers=2,
        purpose=NFRRequest.Purpose.DEMOS,
        note="Demo cloud for customer workshops.",
    )
    services.approve_nfr(request, actor=admin)


def seed_news(admin):
    if not NewsItem.objects.filter(title="OpenNebula 7.0 Enterprise Edition is out").exists():
        services.publish_news(
            actor=admin,
            title="OpenNebula 7.0 Enterprise Edition is out",
            body="The new release brings AI-ready clouds, a redesigned Sunstone and LTS "
            "maintenance for three years. The partner enablement kit (slides, demo scripts "
            "and a pricing guide) is in the knowledge base.",
        )
    if not NewsItem.objects.filter(title="Joint webinar slots for Strategic partners").exists():
        services.publish_news(
            actor=admin,
            title="Joint webinar slots for Strategic partners",
            body="We host six joint webinars next quarter. Strategic partners can book a "
            "slot with their OpenNebula sales contact.",
            tiers=Tier.objects.filter(code=Tier.Code.STRATEGIC),
        )
