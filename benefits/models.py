"""The sales benefits of the partner program (guide: Sales Benefits; SPEC §3):
deal registrations, referral leads and their commissions, distributed leads,
NFR subscription requests and partner news.

A partner's rows name it as `partner` (their `tenant_path`); leads in the pool
and news are vendor data until offered or published.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from accounts.tenancy import TenantQuerySet
from benefits.matching import email_domain, normalize_company_name
from billing.money import format_money
from subscriptions.models import Currency

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class Product(models.TextChoices):
    """What a registered deal is expected to buy."""

    STANDARD = "standard_subscription", "Enterprise subscription, Standard (business hours)"
    PREMIUM = "premium_subscription", "Enterprise subscription, Premium (24x7)"
    SERVICES = "professional_services", "Professional services"
    TRAINING = "training", "Training"


class EndCustomer(models.Model):
    """The prospective end customer a partner names, and the keys that find it again."""

    company_name = models.CharField("end-customer company", max_length=200)
    country = models.CharField(max_length=2, help_text="Where the end customer is.")
    contact_name = models.CharField("contact name", max_length=150)
    contact_email = models.EmailField("contact email")
    # Kept by save(): what conflict detection compares (benefits.matching).
    normalized_name = models.CharField(max_length=200, editable=False)
    email_domain = models.CharField(max_length=200, editable=False, blank=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.company_name

    def save(self, *args, **kwargs):
        self.normalized_name = normalize_company_name(self.company_name)
        self.email_domain = email_domain(self.contact_email)
        fields = kwargs.get("update_fields")
        if fields is not None:
            kwargs["update_fields"] = {*fields, "normalized_name", "email_domain"}
        super().save(*args, **kwargs)


# --- Deal registration -------------------------------------------------------------------


class DealQuerySet(TenantQuerySet):
    def open(self):
        """Still claiming the customer: awaiting review, or approved and protected."""
        return self.filter(status__in=DealRegistration.OPEN_STATUSES)

    def same_customer(self, normalized_name, domain):
        match = Q(normalized_name=normalized_name)
        if domain:
            match |= Q(email_domain=domain)
        return self.filter(match)

    def for_list(self):
        return self.select_related("partner", "registered_by")


class DealRegistration(EndCustomer):
    """A partner registers a new deal to have it protected from other partners (guide:
    Deal Registration Program; Strategic Solution Services partners)."""

    tenant_path = "partner"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Awaiting review"
        APPROVED = "approved", "Approved, protected"
        REJECTED = "rejected", "Rejected"
        EXPIRED = "expired", "Protection expired"
        WON = "won", "Won: order form processed"

    OPEN_STATUSES = (Status.SUBMITTED, Status.APPROVED)

    partner = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="deal_registrations"
    )
    expected_value = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    products = models.JSONField(default=list)
    expected_close_on = models.DateField("expected close date")
    notes = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    # Another partner's open registration, or an existing customer, looks like the same
    # company: staff see it flagged (the details are worked out on the review page).
    has_conflict = models.BooleanField(default=False)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(blank=True)
    discount_percent = models.DecimalField(
        "registration discount (%)", max_digits=5, decimal_places=2, default=0, validators=PERCENT
    )
    # The last day the registration protects the customer (approved deals).
    protected_until = models.DateField(null=True, blank=True)
    extended_at = models.DateTimeField(null=True, blank=True)
    order_form = models.OneToOneField(
        "subscriptions.OrderForm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="deal_registration",
    )
    won_at = models.DateTimeField(null=True, blank=True)

    objects = DealQuerySet.as_manager()

    class Meta:
        ordering = ["-registered_at", "-id"]
        permissions = [("review_deal", "Can approve, reject and extend deal registrations")]
        indexes = [
            models.Index(fields=["partner", "-registered_at"], name="deal_partner_registered"),
            # The staff queue: by status, conflicts first, newest first.
            models.Index(
                fields=["status", "-has_conflict", "-registered_at"], name="deal_status_queue"
            ),
            models.Index(fields=["-has_conflict", "-registered_at"], name="deal_queue"),
            models.Index(fields=["status", "protected_until"], name="deal_status_protected"),
            models.Index(fields=["normalized_name"], name="deal_normalized_name"),
            models.Index(fields=["email_domain"], name="deal_email_domain"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0, discount_percent__lte=100),
                name="deal_discount_is_a_percentage",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(protected_until__isnull=False),
                name="approved_deals_are_protected_until_a_day",
            ),
        ]

    def get_absolute_url(self):
        return reverse("deal_detail", args=[self.pk])

    def get_staff_url(self):
        return reverse("staff_deal", args=[self.pk])

    @property
    def product_labels(self):
        labels = dict(Product.choices)
        return [labels.get(code, code) for code in self.products]

    @property
    def expected_value_display(self):
        return format_money(self.expected_value, self.currency)

    @property
    def is_protected(self):
        return (
            self.status == self.Status.APPROVED
            and self.protected_until is not None
            and self.protected_until >= timezone.localdate()
        )

    @property
    def may_extend(self):
        return self.is_protected and self.extended_at is None


# --- Referrals and commissions -----------------------------------------------------------


class Referral(EndCustomer):
    """A lead a partner refers to OpenNebula; when it becomes a customer the partner earns
    a commission on its paid invoices (guide: Commission on Referred Sales)."""

    tenant_path = "partner"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Awaiting qualification"
        QUALIFIED = "qualified", "Qualified"
        DECLINED = "declined", "Not qualified"
        CONVERTED = "converted", "Became a customer"

    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="referrals")
    need = models.TextField("what the customer needs")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    has_conflict = models.BooleanField(default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    # Set when the referral's order form is processed: whose invoices earn the commission.
    customer = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referred_by",
        limit_choices_to={"kind": "customer"},
    )
    order_form = models.OneToOneField(
        "subscriptions.OrderForm",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="referral",
    )
    converted_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-id"]
        permissions = [("qualify_referral", "Can qualify and decline referral leads")]
        indexes = [
            models.Index(fields=["partner", "-submitted_at"], name="referral_partner_submitted"),
            models.Index(fields=["status", "-submitted_at"], name="referral_status_submitted"),
            models.Index(fields=["customer", "partner", "status"], name="referral_customer"),
            models.Index(fields=["normalized_name"], name="referral_normalized_name"),
            models.Index(fields=["email_domain"], name="referral_email_domain"),
        ]

    def get_absolute_url(self):
        return reverse("referral_detail", args=[self.pk])

    def get_staff_url(self):
        return reverse("staff_referral", args=[self.pk])


class CommissionQuerySet(TenantQuerySet):
    def in_quarter(self, year, quarter):
        return self.filter(accrued_on__year=year, accrued_on__quarter=quarter)


class Commission(models.Model):
    """What a partner earned on one paid invoice of a referred customer, at the rate of
    its program and tier that day; a credit note against it is a negative line."""

    tenant_path = "partner"

    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="commissions")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="commissions")
    # The paid invoice, or the credit note that reverses part of it: one line each.
    invoice = models.OneToOneField(
        "billing.Invoice", on_delete=models.PROTECT, related_name="commission"
    )
    currency = models.CharField(max_length=3, choices=Currency.choices)
    # The invoice's subtotal before tax, net of credit notes (negative for a credit note).
    base_amount = models.DecimalField(max_digits=12, decimal_places=2)
    rate_percent = models.DecimalField(max_digits=5, decimal_places=2, validators=PERCENT)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    # "Solution Reseller Standard": the enrollment whose rate applied.
    rate_source = models.CharField(max_length=100)
    accrued_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommissionQuerySet.as_manager()

    class Meta:
        ordering = ["accrued_on", "id"]
        indexes = [
            models.Index(fields=["partner", "accrued_on"], name="commission_partner_day"),
            models.Index(fields=["-accrued_on", "-id"], name="commission_ledger"),
        ]

    def __str__(self):
        return f"{format_money(self.amount, self.currency)} on {self.invoice_id}"

    @property
    def base_display(self):
        return format_money(self.base_amount, self.currency)

    @property
    def amount_display(self):
        return format_money(self.amount, self.currency)


# --- Lead distribution -------------------------------------------------------------------


class Lead(models.Model):
    """A prospect OpenNebula passes on to an eligible Strategic partner (guide: Eligibility
    for Referral Services Engagements). Vendor data while in the pool."""

    class Status(models.TextChoices):
        OPEN = "open", "In the pool"
        OFFERED = "offered", "Offered to a partner"
        ACCEPTED = "accepted", "Accepted by a partner"
        CLOSED = "closed", "Closed"

    company_name = models.CharField("company", max_length=200)
    country = models.CharField(max_length=2)
    contact_name = models.CharField("contact name", max_length=150)
    contact_email = models.EmailField("contact email")
    need = models.TextField("what the prospect needs")
    estimated_value = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    closed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("distribute_lead", "Can add leads and offer them to partners")]
        indexes = [
            models.Index(fields=["status", "-created_at"], name="lead_status_created"),
            models.Index(fields=["-created_at", "-id"], name="lead_created"),
            models.Index(fields=["country"], name="lead_country"),
        ]

    def __str__(self):
        return self.company_name

    def get_staff_url(self):
        return reverse("staff_lead", args=[self.pk])

    @property
    def estimated_value_display(self):
        if self.estimated_value is None:
            return ""
        return format_money(self.estimated_value, self.currency)


class LeadOffer(models.Model):
    """A lead offered to one partner, who accepts or declines it by `respond_by`."""

    tenant_path = "partner"

    class Status(models.TextChoices):
        OFFERED = "offered", "Awaiting your answer"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"
        LAPSED = "lapsed", "Not answered in time"
        WITHDRAWN = "withdrawn", "Withdrawn"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="offers")
    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="lead_offers")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OFFERED)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_at = models.DateTimeField(default=timezone.now)
    respond_by = models.DateTimeField()
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-offered_at", "-id"]
        indexes = [
            models.Index(fields=["partner", "-offered_at"], name="offer_partner_offered"),
            models.Index(fields=["status", "respond_by"], name="offer_status_respond_by"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["lead"],
                condition=Q(status="offered"),
                name="one_open_offer_per_lead",
                violation_error_message="This lead is already offered to a partner.",
            )
        ]

    def __str__(self):
        return f"{self.lead} for {self.partner}"

    def get_absolute_url(self):
        return reverse("lead_offer_detail", args=[self.pk])

    @property
    def is_open(self):
        return self.status == self.Status.OFFERED


# --- NFR subscriptions ---------------------------------------------------------------------


class NFRRequest(models.Model):
    """A partner asks for a not-for-resale demonstration subscription (guide: NFR
    Subscriptions); approving it processes a free order form marked NFR."""

    tenant_path = "partner"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    class Purpose(models.TextChoices):
        DEMOS = "demos", "Demonstrations to end users and prospects"
        SALES = "sales", "Sales and marketing"
        TRAINING = "training", "Sales enablement and training of our staff"

    partner = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="nfr_requests")
    plan = models.ForeignKey("subscriptions.Plan", on_delete=models.PROTECT, related_name="+")
    servers = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    purpose = models.CharField(max_length=10, choices=Purpose.choices)
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(blank=True)
    subscription = models.OneToOneField(
        "subscriptions.Subscription",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nfr_request",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = "NFR request"
        permissions = [("decide_nfr", "Can approve and decline NFR subscription requests")]
        indexes = [
            models.Index(fields=["partner", "-requested_at"], name="nfr_partner_requested"),
            models.Index(fields=["status", "-requested_at"], name="nfr_status_requested"),
        ]

    def __str__(self):
        return f"NFR {self.plan} × {self.servers} for {self.partner}"


# --- Partner news ------------------------------------------------------------------------


class NewsQuerySet(models.QuerySet):
    def for_tiers(self, tiers):
        """News for every partner (no tier chosen), or for one of `tiers` (ids or a query)."""
        return self.filter(Q(tiers__isnull=True) | Q(tiers__in=tiers)).distinct()


class NewsItem(models.Model):
    """News for partners (guide: Partner News and Notifications), by program and tier."""

    title = models.CharField(max_length=200)
    body = models.TextField()
    # No tier chosen: every partner.
    tiers = models.ManyToManyField(
        "programs.Tier",
        blank=True,
        related_name="+",
        help_text="Leave all unticked to publish to every partner.",
    )
    emailed = models.BooleanField("also emailed to the partners' Main Contacts", default=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(default=timezone.now)

    objects = NewsQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = "partner news item"
        permissions = [("publish_news", "Can publish and withdraw partner news")]
        indexes = [models.Index(fields=["-published_at", "-id"], name="news_published")]

    def __str__(self):
        return self.title
