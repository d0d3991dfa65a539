from django import template
from django.db.models import Count, Q
from django.utils import timezone

from benefits.access import FEATURES
from benefits.models import DealRegistration, Lead, LeadOffer, NFRRequest, Referral
from programs.entitlements import benefits_of

register = template.Library()


def partner_benefits(request):
    """The benefit codes of the active partner organization, read once per request."""
    if not hasattr(request, "_partner_benefits"):
        organization = getattr(request, "organization", None)
        request._partner_benefits = (
            benefits_of(organization) & set(FEATURES)
            if organization is not None and organization.is_partner
            else set()
        )
    return request._partner_benefits


@register.simple_tag(takes_context=True)
def sales_benefits(context):
    """The sales benefits the active partner has today (for menus)."""
    return partner_benefits(context["request"])


@register.inclusion_tag("benefits/_partner_subnav.html", takes_context=True)
def benefits_subnav(context, section):
    codes = partner_benefits(context["request"])
    return {"codes": codes, "section": section}


@register.inclusion_tag("benefits/_dashboard_cards.html", takes_context=True)
def benefits_dashboard(context):
    """Dashboard cards: the staff queues, or the partner's news and pending answers."""
    request = context["request"]
    user, organization = request.user, getattr(request, "organization", None)
    cards = {"user": user}
    if user.is_vendor_staff:
        if user.has_perm("benefits.review_deal"):
            cards["deals"] = DealRegistration.objects.aggregate(
                submitted=Count("id", filter=Q(status=DealRegistration.Status.SUBMITTED)),
                conflicts=Count(
                    "id",
                    filter=Q(status=DealRegistration.Status.SUBMITTED, has_conflict=True),
                ),
            )
        if user.has_perm("benefits.qualify_referral"):
            cards["referrals"] = Referral.objects.filter(status=Referral.Status.SUBMITTED).count()
        if user.has_perm("benefits.distribute_lead"):
            cards["leads"] = Lead.objects.filter(status=Lead.Status.OPEN).count()
        if user.has_perm("benefits.decide_nfr"):
            cards["nfr"] = NFRRequest.objects.filter(status=NFRRequest.Status.REQUESTED).count()
        return cards
    codes = partner_benefits(request)
    if not codes:
        return cards
    from benefits.services import news_for

    cards["partner"] = True
    if "partner_news" in codes:
        cards["news"] = list(news_for(organization, entitled=True)[:3])
    if "deal_registration" in codes:
        cards["deals"] = DealRegistration.objects.for_organization(organization).aggregate(
            submitted=Count("id", filter=Q(status=DealRegistration.Status.SUBMITTED)),
            protected=Count(
                "id",
                filter=Q(
                    status=DealRegistration.Status.APPROVED,
                    protected_until__gte=timezone.localdate(),
                ),
            ),
        )
    if "referral_services" in codes:
        cards["offers"] = (
            LeadOffer.objects.for_organization(organization)
            .filter(status=LeadOffer.Status.OFFERED, respond_by__gte=timezone.now())
            .count()
        )
    return cards
