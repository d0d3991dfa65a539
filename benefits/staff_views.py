"""OpenNebula staff pages of the sales benefits: the deal and referral queues (with the
conflicts flagged), order forms from won deals and referrals, lead distribution, NFR
requests, partner news and the commission ledger. Each needs a staff permission of
the vendor groups; anyone else gets a 404."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.access import paginate, staff_permission_required
from accounts.models import Organization
from benefits import services
from benefits.conflicts import conflicts_for
from benefits.forms import (
    DEAL_CHANNELS,
    ApproveDealForm,
    DealFilterForm,
    EligibleFilterForm,
    LeadFilterForm,
    LeadForm,
    NewsForm,
    OfferLeadForm,
    PartnerOrderForm,
    ReasonForm,
    ReferralFilterForm,
)
from benefits.models import (
    Commission,
    DealRegistration,
    Lead,
    LeadOffer,
    NewsItem,
    NFRRequest,
    Referral,
)
from subscriptions.forms import TechnicalContacts

REVIEW_DEALS = services.REVIEW_DEALS
QUALIFY = services.QUALIFY_REFERRALS
DISTRIBUTE = services.DISTRIBUTE_LEADS
DECIDE_NFR = services.DECIDE_NFR
PUBLISH = services.PUBLISH_NEWS
ORDER_FORMS = services.PROCESS_ORDER_FORMS


def _one(queryset, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


# --- Deals -------------------------------------------------------------------------------


@staff_permission_required(REVIEW_DEALS)
def deal_queue(request):
    data = request.GET.copy()
    if not request.GET:
        data["status"] = DealRegistration.Status.SUBMITTED
    form = DealFilterForm(data)
    deals = DealRegistration.objects.for_list()
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("status"):
        deals = deals.filter(status=filters["status"])
    if filters.get("conflicts"):
        deals = deals.filter(has_conflict=True)
    if filters.get("q"):
        deals = deals.filter(
            Q(company_name__icontains=filters["q"]) | Q(partner__name__icontains=filters["q"])
        )
    counts = DealRegistration.objects.aggregate(
        submitted=Count("id", filter=Q(status=DealRegistration.Status.SUBMITTED)),
        conflicts=Count(
            "id", filter=Q(status=DealRegistration.Status.SUBMITTED, has_conflict=True)
        ),
        protected=Count("id", filter=Q(status=DealRegistration.Status.APPROVED)),
    )
    return render(
        request,
        "benefits/staff/deal_queue.html",
        {
            "form": form,
            "deals": paginate(request, deals.order_by("-has_conflict", "-registered_at", "-id")),
            "counts": counts,
            "section": "deals",
        },
    )


def _deal(pk):
    return _one(
        DealRegistration.objects.select_related(
            "partner", "registered_by", "decided_by", "order_form"
        ),
        pk,
    )


@staff_permission_required(REVIEW_DEALS)
def deal_detail(request, pk, *, approve_form=None, reject_form=None):
    deal = _deal(pk)
    return render(
        request,
        "benefits/staff/deal_detail.html",
        {
            "deal": deal,
            "conflicts": conflicts_for(deal),
            "approve_form": approve_form or ApproveDealForm(),
            "reject_form": reject_form or ReasonForm(),
            "may_order": request.user.has_perm(ORDER_FORMS),
            "section": "deals",
        },
    )


@staff_permission_required(REVIEW_DEALS)
@require_POST
def deal_approve(request, pk):
    deal = _deal(pk)
    form = ApproveDealForm(request.POST)
    if not form.is_valid():
        return deal_detail(request, pk, approve_form=form)
    try:
        deal = services.approve_deal(
            deal, actor=request.user, discount_percent=form.cleaned_data["discount_percent"]
        )
    except services.BenefitError as error:
        form.add_error(None, str(error))
        return deal_detail(request, pk, approve_form=form)
    messages.success(
        request,
        f"{deal.partner.name}'s deal with {deal.company_name} approved: protected until "
        f"{deal.protected_until:%Y-%m-%d}.",
    )
    return redirect("staff_deal", pk=pk)


@staff_permission_required(REVIEW_DEALS)
@require_POST
def deal_reject(request, pk):
    deal = _deal(pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return deal_detail(request, pk, reject_form=form)
    try:
        services.reject_deal(deal, actor=request.user, reason=form.cleaned_data["reason"])
    except services.BenefitError as error:
        form.add_error(None, str(error))
        return deal_detail(request, pk, reject_form=form)
    messages.success(request, f"{deal.partner.name}'s deal with {deal.company_name} rejected.")
    return redirect("staff_deal", pk=pk)


@staff_permission_required(REVIEW_DEALS)
@require_POST
def deal_extend(request, pk):
    deal = _deal(pk)
    try:
        deal = services.extend_deal(deal, actor=request.user)
    except services.BenefitError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Protection extended to {deal.protected_until:%Y-%m-%d}.")
    return redirect("staff_deal", pk=pk)


def _order_form_page(request, *, claim, channels, template, convert, initial):
    """The order form of a won deal or converted referral, entered by sales staff."""
    form = PartnerOrderForm(request.POST or None, channels=channels, initial=initial)
    contacts = TechnicalContacts(request.POST or None, prefix="tech")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        data = {**form.cleaned_data, "technical_contacts": contacts.contacts()}
        try:
            order_form = convert(claim, actor=request.user, **data)
        except services.subscriptions.OrderFormInvalid as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, message)
        except services.BenefitError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"Order form {order_form.reference} processed for {order_form.organization}.",
            )
            return redirect("staff_subscription_detail", pk=order_form.subscription_id)
    return render(request, template, {"claim": claim, "form": form, "contacts": contacts})


def _claim_initial(claim):
    return {
        "customer_name": claim.company_name,
        "customer_country": claim.country,
        "main_contact_name": claim.contact_name,
        "main_contact_email": claim.contact_email,
    }


@staff_permission_required(ORDER_FORMS)
def deal_order_form(request, pk):
    deal = _deal(pk)
    if not deal.is_protected:
        raise Http404
    return _order_form_page(
        request,
        claim=deal,
        channels=DEAL_CHANNELS,
        template="benefits/staff/deal_order_form.html",
        convert=services.win_deal,
        initial=_claim_initial(deal),
    )


# --- Referrals ----------------------------------------------------------------------------


@staff_permission_required(QUALIFY)
def referral_queue(request):
    data = request.GET.copy()
    if not request.GET:
        data["status"] = Referral.Status.SUBMITTED
    form = ReferralFilterForm(data)
    referrals = Referral.objects.select_related("partner", "customer")
    filters = form.cleaned_data if form.is_valid() else {}
    if filters.get("status"):
        referrals = referrals.filter(status=filters["status"])
    if filters.get("q"):
        referrals = referrals.filter(
            Q(company_name__icontains=filters["q"]) | Q(partner__name__icontains=filters["q"])
        )
    return render(
        request,
        "benefits/staff/referral_queue.html",
        {
            "form": form,
            "referrals": paginate(request, referrals.order_by("-submitted_at", "-id")),
            "section": "referrals",
        },
    )


def _referral(pk):
    return _one(
        Referral.objects.select_related(
            "partner", "customer", "submitted_by", "decided_by", "order_form"
        ),
        pk,
    )


@staff_permission_required(QUALIFY)
def referral_detail(request, pk, *, decline_form=None):
    referral = _referral(pk)
    return render(
        request,
        "benefits/staff/referral_detail.html",
        {
            "referral": referral,
            "conflicts": conflicts_for(referral),
            "decline_form": decline_form or ReasonForm(),
            "commissions": Commission.objects.filter(referral=referral).select_related("invoice")[
                :50
            ],
            "may_order": request.user.has_perm(ORDER_FORMS),
            "section": "referrals",
        },
    )


@staff_permission_required(QUALIFY)
@require_POST
def referral_qualify(request, pk):
    referral = _referral(pk)
    try:
        services.qualify_referral(referral, actor=request.user)
    except services.BenefitError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"{referral.company_name} qualified.")
    return redirect("staff_referral", pk=pk)


@staff_permission_required(QUALIFY)
@require_POST
def referral_decline(request, pk):
    referral = _referral(pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return referral_detail(request, pk, decline_form=form)
    try:
        services.decline_referral(referral, actor=request.user, reason=form.cleaned_data["reason"])
    except services.BenefitError as error:
        form.add_error(None, str(error))
        return referral_detail(request, pk, decline_form=form)
    messages.success(request, f"{referral.company_name} declined.")
    return redirect("staff_referral", pk=pk)


@staff_permission_required(ORDER_FORMS)
def referral_order_form(request, pk):
    referral = _referral(pk)
    if referral.status != Referral.Status.QUALIFIED:
        raise Http404
    return _order_form_page(
        request,
        claim=referral,
        channels=None,
        template="benefits/staff/referral_order_form.html",
        convert=services.convert_referral,
        initial=_claim_initial(referral),
    )


@staff_permission_required("benefits.view_commission")
def commission_ledger(request):
    commissions = Commission.objects.select_related(
        "partner", "referral", "invoice__organization"
    ).order_by("-accrued_on", "-id")
    partner = request.GET.get("partner")
    if partner and partner.isdigit():
        commissions = commissions.filter(partner_id=int(partner))
    return render(
        request,
        "benefits/staff/commission_ledger.html",
        {
            "commissions": paginate(request, commissions),
            "partners": Organization.objects.filter(commissions__isnull=False)
            .distinct()
            .order_by("name"),
            "partner": partner,
            "section": "commissions",
        },
    )


# --- Leads --------------------------------------------------------------------------------


@staff_permission_required(DISTRIBUTE)
def lead_pool(request):
    form = LeadFilterForm(request.GET)
    leads = Lead.objects.all()
    if form.is_valid() and form.cleaned_data.get("status"):
        leads = leads.filter(status=form.cleaned_data["status"])
    return render(
        request,
        "benefits/staff/lead_pool.html",
        {"form": form, "leads": paginate(request, leads), "section": "leads"},
    )


@staff_permission_required(DISTRIBUTE)
def lead_new(request):
    form = LeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        lead = services.create_lead(actor=request.user, **form.cleaned_data)
        messages.success(request, f"{lead.company_name} added to the pool: offer it to a partner.")
        return redirect(lead.get_staff_url())
    return render(request, "benefits/staff/lead_form.html", {"form": form, "section": "leads"})


@staff_permission_required(DISTRIBUTE)
def lead_detail(request, pk):
    lead = _one(Lead.objects.select_related("created_by"), pk)
    data = request.GET.copy()
    if "country" not in data:
        data["country"] = lead.country
    filters = EligibleFilterForm(data)
    eligible = services.eligible_enrollments().select_related("organization", "program", "tier")
    if filters.is_valid():
        if filters.cleaned_data.get("country"):
            eligible = eligible.filter(organization__country=filters.cleaned_data["country"])
        if filters.cleaned_data.get("program"):
            eligible = eligible.filter(program=filters.cleaned_data["program"])
        if filters.cleaned_data.get("tier"):
            eligible = eligible.filter(tier__code=filters.cleaned_data["tier"])
    return render(
        request,
        "benefits/staff/lead_detail.html",
        {
            "lead": lead,
            "offers": LeadOffer.objects.filter(lead=lead).select_related(
                "partner", "offered_by", "responded_by"
            ),
            "filters": filters,
            "eligible": paginate(
                request, eligible.order_by("organization__name", "program__position")
            ),
            "response_days": settings.LEAD_RESPONSE_DAYS,
            "section": "leads",
        },
    )


@staff_permission_required(DISTRIBUTE)
@require_POST
def lead_offer(request, pk):
    lead = _one(Lead.objects.all(), pk)
    form = OfferLeadForm(request.POST)
    if not form.is_valid():
        raise Http404
    partner = form.cleaned_data["partner"]
    try:
        services.offer_lead(lead, partner, actor=request.user)
    except services.BenefitError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{lead.company_name} offered to {partner.name}: they have "
            f"{settings.LEAD_RESPONSE_DAYS} days to answer.",
        )
    return redirect(lead.get_staff_url())


@staff_permission_required(DISTRIBUTE)
def lead_close(request, pk):
    lead = _one(Lead.objects.all(), pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.close_lead(lead, actor=request.user, reason=form.cleaned_data["reason"])
        except services.BenefitError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{lead.company_name} closed.")
        return redirect(lead.get_staff_url())
    return render(
        request, "benefits/staff/lead_close.html", {"lead": lead, "form": form, "section": "leads"}
    )


# --- NFR requests ---------------------------------------------------------------------------


@staff_permission_required(DECIDE_NFR)
def nfr_queue(request):
    requests = NFRRequest.objects.select_related(
        "partner", "plan", "requested_by", "subscription"
    ).order_by("status", "-requested_at")
    return render(
        request,
        "benefits/staff/nfr_queue.html",
        {"requests": paginate(request, requests), "section": "nfr"},
    )


@staff_permission_required(DECIDE_NFR)
def nfr_detail(request, pk):
    nfr_request = _one(
        NFRRequest.objects.select_related("partner", "plan", "requested_by", "subscription"), pk
    )
    decline_form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "approve":
                nfr_request = services.approve_nfr(nfr_request, actor=request.user)
                messages.success(
                    request,
                    f"NFR subscription for {nfr_request.partner.name} created: the Welcome "
                    "emails are queued.",
                )
                return redirect("staff_nfr_request", pk=pk)
            if decline_form.is_valid():
                services.decline_nfr(
                    nfr_request, actor=request.user, reason=decline_form.cleaned_data["reason"]
                )
                messages.success(request, "NFR request declined.")
                return redirect("staff_nfr_request", pk=pk)
        except PermissionDenied:
            raise Http404 from None
        except services.BenefitError as error:
            messages.error(request, str(error))
            return redirect("staff_nfr_request", pk=pk)
    in_use = services.nfr_in_use(nfr_request.partner)
    return render(
        request,
        "benefits/staff/nfr_detail.html",
        {
            "nfr_request": nfr_request,
            "decline_form": decline_form,
            "limit": services.nfr_limit(nfr_request.partner),
            "in_use": in_use,
            "section": "nfr",
        },
    )


# --- News -----------------------------------------------------------------------------------


@staff_permission_required(PUBLISH)
def news_admin(request):
    news = NewsItem.objects.select_related("published_by").prefetch_related("tiers__program")
    return render(
        request,
        "benefits/staff/news_list.html",
        {"news": paginate(request, news), "section": "news"},
    )


@staff_permission_required(PUBLISH)
def news_new(request):
    form = NewsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        item = services.publish_news(
            actor=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            tiers=form.cleaned_data["tiers"],
            email=form.cleaned_data["email"],
        )
        messages.success(
            request,
            f"“{item.title}” published" + (": the emails are queued." if item.emailed else "."),
        )
        return redirect("staff_news")
    return render(request, "benefits/staff/news_form.html", {"form": form, "section": "news"})


@staff_permission_required(PUBLISH)
def news_withdraw(request, pk):
    item = _one(NewsItem.objects.all(), pk)
    if request.method == "POST":
        services.withdraw_news(item, actor=request.user)
        messages.success(request, f"“{item.title}” withdrawn.")
        return redirect("staff_news")
    return render(request, "benefits/staff/news_withdraw.html", {"item": item, "section": "news"})
