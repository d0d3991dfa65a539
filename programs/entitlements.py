"""Benefits are entitlements (SPEC §3): the one place that decides them.

A feature a tier does not grant is not offered, and losing the tier removes it at
once: nothing is copied or cached, every answer reads the enrollment as it is now.

    from programs.entitlements import has_benefit
    if not has_benefit(request.organization, "deal_registration"):
        raise Http404

Benefit codes are the catalog's (`programs.Benefit.code`, e.g. "deal_registration",
"nfr_subscriptions", "l3_support", "volume_discount", "referral_commission").
"""

from django.db.models import F, Q

from programs.models import Enrollment


def _granting_enrollments(organization):
    # One filter() call, so the benefit and its track are matched on the same
    # TierBenefit row (a track-restricted benefit, e.g. SP-only L3 support).
    return Enrollment.objects.authorized().filter(organization=organization)


def _grants(code):
    """The enrollment's tier grants `code` to the enrollment's track (one TierBenefit row)."""
    return Q(tier__tier_benefits__benefit__code=code) & (
        Q(tier__tier_benefits__track="") | Q(tier__tier_benefits__track=F("track"))
    )


def has_benefit(organization, code):
    """Whether `organization` has benefit `code` now: an authorized enrollment whose
    tier grants it (to its track, where the benefit is for SIs or SPs only)."""
    if organization is None or not organization.is_partner:
        return False
    return _granting_enrollments(organization).filter(_grants(code)).exists()


def enrollments_granting(organization, code):
    """The authorized enrollments of `organization` whose tier grants `code` (e.g. to
    read a rate or a limit per program and tier); empty exactly when has_benefit is False."""
    if organization is None or not organization.is_partner:
        return Enrollment.objects.none()
    return _granting_enrollments(organization).filter(_grants(code)).distinct()


def enrollments_with_benefit(code):
    """Every authorized enrollment, of any partner, whose tier grants `code` — the same
    rule as has_benefit, for staff lists (e.g. partners eligible for lead distribution)."""
    return (
        Enrollment.objects.authorized()
        .filter(organization__kind="partner")
        .filter(_grants(code))
        .distinct()
    )


def benefits_of(organization):
    """The codes of every benefit `organization` has now (one query), e.g. for a menu."""
    if organization is None or not organization.is_partner:
        return set()
    return set(
        _granting_enrollments(organization)
        .filter(Q(tier__tier_benefits__track="") | Q(tier__tier_benefits__track=F("track")))
        .values_list("tier__tier_benefits__benefit__code", flat=True)
    )
