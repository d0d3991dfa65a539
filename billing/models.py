"""Invoices and credit notes, their issuing entities, numbering, payments and PDFs.

An invoice is a draft until it is issued; issuing gives it its number (gapless
per entity, series and year), its exchange rate to USD, a snapshot of the
billed address and its PDF. From then on its content never changes: only its
status and the running totals of payments and credits move, and corrections
are credit notes. `Invoice.save()` refuses any other change, and on PostgreSQL
so does a trigger (migration 0004).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Max, Min, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from accounts.tenancy import TenantQuerySet
from billing.money import format_money
from subscriptions.models import Currency, PaymentMethod, Subscription

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class InvoiceImmutable(Exception):
    """Something tried to change an issued invoice or its lines."""


class IssuingEntity(models.Model):
    """An OpenNebula company that issues invoices (SPEC §4), as data.

    Each currency has one entity: USD invoices come from the USA, EUR from Europe.
    """

    code = models.CharField(max_length=4, unique=True, help_text="Invoice number prefix.")
    name = models.CharField(max_length=100)
    address = models.TextField()
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code")
    currency = models.CharField(max_length=3, choices=Currency.choices, unique=True)
    tax_id = models.CharField("tax identification number", max_length=40, blank=True)
    domestic_tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=PERCENT,
        help_text="Tax (%) on invoices to customers in the entity's own country; "
        "others get 0% and staff may change a draft's rate.",
    )
    email = models.EmailField(default="billing@opennebula.io")
    payment_instructions = models.TextField(
        help_text="Printed on every invoice: how to pay (bank transfer, card, cheque)."
    )

    class Meta:
        ordering = ["code"]
        verbose_name_plural = "issuing entities"

    def __str__(self):
        return self.name

    def tax_rate_for(self, organization):
        return self.domestic_tax_rate if organization.country == self.country else 0


class ExchangeRate(models.Model):
    """How many US dollars one unit of a currency is worth from a date on.

    Copied onto each invoice when it is issued; partner revenue converts with
    that stored rate, so a later rate never changes a past figure.
    """

    currency = models.CharField(max_length=3, choices=Currency.choices)
    usd_per_unit = models.DecimalField(max_digits=12, decimal_places=6)
    valid_from = models.DateField()

    class Meta:
        ordering = ["currency", "-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["currency", "valid_from"], name="one_rate_per_day"),
            models.CheckConstraint(
                condition=Q(usd_per_unit__gt=0), name="exchange_rate_is_positive"
            ),
        ]

    def __str__(self):
        return f"1 {self.currency} = {self.usd_per_unit} USD from {self.valid_from}"


class PartnerDiscount(models.Model):
    """The discount a Reseller or Solution Provider gets on what it buys to resell (SPEC §6)."""

    tenant_path = "partner"

    partner = models.OneToOneField(
        Organization,
        on_delete=models.CASCADE,
        related_name="billing_discount",
        limit_choices_to={"kind": "partner"},
    )
    percent = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT)
    note = models.CharField(max_length=200, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["partner__name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100), name="discount_is_a_percentage"
            )
        ]

    def __str__(self):
        return f"{self.partner}: {self.percent}%"


class InvoiceQuerySet(TenantQuerySet):
    def invoices(self):
        return self.filter(kind=Invoice.Kind.INVOICE)

    def published(self):
        """What a customer may see: everything that was issued (void ones too)."""
        return self.filter(number__isnull=False)

    def unpaid(self):
        return self.filter(status__in=[Invoice.Status.ISSUED, Invoice.Status.OVERDUE])

    def for_list(self):
        """Staff's invoice list: each row names its customer."""
        return self.select_related("organization")

    def issue_years(self):
        """The years to filter by, newest first: every year from the first issue date to
        the last. Two index reads (MIN and MAX), where DISTINCT over the dates reads every
        invoice; a year without invoices inside the span is listed too (and finds none)."""
        span = self.aggregate(first=Min("issued_on"), last=Max("issued_on"))
        if span["first"] is None:
            return []
        return list(range(span["last"].year, span["first"].year - 1, -1))


class Invoice(models.Model):
    """An invoice or a credit note, billed to one organization by one issuing entity."""

    tenant_path = "organization"

    class Kind(models.TextChoices):
        INVOICE = "invoice", "Invoice"
        CREDIT_NOTE = "credit_note", "Credit note"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ISSUED = "issued", "Issued"
        OVERDUE = "overdue", "Overdue"
        PAID = "paid", "Paid"
        VOID = "void", "Void"

    class Reason(models.TextChoices):
        NEW_TERM = "new_term", "New subscription"
        RENEWAL = "renewal", "Renewal"
        ADJUSTMENT = "adjustment", "Adjustment"
        CREDIT = "credit", "Credit"

    # Fields that may still change once the invoice has its number.
    MUTABLE_AFTER_ISSUE = frozenset(
        {"status", "amount_paid", "amount_credited", "credited_subtotal", "paid_on"}
        | {"voided_at", "void_reason", "voided_by"}
    )

    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.INVOICE)
    entity = models.ForeignKey(IssuingEntity, on_delete=models.PROTECT, related_name="invoices")
    # Who is billed: the customer, or the Reseller / Solution Provider that resold (SPEC §6).
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="invoices"
    )
    # The partner that sold the subscription (its revenue), whoever is billed.
    partner = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="partner_invoices",
        limit_choices_to={"kind": "partner"},
    )
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.PROTECT, related_name="invoices"
    )
    reason = models.CharField(max_length=12, choices=Reason.choices, default=Reason.ADJUSTMENT)
    credited_invoice = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="credit_notes"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    number = models.CharField(max_length=24, unique=True, null=True, blank=True)
    currency = models.CharField(max_length=3, choices=Currency.choices)
    tax_rate = models.DecimalField(
        "tax rate (%)", max_digits=5, decimal_places=2, default=0, validators=PERCENT
    )
    subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    tax = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    total = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    # Credit notes against this invoice: their totals, and their subtotals (for revenue).
    amount_credited = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    credited_subtotal = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    usd_rate = models.DecimalField(
        "USD per unit at issue", max_digits=12, decimal_places=6, null=True, blank=True
    )
    purchase_order = models.CharField("purchase-order number", max_length=60, blank=True)
    payment_terms_days = models.PositiveSmallIntegerField(
        "payment terms (days)", default=30, validators=[MaxValueValidator(365)]
    )
    payment_method = models.CharField(
        max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    notes = models.TextField(blank=True, help_text="Printed on the invoice.")
    issued_on = models.DateField(null=True, blank=True)
    due_on = models.DateField(null=True, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    # What the document says, frozen at issue (the organization may move later).
    bill_to_name = models.CharField(max_length=200, blank=True)
    bill_to_address = models.TextField(blank=True)
    bill_to_country = models.CharField(max_length=2, blank=True)
    issuer_name = models.CharField(max_length=100, blank=True)
    issuer_address = models.TextField(blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    void_reason = models.TextField(blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = [F("issued_on").desc(nulls_first=True), "-id"]
        permissions = [("manage_invoices", "Can issue, void and credit invoices, record payments")]
        indexes = [
            models.Index(fields=["organization", "-issued_on", "-id"], name="invoice_org_issued"),
            models.Index(fields=["organization", "status"], name="invoice_org_status"),
            models.Index(fields=["status", "due_on"], name="invoice_status_due"),
            models.Index(fields=["partner", "status", "paid_on"], name="invoice_partner_paid"),
            models.Index(fields=["-issued_on", "-id"], name="invoice_issued"),
            models.Index(fields=["subscription", "reason"], name="invoice_subscription"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="draft", number__isnull=True)
                | Q(status__in=["issued", "overdue", "paid"], number__isnull=False)
                | Q(status="void"),
                name="invoice_number_given_at_issue",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0, tax__gte=0, total__gte=0, amount_paid__gte=0)
                & Q(amount_credited__gte=0, credited_subtotal__gte=0),
                name="invoice_amounts_are_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(kind="invoice", credited_invoice__isnull=True)
                | Q(kind="credit_note", credited_invoice__isnull=False),
                name="credit_notes_name_their_invoice",
            ),
            # One live term invoice per subscription term: processing an order form
            # or a renewal twice finds the first draft.
            models.UniqueConstraint(
                fields=["subscription", "reason"],
                condition=Q(kind="invoice", reason__in=["new_term", "renewal"]) & ~Q(status="void"),
                name="one_live_invoice_per_term",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number or f'draft #{self.pk}'}"

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if self.pk and (fields is None or not set(fields) <= self.MUTABLE_AFTER_ISSUE):
            stored = Invoice.objects.filter(pk=self.pk).values_list("number", flat=True).first()
            if stored is not None:
                raise InvoiceImmutable(f"{self} is issued: only its status and payments change.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("billing_invoice", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self.number is not None:
            raise InvoiceImmutable(f"{self} is issued and is never deleted.")
        return super().delete(*args, **kwargs)

    def get_staff_url(self):
        return reverse("staff_invoice", args=[self.pk])

    @property
    def is_draft(self):
        return self.status == self.Status.DRAFT

    @property
    def is_credit_note(self):
        return self.kind == self.Kind.CREDIT_NOTE

    @property
    def is_unpaid(self):
        return self.status in (self.Status.ISSUED, self.Status.OVERDUE)

    @property
    def amount_due(self):
        if self.is_credit_note or self.status in (self.Status.DRAFT, self.Status.VOID):
            return 0
        return self.total - self.amount_paid - self.amount_credited

    @property
    def creditable_subtotal(self):
        return self.subtotal - self.credited_subtotal

    @property
    def year(self):
        return self.issued_on.year if self.issued_on else None

    def money(self, amount):
        return format_money(amount, self.currency)


class InvoiceLine(models.Model):
    """One line: what is billed, how many, at what unit price and discount."""

    tenant_path = "invoice__organization"

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    subscription = models.ForeignKey(
        Subscription, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(
        max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    unit_price = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    discount_percent = models.DecimalField(
        "discount (%)", max_digits=5, decimal_places=2, default=0, validators=PERCENT
    )
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    position = models.PositiveSmallIntegerField(default=0)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["invoice", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gte=0, unit_price__gte=0, amount__gte=0)
                & Q(discount_percent__gte=0, discount_percent__lte=100),
                name="invoice_line_amounts_are_valid",
            )
        ]

    def __str__(self):
        return self.description

    def save(self, *args, **kwargs):
        self._check_draft()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        self._check_draft()
        return super().delete(*args, **kwargs)

    def _check_draft(self):
        status = Invoice.objects.values_list("status", flat=True).get(pk=self.invoice_id)
        if status != Invoice.Status.DRAFT:
            raise InvoiceImmutable("Lines change only while the invoice is a draft.")


class InvoiceSequence(models.Model):
    """The last number given per entity, kind and year; locked while a number is taken."""

    entity = models.ForeignKey(IssuingEntity, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Invoice.Kind.choices)
    year = models.PositiveSmallIntegerField()
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entity", "kind", "year"], name="one_sequence_per_year")
        ]

    def __str__(self):
        return f"{self.entity.code} {self.kind} {self.year}: {self.last_number}"


class InvoiceDocument(models.Model):
    """The PDF rendered when the invoice was issued, kept as sent (never re-rendered).

    Stored in the database, outside static and media: it commits or rolls back
    with the issue itself, every web and worker process sees it, and it is
    served only by permission-checked views.
    """

    tenant_path = "invoice__organization"

    invoice = models.OneToOneField(Invoice, on_delete=models.PROTECT, related_name="document")
    pdf = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    rendered_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    def __str__(self):
        return f"PDF of {self.invoice}"

    @property
    def filename(self):
        return f"{self.invoice.number}.pdf"


class Payment(models.Model):
    """Money received against an invoice, in the invoice's currency."""

    tenant_path = "invoice__organization"

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    reference = models.CharField(max_length=100, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    received_on = models.DateField(default=timezone.localdate)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["invoice", "received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_is_positive")
        ]

    def __str__(self):
        return f"{format_money(self.amount, self.invoice.currency)} on {self.received_on}"
