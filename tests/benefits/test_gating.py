"""Every sales benefit is offered only through the partner program's entitlement
function: a partner whose tier lacks it is told "not in your tier" (a 404), anyone else
gets a plain 404, and a downgrade takes it away at once."""

import pytest
from django.urls import reverse

from benefits.access import FEATURES
from programs import services as programs
from programs.models import Enrollment
from tests import factories
from tests.programs import builders as program_builders

PARTNER_PAGES = {
    "deal_registration": ["deal_list", "deal_new"],
    "referral_commission": ["referral_list", "referral_new", "commission_statements"],
    "referral_services": ["lead_offer_list"],
    "volume_discount": ["volume_discount"],
    "nfr_subscriptions": ["nfr_list"],
    "partner_news": ["news_list"],
}


def test_every_benefit_page_is_listed_here():
    assert set(PARTNER_PAGES) == set(FEATURES)


@pytest.mark.parametrize(
    "code, name", [(code, name) for code, names in PARTNER_PAGES.items() for name in names]
)
def test_a_partner_without_the_benefit_is_told_it_is_not_in_its_tier(client, db, code, name):
    pending = factories.OrganizationFactory(name="Hooli Integrations", kind="partner")
    hank = factories.member(pending, "main@hooli.example", "main_contact", "sales_contact").user
    client.force_login(hank)
    response = client.get(reverse(name))
    assert response.status_code == 404
    assert f"{FEATURES[code]['name']} is not in your tier" in response.content.decode()


@pytest.mark.parametrize("name", [n for names in PARTNER_PAGES.values() for n in names])
def test_customers_get_a_plain_404(client, globex, globex_main, name):
    client.force_login(globex_main)
    response = client.get(reverse(name))
    assert response.status_code == 404 and "not in your tier" not in response.content.decode()


def test_visitors_are_asked_to_log_in(client, db):
    assert client.get(reverse("deal_list")).url.startswith(reverse("account_login"))


def test_the_overview_lists_what_the_tier_has_and_what_it_lacks(client, northwind, northwind_main):
    client.force_login(northwind_main)
    page = client.get(reverse("sales_home"))
    assert [f["code"] for f in page.context["available"]] == ["referral_commission", "partner_news"]
    unavailable = page.context["unavailable"]
    assert "deal_registration" in [f["code"] for f in unavailable]
    assert "Sales benefits</a>" in page.content.decode()  # in the menu


def test_the_menu_offers_sales_benefits_to_partners_only(client, globex_main, northwind_main):
    client.force_login(globex_main)
    assert "Sales benefits</a>" not in client.get(reverse("dashboard")).content.decode()


def test_a_downgrade_removes_the_strategic_benefits_and_keeps_the_others(
    client, acme_strategic, acme_main, partner_manager
):
    client.force_login(acme_main)
    assert client.get(reverse("volume_discount")).status_code == 200
    programs.downgrade(
        Enrollment.objects.get(organization=acme_strategic), actor=partner_manager, reason="Rev."
    )
    for name in ("deal_list", "lead_offer_list", "volume_discount"):
        assert client.get(reverse(name)).status_code == 404, name
    for name in ("nfr_list", "news_list"):
        assert client.get(reverse(name)).status_code == 200, name


def test_a_suspension_removes_every_benefit(client, northwind, northwind_main, partner_manager):
    programs.suspend(
        Enrollment.objects.get(organization=northwind), actor=partner_manager, reason="Breach."
    )
    client.force_login(northwind_main)
    assert client.get(reverse("referral_list")).status_code == 404
    assert "Sales benefits</a>" not in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize(
    "name", ["staff_deals", "staff_referrals", "staff_leads", "staff_news", "staff_commissions"]
)
def test_staff_pages_need_their_permission(client, vendor, name):
    support = factories.staff_member(vendor, "support@opennebula.example", "Support engineers")
    client.force_login(support)
    assert client.get(reverse(name)).status_code == 404


def test_the_staff_dashboard_counts_what_waits(client, partner_manager, acme_strategic, acme_main):
    from tests.benefits import builders

    builders.register(acme_strategic, acme_main)
    client.force_login(partner_manager)
    page = client.get(reverse("dashboard")).content.decode()
    assert "Deal registrations" in page and "<strong>1</strong> awaiting review" in page


def test_a_second_program_adds_its_benefits(client, acme, acme_main):
    """A Solution Provider (no commissions) that also joined the Reseller program refers."""
    program_builders.enrollment(acme, "services", "standard", track="sp")
    program_builders.enrollment(acme, "reseller", "standard", track="")
    client.force_login(acme_main)
    assert client.get(reverse("referral_list")).status_code == 200
