"""Every list of the sales benefits is paginated and costs the same queries at 2 rows as at 30."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from benefits import services
from benefits.models import Commission, DealRegistration, Lead, LeadOffer, NFRRequest, Referral
from subscriptions.models import Plan
from tests import factories
from tests.billing import factories as billing
from tests.programs import builders as program_builders


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def other_partner(n):
    org = factories.OrganizationFactory(kind="partner", name=f"Partner {n:03d}", country="GB")
    program_builders.enrollment(org, "services", "strategic", track="si")
    factories.member(org, None, "main_contact")
    return org


def deals(partner, count, start=0):
    today = timezone.localdate()
    user = factories.UserFactory()
    for n in range(start, start + count):
        DealRegistration.objects.create(
            partner=partner or other_partner(n),
            company_name=f"Customer {n}",
            country="US",
            contact_name="C",
            contact_email=f"c@customer{n}.example",
            expected_value=Decimal("1000"),
            products=["training"],
            expected_close_on=today,
            registered_by=user,
            has_conflict=n % 2 == 0,
        )


def referrals(partner, count, start=0):
    for n in range(start, start + count):
        Referral.objects.create(
            partner=partner or other_partner(n),
            company_name=f"Customer {n}",
            country="NL",
            contact_name="C",
            contact_email=f"c@customer{n}.example",
            need="A cloud.",
            customer=factories.OrganizationFactory(name=f"Customer {n}"),
            status="converted",
        )


def offers(partner, count, start=0):
    for n in range(start, start + count):
        lead = Lead.objects.create(
            company_name=f"Lead {n}",
            country="GB",
            contact_name="L",
            contact_email="l@x.example",
            need="VMs.",
            status="offered",
        )
        LeadOffer.objects.create(
            lead=lead, partner=partner, respond_by=timezone.now() + timedelta(days=n + 1)
        )


def leads(partner, count, start=0):
    for n in range(start, start + count):
        Lead.objects.create(
            company_name=f"Lead {n}",
            country="GB",
            contact_name="L",
            contact_email="l@x.example",
            need="VMs.",
        )


def nfr_requests(partner, count, start=0):
    plan = Plan.objects.get(code="premium")
    for n in range(start, start + count):
        NFRRequest.objects.create(
            partner=partner or other_partner(n), plan=plan, servers=1, purpose="demos"
        )


def commissions(partner, count, start=0):
    """Lines in `count` different quarters (the statements list is by quarter)."""
    referral = Referral.objects.create(
        partner=partner,
        company_name="R",
        country="NL",
        contact_name="R",
        contact_email="r@r.example",
        need="x",
        status="converted",
    )
    customer = factories.OrganizationFactory(name=f"Paying customer {start}")
    for n in range(start, start + count):
        invoice = billing.draft(customer)  # no PDF to render: only the rows matter here
        Commission.objects.create(
            partner=partner,
            referral=referral,
            invoice=invoice,
            currency="USD",
            base_amount=Decimal("100"),
            rate_percent=Decimal("10"),
            amount=Decimal("10"),
            rate_source="x",
            accrued_on=date(2000 + n, 2, 1),
        )


def news(partner, count, start=0):
    for n in range(start, start + count):
        services.publish_news(actor=None, title=f"News {n}", body="Body.")


PARTNER_LISTS = {
    "deal_list": deals,
    "referral_list": referrals,
    "lead_offer_list": offers,
    "nfr_list": nfr_requests,
    "news_list": news,
    "commission_statements": commissions,
}


@pytest.mark.parametrize("name", sorted(PARTNER_LISTS))
def test_partner_lists_cost_the_same_at_two_sizes(
    client, stark_cloud, stark_cloud_main, name, django_assert_max_num_queries
):
    """Stark Cloud (Strategic Solution Integrator) has every one of these benefits."""
    client.force_login(stark_cloud_main)
    PARTNER_LISTS[name](stark_cloud, 2)
    budget = queries(client, reverse(name))
    PARTNER_LISTS[name](stark_cloud, 28, start=2)
    with django_assert_max_num_queries(budget):
        response = client.get(reverse(name))
    assert 'rel="next"' in response.content.decode()


STAFF_LISTS = {
    "staff_deals": (deals, {"status": ""}),
    "staff_referrals": (referrals, {"status": ""}),
    "staff_leads": (leads, {}),
    "staff_nfr_requests": (nfr_requests, {}),
    "staff_news": (news, {}),
}


@pytest.mark.parametrize("name", sorted(STAFF_LISTS))
def test_staff_lists_cost_the_same_at_two_sizes(
    client, partner_manager, sales_ops, name, django_assert_max_num_queries
):
    make, query = STAFF_LISTS[name]
    staff = sales_ops if name == "staff_nfr_requests" else partner_manager
    client.force_login(staff)
    make(None, 2)
    url = reverse(name) + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    budget = queries(client, url)
    make(None, 28, start=2)
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert 'rel="next"' in response.content.decode()


def test_the_commission_ledger_and_a_statement_cost_the_same_at_two_sizes(
    client, partner_manager, stark_cloud, stark_cloud_main, django_assert_max_num_queries
):
    referral = Referral.objects.create(
        partner=stark_cloud,
        company_name="R",
        country="NL",
        contact_name="R",
        contact_email="r@r.example",
        need="x",
        status="converted",
    )
    customer = factories.OrganizationFactory(name="Paying customer")

    def lines(count):
        for _ in range(count):
            Commission.objects.create(
                partner=stark_cloud,
                referral=referral,
                invoice=billing.draft(customer),
                currency="USD",
                base_amount=Decimal("100"),
                rate_percent=Decimal("10"),
                amount=Decimal("10"),
                rate_source="x",
                accrued_on=date(2026, 2, 1),
            )

    lines(2)
    client.force_login(partner_manager)
    ledger = queries(client, reverse("staff_commissions"))
    client.force_login(stark_cloud_main)
    statement = queries(client, reverse("commission_statement", args=[2026, 1]))
    lines(55)
    client.force_login(partner_manager)
    with django_assert_max_num_queries(ledger):
        assert 'rel="next"' in client.get(reverse("staff_commissions")).content.decode()
    client.force_login(stark_cloud_main)
    with django_assert_max_num_queries(statement):
        page = client.get(reverse("commission_statement", args=[2026, 1])).content.decode()
    assert 'rel="next"' in page and "$570.00" in page


def test_the_eligible_partners_of_a_lead_cost_the_same_at_two_sizes(
    client, partner_manager, django_assert_max_num_queries
):
    lead = Lead.objects.create(
        company_name="Soylent",
        country="GB",
        contact_name="S",
        contact_email="s@s.example",
        need="VMs.",
    )
    for n in range(2):
        other_partner(n)
    client.force_login(partner_manager)
    url = reverse("staff_lead", args=[lead.pk])
    budget = queries(client, url)
    for n in range(2, 30):
        other_partner(n)
    with django_assert_max_num_queries(budget):
        assert 'rel="next"' in client.get(url).content.decode()
