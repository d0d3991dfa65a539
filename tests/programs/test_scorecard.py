"""The tier scorecard, measured from the portal's records (SPEC §3 Requirements)."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

from programs.scorecard import AT_RISK, MET, NOT_MET, enrollment_statuses
from tests import factories
from tests.programs import builders


def states(enrollment):
    card = enrollment_statuses([enrollment])[0].scorecard
    return {result.requirement.kind: result.state for result in card.results}


def test_a_partner_meeting_every_standard_requirement_has_every_line_met(acme):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    assert set(states(enrollment).values()) == {MET}


def test_only_verified_current_certifications_count(acme):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    acme.certifications.filter(kind="administrator").update(status="pending")
    assert states(enrollment)["administrator_certifications"] == NOT_MET
    acme.certifications.filter(kind="administrator").update(
        status="verified", expires_on=timezone.localdate() - timedelta(days=1)
    )
    assert states(enrollment)["administrator_certifications"] == NOT_MET


def test_a_certification_expiring_soon_puts_the_line_at_risk(acme):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    acme.certifications.filter(kind="basic_sales").update(
        expires_on=timezone.localdate() + timedelta(days=10)
    )
    assert states(enrollment)["sales_certifications"] == AT_RISK


def test_one_person_with_two_records_counts_once(acme, revenues):
    enrollment = builders.enrollment(acme, tier_code="strategic")
    builders.meet_every_requirement(acme, tier_code="strategic")
    revenues[acme] = Decimal("100000")
    admin = acme.certifications.filter(kind="administrator").first()
    acme.certifications.filter(kind="administrator").exclude(pk=admin.pk).update(
        person_email=admin.person_email.upper()
    )
    assert states(enrollment)["administrator_certifications"] == NOT_MET


def test_reviews_follow_the_tiers_cadence(acme, revenues):
    standard = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    acme.review_meetings.update(held_on=timezone.localdate() - timedelta(days=45))
    assert states(standard)["review_meetings"] == MET  # quarterly
    status = enrollment_statuses([standard])[0]
    monthly = {r.requirement.kind: r.state for r in status.next_scorecard.results}
    assert monthly["review_meetings"] == NOT_MET  # Strategic: monthly
    acme.review_meetings.update(held_on=timezone.localdate() - timedelta(days=120))
    assert states(standard)["review_meetings"] == NOT_MET


def test_a_new_partners_first_review_is_due_one_period_after_signing(acme):
    enrollment = builders.enrollment(acme, authorized_days_ago=20)
    assert states(enrollment)["review_meetings"] == MET


def test_a_review_due_soon_with_none_scheduled_is_at_risk(acme):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    acme.review_meetings.update(held_on=timezone.localdate() - timedelta(days=85))
    assert states(enrollment)["review_meetings"] == AT_RISK
    builders.ReviewMeeting.objects.create(
        organization=acme, scheduled_for=timezone.localdate() + timedelta(days=3)
    )
    assert states(enrollment)["review_meetings"] == MET


def test_contacts_come_from_the_members_roles(acme):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    acme.memberships.update(is_technical_contact=False)
    result = states(enrollment)
    assert result["technical_contact"] == NOT_MET and result["sales_contact"] == MET


def test_the_website_counts_once_staff_confirm_it(acme):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    acme.evidence.filter(kind="website").update(status="pending")
    assert states(enrollment)["website"] == NOT_MET


def test_solution_providers_need_end_customers_and_l1_l2_support(acme):
    enrollment = builders.enrollment(acme, track="sp")
    builders.meet_every_requirement(acme, track="sp")
    assert states(enrollment)["end_customers"] == MET
    assert states(enrollment)["l1_l2_support"] == MET
    acme.managed_customers.all().delete()
    assert states(enrollment)["end_customers"] == NOT_MET


def test_integrators_have_no_solution_provider_lines(acme):
    enrollment = builders.enrollment(acme, track="si")
    assert "end_customers" not in states(enrollment)


def test_a_new_partner_has_time_to_sell_its_first_subscription(acme):
    enrollment = builders.enrollment(acme, "reseller", track="", authorized_days_ago=10)
    assert states(enrollment)["enterprise_subscriptions"] == AT_RISK
    old = builders.enrollment(
        factories.OrganizationFactory(kind="partner"), "reseller", track="", authorized_days_ago=200
    )
    assert states(old)["enterprise_subscriptions"] == NOT_MET


def test_a_reseller_counts_the_subscriptions_it_sold(acme, globex):
    enrollment = builders.enrollment(acme, "reseller", track="", authorized_days_ago=200)
    builders.live_subscription(acme)  # its own: not a resale
    assert states(enrollment)["enterprise_subscriptions"] == NOT_MET
    builders.live_subscription(globex, sold_by=acme)
    assert states(enrollment)["enterprise_subscriptions"] == MET


def test_strategic_revenue_is_measured_against_100000_dollars(acme, revenues):
    enrollment = builders.enrollment(acme, tier_code="strategic")
    builders.meet_every_requirement(acme, tier_code="strategic")
    revenues[acme] = Decimal("99999.99")
    card = enrollment_statuses([enrollment])[0].scorecard
    line = next(r for r in card.results if r.requirement.kind == "annual_revenue")
    assert line.state == NOT_MET and line.value == "$99,999.99" and "$0.01 more" in line.gap
    revenues[acme] = Decimal("100000")
    assert states(enrollment)["annual_revenue"] == MET


def test_the_next_tier_says_exactly_what_is_missing(acme, revenues):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    revenues[acme] = Decimal("40000")
    status = enrollment_statuses([enrollment])[0]
    missing = {r.requirement.kind: r.gap for r in status.next_scorecard.missing}
    # The review held ten days ago already meets the monthly cadence.
    assert set(missing) == {
        "administrator_certifications",
        "sales_certifications",
        "annual_revenue",
    }
    assert missing["administrator_certifications"].startswith("1 more verified Administrator")
    assert missing["annual_revenue"].startswith("$60,000 more")
    assert not status.can_request_upgrade


def test_the_status_page_shows_every_requirement_the_next_tier_and_benefits(
    client, acme, acme_main
):
    builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    client.force_login(acme_main)
    page = client.get(reverse("partner_status")).content.decode()
    for label in [
        "Technical certification (Administrator)",
        "Regular progress review meetings",
        "Visibility of OpenNebula on partner&#x27;s site",
        "Reaching Strategic",
        "Active benefits",
        "Inactive benefits",
        "Deal registration program",
    ]:
        assert label in page, label


def test_a_customer_has_no_partner_pages(client, globex_main):
    client.force_login(globex_main)
    assert client.get(reverse("partner_status")).status_code == 404
    assert client.get(reverse("partner_certifications")).status_code == 404
