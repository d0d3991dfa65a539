"""Writes of the sales benefits: one function per state transition, each in one
transaction and audited, with notices through the outbox.

Every partner-side action checks the benefit with the partner program's one
entitlement function (programs.entitlements.has_benefit) at the moment it runs;
staff actions check the staff permission in the service too.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts import outbox
from accounts.audit import audit
from accounts.models import AuditEvent, Membership, Organization
from accounts.services import DomainError, ensure_permission
from benefits.access import requests_nfr, sells
from benefits.conflicts import conflicts_for
from benefits.models import (
    Commission,
    DealRegistration,
    Lead,
    LeadOffer,
    NewsItem,
    NFRRequest,
    Referral,
)
from billing.money import percent_of
from programs.entitlements import (
    enrollments_granting,
    enrollments_with_benefit,
    has_benefit,
)
from programs.models import Enrollment
from programs.services import main_contacts
from subscriptions import services as subscriptions
from subscriptions.models import PaymentMethod, SalesChannel, Subscription

REVIEW_DEALS = "benefits.review_deal"
QUALIFY_REFERRALS = "benefits.qualify_referral"
DISTRIBUTE_LEADS = "benefits.distribute_lead"
DECIDE_NFR = "benefits.decide_nfr"
PUBLISH_NEWS = "benefits.publish_news"
PROCESS_ORDER_FORMS = "subscriptions.add_orderform"


class BenefitError(DomainError):
    """A sales-benefit rule refused the change; the message is for the person."""


class NotEntitled(BenefitError):
    def __init__(self, organization, feature):
        super().__init__(f"{feature} is not in {organization.name}'s tier.")


class InvalidTransition(BenefitError):
    def __init__(self, obj, action):
        super().__init__(
            f"This {obj._meta.verbose_name} is {obj.get_status_display().lower()}: "
            f"it cannot be {action}."
        )


class LimitReached(BenefitError):
    pass


def ensure_benefit(organization, code, feature):
    if not has_benefit(organization, code):
        raise NotEntitled(organization, feature)


def _ensure_member(actor, organization, may):
    membership = Membership.objects.filter(user=actor, organization=organization).first()
    if not may(membership):
        raise PermissionDenied(f"{actor} may not do this for {organization}.")


def _locked(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


def _tell(organization, template, context, *, key, people=()):
    """The partner's Main Contact and `people` (e.g. who registered it), once each per key."""
    recipients = {}
    main = main_contacts([organization.pk]).get(organization.pk)
    for person in [main, *people]:
        if person is not None and person.is_active:
            recipients.setdefault(person.email, person)
    for email, person in recipients.items():
        outbox.notify(
            email,
            template,
            {
                **context,
                "organization": organization.name,
                "recipient_name": person.get_short_name(),
            },
            key=f"{key}:{email}",
            organization=organization,
        )


def _tell_staff(person, template, context, *, key, organization=None):
    if person is None or not person.is_active:
        return
    outbox.notify(
        person.email,
        template,
        {**context, "recipient_name": person.get_short_name()},
        key=f"{key}:{person.email}",
        organization=organization,
    )


# --- Deal registration ----------------------------------------------------------------


DEALS = "Deal registration"


def _deal_context(deal, change, **extra):
    return {
        "change": change,
        "company": deal.company_name,
        "expected_value": deal.expected_value_display,
        "protected_until": deal.protected_until.isoformat() if deal.protected_until else "",
        "discount_percent": str(deal.discount_percent),
        "deal_path": deal.get_absolute_url(),
        **extra,
    }


@transaction.atomic
def register_deal(partner, *, actor, **fields):
    """A Strategic Solution Services partner registers a deal. A look-alike end customer
    (another partner's open registration or referral, or an existing customer) flags it
    and the registrations it collides with for staff."""
    ensure_benefit(partner, "deal_registration", DEALS)
    _ensure_member(actor, partner, sells)
    deal = DealRegistration.objects.create(partner=partner, registered_by=actor, **fields)
    conflicts = conflicts_for(deal)
    if conflicts:
        deal.has_conflict = True
        deal.save(update_fields=["has_conflict"])
        DealRegistration.objects.filter(pk__in=[d.pk for d in conflicts.deals]).update(
            has_conflict=True
        )
        Referral.objects.filter(pk__in=[r.pk for r in conflicts.referrals]).update(
            has_conflict=True
        )
    audit(
        actor,
        "deal.registered",
        deal,
        organization=partner,
        company=deal.company_name,
        expected_value=str(deal.expected_value),
        currency=deal.currency,
        conflict=deal.has_conflict,
    )
    return deal


@transaction.atomic
def approve_deal(deal, *, actor, discount_percent=None):
    """Staff approve: the end customer is protected for DEAL_PROTECTION_DAYS, unless
    another partner's registration protects it already."""
    ensure_permission(actor, REVIEW_DEALS)
    deal = _locked(DealRegistration, deal)
    if deal.status != DealRegistration.Status.SUBMITTED:
        raise InvalidTransition(deal, "approved")
    ensure_benefit(deal.partner, "deal_registration", DEALS)
    today = timezone.localdate()
    holder = (
        DealRegistration.objects.filter(
            status=DealRegistration.Status.APPROVED, protected_until__gte=today
        )
        .same_customer(deal.normalized_name, deal.email_domain)
        .exclude(partner_id=deal.partner_id)
        .select_related("partner")
        .first()
    )
    if holder is not None:
        raise BenefitError(
            f"{holder.partner.name}'s registration of {holder.company_name} protects this "
            f"customer until {holder.protected_until:%Y-%m-%d}: reject this one."
        )
    if discount_percent is None:
        discount_percent = Decimal(settings.DEAL_REGISTRATION_DISCOUNT_PERCENT)
    deal.status = DealRegistration.Status.APPROVED
    deal.discount_percent = discount_percent
    deal.protected_until = today + timedelta(days=settings.DEAL_PROTECTION_DAYS)
    deal.decided_by = actor
    deal.decided_at = timezone.now()
    deal.save()
    audit(
        actor,
        "deal.approved",
        deal,
        organization=deal.partner,
        protected_until=deal.protected_until.isoformat(),
        discount_percent=str(deal.discount_percent),
    )
    _tell(
        deal.partner,
        "benefits/deal_changed",
        _deal_context(deal, "approved"),
        key=f"deal-approved:{deal.pk}",
        people=[deal.registered_by],
    )
    return deal


@transaction.atomic
def reject_deal(deal, *, actor, reason):
    ensure_permission(actor, REVIEW_DEALS)
    reason = _required(reason, "Say why the registration is rejected.")
    deal = _locked(DealRegistration, deal)
    if deal.status != DealRegistration.Status.SUBMITTED:
        raise InvalidTransition(deal, "rejected")
    deal.status = DealRegistration.Status.REJECTED
    deal.rejection_reason = reason
    deal.decided_by = actor
    deal.decided_at = timezone.now()
    deal.save()
    audit(actor, "deal.rejected", deal, organization=deal.partner, reason=reason)
    _tell(
        deal.partner,
        "benefits/deal_changed",
        _deal_context(deal, "rejected", reason=reason),
        key=f"deal-rejected:{deal.pk}",
        people=[deal.registered_by],
    )
    return deal


@transaction.atomic
def extend_deal(deal, *, actor):
    """Once per registration, while it is protected: DEAL_EXTENSION_DAYS more. The partner's
    sales people or staff who review deals."""
    if actor.is_vendor_staff:
        ensure_permission(actor, REVIEW_DEALS)
    else:
        _ensure_member(actor, deal.partner, sells)
    deal = _locked(DealRegistration, deal)
    ensure_benefit(deal.partner, "deal_registration", DEALS)
    if not deal.is_protected:
        raise InvalidTransition(deal, "extended")
    if deal.extended_at is not None:
        raise BenefitError("The protection was extended once already: it cannot be again.")
    before = deal.protected_until
    deal.protected_until = before + timedelta(days=settings.DEAL_EXTENSION_DAYS)
    deal.extended_at = timezone.now()
    deal.save(update_fields=["protected_until", "extended_at"])
    audit(
        actor,
        "deal.extended",
        deal,
        organization=deal.partner,
        protected_until_before=before.isoformat(),
        protected_until=deal.protected_until.isoformat(),
    )
    _tell(
        deal.partner,
        "benefits/deal_changed",
        _deal_context(deal, "extended"),
        key=f"deal-extended:{deal.pk}",
        people=[deal.registered_by],
    )
    return deal


@transaction.atomic
def win_deal(deal, *, actor, **order):
    """Sales staff enter the signed order form of an approved, protected deal: it is
    processed by the order-form service with the registration's discount on the first
    term's invoice, and the deal is won."""
    ensure_permission(actor, PROCESS_ORDER_FORMS)
    deal = _locked(DealRegistration, deal)
    if not deal.is_protected:
        raise InvalidTransition(deal, "turned into an order form")
    ensure_benefit(deal.partner, "deal_registration", DEALS)
    order_form, processed = subscriptions.process_order_form(
        actor=actor,
        sold_by=deal.partner,
        registration_discount_percent=deal.discount_percent,
        **order,
    )
    if not processed:
        raise BenefitError(f"Order form {order_form.reference} was processed already.")
    deal.status = DealRegistration.Status.WON
    deal.order_form = order_form
    deal.won_at = timezone.now()
    deal.save(update_fields=["status", "order_form", "won_at"])
    audit(
        actor,
        "deal.won",
        deal,
        organization=deal.partner,
        order_form=order_form.reference,
        discount_percent=str(deal.discount_percent),
    )
    _tell(
        deal.partner,
        "benefits/deal_changed",
        _deal_context(deal, "won", order_form=order_form.reference),
        key=f"deal-won:{deal.pk}",
        people=[deal.registered_by],
    )
    return order_form


def expire_deals(today=None):
    """The daily run: a notice DEAL_EXPIRY_NOTICE_DAYS before the protection ends (once per
    end date: an extension earns a new one), then expiry and a notice the day after
    the last protected day. Safe to run twice: the outbox keys are unique."""
    today = today or timezone.localdate()
    expiring = list(
        DealRegistration.objects.filter(
            status=DealRegistration.Status.APPROVED,
            protected_until__gte=today,
            protected_until__lte=today + timedelta(days=settings.DEAL_EXPIRY_NOTICE_DAYS),
        ).select_related("partner", "registered_by")
    )
    _notify_deals(expiring, "expiring", key=lambda d: f"deal-expiring:{d.pk}:{d.protected_until}")
    with transaction.atomic():
        ended = list(
            DealRegistration.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=DealRegistration.Status.APPROVED, protected_until__lt=today)
            .select_related("partner", "registered_by")
        )
        if ended:
            DealRegistration.objects.filter(pk__in=[d.pk for d in ended]).update(
                status=DealRegistration.Status.EXPIRED
            )
            AuditEvent.objects.bulk_create(
                [
                    AuditEvent(
                        action="deal.expired",
                        organization_id=deal.partner_id,
                        target_type=deal._meta.label_lower,
                        target_id=str(deal.pk),
                        target_repr=str(deal)[:200],
                        changes={"protected_until": deal.protected_until.isoformat()},
                    )
                    for deal in ended
                ]
            )
            _notify_deals(ended, "expired", key=lambda d: f"deal-expired:{d.pk}")
    return {"expiring": len(expiring), "expired": len(ended)}


def _notify_deals(deals, change, *, key):
    """One notice per deal to its partner's Main Contact and its registrant, in bulk."""
    if not deals:
        return
    mains = main_contacts({deal.partner_id for deal in deals})
    notices = []
    for deal in deals:
        people = {}
        for person in (mains.get(deal.partner_id), deal.registered_by):
            if person is not None and person.is_active:
                people.setdefault(person.email, person)
        for email, person in people.items():
            notices.append(
                {
                    "recipient": email,
                    "template": "benefits/deal_changed",
                    "context": {
                        **_deal_context(deal, change),
                        "organization": deal.partner.name,
                        "recipient_name": person.get_short_name(),
                    },
                    "key": f"{key(deal)}:{email}",
                    "organization": deal.partner,
                }
            )
    outbox.notify_many(notices)


# --- Referrals and commissions ----------------------------------------------------------


REFERRALS = "Referrals and commissions"


def _referral_context(referral, change, **extra):
    return {
        "change": change,
        "company": referral.company_name,
        "referral_path": referral.get_absolute_url(),
        **extra,
    }


@transaction.atomic
def submit_referral(partner, *, actor, **fields):
    ensure_benefit(partner, "referral_commission", REFERRALS)
    _ensure_member(actor, partner, sells)
    referral = Referral.objects.create(partner=partner, submitted_by=actor, **fields)
    conflicts = conflicts_for(referral)
    if conflicts:
        referral.has_conflict = True
        referral.save(update_fields=["has_conflict"])
    audit(
        actor,
        "referral.submitted",
        referral,
        organization=partner,
        company=referral.company_name,
        conflict=referral.has_conflict,
    )
    return referral


@transaction.atomic
def qualify_referral(referral, *, actor):
    ensure_permission(actor, QUALIFY_REFERRALS)
    referral = _locked(Referral, referral)
    if referral.status != Referral.Status.SUBMITTED:
        raise InvalidTransition(referral, "qualified")
    referral.status = Referral.Status.QUALIFIED
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.save(update_fields=["status", "decided_by", "decided_at"])
    audit(actor, "referral.qualified", referral, organization=referral.partner)
    _tell(
        referral.partner,
        "benefits/referral_changed",
        _referral_context(referral, "qualified"),
        key=f"referral-qualified:{referral.pk}",
        people=[referral.submitted_by],
    )
    return referral


@transaction.atomic
def decline_referral(referral, *, actor, reason):
    ensure_permission(actor, QUALIFY_REFERRALS)
    reason = _required(reason, "Say why the referral is not qualified.")
    referral = _locked(Referral, referral)
    if referral.status not in (Referral.Status.SUBMITTED, Referral.Status.QUALIFIED):
        raise InvalidTransition(referral, "declined")
    referral.status = Referral.Status.DECLINED
    referral.decline_reason = reason
    referral.decided_by = actor
    referral.decided_at = timezone.now()
    referral.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    audit(actor, "referral.declined", referral, organization=referral.partner, reason=reason)
    _tell(
        referral.partner,
        "benefits/referral_changed",
        _referral_context(referral, "declined", reason=reason),
        key=f"referral-declined:{referral.pk}",
        people=[referral.submitted_by],
    )
    return referral


@transaction.atomic
def convert_referral(referral, *, actor, **order):
    """Sales staff process the referred customer's order form, linked to the referral: the
    sale is the partner's (channel "referred by a partner") and its paid invoices earn
    the partner's commission."""
    ensure_permission(actor, PROCESS_ORDER_FORMS)
    referral = _locked(Referral, referral)
    if referral.status != Referral.Status.QUALIFIED:
        raise InvalidTransition(referral, "turned into an order form")
    order_form, processed = subscriptions.process_order_form(
        actor=actor, channel=SalesChannel.REFERRAL, sold_by=referral.partner, **order
    )
    if not processed:
        raise BenefitError(f"Order form {order_form.reference} was processed already.")
    referral.status = Referral.Status.CONVERTED
    referral.customer = order_form.organization
    referral.order_form = order_form
    referral.converted_at = timezone.now()
    referral.save(update_fields=["status", "customer", "order_form", "converted_at"])
    audit(
        actor,
        "referral.converted",
        referral,
        organization=referral.partner,
        customer=order_form.organization.name,
        order_form=order_form.reference,
    )
    _tell(
        referral.partner,
        "benefits/referral_changed",
        _referral_context(referral, "converted", customer=order_form.organization.name),
        key=f"referral-converted:{referral.pk}",
        people=[referral.submitted_by],
    )
    return order_form


def commission_rate(partner):
    """(rate %, "Program Tier") of the partner's best enrollment granting the commission
    benefit, from COMMISSION_RATES; None when it has no such benefit today."""
    rates = []
    for enrollment in enrollments_granting(partner, "referral_commission").select_related(
        "program", "tier"
    ):
        rate = settings.COMMISSION_RATES.get(f"{enrollment.program.code}/{enrollment.tier.code}")
        if rate is not None:
            rates.append((Decimal(str(rate)), f"{enrollment.program.name} {enrollment.tier.name}"))
    return max(rates) if rates else None


def record_commission(invoice):
    """Called by billing when an invoice is paid or a credit note issued (same transaction).

    A paid invoice of a referred customer, sold as the referring partner's sale, earns
    the partner's rate on its subtotal before tax, net of credits so far; a later
    credit note against it takes back the same rate of what it credits. One line per
    invoice or credit note (unique), so calling twice changes nothing.
    """
    from billing.models import Invoice

    source = invoice.credited_invoice if invoice.is_credit_note else invoice
    if source is None or source.partner_id is None:
        return None
    referral = Referral.objects.filter(
        status=Referral.Status.CONVERTED,
        customer_id=source.organization_id,
        partner_id=source.partner_id,
    ).first()
    if referral is None:
        return None
    if invoice.is_credit_note:
        accrued = Commission.objects.filter(invoice=source).first()
        if accrued is None:  # credited before it was paid: the payment's base is net already
            return None
        base, rate, rate_source = -invoice.subtotal, accrued.rate_percent, accrued.rate_source
        amount = -percent_of(invoice.subtotal, rate)
        accrued_on = invoice.issued_on
    else:
        if invoice.status != Invoice.Status.PAID:
            return None
        found = commission_rate(referral.partner)
        if found is None:  # the partner lost the benefit (e.g. suspended): nothing accrues
            return None
        rate, rate_source = found
        base = invoice.subtotal - invoice.credited_subtotal
        amount = percent_of(base, rate)
        accrued_on = invoice.paid_on
    commission, created = Commission.objects.get_or_create(
        invoice=invoice,
        defaults={
            "partner_id": referral.partner_id,
            "referral": referral,
            "currency": invoice.currency,
            "base_amount": base,
            "rate_percent": rate,
            "amount": amount,
            "rate_source": rate_source,
            "accrued_on": accrued_on,
        },
    )
    if created:
        audit(
            None,
            "commission.accrued" if amount >= 0 else "commission.reversed",
            commission,
            organization=referral.partner,
            invoice=invoice.number,
            base=str(base),
            rate_percent=str(rate),
            amount=str(amount),
            currency=invoice.currency,
        )
    return commission


# --- Lead distribution --------------------------------------------------------------------


LEADS = "Lead distribution"


@transaction.atomic
def create_lead(*, actor, **fields):
    ensure_permission(actor, DISTRIBUTE_LEADS)
    lead = Lead.objects.create(created_by=actor, **fields)
    audit(actor, "lead.created", lead, company=lead.company_name, country=lead.country)
    return lead


def eligible_enrollments():
    """Enrollments whose partner may be offered a lead: the tier grants referral services
    engagements (the entitlement rule) and the enrollment is in good standing."""
    return enrollments_with_benefit("referral_services").filter(standing=Enrollment.Standing.GOOD)


@transaction.atomic
def offer_lead(lead, partner, *, actor):
    """Staff offer a pooled lead to an eligible partner, who has LEAD_RESPONSE_DAYS to answer."""
    ensure_permission(actor, DISTRIBUTE_LEADS)
    lead = _locked(Lead, lead)
    if lead.status != Lead.Status.OPEN:
        raise InvalidTransition(lead, "offered")
    ensure_benefit(partner, "referral_services", LEADS)
    if not eligible_enrollments().filter(organization=partner).exists():
        raise BenefitError(f"{partner.name} is not in good standing: offer the lead to another.")
    now = timezone.now()
    offer = LeadOffer.objects.create(
        lead=lead,
        partner=partner,
        offered_by=actor,
        offered_at=now,
        respond_by=now + timedelta(days=settings.LEAD_RESPONSE_DAYS),
    )
    lead.status = Lead.Status.OFFERED
    lead.save(update_fields=["status"])
    audit(actor, "lead.offered", offer, organization=partner, lead=lead.pk)
    _tell(
        partner,
        "benefits/lead_offered",
        {
            "company": lead.company_name,
            "country": lead.country,
            "respond_by": offer.respond_by.isoformat(timespec="minutes"),
            "offer_path": offer.get_absolute_url(),
        },
        key=f"lead-offered:{offer.pk}",
    )
    return offer


def _locked_offer(offer):
    return LeadOffer.objects.select_for_update().select_related("lead", "partner").get(pk=offer.pk)


@transaction.atomic
def accept_offer(offer, *, actor):
    _ensure_member(actor, offer.partner, sells)
    offer = _locked_offer(offer)
    ensure_benefit(offer.partner, "referral_services", LEADS)
    if offer.status != LeadOffer.Status.OFFERED or timezone.now() > offer.respond_by:
        raise BenefitError("This offer is no longer open.")
    return _answer(offer, LeadOffer.Status.ACCEPTED, Lead.Status.ACCEPTED, actor=actor)


@transaction.atomic
def decline_offer(offer, *, actor, reason):
    _ensure_member(actor, offer.partner, sells)
    reason = _required(reason, "Say why you decline it, so we can route the next lead better.")
    offer = _locked_offer(offer)
    ensure_benefit(offer.partner, "referral_services", LEADS)
    if offer.status != LeadOffer.Status.OFFERED:
        raise BenefitError("This offer is no longer open.")
    return _answer(offer, LeadOffer.Status.DECLINED, Lead.Status.OPEN, actor=actor, reason=reason)


def _answer(offer, status, lead_status, *, actor, reason=""):
    offer.status = status
    offer.responded_by = actor
    offer.responded_at = timezone.now()
    offer.decline_reason = reason
    offer.save(update_fields=["status", "responded_by", "responded_at", "decline_reason"])
    Lead.objects.filter(pk=offer.lead_id).update(status=lead_status)
    audit(actor, f"lead.{status}", offer, organization=offer.partner, reason=reason)
    _tell_staff(
        offer.offered_by,
        "benefits/lead_answered",
        {
            "company": offer.lead.company_name,
            "partner": offer.partner.name,
            "answer": status,
            "reason": reason,
            "lead_path": offer.lead.get_staff_url(),
        },
        key=f"lead-{status}:{offer.pk}",
    )
    return offer


def return_lapsed_offers(now=None):
    """The periodic run: offers not answered by their deadline lapse, and offers held by a
    partner that lost the benefit or its good standing are withdrawn; either way the
    lead goes back to the pool and whoever offered it hears so. Safe to run twice."""
    now = now or timezone.now()
    eligible = eligible_enrollments().order_by().values("organization_id")
    with transaction.atomic():
        stale = list(
            LeadOffer.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(status=LeadOffer.Status.OFFERED)
            .filter(Q(respond_by__lt=now) | ~Q(partner_id__in=eligible))
            .select_related("lead", "partner", "offered_by")
        )
        for offer in stale:
            offer.status = (
                LeadOffer.Status.LAPSED if offer.respond_by < now else LeadOffer.Status.WITHDRAWN
            )
        for status in (LeadOffer.Status.LAPSED, LeadOffer.Status.WITHDRAWN):
            LeadOffer.objects.filter(pk__in=[o.pk for o in stale if o.status == status]).update(
                status=status
            )
        Lead.objects.filter(pk__in=[o.lead_id for o in stale]).update(status=Lead.Status.OPEN)
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    action=f"lead.{offer.status}",
                    organization_id=offer.partner_id,
                    target_type=offer._meta.label_lower,
                    target_id=str(offer.pk),
                    target_repr=str(offer)[:200],
                    changes={"respond_by": offer.respond_by.isoformat()},
                )
                for offer in stale
            ]
        )
        outbox.notify_many(
            [
                {
                    "recipient": offer.offered_by.email,
                    "template": "benefits/lead_answered",
                    "context": {
                        "company": offer.lead.company_name,
                        "partner": offer.partner.name,
                        "answer": offer.status,
                        "reason": "",
                        "lead_path": offer.lead.get_staff_url(),
                        "recipient_name": offer.offered_by.get_short_name(),
                    },
                    "key": f"lead-{offer.status}:{offer.pk}",
                }
                for offer in stale
                if offer.offered_by is not None and offer.offered_by.is_active
            ]
        )
    return len(stale)


@transaction.atomic
def close_lead(lead, *, actor, reason):
    ensure_permission(actor, DISTRIBUTE_LEADS)
    reason = _required(reason, "Say why the lead is closed.")
    lead = _locked(Lead, lead)
    if lead.status != Lead.Status.OPEN:
        raise InvalidTransition(lead, "closed")
    lead.status = Lead.Status.CLOSED
    lead.closed_reason = reason
    lead.save(update_fields=["status", "closed_reason"])
    audit(actor, "lead.closed", lead, reason=reason)
    return lead


# --- NFR subscriptions -------------------------------------------------------------------


NFR = "NFR subscriptions"
NFR_IN_USE = (Subscription.Status.PENDING, Subscription.Status.ACTIVE)


def nfr_limit(partner):
    """How many NFR subscriptions the partner may hold at once (NFR_LIMITS by its
    program and tier; the best of its enrollments granting them)."""
    limits = [
        settings.NFR_LIMITS.get(f"{enrollment.program.code}/{enrollment.tier.code}", 0)
        for enrollment in enrollments_granting(partner, "nfr_subscriptions").select_related(
            "program", "tier"
        )
    ]
    return max(limits, default=0)


def nfr_in_use(partner, *, excluding=None):
    """NFR subscriptions held (pending or active) plus requests awaiting a decision."""
    held = Subscription.objects.for_organization(partner).filter(is_nfr=True, status__in=NFR_IN_USE)
    waiting = NFRRequest.objects.for_organization(partner).filter(
        status=NFRRequest.Status.REQUESTED
    )
    if excluding is not None:
        waiting = waiting.exclude(pk=excluding.pk)
    return held.count() + waiting.count()


def _ensure_room(partner, *, excluding=None):
    limit = nfr_limit(partner)
    if nfr_in_use(partner, excluding=excluding) >= limit:
        raise LimitReached(
            f"Your tier allows {limit} NFR subscription{'s' if limit != 1 else ''} at a time, "
            "counting requests awaiting a decision."
        )


@transaction.atomic
def request_nfr(partner, *, actor, plan, servers, purpose, note=""):
    ensure_benefit(partner, "nfr_subscriptions", NFR)
    _ensure_member(actor, partner, requests_nfr)
    Organization.objects.select_for_update().get(pk=partner.pk)  # one request at a time
    if servers > settings.NFR_MAX_SERVERS:
        raise LimitReached(
            f"An NFR subscription covers at most {settings.NFR_MAX_SERVERS} servers."
        )
    _ensure_room(partner)
    request = NFRRequest.objects.create(
        partner=partner,
        plan=plan,
        servers=servers,
        purpose=purpose,
        note=note.strip(),
        requested_by=actor,
    )
    audit(actor, "nfr.requested", request, organization=partner, plan=plan.code, servers=servers)
    return request


@transaction.atomic
def approve_nfr(nfr_request, *, actor):
    """Staff approve: a free order form marked NFR is processed for the partner itself, so
    the subscription gets deployments and tokens like any other, and the Welcome emails."""
    ensure_permission(actor, DECIDE_NFR)
    request = (
        NFRRequest.objects.select_for_update()
        .select_related("partner", "plan")
        .get(pk=nfr_request.pk)
    )
    if request.status != NFRRequest.Status.REQUESTED:
        raise InvalidTransition(request, "approved")
    partner = request.partner
    ensure_benefit(partner, "nfr_subscriptions", NFR)
    Organization.objects.select_for_update().get(pk=partner.pk)
    _ensure_room(partner, excluding=request)
    main = main_contacts([partner.pk]).get(partner.pk)
    if main is None:
        raise BenefitError(f"{partner.name} has no Main Contact to receive the subscription.")
    today = timezone.localdate()
    order_form, _ = subscriptions.process_order_form(
        actor=actor,
        organization=partner,
        reference=f"NFR-{request.pk:06d}",
        plan=request.plan,
        servers=request.servers,
        starts_on=today,
        ends_on=today + timedelta(days=settings.NFR_TERM_DAYS),
        payment_method=PaymentMethod.BANK_TRANSFER,
        channel=SalesChannel.DIRECT,
        sold_by=None,
        main_contact_name=main.full_name,
        main_contact_email=main.email,
        technical_contacts=[],
        is_nfr=True,
    )
    request.status = NFRRequest.Status.APPROVED
    request.subscription = order_form.subscription
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "subscription", "decided_by", "decided_at"])
    audit(
        actor,
        "nfr.approved",
        request,
        organization=partner,
        subscription=order_form.subscription_id,
    )
    _tell(
        partner,
        "benefits/nfr_decided",
        {
            "decision": "approved",
            "plan": request.plan.name,
            "servers": request.servers,
            "subscription_path": reverse("subscription_detail", args=[order_form.subscription_id]),
        },
        key=f"nfr-approved:{request.pk}",
        people=[request.requested_by],
    )
    return request


@transaction.atomic
def decline_nfr(nfr_request, *, actor, reason):
    ensure_permission(actor, DECIDE_NFR)
    reason = _required(reason, "Say why the request is declined.")
    request = (
        NFRRequest.objects.select_for_update()
        .select_related("partner", "plan")
        .get(pk=nfr_request.pk)
    )
    if request.status != NFRRequest.Status.REQUESTED:
        raise InvalidTransition(request, "declined")
    request.status = NFRRequest.Status.DECLINED
    request.decline_reason = reason
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    audit(actor, "nfr.declined", request, organization=request.partner, reason=reason)
    _tell(
        request.partner,
        "benefits/nfr_decided",
        {
            "decision": "declined",
            "plan": request.plan.name,
            "servers": request.servers,
            "reason": reason,
        },
        key=f"nfr-declined:{request.pk}",
        people=[request.requested_by],
    )
    return request


# --- Partner news -------------------------------------------------------------------------


def news_for(organization, *, entitled=None):
    """The news an entitled partner reads: for everyone, or for one of its tiers.

    `entitled`: the caller has just read the partner's benefits (the dashboard reads them
    all in one query for its cards) and says whether partner news is one of them; left
    out, the entitlement is read here."""
    if entitled is None:
        entitled = has_benefit(organization, "partner_news")
    if not entitled:
        return NewsItem.objects.none()
    tiers = (
        Enrollment.objects.for_organization(organization).authorized().order_by().values("tier_id")
    )
    return NewsItem.objects.for_tiers(tiers)


@transaction.atomic
def publish_news(*, actor, title, body, tiers=(), email=False):
    """Publish to partners of `tiers` (every partner when none); with `email`, each
    entitled partner's Main Contact gets it once, through the outbox."""
    ensure_permission(actor, PUBLISH_NEWS)
    tiers = list(tiers)
    item = NewsItem.objects.create(
        title=title.strip(),
        body=body.strip(),
        emailed=email,
        published_by=actor,
    )
    item.tiers.set(tiers)
    audit(
        actor,
        "news.published",
        item,
        title=item.title,
        tiers=[str(tier) for tier in tiers] or ["every partner"],
        emailed=email,
    )
    if email:
        readers = enrollments_with_benefit("partner_news")
        if tiers:
            readers = readers.filter(tier__in=tiers)
        partner_ids = set(readers.values_list("organization_id", flat=True))
        mains = main_contacts(partner_ids)
        partners = Organization.objects.in_bulk(partner_ids)
        outbox.notify_many(
            [
                {
                    "recipient": person.email,
                    "template": "benefits/news",
                    "context": {
                        "title": item.title,
                        "body": item.body,
                        "organization": partners[partner_id].name,
                        "recipient_name": person.get_short_name(),
                        "news_path": reverse("news_list"),
                    },
                    "key": f"news:{item.pk}:{partner_id}",
                    "organization": partners[partner_id],
                }
                for partner_id, person in sorted(mains.items())
                if person.is_active
            ]
        )
    return item


@transaction.atomic
def withdraw_news(item, *, actor):
    ensure_permission(actor, PUBLISH_NEWS)
    audit(actor, "news.withdrawn", item, title=item.title)
    item.delete()


# --- Helpers --------------------------------------------------------------------------------


def _required(text, message):
    text = (text or "").strip()
    if not text:
        raise BenefitError(message)
    return text
