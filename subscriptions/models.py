"""Plans, subscriptions, the order forms that create them, and the deployments they cover."""

import hashlib
import secrets
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from accounts.tenancy import TenantQuerySet


class Currency(models.TextChoices):
    USD = "USD", "US dollar"
    EUR = "EUR", "Euro"


class Plan(models.Model):
    """A subscription plan, as data: staff edit plans and their SLA targets in the admin."""

    class SupportHours(models.TextChoices):
        BUSINESS = "business", "Business hours"
        ALWAYS = "24x7", "24x7"

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    support_hours = models.CharField(max_length=10, choices=SupportHours.choices)
    max_technical_contacts = models.PositiveSmallIntegerField(
        help_text="How many Technical Contacts an organization on this plan may name."
    )
    annual_price_per_server = models.DecimalField(max_digits=12, decimal_places=2)
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.USD)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["annual_price_per_server"]

    def __str__(self):
        return self.name

    @property
    def is_premium(self):
        return self.support_hours == self.SupportHours.ALWAYS


class SLATarget(models.Model):
    """Per plan and severity: how soon support answers and resolves (minutes of SLA time)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sla_targets")
    severity = models.PositiveSmallIntegerField(choices=[(n, f"Severity {n}") for n in range(1, 5)])
    first_response_minutes = models.PositiveIntegerField()
    next_response_minutes = models.PositiveIntegerField()
    resolution_minutes = models.PositiveIntegerField()

    class Meta:
        ordering = ["plan", "severity"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "severity"], name="one_target_per_severity")
        ]

    def __str__(self):
        return f"{self.plan} S{self.severity}"


class SalesChannel(models.TextChoices):
    """Who sold it decides who invoices the end customer (SPEC §3, §6)."""

    DIRECT = "direct", "Direct"
    REFERRAL = "referral", "Referred by a partner"
    INTEGRATOR = "integrator", "Through a Solution Integrator"
    RESELLER = "reseller", "Through a Reseller"
    SOLUTION_PROVIDER = "solution_provider", "Through a Solution Provider"


class PaymentMethod(models.TextChoices):
    BANK_TRANSFER = "bank_transfer", "Bank transfer"
    CARD = "card", "Card"
    CHEQUE = "cheque", "Cheque"


class SubscriptionQuerySet(TenantQuerySet):
    def live(self, today=None):
        """In force today: active, or renewed with its term still running."""
        today = today or timezone.localdate()
        return self.filter(
            status__in=Subscription.IN_FORCE, starts_on__lte=today, ends_on__gt=today
        )

    def with_details(self):
        return self.select_related("plan", "organization__managed_by", "sold_by")

    def visible_to_partner(self, partner):
        """What a partner sold, and its Solution Provider end customers' subscriptions."""
        return self.filter(Q(sold_by=partner) | Q(organization__managed_by=partner))

    def ending_between(self, first_day, last_day):
        return self.filter(ends_on__gte=first_day, ends_on__lte=last_day)


class Subscription(models.Model):
    """One term of a customer's subscription; a renewal is the next term."""

    tenant_path = "organization"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACTIVE = "active", "Active"
        RENEWED = "renewed", "Renewed"
        EXPIRED = "expired", "Expired"
        CANCELLED = "cancelled", "Cancelled"

    # A renewed term still covers the customer until its end; the next term then starts.
    IN_FORCE = (Status.ACTIVE, Status.RENEWED)

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="subscriptions"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    servers = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    starts_on = models.DateField()
    ends_on = models.DateField()
    purchase_order = models.CharField("purchase-order number", max_length=60, blank=True)
    payment_method = models.CharField(
        max_length=20, choices=PaymentMethod.choices, default=PaymentMethod.BANK_TRANSFER
    )
    channel = models.CharField(
        max_length=20, choices=SalesChannel.choices, default=SalesChannel.DIRECT
    )
    sold_by = models.ForeignKey(
        Organization,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sold_subscriptions",
        limit_choices_to={"kind": "partner"},
    )
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="renewal"
    )
    # Not for resale (guide: NFR subscriptions): a partner's free demonstration
    # subscription. Never invoiced, never revenue (billing.revenue).
    is_nfr = models.BooleanField("not for resale (NFR)", default=False)
    # The last renewal-notice window (days) notified, so the daily scan reads only
    # what is newly due; the notice's unique key is what guarantees "once".
    renewal_notice_window = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-ends_on", "-id"]
        indexes = [
            # The staff list in its default order, a page at a time.
            models.Index(fields=["-ends_on", "-id"], name="subscription_latest_end"),
            models.Index(fields=["status", "ends_on"]),
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["sold_by", "status"]),
            models.Index(fields=["plan", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=models.F("starts_on")),
                name="subscription_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=Q(channel="direct", sold_by__isnull=True)
                | (~Q(channel="direct") & Q(sold_by__isnull=False)),
                name="partner_sales_name_the_partner",
            ),
        ]

    def __str__(self):
        return f"{self.plan} for {self.organization} ({self.starts_on} → {self.ends_on})"

    def get_absolute_url(self):
        return reverse("subscription_detail", args=[self.pk])

    @property
    def is_live(self):
        """In force today (see SubscriptionQuerySet.live)."""
        today = timezone.localdate()
        return self.status in self.IN_FORCE and self.starts_on <= today < self.ends_on

    def days_left(self, today=None):
        return (self.ends_on - (today or timezone.localdate())).days

    @property
    def annual_list_price(self):
        return self.plan.annual_price_per_server * self.servers


class OrderForm(models.Model):
    """A signed order form, entered by sales staff; processing it creates the subscription.

    Vendor data: before processing there is no organization yet (a new
    customer), so the tenant walk lists it apart; staff pages only.
    """

    class Status(models.TextChoices):
        PROCESSED = "processed", "Processed"

    reference = models.CharField(
        max_length=40, unique=True, help_text="The number printed on the signed order form."
    )
    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="order_forms"
    )
    customer_name = models.CharField(max_length=200, blank=True)
    customer_legal_name = models.CharField(max_length=200, blank=True)
    customer_country = models.CharField(max_length=2, blank=True)
    customer_address = models.TextField(blank=True)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT)
    servers = models.PositiveIntegerField()
    starts_on = models.DateField()
    ends_on = models.DateField()
    purchase_order = models.CharField(max_length=60, blank=True)
    payment_method = models.CharField(max_length=20, choices=PaymentMethod.choices)
    channel = models.CharField(max_length=20, choices=SalesChannel.choices)
    sold_by = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    main_contact_name = models.CharField(max_length=150)
    main_contact_email = models.EmailField()
    technical_contacts = models.JSONField(default=list, blank=True)
    # An approved deal registration's extra discount on the first term's invoice (issue 7).
    registration_discount_percent = models.DecimalField(
        "deal registration discount (%)",
        max_digits=5,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_nfr = models.BooleanField("not for resale (NFR)", default=False)
    subscription = models.OneToOneField(
        Subscription, null=True, blank=True, on_delete=models.PROTECT, related_name="order_form"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROCESSED)
    processed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    processed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-processed_at"]

    def __str__(self):
        return f"Order form {self.reference}"


class DeploymentQuerySet(TenantQuerySet):
    def live(self):
        return self.filter(revoked_at__isnull=True)


class Deployment(models.Model):
    """A cloud deployment covered by a subscription, with its licensing token (guide §SP).

    Only a hash of the token is stored; `token_prefix` identifies it afterwards.
    """

    tenant_path = "subscription__organization"
    TOKEN_PREFIX = "onp"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="deployments"
    )
    name = models.SlugField(max_length=60)
    token_prefix = models.CharField(max_length=16, unique=True)
    token_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = DeploymentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "name"],
                condition=Q(revoked_at__isnull=True),
                name="live_deployment_names_are_unique",
                violation_error_message="A live deployment of this subscription has this name.",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.token_prefix}…)"

    @property
    def is_live(self):
        return self.revoked_at is None

    @classmethod
    def new_token(cls):
        """`onp_<prefix>_<secret>`: a public 8-character prefix and 256 random bits."""
        prefix = secrets.token_hex(4)
        return prefix, f"{cls.TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()


class ServerRequest(models.Model):
    """The Main Contact asks for more servers or services; staff apply it."""

    tenant_path = "subscription__organization"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        APPLIED = "applied", "Applied"
        DECLINED = "declined", "Declined"

    subscription = models.ForeignKey(
        Subscription, on_delete=models.CASCADE, related_name="server_requests"
    )
    additional_servers = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    note = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handled_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "-requested_at"])]

    def __str__(self):
        return f"+{self.additional_servers} servers for {self.subscription}"


class EndCustomerRequest(models.Model):
    """A Solution Provider asks OpenNebula to establish an end customer's account (SPEC §6)."""

    tenant_path = "partner"

    class Status(models.TextChoices):
        REQUESTED = "requested", "Requested"
        CONFIRMED = "confirmed", "Confirmed"
        DECLINED = "declined", "Declined"

    partner = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="end_customer_requests"
    )
    name = models.CharField("company name", max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, e.g. FR")
    main_contact_name = models.CharField(max_length=150)
    main_contact_email = models.EmailField()
    servers = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    starts_on = models.DateField(default=date.today)
    ends_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decline_reason = models.TextField(blank=True)
    organization = models.OneToOneField(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "-requested_at"])]

    def __str__(self):
        return f"End customer {self.name} for {self.partner}"
