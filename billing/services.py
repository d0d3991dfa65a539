"""Writes for billing: one function per state transition, each in one transaction, audited.

draft ──issue──▶ issued ──(due date passes)──▶ overdue
  │                │  └──payments/credits cover the total──▶ paid
  └──void──▶ void ◀┘ (only while nothing was paid or credited)

An issued invoice never changes; a correction is a credit note, itself issued
and numbered in its own series.
"""

import hashlib
from datetime import timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from accounts import outbox
from accounts.audit import audit
from accounts.models import Membership
from accounts.services import DomainError, ensure_permission
from billing.access import MANAGE_INVOICES
from billing.links import invoice_link_path
from billing.models import (
    ExchangeRate,
    Invoice,
    InvoiceDocument,
    InvoiceLine,
    InvoiceSequence,
    IssuingEntity,
    PartnerDiscount,
    Payment,
)
from billing.money import discounted, percent_of, to_cents
from billing.pdf import render_invoice_pdf
from subscriptions.models import SalesChannel, Subscription

# Sold through these, the partner is billed and gets its discount (SPEC §3 "who bills whom", §6).
RESOLD_CHANNELS = {SalesChannel.RESELLER, SalesChannel.SOLUTION_PROVIDER}
# Reminders of an unpaid invoice: on the due date, then 7 and 30 days after it.
REMINDER_STAGES = [("due", 0), ("7-days", 7), ("30-days", 30)]


class InvalidTransition(DomainError):
    def __init__(self, invoice, action):
        super().__init__(f"{invoice} is {invoice.get_status_display().lower()}: cannot {action}.")


# --- Reads the writes need ----------------------------------------------------


def billing_contacts(organization):
    """The Main Contact and the Administrative Contact: who receive invoices (SPEC §4)."""
    return [
        membership.user
        for membership in Membership.objects.for_organization(organization)
        .filter(Q(is_main_contact=True) | Q(is_administrative_contact=True))
        .select_related("user")
        .order_by("-is_main_contact", "user__email")
    ]


def issuing_entity_for(currency):
    entity = IssuingEntity.objects.filter(currency=currency).first()
    if entity is None:
        raise DomainError(f"No issuing entity invoices in {currency}.")
    return entity


def usd_rate_on(currency, day):
    if currency == "USD":
        return Decimal("1")
    rate = (
        ExchangeRate.objects.filter(currency=currency, valid_from__lte=day)
        .order_by("-valid_from")
        .values_list("usd_per_unit", flat=True)
        .first()
    )
    if rate is None:
        raise DomainError(f"No {currency}→USD exchange rate on {day}: add one in the admin.")
    return rate


def partner_discount_percent(partner):
    discount = PartnerDiscount.objects.filter(partner=partner).first()
    return discount.percent if discount else Decimal("0")


def term_years(starts_on, ends_on):
    """A term of whole years counts as that many (ending on the anniversary or the day
    before); any other term is prorated by days over 365."""
    for years in range(1, 6):
        anniversary = _add_years(starts_on, years)
        if ends_on in (anniversary, anniversary - timedelta(days=1)):
            return Decimal(years)
    return Decimal((ends_on - starts_on).days) / Decimal(365)


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def reminder_stage(due_on, today):
    """The latest reminder stage reached on `today`, or None before the due date."""
    days_late = (today - due_on).days
    reached = [stage for stage, offset in REMINDER_STAGES if days_late >= offset]
    return reached[-1] if reached else None


# --- Drafts -------------------------------------------------------------------


def volume_discount_percent(partner):
    """The volume discount band a Strategic partner has reached (issue 7; 0 otherwise)."""
    from benefits.volume import volume_discount_percent as band_percent

    return band_percent(partner)


@transaction.atomic
def create_subscription_invoice(
    subscription, *, actor, reason, registration_discount_percent=Decimal(0)
):
    """The draft invoice for a subscription term (new or renewal), or an empty adjustment draft.

    A subscription sold through a Reseller or Solution Provider is invoiced to
    that partner with its configured discount plus its volume discount band;
    otherwise to the customer. A new term from an approved deal registration
    also gets the registration's discount. Asking twice for the same term
    returns the first draft (or issued invoice). No permission of its own: it
    follows the order form or renewal that was checked. NFR subscriptions are
    free and never invoiced.
    """
    reason = Invoice.Reason(reason)
    if reason == Invoice.Reason.CREDIT:
        raise DomainError("Credit notes are made from an issued invoice.")
    subscription = (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("plan", "organization", "sold_by")
        .get(pk=subscription.pk)
    )
    if subscription.is_nfr:
        raise DomainError("NFR subscriptions are free: they are never invoiced.")
    if reason != Invoice.Reason.ADJUSTMENT:
        existing = (
            Invoice.objects.invoices()
            .filter(subscription=subscription, reason=reason)
            .exclude(status=Invoice.Status.VOID)
            .first()
        )
        if existing is not None:
            return existing
    resold = subscription.channel in RESOLD_CHANNELS
    billed = subscription.sold_by if resold else subscription.organization
    plan = subscription.plan
    entity = issuing_entity_for(plan.currency)
    invoice = Invoice.objects.create(
        kind=Invoice.Kind.INVOICE,
        entity=entity,
        organization=billed,
        partner=subscription.sold_by,
        subscription=subscription,
        reason=reason,
        currency=plan.currency,
        tax_rate=entity.tax_rate_for(billed),
        purchase_order=subscription.purchase_order,
        payment_method=subscription.payment_method,
        created_by=_person(actor),
    )
    if reason != Invoice.Reason.ADJUSTMENT:
        years = term_years(subscription.starts_on, subscription.ends_on)
        discounts = term_discounts(
            subscription.sold_by if resold else None,
            registration=registration_discount_percent if reason == Invoice.Reason.NEW_TERM else 0,
        )
        _create_line(
            invoice,
            subscription=subscription,
            description=_term_description(subscription, reason, years, resold),
            quantity=Decimal(subscription.servers),
            unit_price=to_cents(plan.annual_price_per_server * years),
            discount_percent=min(sum(discounts.values(), Decimal(0)), Decimal(100)),
        )
        if len([p for p in discounts.values() if p]) > 1:
            invoice.notes = "Discount: " + ", ".join(
                f"{label} {percent.normalize():f}%"
                for label, percent in discounts.items()
                if percent
            )
            invoice.save(update_fields=["notes"])
    _recompute_totals(invoice)
    audit(
        actor,
        "invoice.drafted",
        invoice,
        subscription=subscription.pk,
        reason=reason.value,
        total=str(invoice.total),
        currency=invoice.currency,
    )
    return invoice


def term_discounts(reseller, *, registration=Decimal(0)):
    """The discounts (%) of a term's line, by name; they add up (capped at 100%).

    `reseller` is the partner billed for a Reseller or Solution Provider sale (its
    configured discount and its volume band), or None when the customer is billed.
    """
    return {
        "partner": partner_discount_percent(reseller) if reseller else Decimal(0),
        "volume": volume_discount_percent(reseller) if reseller else Decimal(0),
        "deal registration": Decimal(registration),
    }


def _term_description(subscription, reason, years, resold):
    prefix = "Renewal: " if reason == Invoice.Reason.RENEWAL else ""
    term = f"{subscription.starts_on:%d %b %Y} – {subscription.ends_on:%d %b %Y}"
    if years == 1:
        unit = "per server per year"
    elif years == years.to_integral_value():
        unit = f"per server for {years:.0f} years"
    else:
        days = (subscription.ends_on - subscription.starts_on).days
        unit = f"per server, prorated for {days} days"
    text = f"{prefix}{subscription.plan.name} subscription, {term} ({unit})"
    if resold:
        customer = subscription.organization
        text += f"; end customer: {customer.legal_name or customer.name}"
    return text


@transaction.atomic
def update_draft(invoice, *, actor, purchase_order, payment_terms_days, tax_rate, notes):
    ensure_permission(actor, MANAGE_INVOICES)
    invoice = _locked(invoice)
    if not invoice.is_draft:
        raise InvalidTransition(invoice, "edit")
    before = {
        "purchase_order": invoice.purchase_order,
        "payment_terms_days": invoice.payment_terms_days,
        "tax_rate": str(invoice.tax_rate),
    }
    invoice.purchase_order = purchase_order.strip()
    invoice.payment_terms_days = payment_terms_days
    invoice.tax_rate = tax_rate
    invoice.notes = notes.strip()
    invoice.save(update_fields=["purchase_order", "payment_terms_days", "tax_rate", "notes"])
    _recompute_totals(invoice)
    audit(
        actor,
        "invoice.draft_changed",
        invoice,
        before=before,
        purchase_order=invoice.purchase_order,
        payment_terms_days=invoice.payment_terms_days,
        tax_rate=str(invoice.tax_rate),
    )
    return invoice


@transaction.atomic
def add_line(invoice, *, actor, description, quantity, unit_price, discount_percent=0):
    ensure_permission(actor, MANAGE_INVOICES)
    invoice = _locked(invoice)
    if not invoice.is_draft:
        raise InvalidTransition(invoice, "add a line to")
    line = _create_line(
        invoice,
        subscription=invoice.subscription,
        description=description.strip(),
        quantity=quantity,
        unit_price=unit_price,
        discount_percent=discount_percent,
    )
    _recompute_totals(invoice)
    audit(actor, "invoice.line_added", invoice, line=line.description, amount=str(line.amount))
    return line


@transaction.atomic
def remove_line(line, *, actor):
    ensure_permission(actor, MANAGE_INVOICES)
    invoice = _locked(line.invoice)
    if not invoice.is_draft:
        raise InvalidTransition(invoice, "remove a line from")
    audit(actor, "invoice.line_removed", invoice, line=line.description, amount=str(line.amount))
    line.delete()
    _recompute_totals(invoice)
    return invoice


def _create_line(invoice, *, subscription, description, quantity, unit_price, discount_percent):
    quantity, unit_price = Decimal(quantity), to_cents(unit_price)
    position = invoice.lines.aggregate(last=Max("position"))["last"]
    return InvoiceLine.objects.create(
        invoice=invoice,
        subscription=subscription,
        description=description,
        quantity=quantity,
        unit_price=unit_price,
        discount_percent=Decimal(discount_percent),
        amount=discounted(quantity * unit_price, discount_percent),
        position=0 if position is None else position + 1,
    )


def _recompute_totals(invoice):
    """Subtotal is the sum of the lines; tax is on the subtotal, rounded once."""
    invoice.subtotal = to_cents(sum((line.amount for line in invoice.lines.all()), Decimal(0)))
    invoice.tax = percent_of(invoice.subtotal, invoice.tax_rate)
    invoice.total = invoice.subtotal + invoice.tax
    invoice.save(update_fields=["subtotal", "tax", "total"])


# --- Issue, void, credit ------------------------------------------------------


@transaction.atomic
def issue_invoice(invoice, *, actor, issued_on=None):
    """Number it, freeze it, render its PDF once, and email the billing contacts.

    The number is taken from the locked sequence row in this transaction: if
    anything fails before commit the number is not used, so numbers stay
    gapless. `issued_on` is for loading history (demo data); staff issue today.
    """
    ensure_permission(actor, MANAGE_INVOICES)
    invoice = _locked(invoice)
    if not invoice.is_draft:
        raise InvalidTransition(invoice, "issue")
    if invoice.is_credit_note:
        raise DomainError("Credit notes are issued when they are made.")
    lines = list(invoice.lines.all())
    if not lines:
        raise DomainError("Add at least one line before issuing the invoice.")
    _issue(invoice, lines, actor=actor, issued_on=issued_on or timezone.localdate())
    _send_to_billing_contacts(invoice, "billing/invoice_issued", "invoice-issued")
    return invoice


def _issue(invoice, lines, *, actor, issued_on):
    entity = invoice.entity
    organization = invoice.organization
    if invoice.is_credit_note:
        # Converted like the invoice it corrects, so a full credit nets to zero.
        invoice.usd_rate = invoice.credited_invoice.usd_rate
        invoice.due_on = None
    else:
        invoice.usd_rate = usd_rate_on(invoice.currency, issued_on)
        invoice.due_on = issued_on + timedelta(days=invoice.payment_terms_days)
    invoice.issued_on = issued_on
    invoice.bill_to_name = organization.legal_name or organization.name
    invoice.bill_to_address = organization.address
    invoice.bill_to_country = organization.country
    invoice.issuer_name = entity.name
    invoice.issuer_address = entity.address
    invoice.status = Invoice.Status.ISSUED
    invoice.issued_by = _person(actor)
    invoice.number = _take_number(entity, invoice.kind, issued_on.year)
    invoice.save()
    pdf = render_invoice_pdf(invoice, lines)
    InvoiceDocument.objects.create(invoice=invoice, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest())
    audit(
        actor,
        "invoice.issued",
        invoice,
        number=invoice.number,
        total=str(invoice.total),
        currency=invoice.currency,
        usd_rate=str(invoice.usd_rate),
    )


def _take_number(entity, kind, year):
    """The next number of the series, under a row lock held until commit."""
    InvoiceSequence.objects.bulk_create(
        [InvoiceSequence(entity=entity, kind=kind, year=year)], ignore_conflicts=True
    )
    sequence = InvoiceSequence.objects.select_for_update().get(entity=entity, kind=kind, year=year)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    series = "CN-" if kind == Invoice.Kind.CREDIT_NOTE else ""
    return f"{entity.code}-{series}{year}-{sequence.last_number:06d}"


@transaction.atomic
def void_invoice(invoice, *, actor, reason):
    """Cancel a draft, or an issued invoice nothing was paid or credited on (it keeps its
    number, so the series stays gapless)."""
    ensure_permission(actor, MANAGE_INVOICES)
    invoice = _locked(invoice)
    if invoice.is_credit_note or invoice.status not in (
        Invoice.Status.DRAFT,
        Invoice.Status.ISSUED,
        Invoice.Status.OVERDUE,
    ):
        raise InvalidTransition(invoice, "void it")
    if invoice.amount_paid or invoice.amount_credited:
        raise DomainError("Payments or credits were recorded on it: issue a credit note instead.")
    if not reason.strip():
        raise DomainError("Say why the invoice is void.")
    was_issued = invoice.number is not None
    invoice.status = Invoice.Status.VOID
    invoice.voided_at = timezone.now()
    invoice.voided_by = _person(actor)
    invoice.void_reason = reason.strip()
    invoice.save(update_fields=["status", "voided_at", "voided_by", "void_reason"])
    audit(actor, "invoice.voided", invoice, reason=invoice.void_reason)
    if was_issued:
        _send_to_billing_contacts(invoice, "billing/invoice_voided", "invoice-voided")
    return invoice


@transaction.atomic
def credit_invoice(invoice, *, actor, reason, amount=None):
    """Issue a credit note against an issued invoice: in full (a copy of its lines),
    or `amount` before tax. Returns the credit note."""
    ensure_permission(actor, MANAGE_INVOICES)
    invoice = _locked(invoice)
    if invoice.is_credit_note or invoice.status not in (
        Invoice.Status.ISSUED,
        Invoice.Status.OVERDUE,
        Invoice.Status.PAID,
    ):
        raise InvalidTransition(invoice, "credit it")
    if not reason.strip():
        raise DomainError("Say why the invoice is credited.")
    creditable = invoice.creditable_subtotal
    if creditable <= 0:
        raise DomainError("This invoice is already credited in full.")
    amount = creditable if amount is None else to_cents(amount)
    if not Decimal("0.01") <= amount <= creditable:
        raise DomainError(
            f"A credit is between {invoice.money(Decimal('0.01'))} and {invoice.money(creditable)}."
        )
    today = timezone.localdate()
    note = Invoice.objects.create(
        kind=Invoice.Kind.CREDIT_NOTE,
        credited_invoice=invoice,
        entity=invoice.entity,
        organization=invoice.organization,
        partner=invoice.partner,
        subscription=invoice.subscription,
        reason=Invoice.Reason.CREDIT,
        currency=invoice.currency,
        tax_rate=invoice.tax_rate,
        purchase_order=invoice.purchase_order,
        payment_terms_days=0,
        payment_method=invoice.payment_method,
        notes=f"Credit note for invoice {invoice.number}. Reason: {reason.strip()}",
        created_by=_person(actor),
    )
    if amount == invoice.subtotal:
        for line in invoice.lines.all():
            _create_line(
                note,
                subscription=line.subscription,
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
            )
    else:
        _create_line(
            note,
            subscription=invoice.subscription,
            description=f"Credit against invoice {invoice.number}: {reason.strip()}",
            quantity=1,
            unit_price=amount,
            discount_percent=0,
        )
    _recompute_totals(note)
    _issue(note, list(note.lines.all()), actor=actor, issued_on=today)
    invoice.amount_credited += note.total
    invoice.credited_subtotal += note.subtotal
    fields = ["amount_credited", "credited_subtotal"]
    became_paid = invoice.is_unpaid and invoice.amount_due <= 0
    if became_paid:
        invoice.status = Invoice.Status.PAID
        invoice.paid_on = today
        fields += ["status", "paid_on"]
    invoice.save(update_fields=fields)
    _record_commission(note)  # reverses the commission of a paid referred sale, if any
    if became_paid:
        _record_commission(invoice)
    audit(
        actor,
        "invoice.credited",
        invoice,
        credit_note=note.number,
        amount=str(note.total),
        reason=reason.strip(),
    )
    _send_to_billing_contacts(note, "billing/credit_note_issued", "credit-note-issued")
    return note


# --- Payments and reminders -----------------------------------------------------


@transaction.atomic
def record_payment(invoice, *, actor, amount, method, reference="", received_on=None):
    """Record money received; the invoice is paid once payments and credits cover it."""
    ensure_permission(actor, MANAGE_INVOICES)
    invoice = _locked(invoice)
    if invoice.is_credit_note or not invoice.is_unpaid:
        raise InvalidTransition(invoice, "record a payment on it")
    amount = to_cents(amount)
    today = timezone.localdate()
    received_on = received_on or today
    if amount <= 0:
        raise DomainError("A payment is a positive amount.")
    if amount > invoice.amount_due:
        raise DomainError(
            f"That is more than the amount due ({invoice.money(invoice.amount_due)})."
        )
    if received_on > today:
        raise DomainError("A payment cannot be received in the future.")
    payment = Payment.objects.create(
        invoice=invoice,
        method=method,
        reference=reference.strip(),
        amount=amount,
        received_on=received_on,
        recorded_by=_person(actor),
    )
    invoice.amount_paid += amount
    fields = ["amount_paid"]
    if invoice.amount_due <= 0:
        invoice.status = Invoice.Status.PAID
        invoice.paid_on = invoice.payments.aggregate(last=Max("received_on"))["last"]
        fields += ["status", "paid_on"]
    invoice.save(update_fields=fields)
    if invoice.status == Invoice.Status.PAID:
        _record_commission(invoice)
    audit(
        actor,
        "invoice.payment_recorded",
        invoice,
        amount=str(amount),
        method=method,
        reference=payment.reference,
        received_on=received_on.isoformat(),
        status=invoice.status,
    )
    if invoice.status == Invoice.Status.PAID:
        _send_to_billing_contacts(invoice, "billing/invoice_paid", "invoice-paid")
    return payment


def remind_unpaid_invoices(today=None):
    """The daily run: mark invoices past their due date overdue, and queue the
    reminder of the stage each unpaid invoice has reached (once per stage: the
    outbox key makes a second run send nothing). Returns how many were looked at."""
    today = today or timezone.localdate()
    ids = list(
        Invoice.objects.invoices().unpaid().filter(due_on__lte=today).values_list("pk", flat=True)
    )
    for invoice_id in ids:
        _remind(invoice_id, today)
    return len(ids)


@transaction.atomic
def _remind(invoice_id, today):
    invoice = (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("organization", "entity")
        .filter(pk=invoice_id)
        .first()
    )
    if invoice is None or not invoice.is_unpaid or invoice.is_credit_note:
        return
    if invoice.status == Invoice.Status.ISSUED and today > invoice.due_on:
        invoice.status = Invoice.Status.OVERDUE
        invoice.save(update_fields=["status"])
        audit(None, "invoice.overdue", invoice, due_on=invoice.due_on.isoformat())
    stage = reminder_stage(invoice.due_on, today)
    if stage is not None:
        _send_to_billing_contacts(
            invoice,
            "billing/payment_reminder",
            f"invoice-reminder-{stage}",
            stage=stage,
            days_late=(today - invoice.due_on).days,
        )


def _send_to_billing_contacts(invoice, template, key_prefix, **extra):
    """One email per billing contact, each with its own signed link to the invoice."""
    context = {
        "kind": invoice.get_kind_display(),
        "number": invoice.number,
        "organization": invoice.organization.name,
        "issuer": invoice.entity.name,
        "total": invoice.money(invoice.total),
        "amount_due": invoice.money(invoice.amount_due),
        "due_on": invoice.due_on.isoformat() if invoice.due_on else "",
        "purchase_order": invoice.purchase_order,
        "credited_number": invoice.credited_invoice.number if invoice.is_credit_note else "",
        "billing_email": invoice.entity.email,
        **extra,
    }
    for user in billing_contacts(invoice.organization):
        outbox.notify(
            user.email,
            template,
            {**context, "link_path": invoice_link_path(invoice, user.email)},
            key=f"{key_prefix}:{invoice.pk}:{user.email}",
            organization=invoice.organization,
            sensitive=True,  # the link opens the invoice and can set the account's password
        )


def welcome_invoice_context(invoice):
    """What the Main Contact's Welcome email says about the term's invoice (JSON-safe).

    A subscription resold by a partner is invoiced by that partner: the email
    names it and shows no OpenNebula price (the partner's discount stays private).
    """
    if invoice.subscription and invoice.organization_id != invoice.subscription.organization_id:
        return {"invoice_billed_by_partner": invoice.organization.name}
    return {
        "invoice_number": invoice.number or "",
        "invoice_total": invoice.money(invoice.total),
        "invoice_issuer": invoice.entity.name,
        "invoice_purchase_order": invoice.purchase_order,
        "invoice_payment_terms_days": invoice.payment_terms_days,
        "invoice_due_on": invoice.due_on.isoformat() if invoice.due_on else "",
        "invoice_path": (
            reverse("billing_invoice", args=[invoice.pk])
            if invoice.number
            else reverse("billing_invoices")
        ),
    }


# --- The link from the email ----------------------------------------------------


@transaction.atomic
def create_account_from_invoice_link(user, password, *, invoice):
    """The emailed link proved the address: set the first password (SPEC §4)."""
    if user.has_usable_password():
        raise DomainError("This account already has a password: log in instead.")
    user.set_password(password)
    user.save(update_fields=["password"])
    address, _ = EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    if not address.verified:
        address.verified = True
        address.save(update_fields=["verified"])
    audit(user, "account.created_from_invoice_link", invoice, email=user.email)
    return user


# --- Helpers ------------------------------------------------------------------------


def _record_commission(invoice):
    """A referred sale's commission accrues when its invoice is paid, and is reversed by
    a credit note (issue 7); the benefits app decides whether there is one."""
    from benefits.services import record_commission

    record_commission(invoice)


def _locked(invoice):
    return (
        Invoice.objects.select_for_update(of=("self",))
        .select_related("entity", "organization", "credited_invoice")
        .get(pk=invoice.pk)
    )


def _person(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
