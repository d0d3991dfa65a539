"""The catalog is data (SPEC §3), and the public pages show it without a login."""

from decimal import Decimal

from django.urls import reverse

from programs.models import Program, Requirement, TierBenefit
from tests.programs.builders import tier


def test_the_catalog_holds_the_guides_programs_and_tiers(db):
    assert list(Program.objects.values_list("code", flat=True)) == [
        "services",
        "reseller",
        "referral",
    ]
    assert [t.name for t in Program.objects.get(code="services").tiers.all()] == [
        "Standard",
        "Strategic",
    ]


def test_strategic_needs_two_of_each_certification_and_monthly_reviews(db):
    strategic = tier("services", "strategic")
    targets = {r.kind: r.target for r in strategic.requirements.all()}
    assert targets["administrator_certifications"] == 2
    assert targets["sales_certifications"] == 2
    assert targets["review_meetings"] == 1  # months between reviews
    assert targets["annual_revenue"] == Decimal("100000")


def test_standard_has_no_revenue_requirement_and_resellers_no_technical_one(db):
    assert not tier("services", "standard").requirements.filter(kind="annual_revenue").exists()
    reseller = {r.kind for r in tier("reseller", "standard").requirements.all()}
    assert "technical_contact" not in reseller and "administrator_certifications" not in reseller


def test_end_customer_requirements_are_for_solution_providers_only(db):
    sp_only = Requirement.objects.filter(tier=tier("services", "standard"), track="sp")
    assert set(sp_only.values_list("kind", flat=True)) == {"end_customers", "l1_l2_support"}


def test_deal_registration_is_a_strategic_services_benefit(db):
    grants = TierBenefit.objects.filter(benefit__code="deal_registration")
    assert [str(g.tier) for g in grants] == ["Solution Services Strategic"]


def test_volume_discount_and_development_influence_are_strategic_only(db):
    for code in ["volume_discount", "development_influence", "support_discounts"]:
        assert set(
            TierBenefit.objects.filter(benefit__code=code).values_list("tier__code", flat=True)
        ) == {"strategic"}


def test_l3_support_is_granted_to_solution_providers_only(db):
    assert set(
        TierBenefit.objects.filter(benefit__code="l3_support").values_list("track", flat=True)
    ) == {"sp"}


def test_anyone_sees_the_programs_without_logging_in(client, db):
    page = client.get(reverse("program_list")).content.decode()
    assert "Solution Services" in page and "Solution Reseller" in page and "Referral" in page
    assert "Apply now" in page


def test_a_program_page_shows_both_tiers_side_by_side(client, db):
    response = client.get(reverse("program_detail", args=["services"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert '<th scope="col">Standard</th>' in page and '<th scope="col">Strategic</th>' in page
    assert "2 (Administrator)" in page and "$100,000" in page
    assert "Deal registration program" in page
    assert "Complete the application and company profile" in page  # how to apply


def test_an_unknown_program_is_a_404(client, db):
    assert client.get(reverse("program_detail", args=["nope"])).status_code == 404


def test_the_partner_agreement_can_be_read_before_applying(client, db):
    page = client.get(reverse("agreement_public")).content.decode()
    assert "OPENNEBULA BUSINESS PARTNER AGREEMENT" in page


def test_the_program_pages_hold_at_phone_width_without_inline_styles(client, db):
    page = client.get(reverse("program_detail", args=["services"])).content.decode()
    assert "style=" not in page and "<script" not in page
    assert 'class="table-wrap"' in page
