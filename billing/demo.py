"""Demo data of the billing app, loaded by `manage.py seed_demo` (must be idempotent).

- Globex: last year's invoice, paid; this term's renewal invoice, issued and
  unpaid, with purchase order PO-GLOBEX-7 (OpenNebula Systems USA, USD).
- Initech: one issued invoice from OpenNebula Systems Europe, in EUR.
- Acme Cloud: paid invoices for what it sold — a Solution Provider sale to its
  end customer Umbrella Labs (USD) and a Reseller sale to Wonka Industries
  (EUR) — above the $100,000 Strategic revenue line, both with its 20% discount.
"""

from datetime import timedelta
from importlib import import_module
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from accounts.models import Membership, Organization
from billing import services
from billing.models import Invoice, PartnerDiscount
from billing.reference_data import ensure_reference_data
from subscriptions.models import Plan, SalesChannel, Subscription

User = get_user_model()


def seed(people):
    """`people` maps demo emails to users and names to organizations (see seed_demo)."""
    ensure_reference_data()
    clerk = _billing_staff(people["billing@opennebula.example"])
    today = timezone.localdate()
    _globex(people["Globex"], clerk, today)
    _initech(people["Initech"], clerk, today)
    _acme(people["Acme Cloud"], people["Umbrella Labs"], clerk, today)


def _billing_staff(user):
    """The Billing group holds the billing permission (migration 0003; again here because
    a test run may have flushed the tables the migration filled)."""
    group, _ = Group.objects.get_or_create(name="Billing")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="billing", codename="manage_invoices")
    )
    user.groups.add(group)
    return User.objects.get(pk=user.pk)  # fresh permission cache


def _plan(code):
    plan = Plan.objects.filter(code=code).first()
    if plan is None:
        # A test run flushed the catalog that subscriptions' migration 0002 loads: load it again.
        from django.apps import apps

        import_module("subscriptions.migrations.0002_plans").create_plans(apps, None)
        plan = Plan.objects.get(code=code)
    return plan


def _term(organization, plan_code, starts_on, servers, **fields):
    subscription, _ = Subscription.objects.get_or_create(
        organization=organization,
        plan=_plan(plan_code),
        starts_on=starts_on,
        defaults={
            "servers": servers,
            "ends_on": services._add_years(starts_on, 1),
            "status": Subscription.Status.ACTIVE,
            **fields,
        },
    )
    return subscription


def _invoice(subscription, clerk, *, reason, issued_on, paid_days_later=None, reference=""):
    invoice = services.create_subscription_invoice(subscription, actor=clerk, reason=reason)
    if invoice.is_draft:
        services.issue_invoice(invoice, actor=clerk, issued_on=issued_on)
    invoice.refresh_from_db()
    if paid_days_later is not None and invoice.is_unpaid:
        services.record_payment(
            invoice,
            actor=clerk,
            amount=invoice.amount_due,
            method=subscription.payment_method,
            reference=reference,
            received_on=issued_on + timedelta(days=paid_days_later),
        )
    return invoice


def _globex(globex, clerk, today):
    if Invoice.objects.filter(organization=globex).exists():
        return
    current_start = today - timedelta(days=30)
    last_year = _term(
        globex,
        "standard",
        services._add_years(current_start, -1),
        10,
        status=Subscription.Status.RENEWED,
        purchase_order="PO-GLOBEX-3",
    )
    this_year = _term(
        globex, "standard", current_start, 10, purchase_order="PO-GLOBEX-7", previous=last_year
    )
    _invoice(
        last_year,
        clerk,
        reason=Invoice.Reason.NEW_TERM,
        issued_on=last_year.starts_on,
        paid_days_later=18,
        reference="WIRE 2025-0412",
    )
    _invoice(this_year, clerk, reason=Invoice.Reason.RENEWAL, issued_on=today - timedelta(days=12))


def _initech(initech, clerk, today):
    if Invoice.objects.filter(organization=initech).exists():
        return
    subscription = _term(initech, "standard-eu", today - timedelta(days=5), 4)
    _invoice(subscription, clerk, reason=Invoice.Reason.NEW_TERM, issued_on=subscription.starts_on)


def _acme(acme, umbrella, clerk, today):
    PartnerDiscount.objects.get_or_create(
        partner=acme, defaults={"percent": Decimal("20.00"), "note": "Partner discount"}
    )
    if Invoice.objects.filter(partner=acme).exists():
        return
    # A Solution Provider sale: the SP is invoiced for its end customer's subscription.
    umbrella_term = _term(
        umbrella,
        "premium",
        today - timedelta(days=120),
        35,
        channel=SalesChannel.SOLUTION_PROVIDER,
        sold_by=acme,
        purchase_order="ACME-PO-1187",
    )
    _invoice(
        umbrella_term,
        clerk,
        reason=Invoice.Reason.NEW_TERM,
        issued_on=umbrella_term.starts_on,
        paid_days_later=21,
        reference="ACME WIRE 88231",
    )
    # A Reseller sale: the Reseller is invoiced, not its customer (SPEC §6).
    wonka = _wonka()
    wonka_term = _term(
        wonka,
        "standard-eu",
        today - timedelta(days=75),
        60,
        channel=SalesChannel.RESELLER,
        sold_by=acme,
        purchase_order="ACME-PO-1204",
    )
    _invoice(
        wonka_term,
        clerk,
        reason=Invoice.Reason.NEW_TERM,
        issued_on=wonka_term.starts_on,
        paid_days_later=25,
        reference="SEPA ACME-1204",
    )


def _wonka():
    wonka, _ = Organization.objects.get_or_create(
        name="Wonka Industries",
        kind=Organization.Kind.CUSTOMER,
        defaults={
            "legal_name": "Wonka Industries B.V.",
            "country": "NL",
            "address": "Chocoladeweg 1\n1012 AB Amsterdam\nNetherlands",
        },
    )
    user = User.objects.filter(email="main@wonka.example").first()
    if user is None:
        user = User.objects.create_user(
            "main@wonka.example", "demo-pass-2026", full_name="Willy Wonka"
        )
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    Membership.objects.get_or_create(
        user=user, organization=wonka, defaults={"is_main_contact": True, "is_org_admin": True}
    )
    return wonka
