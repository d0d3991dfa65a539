"""Demo data of the billing app, loaded by `manage.py seed_demo` (must be idempotent).

Built on the subscriptions' demo, whose order forms already made each term's draft:

- Globex: the Standard term's invoice, paid; the Premium term's invoice, issued
  and unpaid with purchase order PO-GLOBEX-7 (OpenNebula Systems USA, USD).
- Initech: its invoice issued by OpenNebula Systems Europe, in EUR.
- Acme Cloud: paid invoices for what it sold, with its 20% partner discount —
  its Solution Provider end customer Umbrella Labs (USD) and a Reseller sale to
  Wonka Industries (EUR) — above the $100,000 Strategic revenue line.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from billing import services
from billing.models import Invoice, PartnerDiscount
from billing.reference_data import ensure_reference_data
from subscriptions import services as subscriptions
from subscriptions.models import Plan, SalesChannel, Subscription

ACME_DISCOUNT = Decimal("20.00")


def seed(people):
    """`people` maps demo emails to users and names to organizations (see seed_demo)."""
    ensure_reference_data()
    clerk = people["billing@opennebula.example"]
    today = timezone.localdate()
    acme = people["Acme Cloud"]
    PartnerDiscount.objects.get_or_create(
        partner=acme, defaults={"percent": ACME_DISCOUNT, "note": "Solution Provider discount"}
    )
    wonka_term = _wonka_sold_by(acme, people["admin@opennebula.example"], today)

    globex = Subscription.objects.for_organization(people["Globex"]).order_by("starts_on")
    initech = Subscription.objects.for_organization(people["Initech"]).order_by("starts_on")
    umbrella = Subscription.objects.for_organization(people["Umbrella Labs"]).filter(sold_by=acme)
    # (term, issued on, paid after N days or None, purchase order for the invoice)
    plan = []
    if standard := globex.filter(plan__code="standard").first():
        plan.append((standard, standard.starts_on, 18, None))
    if premium := globex.filter(plan__code="premium").first():
        plan.append((premium, today - timedelta(days=12), None, "PO-GLOBEX-7"))
    if initech_term := initech.first():
        plan.append((initech_term, today - timedelta(days=3), None, None))
    if umbrella_term := umbrella.order_by("starts_on").first():
        plan.append((umbrella_term, umbrella_term.starts_on, 21, None))
    plan.append((wonka_term, wonka_term.starts_on, 25, None))

    # Issued in date order, so the numbers follow the dates as they would have.
    for term, issued_on, paid_after, purchase_order in sorted(plan, key=lambda row: row[1]):
        _bill(term, clerk, issued_on=issued_on, paid_after=paid_after, po=purchase_order)


def _bill(term, clerk, *, issued_on, paid_after, po):
    invoice = services.create_subscription_invoice(
        term, actor=clerk, reason=Invoice.Reason.NEW_TERM
    )
    if invoice.is_draft:
        _apply_current_discount(invoice, clerk)
        if po:
            services.update_draft(
                invoice,
                actor=clerk,
                purchase_order=po,
                payment_terms_days=invoice.payment_terms_days,
                tax_rate=invoice.tax_rate,
                notes=invoice.notes,
            )
        services.issue_invoice(invoice, actor=clerk, issued_on=issued_on)
        invoice.refresh_from_db()
    if paid_after is not None and invoice.is_unpaid:
        services.record_payment(
            invoice,
            actor=clerk,
            amount=invoice.amount_due,
            method=term.payment_method,
            reference=f"TRANSFER {invoice.number}",
            received_on=issued_on + timedelta(days=paid_after),
        )


def _apply_current_discount(invoice, clerk):
    """The subscriptions' demo drafted Umbrella's invoice before Acme's discount was
    configured here: staff correct the draft's line, as they would by hand."""
    if invoice.organization_id == invoice.subscription.organization_id:
        return
    discount = services.partner_discount_percent(invoice.organization)
    for line in invoice.lines.all():
        if line.discount_percent != discount:
            services.remove_line(line, actor=clerk)
            services.add_line(
                invoice,
                actor=clerk,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=discount,
            )


def _wonka_sold_by(acme, sales, today):
    """A Reseller sale: Acme is invoiced, not its customer (SPEC §6)."""
    order_form, _ = subscriptions.process_order_form(
        actor=sales,
        reference="OF-DEMO-0101",
        customer_name="Wonka Industries",
        customer_legal_name="Wonka Industries B.V.",
        customer_country="NL",
        customer_address="Chocoladeweg 1\n1012 AB Amsterdam\nNetherlands",
        plan=Plan.objects.get(code="standard-eu"),
        servers=150,
        starts_on=today - timedelta(days=75),
        ends_on=today + timedelta(days=290),
        purchase_order="ACME-PO-1204",
        payment_method="bank_transfer",
        channel=SalesChannel.RESELLER,
        sold_by=acme,
        main_contact_name="Willy Wonka",
        main_contact_email="main@wonka.example",
    )
    return order_form.subscription
