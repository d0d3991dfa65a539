"""Benefits are entitlements: one function decides them, and they follow the tier at once."""

from programs import services
from programs.entitlements import benefits_of, has_benefit
from tests.programs import builders


def test_a_strategic_services_partner_has_deal_registration(acme):
    builders.enrollment(acme, tier_code="strategic")
    assert has_benefit(acme, "deal_registration")
    assert has_benefit(acme, "volume_discount")


def test_a_standard_partner_does_not(acme):
    builders.enrollment(acme)
    assert has_benefit(acme, "nfr_subscriptions")
    assert not has_benefit(acme, "deal_registration")


def test_a_strategic_reseller_has_no_deal_registration(acme):
    builders.enrollment(acme, "reseller", "strategic", track="")
    assert has_benefit(acme, "volume_discount")
    assert not has_benefit(acme, "deal_registration")
    assert not has_benefit(acme, "nfr_subscriptions")


def test_track_restricted_benefits_follow_the_track(acme, globex):
    builders.enrollment(acme, track="sp")
    assert has_benefit(acme, "l3_support") and has_benefit(acme, "subscription_discount")
    assert not has_benefit(acme, "referral_commission")
    from tests import factories

    integrator = factories.OrganizationFactory(kind="partner")
    builders.enrollment(integrator, track="si")
    assert not has_benefit(integrator, "l3_support")
    assert has_benefit(integrator, "referral_commission")


def test_no_benefit_before_the_agreement_is_signed(acme):
    builders.enrollment(acme, status="awaiting_signature")
    assert benefits_of(acme) == set()


def test_a_downgrade_removes_the_strategic_benefits_at_once(acme, partner_manager):
    enrollment = builders.enrollment(acme, tier_code="strategic")
    services.downgrade(enrollment, actor=partner_manager, reason="Revenue below $100,000.")
    assert not has_benefit(acme, "deal_registration")
    assert has_benefit(acme, "enterprise_portal")


def test_a_suspension_removes_every_benefit(acme, partner_manager):
    enrollment = builders.enrollment(acme)
    services.suspend(enrollment, actor=partner_manager, reason="Distributes the community build.")
    assert benefits_of(acme) == set()


def test_several_enrollments_add_up(acme):
    builders.enrollment(acme, "services", "standard", track="si")
    builders.enrollment(acme, "reseller", "strategic", track="")
    codes = benefits_of(acme)
    assert {"nfr_subscriptions", "volume_discount", "strategic_logo"} <= codes
    assert "deal_registration" not in codes


def test_customers_and_nobody_have_no_benefits(globex):
    assert not has_benefit(globex, "enterprise_portal")
    assert not has_benefit(None, "enterprise_portal")


def test_one_query_decides(acme, django_assert_num_queries):
    builders.enrollment(acme, tier_code="strategic")
    with django_assert_num_queries(1):
        has_benefit(acme, "deal_registration")
