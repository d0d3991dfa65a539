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

from dataclasses import dataclass
from datetime import date, timedelta
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
    terms = _term_drafts(ctx)
    adjustments = _adjustment_drafts(ctx, ctx.options["invoices"] - len(terms))
    drafts = sorted(terms + adjustments, key=lambda draft: draft.issued_on)
    books = _Books(ctx, first_id=ctx.reserve_ids(Invoice, len(drafts)))
    for offset, draft in enumerate(drafts):
        books.enter(books.first_id + offset, draft)
    _switch_line_trigger("off")
    ctx.copy(Invoice, INVOICE_FIELDS, books.invoices)
    ctx.copy(InvoiceLine, LINE_FIELDS, books.lines)
    ctx.copy(Payment, PAYMENT_FIELDS, books.payments)
    _switch_line_trigger("on")
    _move_sequences(books.sequences)
    rendered = _render_latest_pdfs(ctx)
    ctx.say(
        f"  invoices: {len(books.invoices):,} ({len(books.lines):,} lines, "
        f"{len(books.payments):,} payments, {rendered} PDFs)"
    )


@dataclass
class _Draft:
    issued_on: date
    organization: int  # who is billed
    partner: int | None  # whose revenue it is
    subscription: int | None
    reason: str
    currency: str
    # (subscription, description, quantity, unit price, discount %)
    items: list


def _term_drafts(ctx):
    """The new-term invoice of each term started in the last three years and not yet
    invoiced (two thirds of the invoices at most)."""
    today = timezone.localdate()
    plans = {plan.pk: plan for plan in Plan.objects.all()}
    terms = (
        Subscription.objects.filter(
            starts_on__lte=today, starts_on__gt=today - timedelta(HISTORY_DAYS)
        )
        .exclude(pk__in=Invoice.objects.filter(subscription__isnull=False).values("subscription"))
        .order_by("pk")
        .values_list(
            "pk", "organization_id", "plan_id", "servers", "starts_on", "ends_on", "channel",
            "sold_by_id",
        )[: ctx.options["invoices"] * 2 // 3]
    )  # fmt: skip
    drafts = []
    for pk, organization, plan_id, servers, starts_on, ends_on, channel, sold_by in terms:
        plan = plans[plan_id]
        # A Reseller or Solution Provider is billed, with its discount (SPEC §6).
        resold = channel in ("reseller", "solution_provider")
        description = (
            f"{plan.name} subscription, {starts_on:%d %b %Y} – {ends_on:%d %b %Y} (per server)"
        )
        item = (pk, description, Decimal(servers), plan.annual_price_per_server,
                Decimal("20.00") if resold else ZERO)  # fmt: skip
        drafts.append(
            _Draft(
                issued_on=starts_on,
                organization=sold_by if resold else organization,
                partner=sold_by,
                subscription=pk,
                reason="new_term",
                currency=plan.currency,
                items=[item],
            )
        )
    return drafts


def _adjustment_drafts(ctx, count):
    """Services, training and extra servers billed to customers, some to the demo ones."""
    rng, today = ctx.rng, timezone.localdate()
    drafts = []
    for _ in range(count):
        organization = ctx.pick_customer(demo_share=0.01)
        euro = ctx.countries.get(organization) in ("ES", "DE", "FR", "IT", "NL")
        items = []
        for _ in range(rng.choice([1, 1, 2, 3])):
            description, quantity, price = rng.choice(ADJUSTMENTS)
            items.append((None, description, Decimal(rng.randint(1, quantity)), price, ZERO))
        drafts.append(
            _Draft(
                issued_on=today - timedelta(days=rng.randint(0, HISTORY_DAYS)),
                organization=organization,
                partner=None,
                subscription=None,
                reason="adjustment",
                currency="EUR" if euro else "USD",
                items=items,
            )
        )
    return drafts


class _Books:
    """Turns drafts into the rows of invoices, lines and payments, numbering as it goes."""

    def __init__(self, ctx, *, first_id):
        self.ctx, self.rng, self.first_id = ctx, ctx.rng, first_id
        self.today, self.now = timezone.localdate(), timezone.now()
        self.entities = {entity.currency: entity for entity in IssuingEntity.objects.all()}
        self.usd_rates = {"USD": ONE}
        for rate in ExchangeRate.objects.order_by("currency", "valid_from"):
            self.usd_rates[rate.currency] = rate.usd_per_unit
        self.names = dict(
            Organization.objects.filter(pk__in=set(ctx.demo.values())).values_list("pk", "name")
        )
        # The last number given per (entity, year), starting after the demo's.
        self.sequences = {
            (s.entity_id, s.year): s.last_number
            for s in InvoiceSequence.objects.filter(kind=Invoice.Kind.INVOICE)
        }
        self.invoices, self.lines, self.payments = [], [], []

    def enter(self, invoice_id, draft):
        entity = self.entities[draft.currency]
        country = self.ctx.countries.get(draft.organization, "")
        tax_rate = entity.domestic_tax_rate if country == entity.country else ZERO
        subtotal = ZERO
        for position, (subscription, description, quantity, price, discount) in enumerate(
            draft.items
        ):
            amount = (quantity * price * (100 - discount) / 100).quantize(CENT, ROUND_HALF_UP)
            subtotal += amount
            self.lines.append((invoice_id, subscription, description, quantity, price,
                               discount, amount, position))  # fmt: skip
        tax = (subtotal * tax_rate / 100).quantize(CENT, ROUND_HALF_UP)
        total = subtotal + tax
        age = (self.today - draft.issued_on).days
        status = _status(self.rng, age)
        number = issued_on = due_on = paid_on = voided_at = None
        amount_paid = ZERO
        if status != "draft":
            issued_on, due_on = draft.issued_on, draft.issued_on + timedelta(days=30)
            number = self.next_number(entity, issued_on.year)
            if status == "overdue" and due_on >= self.today:
                status = "issued"
            if status == "paid":
                amount_paid, paid_on = total, self.pay(invoice_id, number, total, issued_on)
            elif status == "void":
                voided_at = self.now - timedelta(days=max(0, age - 5))
        bill_to = self.names.get(draft.organization, f"Scale organization {draft.organization}")
        self.invoices.append((
            invoice_id, "invoice", entity.pk, draft.organization, draft.partner,
            draft.subscription, draft.reason, status, number, draft.currency, tax_rate,
            subtotal, tax, total, amount_paid, ZERO, ZERO,
            self.usd_rates.get(draft.currency, ONE) if number else None, "", 30,
            "bank_transfer", "", issued_on, due_on, paid_on, bill_to, "", country,
            entity.name, entity.address, voided_at, "Issued in error" if voided_at else "",
            self.now,
        ))  # fmt: skip

    def next_number(self, entity, year):
        key = (entity.pk, year)
        self.sequences[key] = self.sequences.get(key, 0) + 1
        return f"{entity.code}-{year}-{self.sequences[key]:06d}"

    def pay(self, invoice_id, number, total, issued_on):
        """One payment, or one in ten paid in two halves; the day the last one came in."""
        half = (total / 2).quantize(CENT)
        parts = [total] if self.rng.random() < 0.9 or total < 2 else [half, total - half]
        received = issued_on
        for part in parts:
            received = min(self.today, received + timedelta(days=self.rng.randint(3, 40)))
            self.payments.append((invoice_id, "bank_transfer", f"TRANSFER {number}", part,
                                  received, self.now))  # fmt: skip
        return received


LINE_TRIGGER = {
    "off": "ALTER TABLE billing_invoiceline DISABLE TRIGGER billing_invoice_line_frozen",
    "on": "ALTER TABLE billing_invoiceline ENABLE TRIGGER billing_invoice_line_frozen",
}


def _switch_line_trigger(state):
    """Switch the frozen-lines trigger off or on again, in this transaction only."""
    with connection.cursor() as cursor:
        # PostgreSQL alters no table with trigger events pending: the deferred foreign-key
        # checks of the rows written so far in this transaction run now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(LINE_TRIGGER[state])
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
