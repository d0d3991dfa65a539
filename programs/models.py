"""The Business Partner Program: its catalog, the applications to it, the
enrollments it grants, and the records a partner's standing is measured from.

The catalog (programs, tiers, requirements, benefits, agreement texts) is
vendor data, loaded by a data migration and edited by staff. Everything else
belongs to one partner organization and names its `tenant_path`.
"""

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Organization
from accounts.tenancy import TenantQuerySet


class Track(models.TextChoices):
    """The two kinds of Solution Services partner (guide §1.1)."""

    INTEGRATOR = "si", "Solution Integrator (SI)"
    PROVIDER = "sp", "Solution Provider (SP)"


# --- Catalog -------------------------------------------------------------------------------


class Program(models.Model):
    code = models.SlugField(max_length=30, unique=True)
    name = models.CharField(max_length=100)
    tagline = models.CharField(max_length=200, help_text="Who the program is for, in a line.")
    description = models.TextField()
    # Solution Services partners are either Solution Integrators or Solution Providers.
    has_tracks = models.BooleanField(default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("program_detail", args=[self.code])


class Tier(models.Model):
    class Code(models.TextChoices):
        STANDARD = "standard", "Standard"
        STRATEGIC = "strategic", "Strategic"
        REFERRAL = "referral", "Referral"

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tiers")
    code = models.CharField(max_length=20, choices=Code.choices)
    name = models.CharField(max_length=50)
    # Higher is more: a downgrade moves to the next lower rank, an upgrade to the next higher.
    rank = models.PositiveSmallIntegerField()
    summary = models.TextField(blank=True)

    class Meta:
        ordering = ["program__position", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["program", "code"], name="one_tier_code_per_program"),
            models.UniqueConstraint(fields=["program", "rank"], name="one_tier_rank_per_program"),
        ]

    def __str__(self):
        return f"{self.program.name} {self.name}"


class Requirement(models.Model):
    """One line of a tier's requirements table, and how the portal measures it."""

    class Kind(models.TextChoices):
        PROGRAM_FEE = "program_fee", "Annual program fee"
        APPROVED_APPLICATION = "approved_application", "Approved partner program application"
        ENTERPRISE_EDITION = "enterprise_edition", "Uses and distributes OpenNebula EE"
        ENTERPRISE_SUBSCRIPTIONS = "enterprise_subscriptions", "Enterprise subscriptions"
        WEBSITE = "website", "OpenNebula visible on the partner's website"
        TECHNICAL_CONTACT = "technical_contact", "Assigned technical contact"
        SALES_CONTACT = "sales_contact", "Assigned sales contact"
        ADMINISTRATOR_CERTIFICATIONS = "administrator_certifications", "Technical certifications"
        SALES_CERTIFICATIONS = "sales_certifications", "Sales certifications"
        REVIEW_MEETINGS = "review_meetings", "Regular progress review meetings"
        END_CUSTOMERS = "end_customers", "End customer identification"
        L1_L2_SUPPORT = "l1_l2_support", "L1 and L2 support to end customers"
        ANNUAL_REVENUE = "annual_revenue", "Minimum annual subscription revenue"

    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="requirements")
    kind = models.CharField(max_length=40, choices=Kind.choices)
    label = models.CharField(max_length=150)
    # Count of people or meetings, months between reviews, or USD, depending on the kind.
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    # Blank: every partner of the tier; "sp": Solution Providers only.
    track = models.CharField(max_length=2, choices=Track.choices, blank=True)
    # Checked before an application may be submitted (SPEC §6: entry requirements first).
    is_entry_requirement = models.BooleanField(default=False)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["tier", "position"]
        constraints = [
            models.UniqueConstraint(fields=["tier", "kind"], name="one_requirement_kind_per_tier")
        ]

    def __str__(self):
        return f"{self.tier}: {self.label}"

    def applies_to(self, track):
        return not self.track or self.track == track


class Benefit(models.Model):
    class Category(models.TextChoices):
        GENERAL = "general", "General"
        SALES = "sales", "Sales"
        MARKETING = "marketing", "Marketing"
        TECHNICAL = "technical", "Technical"

    # The code later features ask about: has_benefit(organization, "deal_registration").
    code = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=150)
    category = models.CharField(max_length=20, choices=Category.choices)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class TierBenefit(models.Model):
    tier = models.ForeignKey(Tier, on_delete=models.CASCADE, related_name="tier_benefits")
    benefit = models.ForeignKey(Benefit, on_delete=models.CASCADE, related_name="tier_benefits")
    # Blank: every partner of the tier; otherwise only SIs or only SPs (e.g. L3 support: SP).
    track = models.CharField(max_length=2, choices=Track.choices, blank=True)
    note = models.CharField(max_length=60, blank=True, help_text='e.g. "With discount", "No-cost"')

    class Meta:
        ordering = ["tier", "benefit__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "benefit", "track"], name="one_benefit_per_tier_and_track"
            )
        ]

    def __str__(self):
        return f"{self.tier}: {self.benefit}"

    def applies_to(self, track):
        return not self.track or self.track == track


class AgreementVersion(models.Model):
    """A published Partner Agreement text. Never edited: staff publish a new version."""

    number = models.PositiveIntegerField(unique=True)
    title = models.CharField(max_length=150, default="OpenNebula Partner Agreement")
    # Placeholders filled when issued: {partner_legal_name} {program} {tier} {effective_date}
    body = models.TextField()
    published_at = models.DateTimeField(default=timezone.now)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-number"]
        permissions = [("publish_agreement", "Can publish a new Partner Agreement version")]

    def __str__(self):
        return f"{self.title}, version {self.number}"

    @classmethod
    def current(cls):
        return cls.objects.order_by("-number").first()


# --- Applications --------------------------------------------------------------------------


class Application(models.Model):
    """The application form and company profile (guide: Partner Qualification)."""

    tenant_path = "organization"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        INFO_REQUESTED = "info_requested", "More information requested"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    OPEN_STATUSES = [Status.DRAFT, Status.SUBMITTED, Status.INFO_REQUESTED]
    # What staff act on: the review queue.
    UNDER_REVIEW = [Status.SUBMITTED, Status.INFO_REQUESTED]

    class CompanySize(models.TextChoices):
        MICRO = "1-10", "1–10 employees"
        SMALL = "11-50", "11–50 employees"
        MEDIUM = "51-200", "51–200 employees"
        LARGE = "201-1000", "201–1,000 employees"
        ENTERPRISE = "1000+", "More than 1,000 employees"

    class Region(models.TextChoices):
        EUROPE = "europe", "Europe"
        NORTH_AMERICA = "north_america", "North America"
        LATIN_AMERICA = "latin_america", "Latin America"
        MIDDLE_EAST_AFRICA = "middle_east_africa", "Middle East and Africa"
        ASIA_PACIFIC = "asia_pacific", "Asia-Pacific"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="partner_applications"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="applications")
    track = models.CharField(max_length=2, choices=Track.choices, blank=True)
    requested_tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    # Bumped by every change of status: a staff action made on an older page is refused.
    version = models.PositiveIntegerField(default=1)

    # Company profile
    legal_name = models.CharField(max_length=200, blank=True)
    country = models.CharField(max_length=2, blank=True)
    website = models.URLField(blank=True)
    opennebula_page = models.URLField(
        "page of your website that shows OpenNebula",
        blank=True,
        help_text="The program requires OpenNebula to be visible on your site.",
    )
    company_size = models.CharField(max_length=10, choices=CompanySize.choices, blank=True)
    regions = models.JSONField(default=list, blank=True)
    markets = models.TextField("markets and industries you serve", blank=True)
    opennebula_expertise = models.TextField("OpenNebula expertise", blank=True)
    sales_experience = models.TextField("experience selling subscription products", blank=True)
    enterprise_edition_use = models.TextField(
        "how you use and distribute the OpenNebula Enterprise Edition", blank=True
    )
    exclusive_enterprise_edition = models.BooleanField(
        "we use and distribute only the Enterprise Edition of OpenNebula", default=False
    )
    support_capability = models.TextField(
        "how you give L1 and L2 support to your end customers",
        blank=True,
        help_text="Solution Providers only.",
    )
    references = models.TextField("customer references", blank=True)

    # The contacts the program asks for (guide §1.2, §3.1)
    sales_contact_name = models.CharField("sales contact name", max_length=150, blank=True)
    sales_contact_email = models.EmailField("sales contact email", blank=True)
    technical_contact_name = models.CharField("technical contact name", max_length=150, blank=True)
    technical_contact_email = models.EmailField("technical contact email", blank=True)

    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    terms_version = models.ForeignKey(
        AgreementVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    approved_tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rejection_reason = models.TextField(blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        permissions = [("review_application", "Can review, approve and reject applications")]
        indexes = [
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["program", "status"]),
            models.Index(fields=["country"]),
            models.Index(fields=["organization", "-created_at"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program"],
                condition=Q(status__in=["draft", "submitted", "info_requested"]),
                name="one_open_application_per_program",
                violation_error_message="This organization already has an open application "
                "to this program.",
            )
        ]

    def __str__(self):
        return f"{self.organization.name}: {self.program.name}"

    def get_absolute_url(self):
        return reverse("partner_application", args=[self.pk])

    def get_staff_url(self):
        return reverse("staff_application", args=[self.pk])

    @property
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.INFO_REQUESTED)

    @property
    def is_open(self):
        return self.status in self.OPEN_STATUSES

    @property
    def region_labels(self):
        labels = dict(self.Region.choices)
        return [labels.get(region, region) for region in self.regions]

    @property
    def track_label(self):
        return Track(self.track).label if self.track else ""


class ApplicationEvent(models.Model):
    """The application's timeline: status changes and the staff ↔ applicant thread."""

    tenant_path = "application__organization"

    class Kind(models.TextChoices):
        CREATED = "created", "Draft started"
        SUBMITTED = "submitted", "Submitted"
        INFO_REQUESTED = "info_requested", "More information requested"
        ANSWERED = "answered", "Applicant answered"
        APPROVED = "approved", "Approved"
        REJECTED = "rejected", "Rejected"

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    by_staff = models.BooleanField(default=False)
    # The question, the answer, the approved tier or the rejection reason.
    body = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["application", "created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


# --- Enrollments and their history ---------------------------------------------------------


class EnrollmentQuerySet(TenantQuerySet):
    def authorized(self):
        return self.filter(status=Enrollment.Status.AUTHORIZED)

    def at_risk(self):
        return self.authorized().filter(standing=Enrollment.Standing.AT_RISK)


class Enrollment(models.Model):
    """An organization's place in one program, at one tier (SPEC §3: several enrollments)."""

    tenant_path = "organization"

    class Status(models.TextChoices):
        AWAITING_SIGNATURE = "awaiting_signature", "Approved, awaiting agreement signature"
        AUTHORIZED = "authorized", "Authorized Partner"
        SUSPENDED = "suspended", "Suspended"

    class Standing(models.TextChoices):
        GOOD = "good", "Meets its tier's requirements"
        AT_RISK = "at_risk", "At risk"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="enrollments"
    )
    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="enrollments")
    track = models.CharField(max_length=2, choices=Track.choices, blank=True)
    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="enrollments")
    application = models.OneToOneField(
        Application, on_delete=models.PROTECT, related_name="enrollment"
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.AWAITING_SIGNATURE
    )
    authorized_at = models.DateTimeField(null=True, blank=True)

    # Set by the nightly compliance evaluation (programs.compliance).
    standing = models.CharField(max_length=10, choices=Standing.choices, default=Standing.GOOD)
    at_risk_since = models.DateTimeField(null=True, blank=True)
    grace_ends_on = models.DateField(null=True, blank=True)
    unmet_requirements = models.JSONField(default=list, blank=True)
    last_evaluated_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        ordering = ["organization__name", "program__position"]
        permissions = [
            ("change_standing", "Can upgrade, downgrade, suspend and reinstate partners"),
        ]
        indexes = [
            models.Index(fields=["status", "standing", "grace_ends_on"]),
            models.Index(fields=["program", "tier", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "program"], name="one_enrollment_per_program"
            )
        ]

    def __str__(self):
        return f"{self.organization.name}: {self.tier}"

    def get_absolute_url(self):
        return reverse("partner_status")

    def get_staff_url(self):
        return reverse("staff_partner", args=[self.pk])

    @property
    def is_authorized(self):
        return self.status == self.Status.AUTHORIZED

    @property
    def is_at_risk(self):
        return self.is_authorized and self.standing == self.Standing.AT_RISK

    @property
    def grace_expired(self):
        return (
            self.is_at_risk
            and self.grace_ends_on is not None
            and (self.grace_ends_on < timezone.localdate())
        )

    @property
    def track_label(self):
        return Track(self.track).label if self.track else ""


class EnrollmentEvent(models.Model):
    """Every change of tier or status, with who, when and why (SPEC §3 Standing)."""

    tenant_path = "enrollment__organization"

    class Kind(models.TextChoices):
        APPROVED = "approved", "Application approved"
        AUTHORIZED = "authorized", "Agreement signed: Authorized Partner"
        AT_RISK = "at_risk", "No longer meets its tier: at risk"
        BACK_IN_GOOD_STANDING = "good_standing", "Meets its tier again"
        UPGRADE_REQUESTED = "upgrade_requested", "Upgrade requested"
        UPGRADE_DECLINED = "upgrade_declined", "Upgrade declined"
        UPGRADED = "upgraded", "Upgraded"
        DOWNGRADED = "downgraded", "Downgraded"
        SUSPENDED = "suspended", "Suspended"
        REINSTATED = "reinstated", "Reinstated"

    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    from_tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_tier = models.ForeignKey(
        Tier, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    # Null when the nightly evaluation made the change.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["enrollment", "-created_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.created_at:%Y-%m-%d})"


class UpgradeRequest(models.Model):
    tenant_path = "enrollment__organization"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    enrollment = models.ForeignKey(
        Enrollment, on_delete=models.CASCADE, related_name="upgrade_requests"
    )
    to_tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["status", "requested_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(status="pending"),
                name="one_pending_upgrade_per_enrollment",
            )
        ]

    def __str__(self):
        return f"Upgrade of {self.enrollment} to {self.to_tier.name}"


# --- The Partner Agreement, issued and signed ----------------------------------------------


class Agreement(models.Model):
    """The agreement issued to one partner on approval, and its signature.

    `text` is frozen when issued: what the main contact reads is exactly what
    is hashed and rendered in the PDF, whatever versions are published later.
    """

    tenant_path = "organization"

    class Status(models.TextChoices):
        ISSUED = "issued", "Awaiting signature"
        SIGNED = "signed", "Signed"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="partner_agreements"
    )
    enrollment = models.OneToOneField(
        Enrollment, on_delete=models.CASCADE, related_name="agreement"
    )
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="issued")
    text = models.TextField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ISSUED)
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer_name = models.CharField(max_length=150, blank=True)
    signer_title = models.CharField(max_length=150, blank=True)
    signer_email = models.EmailField(blank=True)
    signer_ip = models.GenericIPAddressField(null=True, blank=True)
    signer_user_agent = models.TextField(blank=True)
    text_sha256 = models.CharField(max_length=64, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at"]
        indexes = [models.Index(fields=["organization", "-issued_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="issued")
                | (Q(signed_at__isnull=False) & ~Q(text_sha256="") & ~Q(signer_name="")),
                name="a_signed_agreement_records_its_signature",
            )
        ]

    def __str__(self):
        return f"{self.version.title} v{self.version.number} — {self.organization.name}"

    def get_absolute_url(self):
        return reverse("partner_agreement", args=[self.pk])

    @property
    def is_signed(self):
        return self.status == self.Status.SIGNED

    @property
    def sha256(self):
        """The hash of the exact text shown to the signer (UTF-8)."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


# --- Records the scorecard is measured from ------------------------------------------------


class Certification(models.Model):
    """A person's OpenNebula certification, recorded by the partner, verified by staff."""

    tenant_path = "organization"

    class Kind(models.TextChoices):
        ADMINISTRATOR = "administrator", "Administrator (technical)"
        BASIC_SALES = "basic_sales", "Basic (sales)"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting verification"
        VERIFIED = "verified", "Verified"
        REJECTED = "rejected", "Not verified"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="certifications"
    )
    person_name = models.CharField("certified person", max_length=150)
    person_email = models.EmailField("their email")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    certificate_number = models.CharField(max_length=60, blank=True)
    issued_on = models.DateField()
    expires_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=300, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "person_name"]
        permissions = [("verify_certification", "Can verify partner certifications")]
        indexes = [
            models.Index(fields=["organization", "kind", "status", "expires_on"]),
            models.Index(fields=["status", "recorded_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")),
                name="certification_expires_after_issue",
                violation_error_message="The expiry date must be after the issue date.",
            )
        ]

    def __str__(self):
        return f"{self.person_name}: {self.get_kind_display()}"

    @property
    def is_expired(self):
        return self.expires_on < timezone.localdate()


class ReviewMeeting(models.Model):
    """A progress review meeting with OpenNebula: quarterly or monthly by tier."""

    tenant_path = "organization"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="review_meetings"
    )
    scheduled_for = models.DateField()
    held_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-scheduled_for", "-id"]
        indexes = [
            models.Index(fields=["organization", "held_on"]),
            models.Index(fields=["organization", "-scheduled_for"]),
        ]

    def __str__(self):
        return f"Review of {self.organization.name} on {self.scheduled_for}"

    @property
    def is_held(self):
        return self.held_on is not None


class Evidence(models.Model):
    """What the partner shows for a requirement no other record measures, confirmed by staff.

    E.g. the page of its website that shows OpenNebula (the guide's "Visibility of
    OpenNebula on Partner's Site"), or how it gives L1/L2 support (SP).
    """

    tenant_path = "organization"

    class Kind(models.TextChoices):
        WEBSITE = "website", "OpenNebula on your website"
        ENTERPRISE_EDITION = "enterprise_edition", "Use and distribution of the Enterprise Edition"
        L1_L2_SUPPORT = "l1_l2_support", "L1 and L2 support to your end customers"

    class Status(models.TextChoices):
        PENDING = "pending", "Awaiting confirmation"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Not confirmed"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="evidence"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    url = models.URLField("link", blank=True)
    statement = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    submitted_at = models.DateTimeField(default=timezone.now)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=300, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["kind"]
        verbose_name_plural = "evidence"
        indexes = [models.Index(fields=["status", "submitted_at"])]
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind"], name="one_evidence_per_kind")
        ]

    def __str__(self):
        return f"{self.organization.name}: {self.get_kind_display()}"
