"""Conflict detection (issue 7): does an end customer a partner names already belong to
another partner's open registration or referral, or to an existing customer?

Matching is by normalized company name or by the contact's email domain
(benefits.matching); both are indexed columns. The answer is worked out when
staff look at it, so it is always current; the `has_conflict` flag on the rows
only puts them in front of staff.
"""

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from django.db.models import Q

from accounts.models import Membership, Organization
from benefits.matching import normalize_company_name
from benefits.models import DealRegistration, Referral

OPEN_REFERRALS = (
    Referral.Status.SUBMITTED,
    Referral.Status.QUALIFIED,
    Referral.Status.CONVERTED,
)


@dataclass
class Conflicts:
    deals: list = field(default_factory=list)
    referrals: list = field(default_factory=list)
    customers: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.deals or self.referrals or self.customers)


def conflicts_for(claim):
    """What else claims the end customer of `claim` (a DealRegistration or Referral):
    other partners' open deal registrations and referrals, and existing customers."""
    name, domain = claim.normalized_name, claim.email_domain
    deals = (
        DealRegistration.objects.open()
        .same_customer(name, domain)
        .exclude(partner_id=claim.partner_id)
        .select_related("partner")
        .order_by("registered_at")
    )
    referrals = (
        Referral.objects.filter(status__in=OPEN_REFERRALS)
        .filter(_same(name, domain))
        .exclude(partner_id=claim.partner_id)
        .select_related("partner")
        .order_by("submitted_at")
    )
    # The customer the claim itself became (a won deal, a converted referral) is no conflict.
    own = {getattr(claim, "customer_id", None)}
    if claim.order_form_id:
        own.add(claim.order_form.organization_id)
    return Conflicts(
        deals=list(deals[:20]),
        referrals=list(referrals[:20]),
        customers=[c for c in existing_customers(name, domain) if c.pk not in own],
    )


def _same(name, domain):
    match = Q(normalized_name=name)
    if domain:
        match |= Q(email_domain=domain)
    return match


def existing_customers(normalized_name, domain, *, limit=20):
    """Customer organizations with the same normalized (legal) name, a member with an
    address at `domain`, or a website on `domain`."""
    found = {}
    words = sorted(normalized_name.split(), key=len, reverse=True)
    if words:
        # The longest word narrows the candidates in the database; the full
        # normalized name decides.
        candidates = Organization.objects.filter(kind=Organization.Kind.CUSTOMER).filter(
            Q(name__icontains=words[0]) | Q(legal_name__icontains=words[0])
        )[:200]
        for organization in candidates:
            if normalized_name in {
                normalize_company_name(organization.name),
                normalize_company_name(organization.legal_name),
            }:
                found[organization.pk] = organization
    if domain:
        member_orgs = Organization.objects.filter(
            kind=Organization.Kind.CUSTOMER,
            pk__in=Membership.objects.filter(user__email__iendswith=f"@{domain}").values(
                "organization_id"
            ),
        )[:limit]
        for organization in member_orgs:
            found[organization.pk] = organization
        for organization in Organization.objects.filter(
            kind=Organization.Kind.CUSTOMER, website__icontains=domain
        )[:limit]:
            host = (urlsplit(organization.website).hostname or "").lower()
            if host == domain or host.endswith(f".{domain}"):
                found[organization.pk] = organization
    return sorted(found.values(), key=lambda organization: organization.name)[:limit]
