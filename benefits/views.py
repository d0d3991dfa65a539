"""The partner's pages of the sales benefits. Thin: services decide, and every page is
gated by the benefit it serves (benefits.access.benefit_required)."""

import csv
from decimal import Decimal

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.db.models.functions import ExtractQuarter, ExtractYear
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.access import organization_required, paginate
from accounts.tenancy import get_for_organization
from benefits import services, volume
from benefits.access import FEATURES, benefit_required, requests_nfr, sells
from benefits.forms import DealForm, NFRRequestForm, ReasonForm, ReferralForm
from benefits.models import Commission, DealRegistration, LeadOffer, NFRRequest, Referral
from billing.models import PartnerDiscount
from billing.money import format_money
from billing.revenue import partner_annual_revenue, trailing_year
from billing.views import spreadsheet_safe
from programs.entitlements import benefits_of


@organization_required
def sales_home(request):
    """What the partner's tier offers of the sales benefits, and what it does not."""
    if not request.organization.is_partner:
        raise Http404
    codes = benefits_of(request.organization)
    features = [{"code": code, **feature} for code, feature in FEATURES.items()]
    return render(
        request,
        "benefits/home.html",
        {
            "available": [f for f in features if f["code"] in codes],
            "unavailable": [f for f in features if f["code"] not in codes],
            "section": "home",
        },
    )


# --- Deal registration ------------------------------------------------------------------


@benefit_required("deal_registration")
def deal_list(request):
    deals = DealRegistration.objects.for_organization(request.organization).for_list()
    return render(
        request,
        "benefits/deal_list.html",
        {
            "deals": paginate(request, deals),
            "may_register": sells(request.membership),
            "section": "deals",
        },
    )


@benefit_required("deal_registration")
def deal_new(request):
    if not sells(request.membership):
        raise Http404
    form = DealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        deal = services.register_deal(request.organization, actor=request.user, **form.cleaned_data)
        messages.success(
            request,
            f"Deal with {deal.company_name} registered: OpenNebula reviews it and tells you.",
        )
        return redirect(deal)
    return render(request, "benefits/deal_form.html", {"form": form, "section": "deals"})


@benefit_required("deal_registration")
def deal_detail(request, pk):
    deal = get_for_organization(
        DealRegistration.objects.select_related("registered_by", "order_form"),
        request.organization,
        pk=pk,
    )
    return render(
        request,
        "benefits/deal_detail.html",
        {
            "deal": deal,
            "may_extend": deal.may_extend and sells(request.membership),
            "section": "deals",
        },
    )


@benefit_required("deal_registration")
def deal_extend(request, pk):
    deal = get_for_organization(DealRegistration.objects.all(), request.organization, pk=pk)
    if not sells(request.membership):
        raise Http404
    if not deal.may_extend:
        messages.info(request, "This registration cannot be extended: see its protection below.")
        return redirect(deal)
    if request.method == "POST":
        try:
            deal = services.extend_deal(deal, actor=request.user)
        except services.BenefitError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Protection extended to {deal.protected_until:%Y-%m-%d}.")
        return redirect(deal)
    return render(
        request,
        "benefits/deal_extend.html",
        {"deal": deal, "extension_days": settings.DEAL_EXTENSION_DAYS, "section": "deals"},
    )


# --- Referrals and commissions ------------------------------------------------------------


@benefit_required("referral_commission")
def referral_list(request):
    referrals = Referral.objects.for_organization(request.organization).select_related("customer")
    return render(
        request,
        "benefits/referral_list.html",
        {
            "referrals": paginate(request, referrals),
            "may_refer": sells(request.membership),
            "section": "referrals",
        },
    )


@benefit_required("referral_commission")
def referral_new(request):
    if not sells(request.membership):
        raise Http404
    form = ReferralForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        referral = services.submit_referral(
            request.organization, actor=request.user, **form.cleaned_data
        )
        messages.success(
            request, f"{referral.company_name} referred: OpenNebula qualifies it and tells you."
        )
        return redirect(referral)
    return render(request, "benefits/referral_form.html", {"form": form, "section": "referrals"})


@benefit_required("referral_commission")
def referral_detail(request, pk):
    referral = get_for_organization(
        Referral.objects.select_related("customer", "submitted_by"), request.organization, pk=pk
    )
    commissions = Commission.objects.for_organization(request.organization).filter(
        referral=referral
    )
    totals = commissions.values("currency").annotate(total=Sum("amount")).order_by("currency")
    return render(
        request,
        "benefits/referral_detail.html",
        {
            "referral": referral,
            "totals": [format_money(row["total"], row["currency"]) for row in totals],
            "section": "referrals",
        },
    )


def _quarters(organization):
    return (
        Commission.objects.for_organization(organization)
        .annotate(year=ExtractYear("accrued_on"), quarter=ExtractQuarter("accrued_on"))
        .values("year", "quarter", "currency")
        .annotate(total=Sum("amount"), lines=Count("id"))
        .order_by("-year", "-quarter", "currency")
    )


@benefit_required("referral_commission")
def commission_statements(request):
    page = paginate(request, _quarters(request.organization))
    for row in page:
        row["total_display"] = format_money(row["total"], row["currency"])
    today = timezone.localdate()
    return render(
        request,
        "benefits/commission_statements.html",
        {
            "quarters": page,
            "current": (today.year, (today.month - 1) // 3 + 1),
            "rate": services.commission_rate(request.organization),
            "section": "commissions",
        },
    )


def _statement_lines(request, year, quarter):
    if not 1 <= quarter <= 4:
        raise Http404
    lines = (
        Commission.objects.for_organization(request.organization)
        .in_quarter(year, quarter)
        .select_related("invoice__organization", "referral")
        .order_by("accrued_on", "id")
    )
    if not lines.exists():
        raise Http404  # no statement for a quarter without commissions
    return lines


@benefit_required("referral_commission")
def commission_statement(request, year, quarter):
    lines = _statement_lines(request, year, quarter)
    totals = (
        lines.values("currency")
        .annotate(base=Sum("base_amount"), total=Sum("amount"), count=Count("id"))
        .order_by("currency")
    )
    return render(
        request,
        "benefits/commission_statement.html",
        {
            "year": year,
            "quarter": quarter,
            "lines": paginate(request, lines, per_page=50),
            "totals": [
                {
                    "currency": row["currency"],
                    "base": format_money(row["base"], row["currency"]),
                    "total": format_money(row["total"], row["currency"]),
                    "count": row["count"],
                }
                for row in totals
            ],
            "section": "commissions",
        },
    )


STATEMENT_COLUMNS = [
    "accrued_on",
    "invoice",
    "customer",
    "referral",
    "currency",
    "base_amount",
    "rate_percent",
    "commission",
    "rate_of",
]


@benefit_required("referral_commission")
def commission_statement_csv(request, year, quarter):
    """The quarter's lines as CSV; text cells cannot run as spreadsheet formulas."""
    lines = _statement_lines(request, year, quarter)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="commissions-{year}-Q{quarter}.csv"'
    writer = csv.writer(response)
    writer.writerow(STATEMENT_COLUMNS)
    for line in lines.iterator(chunk_size=500):
        writer.writerow(
            [
                line.accrued_on.isoformat(),
                spreadsheet_safe(line.invoice.number),
                spreadsheet_safe(line.invoice.organization.name),
                spreadsheet_safe(line.referral.company_name),
                line.currency,
                _number(line.base_amount),
                _number(line.rate_percent),
                _number(line.amount),
                spreadsheet_safe(line.rate_source),
            ]
        )
    return response


def _number(value):
    """A Decimal as a plain number cell ("-12.50" is a number, not a formula)."""
    return format(Decimal(value), "f")


# --- Lead distribution ----------------------------------------------------------------------


@benefit_required("referral_services")
def lead_offer_list(request):
    offers = LeadOffer.objects.for_organization(request.organization).select_related("lead")
    return render(
        request,
        "benefits/lead_offer_list.html",
        {"offers": paginate(request, offers), "now": timezone.now(), "section": "leads"},
    )


def _offer(request, pk):
    return get_for_organization(
        LeadOffer.objects.select_related("lead", "partner"), request.organization, pk=pk
    )


@benefit_required("referral_services")
def lead_offer_detail(request, pk):
    offer = _offer(request, pk)
    return render(
        request,
        "benefits/lead_offer_detail.html",
        {
            "offer": offer,
            "may_answer": offer.is_open
            and offer.respond_by >= timezone.now()
            and sells(request.membership),
            "section": "leads",
        },
    )


@benefit_required("referral_services")
def lead_offer_accept(request, pk):
    offer = _offer(request, pk)
    if request.method != "POST":
        return redirect(offer)  # the offer's page has the button
    try:
        services.accept_offer(offer, actor=request.user)
    except PermissionDenied:
        raise Http404 from None
    except services.BenefitError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"You accepted {offer.lead.company_name}: its contact details are below."
        )
    return redirect(offer)


@benefit_required("referral_services")
def lead_offer_decline(request, pk):
    offer = _offer(request, pk)
    if not sells(request.membership):
        raise Http404
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_offer(offer, actor=request.user, reason=form.cleaned_data["reason"])
        except services.BenefitError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"You declined {offer.lead.company_name}.")
        return redirect("lead_offer_list")
    return render(
        request,
        "benefits/lead_offer_decline.html",
        {"offer": offer, "form": form, "section": "leads"},
    )


# --- Volume discount ----------------------------------------------------------------------


@benefit_required("volume_discount")
def volume_discount(request):
    partner = request.organization
    annual = partner_annual_revenue(partner)
    first_day, last_day = trailing_year(timezone.localdate())
    band = volume.band_for(annual)
    upcoming = volume.next_band(annual)
    configured = PartnerDiscount.objects.for_organization(partner).first()
    return render(
        request,
        "benefits/volume_discount.html",
        {
            "annual": format_money(annual, "USD"),
            "first_day": first_day,
            "last_day": last_day,
            "band": band,
            "bands": [
                {
                    "from": format_money(threshold, "USD"),
                    "percent": percent,
                    "current": percent == band and band > 0,
                }
                for threshold, percent in volume.bands()
            ],
            "next_band": upcoming
            and {
                "from": format_money(upcoming[0], "USD"),
                "percent": upcoming[1],
                "gap": format_money(upcoming[0] - annual, "USD"),
            },
            "configured": configured,
            "section": "volume",
        },
    )


# --- NFR subscriptions ----------------------------------------------------------------------


@benefit_required("nfr_subscriptions")
def nfr_list(request):
    partner = request.organization
    may_request = requests_nfr(request.membership)
    form = NFRRequestForm(request.POST or None) if may_request else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.request_nfr(partner, actor=request.user, **form.cleaned_data)
            except services.LimitReached as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, "NFR subscription requested: OpenNebula confirms it.")
                return redirect("nfr_list")
    requests = NFRRequest.objects.for_organization(partner).select_related("plan", "subscription")
    limit = services.nfr_limit(partner)
    in_use = services.nfr_in_use(partner)
    return render(
        request,
        "benefits/nfr_list.html",
        {
            "requests": paginate(request, requests),
            "form": form,
            "limit": limit,
            "in_use": in_use,
            "at_limit": in_use >= limit,
            "section": "nfr",
        },
    )


# --- News -----------------------------------------------------------------------------------


@benefit_required("partner_news")
def news_list(request):
    news = services.news_for(request.organization)
    return render(
        request,
        "benefits/news_list.html",
        {"news": paginate(request, news, per_page=10), "section": "news"},
    )
