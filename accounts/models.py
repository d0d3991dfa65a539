"""People, the organizations they act for, and the two cross-cutting ledgers:
the audit log and the notification outbox."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.tenancy import TenantQuerySet


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person; logs in with their email address."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField("email address", unique=True)
    full_name = models.CharField(max_length=150, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        ordering = ["email"]
        indexes = [
            # Staff pick lists (support engineers, account managers) read the few staff
            # users, not the thousands of customer and partner people.
            models.Index(
                fields=["email"], condition=models.Q(is_staff=True), name="staff_users_by_email"
            ),
        ]

    def __str__(self):
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def is_vendor_staff(self):
        """OpenNebula staff: Django's staff flag, given only to vendor members."""
        return self.is_active and self.is_staff


def get_anonymous_user_instance(user_model):
    """django-guardian's anonymous user, for a model without a username."""
    return user_model(email="anonymous@guardian.invalid")


class Organization(models.Model):
    """The tenant. Every row of tenant data leads to one of these."""

    class Kind(models.TextChoices):
        VENDOR = "vendor", "Vendor (OpenNebula Systems)"
        PARTNER = "partner", "Partner"
        CUSTOMER = "customer", "Customer"

    kind = models.CharField(max_length=10, choices=Kind.choices, db_index=True)
    name = models.CharField(max_length=200)
    legal_name = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True, help_text="ISO 3166-1 alpha-2 code")
    website = models.URLField(blank=True)
    address = models.TextField(blank=True)
    # A Solution Provider's end customer (SPEC §3): the SP's team acts for it.
    managed_by = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_customers",
        limit_choices_to={"kind": "partner"},
    )
    share_tickets_with_technical_contacts = models.BooleanField(
        default=False,
        help_text="Every technical contact sees every ticket of the organization.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        permissions = [("manage_partner", "Is account manager of this partner")]
        constraints = [
            models.CheckConstraint(
                condition=Q(managed_by__isnull=True) | Q(kind="customer"),
                name="only_customers_are_managed",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def is_vendor(self):
        return self.kind == self.Kind.VENDOR

    @property
    def is_partner(self):
        return self.kind == self.Kind.PARTNER

    @property
    def is_customer(self):
        return self.kind == self.Kind.CUSTOMER


class Role(models.TextChoices):
    """Contact roles a membership can carry (SPEC §1, §4)."""

    ORG_ADMIN = "org_admin", "Organization admin"
    MAIN = "main_contact", "Main contact"
    TECHNICAL = "technical_contact", "Technical contact"
    ADMINISTRATIVE = "administrative_contact", "Administrative contact"
    SALES = "sales_contact", "Sales contact"


ROLE_FIELDS = {
    Role.ORG_ADMIN: "is_org_admin",
    Role.MAIN: "is_main_contact",
    Role.TECHNICAL: "is_technical_contact",
    Role.ADMINISTRATIVE: "is_administrative_contact",
    Role.SALES: "is_sales_contact",
}


class MembershipQuerySet(TenantQuerySet):
    def main_contacts(self):
        return self.filter(is_main_contact=True)


class Membership(models.Model):
    """A person in an organization, with the roles they hold there.

    Roles are flags so the database can hold the rules: at most one Main
    Contact and at most one Administrative Contact per organization (SPEC §7).
    """

    tenant_path = "organization"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    is_org_admin = models.BooleanField("organization admin", default=False)
    is_main_contact = models.BooleanField("main contact", default=False)
    is_technical_contact = models.BooleanField("technical contact", default=False)
    is_administrative_contact = models.BooleanField("administrative contact", default=False)
    is_sales_contact = models.BooleanField("sales contact", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org"),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(is_main_contact=True),
                name="one_main_contact_per_org",
                violation_error_message="An organization has exactly one Main Contact.",
            ),
            models.UniqueConstraint(
                fields=["organization"],
                condition=Q(is_administrative_contact=True),
                name="one_administrative_contact_per_org",
                violation_error_message="An organization has at most one Administrative Contact.",
            ),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization}"

    @property
    def roles(self):
        return [role for role, field in ROLE_FIELDS.items() if getattr(self, field)]

    @property
    def role_labels(self):
        return [role.label for role in self.roles]

    @property
    def can_manage_members(self):
        return self.is_org_admin or self.is_main_contact


class Invitation(models.Model):
    """An emailed link that joins a person to an organization with roles."""

    tenant_path = "organization"
    VALID_FOR = timedelta(days=14)

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField()
    full_name = models.CharField(max_length=150, blank=True)
    roles = models.JSONField(default=list)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self):
        return f"Invitation of {self.email} to {self.organization}"

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token():
        return secrets.token_urlsafe(32)

    @property
    def is_pending(self):
        return self.accepted_at is None and self.revoked_at is None and not self.is_expired

    @property
    def is_expired(self):
        return timezone.now() >= self.expires_at

    @property
    def role_labels(self):
        return [Role(role).label for role in self.roles]


class AuditEvent(models.Model):
    """Who changed what, when and from where. Written only by services."""

    tenant_path = "organization"

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Null for vendor-wide events that belong to no tenant (e.g. a plan edit).
    organization = models.ForeignKey(
        Organization, null=True, on_delete=models.CASCADE, related_name="audit_events"
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80, blank=True)
    target_id = models.CharField(max_length=40, blank=True)
    target_repr = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self):
        return f"{self.action} {self.target_repr}"


class NotificationQuerySet(TenantQuerySet):
    def stale(self, older_than):
        return self.filter(status=Notification.Status.QUEUED, updated_at__lt=older_than)


class Notification(models.Model):
    """One email, written in the caller's transaction and sent after commit.

    `idempotency_key` is unique in the database: asking twice for the same
    notice (a retried task, a double click) finds the existing row.
    """

    tenant_path = "organization"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.CASCADE, related_name="notifications"
    )
    recipient = models.EmailField()
    template = models.CharField(max_length=120)
    context = models.JSONField(default=dict, blank=True)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    # Bodies with secrets (password reset, verification links) are hidden from staff.
    is_sensitive = models.BooleanField(default=False)
    idempotency_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "updated_at"]),
            models.Index(fields=["-created_at"]),
        ]

    def __str__(self):
        return f"{self.template} → {self.recipient} ({self.status})"

    def get_absolute_url(self):
        return reverse("staff_outbox_detail", args=[self.pk])
