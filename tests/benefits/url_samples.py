"""Another organization's objects for the tenant walk (tests/test_tenant_isolation.py).

The objects belong to Northwind Resale. The Hooli Integrations user who asks holds every
role *and* every sales benefit (Strategic Solution Integrator), so each 404 is the
scoping's, not the tier's. Staff pages answer a partner with a 404 as well.
"""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from benefits.models import (
    Commission,
    DealRegistration,
    Lead,
    LeadOffer,
    NewsItem,
    NFRRequest,
    Referral,
)
from programs.models import Enrollment
from subscriptions.models import Plan
from tests.billing import factories as billing
from tests.programs import builders
from tests.test_tenant_isolation import Sample


def _entitle_requester(other):
    hooli = other.requesters["partner"].memberships.get().organization
    if not Enrollment.objects.filter(organization=hooli).exists():
        builders.enrollment(hooli, "services", "strategic", track="si")


def _claim(model, other, **fields):
    _entitle_requester(other)
    return model.objects.create(
        partner=other.northwind,
        company_name="Stark Industries",
        country="US",
        contact_name="Pepper Potts",
        contact_email="pepper@stark.example",
        **fields,
    )


def _deal(other):
    return _claim(
        DealRegistration,
        other,
        status="approved",
        protected_until=timezone.localdate() + timedelta(days=30),
        expected_value=Decimal("1000"),
        products=["training"],
        expected_close_on=timezone.localdate(),
    )


def _referral(other):
    return _claim(Referral, other, need="A cloud.", status="qualified")


def _lead(other):
    _entitle_requester(other)
    return Lead.objects.create(
        company_name="Soylent",
        country="GB",
        contact_name="Sol",
        contact_email="sol@soylent.example",
        need="VMs.",
    )


def _offer(other):
    return LeadOffer.objects.create(
        lead=_lead(other),
        partner=other.northwind,
        respond_by=timezone.now() + timedelta(days=5),
    )


def _nfr(other):
    _entitle_requester(other)
    return NFRRequest.objects.create(
        partner=other.northwind, plan=Plan.objects.get(code="premium"), servers=1, purpose="demos"
    )


def _news(other):
    return NewsItem.objects.create(title="Hello", body="Partners.")


def _quarter_with_commissions(other):
    """Northwind's commission in Q1 2026; Hooli has none there, so its statement is a 404."""
    referral = _referral(other)
    invoice = billing.issued(other.globex, issued_on=timezone.localdate())
    Commission.objects.create(
        partner=other.northwind,
        referral=referral,
        invoice=invoice,
        currency="USD",
        base_amount=Decimal("100"),
        rate_percent=Decimal("10"),
        amount=Decimal("10"),
        rate_source="Solution Reseller Standard",
        accrued_on=timezone.localdate().replace(month=1, day=15),
    )
    return {"year": timezone.localdate().year, "quarter": 1}


def pk(make):
    return lambda other: {"pk": make(other).pk}


SAMPLES = {
    # The partner's own pages
    "deal_detail": Sample(pk(_deal), "partner"),
    "deal_extend": Sample(pk(_deal), "partner"),
    "referral_detail": Sample(pk(_referral), "partner"),
    "commission_statement": Sample(_quarter_with_commissions, "partner"),
    "commission_statement_csv": Sample(_quarter_with_commissions, "partner"),
    "lead_offer_detail": Sample(pk(_offer), "partner"),
    "lead_offer_accept": Sample(pk(_offer), "partner"),
    "lead_offer_decline": Sample(pk(_offer), "partner"),
    # Staff pages: a partner with every role and benefit is not staff
    "staff_deal": Sample(pk(_deal), "partner"),
    "staff_deal_approve": Sample(pk(_deal), "partner"),
    "staff_deal_reject": Sample(pk(_deal), "partner"),
    "staff_deal_extend": Sample(pk(_deal), "partner"),
    "staff_deal_order_form": Sample(pk(_deal), "partner"),
    "staff_referral": Sample(pk(_referral), "partner"),
    "staff_referral_qualify": Sample(pk(_referral), "partner"),
    "staff_referral_decline": Sample(pk(_referral), "partner"),
    "staff_referral_order_form": Sample(pk(_referral), "partner"),
    "staff_lead": Sample(pk(_lead), "partner"),
    "staff_lead_offer": Sample(pk(_lead), "partner"),
    "staff_lead_close": Sample(pk(_lead), "partner"),
    "staff_nfr_request": Sample(pk(_nfr), "partner"),
    "staff_news_withdraw": Sample(pk(_news), "partner"),
}
