"""Who may use which benefit page. Every partner page is gated by the partner program's
one entitlement function (programs.entitlements.has_benefit), read afresh on every
request: a downgrade removes the page at once."""

from functools import wraps

from django.http import Http404
from django.shortcuts import render

from accounts.access import organization_required
from programs.entitlements import has_benefit

# The benefits of this app, their pages and who has them (SPEC §3, the guide's tables).
FEATURES = {
    "deal_registration": {
        "name": "Deal registration",
        "url_name": "deal_list",
        "granted_to": "Strategic Solution Services partners",
        "description": "Register new deals: early support and, once approved, protection "
        "from other partners and an extra discount.",
    },
    "referral_commission": {
        "name": "Referrals and commissions",
        "url_name": "referral_list",
        "granted_to": "Referral and Reseller partners, and Solution Integrators",
        "description": "Refer customers to OpenNebula and earn a commission on what they pay.",
    },
    "referral_services": {
        "name": "Lead distribution",
        "url_name": "lead_offer_list",
        "granted_to": "Strategic partners",
        "description": "Consulting and services leads OpenNebula offers you to accept or decline.",
    },
    "volume_discount": {
        "name": "Volume discount",
        "url_name": "volume_discount",
        "granted_to": "Strategic partners",
        "description": "A discount band by your annual volume, on the invoices for what you "
        "resell.",
    },
    "nfr_subscriptions": {
        "name": "NFR subscriptions",
        "url_name": "nfr_list",
        "granted_to": "Solution Services partners",
        "description": "Free not-for-resale subscriptions for demos, sales and training.",
    },
    "partner_news": {
        "name": "Partner news",
        "url_name": "news_list",
        "granted_to": "every Authorized Partner",
        "description": "New products, campaigns, resources and success stories.",
    },
}


def benefit_required(code):
    """A member of a partner organization whose tier grants benefit `code` today.

    Anyone else is a 404; a partner whose tier lacks it is told so on the 404 page
    ("not in your tier"), which says nothing about any object.
    """

    def decorator(view):
        @organization_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            organization = request.organization
            if not organization.is_partner:
                raise Http404
            if not has_benefit(organization, code):
                feature = FEATURES[code]
                return render(
                    request,
                    "benefits/not_in_tier.html",
                    {"feature": feature["name"], "granted_to": feature["granted_to"]},
                    status=404,
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def sells(membership):
    """People who act for the partner in sales: Main and sales contacts, org admins."""
    return membership is not None and (
        membership.is_main_contact or membership.is_sales_contact or membership.is_org_admin
    )


def requests_nfr(membership):
    """NFR subscriptions are for demos: the Main Contact, technical contacts, org admins."""
    return membership is not None and (
        membership.is_main_contact or membership.is_technical_contact or membership.is_org_admin
    )
