"""Support tickets tracked against an SLA, their conversation and files, and the knowledge base."""

import uuid
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import PurePath
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from guardian.managers import UserObjectPermissionManager
from guardian.models import UserObjectPermissionBase

from accounts.models import Organization
from accounts.tenancy import TenantQuerySet
from support.querysets import (
    ArticleQuerySet,
    AttachmentQuerySet,
    CommentQuerySet,
    SLAClockQuerySet,
    TicketQuerySet,
)

# Shown beside the severity choice on the ticket form (OpenNebula's support definitions).
SEVERITY_DEFINITIONS = {
    1: (
        "Critical",
        "Production is down or severely impacted: the cloud or a critical service is "
        "unavailable and there is no workaround.",
    ),
    2: (
        "High",
        "Production runs, but a major function is impaired (e.g. live migration, "
        "provisioning) and business is affected; a workaround may exist.",
    ),
    3: (
        "Medium",
        "A partial, non-critical loss of function, or a problem in a test or development "
        "environment.",
    ),
    4: (
        "Low",
        "A question on usage or configuration, a documentation issue or a cosmetic defect.",
    ),
}
SEVERITY_CHOICES = [
    (n, f"Severity {n} — {label}") for n, (label, _) in SEVERITY_DEFINITIONS.items()
]


class BusinessCalendar(models.Model):
    """Working hours and holidays of an issuing entity, for business-hours SLAs.

    Vendor data, edited by staff in the admin. Standard plans count SLA minutes
    only inside these hours; Premium plans count every minute (24x7).
    """

    code = models.SlugField(unique=True)
    name = models.CharField(max_length=100)
    time_zone = models.CharField(max_length=64, help_text="IANA name, e.g. Europe/Madrid")
    opens_at = models.TimeField(default="09:00")
    closes_at = models.TimeField(default="18:00")
    # ISO weekdays 1 (Monday) … 7 (Sunday), comma-separated.
    working_days = models.CharField(max_length=20, default="1,2,3,4,5")
    is_default = models.BooleanField(default=False)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=Q(is_default=True), name="one_default_calendar"
            ),
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="calendar_closes_after_opening",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.time_zone})"

    @cached_property
    def zone(self):
        return ZoneInfo(self.time_zone)

    @cached_property
    def holiday_dates(self):
        return frozenset(self.holidays.values_list("date", flat=True))

    @cached_property
    def iso_working_days(self):
        return frozenset(int(day) for day in self.working_days.split(",") if day.strip())

    def window(self, day):
        """The working hours of `day` as (opens, closes) in UTC, or None on a day off."""
        if day.isoweekday() not in self.iso_working_days or day in self.holiday_dates:
            return None
        opens = datetime.combine(day, self.opens_at, tzinfo=self.zone).astimezone(UTC)
        closes = datetime.combine(day, self.closes_at, tzinfo=self.zone).astimezone(UTC)
        return opens, closes

    def add_minutes(self, start, minutes):
        """The moment `minutes` working minutes after `start`."""
        remaining = timedelta(minutes=minutes)
        day = start.astimezone(self.zone).date()
        for _ in range(3 * 366):
            hours = self.window(day)
            if hours is not None:
                begin = max(hours[0], start)
                if begin < hours[1]:
                    if remaining <= hours[1] - begin:
                        return begin + remaining
                    remaining -= hours[1] - begin
            day += timedelta(days=1)
        raise ValueError(f"{self} has no working hours in the next three years")

    def minutes_between(self, start, end):
        """Working minutes from `start` to `end` (negative when `end` is earlier)."""
        if end < start:
            return -self.minutes_between(end, start)
        total = timedelta()
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            hours = self.window(day)
            if hours is not None:
                begin, finish = max(hours[0], start), min(hours[1], end)
                if begin < finish:
                    total += finish - begin
            day += timedelta(days=1)
        return int(total.total_seconds() // 60)


class Holiday(models.Model):
    """A day off in a business calendar (vendor data)."""

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="holidays"
    )
    date = models.DateField()
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["calendar", "date"], name="one_holiday_per_day")
        ]

    def __str__(self):
        return f"{self.date} {self.name}"


class Ticket(models.Model):
    """A support or presales request of one organization.

    `level` says who holds it: OpenNebula directly, a Solution Provider's L1/L2
    team (its end customers' tickets), or OpenNebula L3 after escalation. SLA
    clocks run only while OpenNebula holds it; `sla_due_at` is the earliest
    running deadline, kept by the services so the queue can sort on a column.
    """

    tenant_path = "organization"
    REOPEN_WINDOW = timedelta(days=14)

    class Kind(models.TextChoices):
        SUPPORT = "support", "Support"
        PRESALES = "presales", "Presales"

    class Status(models.TextChoices):
        NEW = "new", "New"
        OPEN = "open", "Open"
        WAITING = "waiting", "Waiting on customer"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    ACTIVE_STATUSES = (Status.NEW, Status.OPEN, Status.WAITING)

    class Level(models.TextChoices):
        DIRECT = "direct", "OpenNebula support"
        PARTNER = "partner", "L1/L2 at the Solution Provider"
        L3 = "l3", "L3 at OpenNebula"

    VENDOR_LEVELS = (Level.DIRECT, Level.L3)

    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="tickets")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.SUPPORT)
    subject = models.CharField(max_length=200)
    description = models.TextField()
    severity = models.PositiveSmallIntegerField(choices=SEVERITY_CHOICES, null=True, blank=True)
    subscription = models.ForeignKey(
        "subscriptions.Subscription",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tickets",
    )
    deployment = models.ForeignKey(
        "subscriptions.Deployment",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tickets",
    )
    product_version = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NEW)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.DIRECT)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_tickets",
    )
    # Null: the SLA counts every minute (24x7 plans, presales).
    calendar = models.ForeignKey(
        BusinessCalendar, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sla_due_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    first_response_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    escalated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        permissions = [("follow_ticket", "Follow a ticket the Main Contact shared")]
        indexes = [
            models.Index(fields=["organization", "-updated_at"]),
            models.Index(fields=["opened_by", "-updated_at"]),
            # Active tickets are a few thousand of millions: partial indexes hold only them.
            # An organization's open tickets (ticket list, dashboard), newest first.
            models.Index(
                fields=["organization", "-updated_at"],
                condition=Q(status__in=["new", "open", "waiting"]),
                name="ticket_active_by_organization",
            ),
            # The triage queue: active tickets OpenNebula holds, by time to breach; the
            # included columns answer the queue's counts from the index alone.
            models.Index(
                fields=["sla_due_at", "created_at", "id"],
                include=["assignee", "status", "severity", "organization"],
                condition=Q(status__in=["new", "open", "waiting"], level__in=["direct", "l3"]),
                name="ticket_triage_queue",
            ),
            models.Index(fields=["assignee", "status", "sla_due_at"]),
            models.Index(fields=["severity", "status"]),
            models.Index(fields=["status", "resolved_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="presales")
                | Q(severity__isnull=False, subscription__isnull=False),
                name="support_tickets_have_severity_and_subscription",
            ),
            models.CheckConstraint(
                condition=Q(severity__isnull=True) | Q(severity__gte=1, severity__lte=4),
                name="severity_is_1_to_4",
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.subject}"

    def get_absolute_url(self):
        return reverse("ticket_detail", args=[self.pk])

    @property
    def is_active(self):
        return self.status in self.ACTIVE_STATUSES

    @property
    def held_by_vendor(self):
        return self.level in self.VENDOR_LEVELS

    @property
    def holder_name(self):
        if self.level == self.Level.PARTNER and self.organization.managed_by_id:
            return self.organization.managed_by.name
        return "OpenNebula Systems"

    @property
    def reopen_until(self):
        return self.resolved_at + self.REOPEN_WINDOW if self.resolved_at else None

    def can_be_reopened(self, now=None):
        return (
            self.status == self.Status.RESOLVED
            and self.resolved_at is not None
            and (now or timezone.now()) < self.reopen_until
        )

    @property
    def is_sla_paused(self):
        return self.status == self.Status.WAITING

    def sla_breached(self, now=None):
        return self.sla_due_at is not None and self.sla_due_at <= (now or timezone.now())

    @property
    def severity_label(self):
        return SEVERITY_DEFINITIONS[self.severity][0] if self.severity else ""


class TicketUserObjectPermission(UserObjectPermissionBase):
    """django-guardian's per-ticket permission with a real foreign key (queryable, indexed)."""

    tenant_path = "content_object__organization"

    content_object = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="shares")

    objects = UserObjectPermissionManager.from_queryset(TenantQuerySet)()

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class TicketComment(models.Model):
    """One message of a ticket's conversation. Internal notes are for OpenNebula staff only."""

    tenant_path = "ticket__organization"

    class Side(models.TextChoices):
        CUSTOMER = "customer", "Customer"
        PARTNER = "partner", "Solution Provider"
        VENDOR = "vendor", "OpenNebula"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    side = models.CharField(max_length=10, choices=Side.choices)
    is_internal = models.BooleanField(default=False)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["ticket", "is_internal", "created_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_internal=False) | Q(side="vendor"),
                name="only_vendor_writes_internal_notes",
            )
        ]

    def __str__(self):
        kind = "Internal note" if self.is_internal else "Comment"
        return f"{kind} on #{self.ticket_id}"


def attachment_path(instance, filename):
    """A random name under MEDIA_ROOT/support/: never guessable, never the uploader's name."""
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"support/attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class TicketAttachment(models.Model):
    """A file on a ticket (or on one of its comments), served only by the download view."""

    tenant_path = "ticket__organization"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="attachments")
    comment = models.ForeignKey(
        TicketComment, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(upload_to=attachment_path, max_length=200)
    name = models.CharField("file name", max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("ticket_attachment", args=[self.ticket_id, self.pk])

    @property
    def is_internal(self):
        return self.comment is not None and self.comment.is_internal


class SLAClock(models.Model):
    """One SLA target of a ticket: first response, a next response, or resolution.

    Running clocks have `due_at` (and `warn_at`, 80% of the target); a paused
    clock keeps the SLA minutes it had left. A next-response clock starts at
    each customer update that waits for an answer.
    """

    tenant_path = "ticket__organization"
    WARNING_SHARE = 0.8

    class Target(models.TextChoices):
        FIRST_RESPONSE = "first_response", "First response"
        NEXT_RESPONSE = "next_response", "Next response"
        RESOLUTION = "resolution", "Resolution"

    class State(models.TextChoices):
        RUNNING = "running", "Running"
        PAUSED = "paused", "Paused"
        MET = "met", "Met"
        BREACHED = "breached", "Breached"

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="sla_clocks")
    target = models.CharField(max_length=20, choices=Target.choices)
    target_minutes = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True)
    warn_at = models.DateTimeField(null=True, blank=True)
    remaining_minutes = models.IntegerField(null=True, blank=True)
    stopped_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(null=True, blank=True)
    breach_alerted_at = models.DateTimeField(null=True, blank=True)

    objects = SLAClockQuerySet.as_manager()

    class Meta:
        ordering = ["started_at", "id"]
        indexes = [
            models.Index(fields=["state", "warn_at"]),
            models.Index(fields=["state", "due_at"]),
            models.Index(fields=["ticket", "state"]),
        ]

    def __str__(self):
        return f"{self.get_target_display()} of #{self.ticket_id} ({self.state})"

    def is_breached(self, now=None):
        now = now or timezone.now()
        if self.state == self.State.BREACHED:
            return True
        if self.state == self.State.RUNNING:
            return self.due_at <= now
        if self.state == self.State.PAUSED:
            return self.remaining_minutes is not None and self.remaining_minutes <= 0
        return False


class ArticleCategory(models.Model):
    """A knowledge-base section (vendor data)."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name_plural = "article categories"

    def __str__(self):
        return self.name


class Article(models.Model):
    """A knowledge-base article in Markdown, for one audience; staff write and publish."""

    class Audience(models.TextChoices):
        PUBLIC = "public", "Everyone"
        CUSTOMERS = "customers", "Customers with an active subscription"
        PARTNERS = "partners", "Partners"

    title = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    category = models.ForeignKey(ArticleCategory, on_delete=models.PROTECT, related_name="articles")
    audience = models.CharField(max_length=10, choices=Audience.choices, default=Audience.PUBLIC)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField(help_text="Markdown. HTML is cleaned: scripts and event handlers go.")
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    # Title (weight A), summary and body (B) as PostgreSQL's tsvector, written by a
    # trigger on every insert and update (migration 0005) and GIN-indexed: the search
    # filters and ranks on it instead of parsing every matching article's text per query.
    # Unused (null) on SQLite.
    search_document = SearchVectorField(null=True, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["category__position", "title"]
        indexes = [models.Index(fields=["is_published", "audience", "category"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("kb_article", args=[self.slug])
