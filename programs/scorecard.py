"""The tier scorecard: every requirement of a partner's tier, measured from the records
the portal holds (certifications, review meetings, memberships, evidence confirmed by
staff, end customers, subscriptions and billing's revenue) — never from typed-in totals.

`gather_facts()` reads the records of many partners in a fixed number of queries, so
the nightly compliance run over every partner costs the same few queries per batch as
one scorecard page does.
"""

import calendar
import functools
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.core.cache import cache
from django.db import transaction
from django.db.models import Count, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone

from accounts.models import Membership, Organization
from programs.models import (
    Benefit,
    Certification,
    Enrollment,
    Evidence,
    Program,
    Requirement,
    ReviewMeeting,
    Tier,
    TierBenefit,
)

# A certification expiring within this many days puts its requirement at risk.
EXPIRY_WARNING_DAYS = 30
# A review meeting due within this many days, with none scheduled, is at risk.
REVIEW_WARNING_DAYS = 14
# Activity a new partner cannot have on day one (subscriptions sold, end customers) is
# "at risk", not "not met", during its first months as an Authorized Partner.
RAMP_UP_DAYS = 90

MET, AT_RISK, NOT_MET = "met", "at_risk", "not_met"
STATE_LABELS = {MET: "Met", AT_RISK: "At risk", NOT_MET: "Not met"}

CERTIFICATION_KINDS = {
    Requirement.Kind.ADMINISTRATOR_CERTIFICATIONS: Certification.Kind.ADMINISTRATOR,
    Requirement.Kind.SALES_CERTIFICATIONS: Certification.Kind.BASIC_SALES,
}
EVIDENCE_KINDS = {
    Requirement.Kind.WEBSITE: Evidence.Kind.WEBSITE,
    Requirement.Kind.ENTERPRISE_EDITION: Evidence.Kind.ENTERPRISE_EDITION,
    Requirement.Kind.L1_L2_SUPPORT: Evidence.Kind.L1_L2_SUPPORT,
}


def add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cadence_label(months):
    return {1: "Monthly", 3: "Quarterly", 12: "Yearly"}.get(months, f"Every {months} months")


def usd(amount):
    return f"${amount:,.0f}" if amount == amount.to_integral() else f"${amount:,.2f}"


@dataclass
class CertificationCounts:
    current: int = 0  # verified, not expired: the people who count
    still_current_later: int = 0  # of those, still current in EXPIRY_WARNING_DAYS
    awaiting_verification: int = 0


@dataclass
class PartnerFacts:
    """What the portal's records say about one partner organization."""

    organization_id: int
    certifications: dict = field(default_factory=lambda: defaultdict(CertificationCounts))
    technical_contacts: int = 0
    sales_contacts: int = 0
    evidence: dict = field(default_factory=dict)  # Evidence.Kind -> Evidence.Status
    last_review_held_on: date | None = None
    next_review_scheduled_for: date | None = None
    end_customers: int = 0
    subscriptions_used: int = 0  # live: its own, its end customers', those it sold
    subscriptions_sold: int = 0  # live: those it sold (Reseller "resale")
    annual_revenue: Decimal | None = None


@dataclass
class RequirementResult:
    requirement: Requirement
    state: str
    value: str
    target: str
    gap: str = ""

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def is_met(self):
        return self.state == MET

    @property
    def is_not_met(self):
        return self.state == NOT_MET


@dataclass
class Scorecard:
    tier: Tier
    results: list

    @property
    def meets_tier(self):
        """Out of its tier's requirements means a requirement is not met (at risk is a warning)."""
        return not any(result.is_not_met for result in self.results)

    @property
    def fully_met(self):
        return all(result.is_met for result in self.results)

    @property
    def not_met(self):
        return [result for result in self.results if result.is_not_met]

    @property
    def missing(self):
        """What stands between the partner and this tier: everything not yet met."""
        return [result for result in self.results if not result.is_met]


# --- Reading the records -------------------------------------------------------------------


def gather_facts(organization_ids, *, as_of=None, with_revenue=True):
    """Facts for each organization, in a fixed number of queries whatever their number:
    one for the records counted per organization, one for subscriptions, one for revenue."""
    as_of = as_of or timezone.localdate()
    ids = list(organization_ids)
    facts = {org_id: PartnerFacts(org_id) for org_id in ids}
    if not ids:
        return facts

    for row in _records_per_organization(as_of).filter(pk__in=ids):
        partner = facts[row["pk"]]
        for kind in Certification.Kind.values:
            partner.certifications[kind] = CertificationCounts(
                row[f"{kind}_current"], row[f"{kind}_later"], row[f"{kind}_pending"]
            )
        partner.technical_contacts = row["technical"]
        partner.sales_contacts = row["sales"]
        partner.evidence = {
            kind: row[f"evidence_{kind}"]
            for kind in Evidence.Kind.values
            if row[f"evidence_{kind}"] is not None
        }
        partner.last_review_held_on = row["last_held"]
        partner.next_review_scheduled_for = row["next_scheduled"]
        partner.end_customers = row["end_customers"]

    _gather_subscriptions(facts, ids)

    if with_revenue:
        for org_id, amount in annual_revenues(ids, as_of=as_of).items():
            if org_id in facts:
                facts[org_id].annual_revenue = amount
    return facts


@functools.lru_cache(maxsize=2)
def _records_per_organization(as_of):
    """Every organization's records as of a day, counted by correlated subqueries: one
    query, filtered by the caller. Built once per day and process: building its seventeen
    subqueries costs Django three times what running it costs PostgreSQL (performance.md)."""
    later = as_of + timedelta(days=EXPIRY_WARNING_DAYS)
    records = {}
    for kind in Certification.Kind.values:
        current = Certification.objects.filter(kind=kind, expires_on__gte=as_of)
        verified = current.filter(status=Certification.Status.VERIFIED)
        records[f"{kind}_current"] = _people(verified)
        records[f"{kind}_later"] = _people(verified.filter(expires_on__gte=later))
        records[f"{kind}_pending"] = _people(current.filter(status=Certification.Status.PENDING))
    records["technical"] = _count(Membership.objects.filter(is_technical_contact=True))
    records["sales"] = _count(Membership.objects.filter(is_sales_contact=True))
    for kind in Evidence.Kind.values:
        records[f"evidence_{kind}"] = _first(Evidence.objects.filter(kind=kind), "status")
    meetings = ReviewMeeting.objects.order_by()
    records["last_held"] = _first(
        meetings.filter(held_on__lte=as_of).order_by("-held_on"), "held_on"
    )
    records["next_scheduled"] = _first(
        meetings.filter(held_on__isnull=True, scheduled_for__gte=as_of).order_by("scheduled_for"),
        "scheduled_for",
    )
    records["end_customers"] = _count(Organization.objects.all(), organization="managed_by")

    return Organization.objects.values("pk", **records)


def _count(records, *, organization="organization"):
    """How many of `records` belong to the outer organization (a correlated subquery)."""
    counted = (
        records.filter(**{organization: OuterRef("pk")})
        .order_by()
        .values(organization)
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def _people(certifications):
    """How many different people (by email) hold `certifications` in the outer organization."""
    counted = (
        certifications.filter(organization=OuterRef("pk"))
        .order_by()
        .values("organization")
        .annotate(n=Count(Lower("person_email"), distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def _first(records, column):
    """`column` of the outer organization's first record (in the records' order), or None."""
    return Subquery(records.filter(organization=OuterRef("pk")).values(column)[:1])


def annual_revenues(organization_ids, *, as_of):
    """Billing's figure per partner: USD of paid invoices of the subscriptions it sold,
    trailing twelve months (one query for any number of partners)."""
    from billing.revenue import partner_annual_revenues

    return partner_annual_revenues(organization_ids, as_of=as_of)


def _gather_subscriptions(facts, ids):
    """Live subscriptions each partner uses or sold: its own, its end customers', those it
    sold. A UNION of three indexed reads; one OR across the join to the end customers
    would make PostgreSQL read every active subscription."""
    from subscriptions.models import Subscription

    # A free NFR demonstration subscription is not the use or resale of one.
    active = (
        Subscription.objects.filter(status=Subscription.Status.ACTIVE)
        .exclude(is_nfr=True)
        .order_by()
    )
    columns = ("pk", "organization_id", "sold_by_id", "organization__managed_by_id")
    rows = (
        active.filter(organization_id__in=ids)
        .values_list(*columns)
        .union(
            active.filter(sold_by_id__in=ids).values_list(*columns),
            active.filter(organization__managed_by_id__in=ids).values_list(*columns),
        )
    )
    used, sold = defaultdict(set), defaultdict(set)
    for pk, owner_id, seller_id, manager_id in rows:
        for org_id in {owner_id, seller_id, manager_id}:
            if org_id in facts:
                used[org_id].add(pk)
        if seller_id in facts:
            sold[seller_id].add(pk)
    for org_id in facts:
        facts[org_id].subscriptions_used = len(used[org_id])
        facts[org_id].subscriptions_sold = len(sold[org_id])


def needs_revenue(tiers):
    return any(
        requirement.kind == Requirement.Kind.ANNUAL_REVENUE
        for tier in tiers
        for requirement in tier.requirements.all()
    )


# --- Measuring -----------------------------------------------------------------------------


def evaluate(tier, facts, *, track="", authorized_on=None, as_of=None):
    """The scorecard of `tier` for a partner with `facts` (requirements prefetched)."""
    as_of = as_of or timezone.localdate()
    ramping_up = authorized_on is None or as_of < authorized_on + timedelta(days=RAMP_UP_DAYS)
    results = [
        _measure(
            requirement, facts, authorized_on=authorized_on, as_of=as_of, ramping_up=ramping_up
        )
        for requirement in tier.requirements.all()
        if requirement.applies_to(track)
    ]
    return Scorecard(tier, results)


def _measure(requirement, facts, *, authorized_on, as_of, ramping_up):
    kind = requirement.kind
    Kind = Requirement.Kind
    target = requirement.target
    if kind == Kind.PROGRAM_FEE:
        return RequirementResult(requirement, MET, "No fee", "No-cost")
    if kind == Kind.APPROVED_APPLICATION:
        return RequirementResult(requirement, MET, "Approved", "Approved")
    if kind in EVIDENCE_KINDS:
        return _evidence(requirement, facts.evidence.get(EVIDENCE_KINDS[kind]))
    if kind == Kind.TECHNICAL_CONTACT:
        return _contacts(requirement, facts.technical_contacts, "technical")
    if kind == Kind.SALES_CONTACT:
        return _contacts(requirement, facts.sales_contacts, "sales")
    if kind in CERTIFICATION_KINDS:
        return _certifications(requirement, facts.certifications[CERTIFICATION_KINDS[kind]])
    if kind == Kind.REVIEW_MEETINGS:
        return _reviews(requirement, facts, authorized_on=authorized_on, as_of=as_of)
    if kind == Kind.END_CUSTOMERS:
        count = facts.end_customers
        value = f"{count} end customer{'s' if count != 1 else ''} with an account"
        if count >= 1:
            return RequirementResult(requirement, MET, value, "Each end customer")
        return RequirementResult(
            requirement,
            AT_RISK if ramping_up else NOT_MET,
            value,
            "Each end customer",
            "Ask OpenNebula for an account for each end customer.",
        )
    if kind == Kind.ENTERPRISE_SUBSCRIPTIONS:
        resale = requirement.tier.program.code == "reseller"
        count = facts.subscriptions_sold if resale else facts.subscriptions_used
        noun = "sold" if resale else "in use"
        value = f"{count} live subscription{'s' if count != 1 else ''} {noun}"
        if count >= 1:
            return RequirementResult(requirement, MET, value, "Mandatory")
        return RequirementResult(
            requirement,
            AT_RISK if ramping_up else NOT_MET,
            value,
            "Mandatory",
            "Resell an OpenNebula Enterprise subscription."
            if resale
            else "Use an OpenNebula Enterprise subscription (yours or your customers').",
        )
    if kind == Kind.ANNUAL_REVENUE:
        revenue = facts.annual_revenue if facts.annual_revenue is not None else Decimal(0)
        if revenue >= target:
            return RequirementResult(requirement, MET, usd(revenue), usd(target))
        return RequirementResult(
            requirement,
            NOT_MET,
            usd(revenue),
            usd(target),
            f"{usd(target - revenue)} more in the last twelve months.",
        )
    raise ValueError(f"No measure for requirement kind {kind!r}")


def _evidence(requirement, status):
    if status == Evidence.Status.CONFIRMED:
        return RequirementResult(requirement, MET, "Confirmed by OpenNebula", "Confirmed")
    if status == Evidence.Status.PENDING:
        value, gap = "Awaiting confirmation", "OpenNebula is checking what you sent."
    elif status == Evidence.Status.REJECTED:
        value, gap = "Not confirmed", "Update your evidence: OpenNebula could not confirm it."
    else:
        value, gap = "Nothing sent yet", "Send your evidence on the Evidence page."
    return RequirementResult(requirement, NOT_MET, value, "Confirmed", gap)


def _contacts(requirement, count, role):
    value = f"{count} {role} contact{'s' if count != 1 else ''}"
    if count >= 1:
        return RequirementResult(requirement, MET, value, "At least 1")
    return RequirementResult(
        requirement, NOT_MET, value, "At least 1", f"Give someone the {role} contact role."
    )


def _certifications(requirement, counts):
    target = int(requirement.target or 1)
    noun = "person" if counts.current == 1 else "people"
    value = f"{counts.current} {noun} certified"
    if counts.awaiting_verification:
        value += f" ({counts.awaiting_verification} awaiting verification)"
    target_label = f"{target} {'person' if target == 1 else 'people'}"
    if counts.current < target:
        missing = target - counts.current
        return RequirementResult(
            requirement,
            NOT_MET,
            value,
            target_label,
            f"{missing} more verified {requirement.label.split('(')[-1].rstrip(')')} "
            f"certification{'s' if missing != 1 else ''}.",
        )
    if counts.still_current_later < target:
        return RequirementResult(
            requirement,
            AT_RISK,
            value,
            target_label,
            f"A certification expires within {EXPIRY_WARNING_DAYS} days: renew it.",
        )
    return RequirementResult(requirement, MET, value, target_label)


def _reviews(requirement, facts, *, authorized_on, as_of):
    months = int(requirement.target or 3)
    target = cadence_label(months)
    last = facts.last_review_held_on
    value = f"Last held {last:%Y-%m-%d}" if last else "None held yet"
    # The first review is due one period after the partner was authorized.
    reference = max(filter(None, [last, authorized_on]), default=None)
    if reference is None or add_months(reference, months) < as_of:
        due = add_months(reference, months) if reference else as_of
        return RequirementResult(
            requirement, NOT_MET, value, target, f"A review meeting was due by {due:%Y-%m-%d}."
        )
    due = add_months(reference, months)
    scheduled = facts.next_review_scheduled_for
    if due - as_of <= timedelta(days=REVIEW_WARNING_DAYS) and not (scheduled and scheduled <= due):
        return RequirementResult(
            requirement, AT_RISK, value, target, f"Schedule a review meeting by {due:%Y-%m-%d}."
        )
    if scheduled:
        value += f"; next on {scheduled:%Y-%m-%d}"
    return RequirementResult(requirement, MET, value, target)


# --- Pages ---------------------------------------------------------------------------------


# The catalog changes when staff edit it, seldom. Each process keeps the tiers it read
# with the catalog version (a token in the shared cache) they were read at; any change
# to a catalog row drops the token (forget_catalog, connected in apps.py), so every
# process reads the catalog again on its next request. One small cache read a request
# instead of three queries and ~190 model instances (performance.md).
CATALOG_VERSION_KEY = "programs:catalog-version"
CATALOG_MODELS = (Program, Tier, Requirement, Benefit, TierBenefit)
_catalog = threading.local()


def catalog_tiers():
    """Every tier with its program, requirements and benefits (read-only objects)."""
    version = cache.get_or_set(CATALOG_VERSION_KEY, lambda: uuid.uuid4().hex, timeout=None)
    if getattr(_catalog, "version", None) != version:
        _catalog.tiers = list(
            Tier.objects.select_related("program").prefetch_related(
                "requirements__tier__program",
                Prefetch("tier_benefits", TierBenefit.objects.select_related("benefit")),
            )
        )
        _catalog.version = version
    return _catalog.tiers


def forget_catalog(**kwargs):
    """A catalog row changed: drop the version now, and again when the transaction
    commits, so a process that read the old rows meanwhile reads them again."""
    cache.delete(CATALOG_VERSION_KEY)
    transaction.on_commit(lambda: cache.delete(CATALOG_VERSION_KEY))


def next_tier(tier, tiers):
    return next(
        (t for t in tiers if t.program_id == tier.program_id and t.rank == tier.rank + 1), None
    )


@dataclass
class BenefitLine:
    benefit: object
    note: str
    active: bool
    tier_name: str  # the lowest tier that grants it


@dataclass
class EnrollmentStatus:
    """What the partner's status page shows for one enrollment."""

    enrollment: Enrollment
    scorecard: Scorecard
    next_tier: Tier | None
    next_scorecard: Scorecard | None
    benefits: list  # BenefitLine for every benefit of the program, active or not

    @property
    def can_request_upgrade(self):
        return (
            self.enrollment.is_authorized
            and self.next_scorecard is not None
            and self.next_scorecard.fully_met
        )

    @property
    def active_benefits(self):
        return [line for line in self.benefits if line.active]

    @property
    def inactive_benefits(self):
        return [line for line in self.benefits if not line.active]


def benefit_lines(enrollment, tiers):
    """Every benefit of the enrollment's program; active only if its tier grants it and the
    partner is authorized — the same rule as programs.entitlements.has_benefit."""
    program_tiers = sorted(
        (t for t in tiers if t.program_id == enrollment.program_id), key=lambda t: t.rank
    )
    lines = {}
    for tier in program_tiers:
        for tier_benefit in tier.tier_benefits.all():
            if not tier_benefit.applies_to(enrollment.track):
                continue
            granted = enrollment.is_authorized and tier.pk == enrollment.tier_id
            line = lines.get(tier_benefit.benefit_id)
            if line is None:
                lines[tier_benefit.benefit_id] = BenefitLine(
                    tier_benefit.benefit, tier_benefit.note, granted, tier.name
                )
            elif granted:
                line.active, line.note = True, tier_benefit.note
    return sorted(lines.values(), key=lambda line: line.benefit.position)


def enrollment_statuses(enrollments, *, as_of=None):
    """Scorecards of this tier and the next for each enrollment, in a bounded number of queries."""
    as_of = as_of or timezone.localdate()
    enrollments = list(enrollments)
    tiers = catalog_tiers()
    by_id = {tier.pk: tier for tier in tiers}
    nexts = {e.pk: next_tier(by_id[e.tier_id], tiers) for e in enrollments}
    wanted = [by_id[e.tier_id] for e in enrollments] + [t for t in nexts.values() if t]
    facts = gather_facts(
        {e.organization_id for e in enrollments}, as_of=as_of, with_revenue=needs_revenue(wanted)
    )
    statuses = []
    for enrollment in enrollments:
        upper = nexts[enrollment.pk]
        authorized_on = (
            timezone.localdate(enrollment.authorized_at) if enrollment.authorized_at else None
        )
        partner_facts = facts[enrollment.organization_id]

        def card(tier, partner_facts=partner_facts, enrollment=enrollment, on=authorized_on):
            return evaluate(
                tier, partner_facts, track=enrollment.track, authorized_on=on, as_of=as_of
            )

        statuses.append(
            EnrollmentStatus(
                enrollment,
                card(by_id[enrollment.tier_id]),
                upper,
                card(upper) if upper else None,
                benefit_lines(enrollment, tiers),
            )
        )
    return statuses
