"""The tier catalog is read once per process and version (performance.md); a change to
any catalog row reaches the next scorecard."""

from programs.models import Benefit, Requirement, TierBenefit
from programs.scorecard import MET, NOT_MET, catalog_tiers, enrollment_statuses
from tests.programs import builders


def requirement_states(enrollment):
    card = enrollment_statuses([enrollment])[0].scorecard
    return {result.requirement.kind: result.state for result in card.results}


def test_the_catalog_is_read_once_then_kept(db, django_assert_num_queries):
    first = catalog_tiers()
    with django_assert_num_queries(0):
        again = catalog_tiers()
    assert again is first and len(first) > 0


def test_raising_a_requirements_target_reaches_the_scorecard_at_once(acme):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    assert requirement_states(enrollment)["administrator_certifications"] == MET

    requirement = Requirement.objects.get(
        tier=enrollment.tier, kind=Requirement.Kind.ADMINISTRATOR_CERTIFICATIONS
    )
    requirement.target = 50
    requirement.save()

    assert requirement_states(enrollment)["administrator_certifications"] == NOT_MET


def test_a_removed_requirement_leaves_the_scorecard(acme):
    enrollment = builders.enrollment(acme)
    assert "website" in requirement_states(enrollment)

    Requirement.objects.get(tier=enrollment.tier, kind=Requirement.Kind.WEBSITE).delete()

    assert "website" not in requirement_states(enrollment)


def test_a_benefit_given_to_a_tier_is_listed_at_once(acme):
    enrollment = builders.enrollment(acme)
    benefit = Benefit.objects.create(code="swag", name="Conference swag", category="marketing")
    assert not any(
        line.benefit.code == "swag" for line in enrollment_statuses([enrollment])[0].benefits
    )

    TierBenefit.objects.create(tier=enrollment.tier, benefit=benefit)

    assert any(
        line.benefit.code == "swag" for line in enrollment_statuses([enrollment])[0].benefits
    )
