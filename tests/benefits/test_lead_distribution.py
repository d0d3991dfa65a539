"""Lead distribution (guide: Eligibility for Referral Services Engagements; Strategic)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from benefits import services
from benefits.models import Lead, LeadOffer
from programs import services as programs
from programs.models import Enrollment
from tests import factories
from tests.programs import builders as program_builders


@pytest.fixture
def lead(partner_manager):
    return services.create_lead(
        actor=partner_manager,
        company_name="Soylent Foods",
        country="GB",
        contact_name="Sol Roth",
        contact_email="sol@soylent.example",
        need="Migration of 300 VMs.",
        estimated_value=Decimal("60000"),
        currency="USD",
    )


@pytest.fixture
def acme_gb(acme_strategic):
    acme_strategic.country = "GB"
    acme_strategic.save()
    return acme_strategic


def eligible_names(client, lead, **filters):
    page = client.get(reverse("staff_lead", args=[lead.pk]), filters)
    return [e.organization.name for e in page.context["eligible"]]


def test_staff_see_the_eligible_partners_by_country_program_and_tier(
    client, partner_manager, lead, acme_gb, stark_cloud, northwind
):
    strategic_reseller = factories.OrganizationFactory(
        name="Big Resale", kind="partner", country="GB"
    )
    program_builders.enrollment(strategic_reseller, "reseller", "strategic", track="")
    client.force_login(partner_manager)
    # The lead's country by default; Standard partners (Northwind) are never eligible.
    assert eligible_names(client, lead) == ["Acme Cloud", "Big Resale"]
    assert eligible_names(client, lead, country="") == ["Acme Cloud", "Big Resale", "Stark Cloud"]
    assert eligible_names(
        client, lead, country="", program=acme_gb.enrollments.get().program_id
    ) == [
        "Acme Cloud",
        "Stark Cloud",
    ]
    assert eligible_names(client, lead, country="US", tier="strategic") == ["Stark Cloud"]


def test_a_partner_at_risk_is_not_in_good_standing(client, partner_manager, lead, acme_gb):
    Enrollment.objects.filter(organization=acme_gb).update(standing="at_risk")
    client.force_login(partner_manager)
    assert eligible_names(client, lead) == []
    with pytest.raises(services.BenefitError, match="good standing"):
        services.offer_lead(lead, acme_gb, actor=partner_manager)


def test_a_standard_partner_cannot_be_offered_a_lead(partner_manager, lead, northwind):
    with pytest.raises(services.NotEntitled):
        services.offer_lead(lead, northwind, actor=partner_manager)


def test_the_partner_is_told_and_accepts_within_the_deadline(
    client, settings, partner_manager, lead, acme_gb, acme_main
):
    settings.LEAD_RESPONSE_DAYS = 5
    client.force_login(partner_manager)
    client.post(reverse("staff_lead_offer", args=[lead.pk]), {"partner": acme_gb.pk})
    offer = LeadOffer.objects.get()
    assert offer.respond_by - offer.offered_at == timedelta(days=5)
    assert Notification.objects.get(template="benefits/lead_offered").recipient == acme_main.email

    client.force_login(acme_main)
    detail = client.get(offer.get_absolute_url()).content.decode()
    assert "Soylent Foods" in detail and "sol@soylent.example" not in detail
    client.post(reverse("lead_offer_accept", args=[offer.pk]))
    offer.refresh_from_db()
    assert offer.status == "accepted" and Lead.objects.get().status == "accepted"
    assert "sol@soylent.example" in client.get(offer.get_absolute_url()).content.decode()
    assert Notification.objects.filter(
        recipient=partner_manager.email, template="benefits/lead_answered"
    ).exists()


def test_a_declined_lead_goes_back_to_the_pool(client, partner_manager, lead, acme_gb, acme_main):
    offer = services.offer_lead(lead, acme_gb, actor=partner_manager)
    client.force_login(acme_main)
    assert client.get(reverse("lead_offer_decline", args=[offer.pk])).status_code == 200
    client.post(reverse("lead_offer_decline", args=[offer.pk]), {"reason": "No capacity."})
    offer.refresh_from_db()
    assert offer.status == "declined" and offer.decline_reason == "No capacity."
    assert Lead.objects.get().status == "open"


def test_an_unanswered_offer_returns_to_the_pool_after_the_deadline(
    partner_manager, lead, acme_gb, acme_main
):
    offer = services.offer_lead(lead, acme_gb, actor=partner_manager)
    assert services.return_lapsed_offers(offer.respond_by - timedelta(minutes=1)) == 0
    assert services.return_lapsed_offers(offer.respond_by + timedelta(minutes=1)) == 1
    assert services.return_lapsed_offers(offer.respond_by + timedelta(minutes=2)) == 0
    offer.refresh_from_db()
    assert offer.status == "lapsed" and Lead.objects.get().status == "open"
    assert Notification.objects.filter(subject__contains="did not answer in time").count() == 1
    with pytest.raises(services.BenefitError):
        services.accept_offer(offer, actor=acme_main)


def test_a_late_answer_is_refused_even_before_the_periodic_run(
    partner_manager, lead, acme_gb, acme_main
):
    offer = services.offer_lead(lead, acme_gb, actor=partner_manager)
    LeadOffer.objects.filter(pk=offer.pk).update(respond_by=timezone.now() - timedelta(seconds=1))
    offer.refresh_from_db()
    with pytest.raises(services.BenefitError, match="no longer open"):
        services.accept_offer(offer, actor=acme_main)


def test_a_downgrade_withdraws_open_offers_and_the_pages(
    client, partner_manager, lead, acme_gb, acme_main
):
    offer = services.offer_lead(lead, acme_gb, actor=partner_manager)
    programs.downgrade(
        Enrollment.objects.get(organization=acme_gb), actor=partner_manager, reason="Revenue."
    )
    client.force_login(acme_main)
    assert client.get(offer.get_absolute_url()).status_code == 404
    assert services.return_lapsed_offers() == 1
    offer.refresh_from_db()
    assert offer.status == "withdrawn" and Lead.objects.get().status == "open"


def test_a_lead_is_offered_to_one_partner_at_a_time(partner_manager, lead, acme_gb, stark_cloud):
    services.offer_lead(lead, acme_gb, actor=partner_manager)
    with pytest.raises(services.BenefitError):
        services.offer_lead(lead, stark_cloud, actor=partner_manager)


def test_closing_a_lead_asks_first(client, partner_manager, lead):
    client.force_login(partner_manager)
    url = reverse("staff_lead_close", args=[lead.pk])
    assert "Close the lead Soylent Foods?" in client.get(url).content.decode()
    client.post(url, {"reason": "Customer went elsewhere."})
    assert Lead.objects.get().status == "closed"
