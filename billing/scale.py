"""Scale invoices for `seed_scale`: `--invoices` of them, with their lines and payments.

- Each subscription that has started has its new-term invoice (billed to the customer,
  or to the Reseller / Solution Provider that sold it, with the partner named for its
  revenue); the rest are adjustments (services, training, extra servers), a share of
  them on the demo customers so their billing pages load a long history.
- Issued over the last three years; numbered per issuing entity and year in date
  order after the numbers already given, and the sequences moved past them, so the
  next invoice staff issue gets the next free number.
- Old invoices are mostly paid (one or two payments), some overdue or void; recent
  ones issued and unpaid; one in a hundred is still a draft.
- PDFs are rendered only for the latest `--pdfs` (default 25, a page) of each demo
  customer's invoices (a PDF takes ~40 ms; 300,000 of them would take hours and
  gigabytes): the other scale invoices have no stored document.

Loaded with COPY. The trigger that freezes an issued invoice's lines is switched off
while the lines go in (in this transaction only): they are written with the invoice.
"""

from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection
from django.utils import timezone

from accounts.models import Organization
from billing.models import (
    ExchangeRate,
    Invoice,
    InvoiceDocument,
    InvoiceLine,
    InvoiceSequence,
    IssuingEntity,
    Payment,
)
from subscriptions.models import Plan, Subscription

CENT = Decimal("0.01")
ZERO, ONE = Decimal("0"), Decimal("1")
HISTORY_DAYS = 3 * 365
ADJUSTMENTS = [
    ("Professional services: upgrade assistance", 8, Decimal("180.00")),
    ("Administrator certification training, per seat", 2, Decimal("1300.00")),
    ("Additional servers, prorated to the end of the term", 12, Decimal("450.00")),
    ("Architecture review workshop", 1, Decimal("6500.00")),
    ("Custom integration development, per day", 5, Decimal("1100.00")),
]

INVOICE_FIELDS = [
    "id", "kind", "entity", "organization", "partner", "subscription", "reason", "status",
    "number", "currency", "tax_rate", "subtotal", "tax", "total", "amount_paid",
    "amount_credited", "credited_subtotal", "usd_rate", "purchase_order",
    "payment_terms_days", "payment_method", "notes", "issued_on", "due_on", "paid_on",
    "bill_to_name", "bill_to_address", "bill_to_country", "issuer_name", "issuer_address",
    "voided_at", "void_reason", "created_at",
]  # fmt: skip
LINE_FIELDS = [
    "invoice", "subscription", "description", "quantity", "unit_price", "discount_percent",
    "amount", "position",
]  # fmt: skip
PAYMENT_FIELDS = ["invoice", "method", "reference", "amount", "received_on", "recorded_at"]


def seed(ctx):
    rng = ctx.rng
    today = timezone.localdate()
    now = timezone.now()
    entities = {entity.currency: entity for entity in IssuingEntity.objects.all()}
    usd_rates = {"USD": Decimal("1")}
    for rate in ExchangeRate.objects.order_by("currency", "valid_from"):
        usd_rates[rate.currency] = rate.usd_per_unit
    plans = {plan.pk: plan for plan in Plan.objects.all()}
    names = dict(
        Organization.objects.filter(pk__in=set(ctx.demo.values())).values_list("pk", "name")
    )

    # (issued_on, organization, partner, subscription, reason, currency, lines)
    drafts = []
    target = ctx.options["invoices"]
    terms = (
        Subscription.objects.filter(
            starts_on__lte=today, starts_on__gt=today - timedelta(HISTORY_DAYS)
        )
        .exclude(pk__in=Invoice.objects.filter(subscription__isnull=False).values("subscription"))
        .order_by("pk")
        .values_list(
            "pk",
            "organization_id",
            "plan_id",
            "servers",
            "starts_on",
            "ends_on",
            "channel",
            "sold_by_id",
        )
    )
    for pk, organization, plan_id, servers, starts_on, ends_on, channel, sold_by in terms:
        if len(drafts) >= target * 2 // 3:
            break
        plan = plans[plan_id]
        resold = channel in ("reseller", "solution_provider")
        billed = sold_by if resold else organization
        description = (
            f"{plan.name} subscription, {starts_on:%d %b %Y} – {ends_on:%d %b %Y} (per server)"
        )
        discount = Decimal("20.00") if resold else Decimal("0")
        lines = [(pk, description, Decimal(servers), plan.annual_price_per_server, discount)]
        drafts.append((starts_on, billed, sold_by, pk, "new_term", plan.currency, lines))
    while len(drafts) < target:
        organization = ctx.pick_customer(demo_share=0.01)
        currency = (
            "EUR" if ctx.countries.get(organization) in ("ES", "DE", "FR", "IT", "NL") else "USD"
        )
        lines = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            description, quantity, price = rng.choice(ADJUSTMENTS)
            lines.append(
                (None, description, Decimal(rng.randint(1, quantity)), price, Decimal("0"))
            )
        issued_on = today - timedelta(days=rng.randint(0, HISTORY_DAYS))
        drafts.append((issued_on, organization, None, None, "adjustment", currency, lines))
    drafts.sort(key=lambda draft: draft[0])

    first_id = ctx.reserve_ids(Invoice, len(drafts))
    sequences = {
        (s.entity_id, s.year): s.last_number
        for s in InvoiceSequence.objects.filter(kind=Invoice.Kind.INVOICE)
    }
    invoices, lines, payments = [], [], []
    for offset, (
        issued_on,
        organization,
        partner,
        subscription,
        reason,
        currency,
        items,
    ) in enumerate(drafts):
        invoice_id = first_id + offset
        entity = entities[currency]
        age = (today - issued_on).days
        tax_rate = (
            entity.domestic_tax_rate
            if ctx.countries.get(organization, "US") == entity.country
            else Decimal("0")
        )
        subtotal = Decimal("0")
        for position, (line_subscription, description, quantity, price, discount) in enumerate(
            items
        ):
            amount = (quantity * price * (100 - discount) / 100).quantize(CENT, ROUND_HALF_UP)
            subtotal += amount
            lines.append(
                (
                    invoice_id,
                    line_subscription,
                    description,
                    quantity,
                    price,
                    discount,
                    amount,
                    position,
                )
            )
        tax = (subtotal * tax_rate / 100).quantize(CENT, ROUND_HALF_UP)
        total = subtotal + tax
        status, number, paid_on, amount_paid, voided_at = (
            _status(rng, age),
            None,
            None,
            Decimal("0"),
            None,
        )
        if status == "draft":
            issued_on_value = due_on = None
        else:
            issued_on_value, due_on = issued_on, issued_on + timedelta(days=30)
            key = (entity.pk, issued_on.year)
            sequences[key] = sequences.get(key, 0) + 1
            number = f"{entity.code}-{issued_on.year}-{sequences[key]:06d}"
            if status == "overdue" and due_on >= today:
                status = "issued"
            if status == "paid":
                parts = (
                    [total]
                    if rng.random() < 0.9 or total < 2
                    else [(total / 2).quantize(CENT), total - (total / 2).quantize(CENT)]
                )
                received = issued_on
                for part in parts:
                    received = min(today, received + timedelta(days=rng.randint(3, 40)))
                    payments.append(
                        (invoice_id, "bank_transfer", f"TRANSFER {number}", part, received, now)
                    )
                amount_paid, paid_on = total, received
            elif status == "void":
                voided_at = now - timedelta(days=max(0, age - 5))
        bill_to = names.get(organization, f"Scale organization {organization}")
        invoices.append((
            invoice_id, "invoice", entity.pk, organization, partner, subscription, reason, status,
            number, currency, tax_rate, subtotal, tax, total, amount_paid, ZERO, ZERO,
            usd_rates.get(currency, ONE) if number else None, "", 30, "bank_transfer", "",
            issued_on_value, due_on, paid_on, bill_to, "", ctx.countries.get(organization, ""),
            entity.name, entity.address, voided_at, "Issued in error" if voided_at else "", now,
        ))  # fmt: skip

    _switch_line_trigger("DISABLE")
    ctx.copy(Invoice, INVOICE_FIELDS, invoices)
    ctx.copy(InvoiceLine, LINE_FIELDS, lines)
    ctx.copy(Payment, PAYMENT_FIELDS, payments)
    _switch_line_trigger("ENABLE")
    _move_sequences(sequences)
    rendered = _render_latest_pdfs(ctx)
    ctx.say(
        f"  invoices: {len(invoices):,} ({len(lines):,} lines, {len(payments):,} payments, "
        f"{rendered} PDFs)"
    )


def _switch_line_trigger(action):
    """Switch the frozen-lines trigger off or on again, in this transaction only."""
    with connection.cursor() as cursor:
        # PostgreSQL alters no table with trigger events pending: the deferred foreign-key
        # checks of the rows written so far in this transaction run now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            f"ALTER TABLE billing_invoiceline {action} TRIGGER billing_invoice_line_frozen"
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _status(rng, age):
    if rng.random() < 0.01:
        return "draft"
    draw = rng.random()
    if age < 30:
        return "issued" if draw < 0.6 else "paid"
    if age < 90:
        return "paid" if draw < 0.8 else "overdue" if draw < 0.97 else "void"
    return "paid" if draw < 0.95 else "overdue" if draw < 0.98 else "void"


def _move_sequences(sequences):
    for (entity_id, year), last_number in sequences.items():
        InvoiceSequence.objects.update_or_create(
            entity_id=entity_id,
            kind=Invoice.Kind.INVOICE,
            year=year,
            defaults={"last_number": last_number},
        )


def _render_latest_pdfs(ctx):
    """The PDF of each demo customer's latest page of invoices (what its list shows first)."""
    import hashlib

    from billing.pdf import render_invoice_pdf

    rendered = 0
    for name in ("Globex", "Initech"):
        latest = (
            Invoice.objects.for_organization(ctx.demo[name])
            .published()
            .filter(document__isnull=True)
            .select_related("entity", "organization")[: ctx.options["pdfs"]]
        )
        for invoice in latest:
            pdf = render_invoice_pdf(invoice, list(invoice.lines.all()))
            InvoiceDocument.objects.create(
                invoice=invoice, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()
            )
            rendered += 1
    return rendered
