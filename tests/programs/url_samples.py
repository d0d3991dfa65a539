"""Another organization's objects for the tenant walk (tests/test_tenant_isolation.py).

The objects belong to Northwind Resale; a Hooli Integrations user (every role) asks
for them. Staff pages answer a partner with a 404 as well.
"""

from programs.models import AgreementVersion, ReviewMeeting, UpgradeRequest
from tests.programs import builders
from tests.test_tenant_isolation import Sample


def _enrollment(other):
    if not hasattr(other, "_programs_enrollment"):
        other._programs_enrollment = builders.enrollment(other.northwind, tier_code="strategic")
    return other._programs_enrollment


def _application(other):
    return builders.submitted_application(other.northwind, "reseller", track="")


def _certification(other):
    return builders.certify(other.northwind, "basic_sales", status="pending")[0]


def _evidence(other):
    builders.confirm_evidence(other.northwind, "website")
    return other.northwind.evidence.get(kind="website")


def _meeting(other):
    from django.utils import timezone

    return ReviewMeeting.objects.create(
        organization=other.northwind, scheduled_for=timezone.localdate()
    )


def _upgrade(other):
    enrollment = builders.enrollment(other.northwind, "reseller", track="")
    return UpgradeRequest.objects.create(
        enrollment=enrollment, to_tier=builders.tier("reseller", "strategic")
    )


def pk(make):
    return lambda other: {"pk": make(other).pk}


def agreement_pk(other):
    return {"pk": _enrollment(other).agreement.pk}


SAMPLES = {
    # The partner's own pages
    "partner_application": Sample(pk(_application), "partner"),
    "partner_history": Sample(pk(_enrollment), "partner"),
    "partner_request_upgrade": Sample(pk(_enrollment), "partner"),
    "partner_agreement": Sample(agreement_pk, "partner"),
    "partner_agreement_pdf": Sample(agreement_pk, "partner"),
    "partner_certification_remove": Sample(pk(_certification), "partner"),
    "partner_review_held": Sample(pk(_meeting), "partner"),
    "partner_review_cancel": Sample(pk(_meeting), "partner"),
    # Staff pages: a partner gets a 404
    "staff_application": Sample(pk(_application), "partner"),
    "staff_application_ask": Sample(pk(_application), "partner"),
    "staff_application_approve": Sample(pk(_application), "partner"),
    "staff_application_reject": Sample(pk(_application), "partner"),
    "staff_partner": Sample(pk(_enrollment), "partner"),
    "staff_partner_history": Sample(pk(_enrollment), "partner"),
    "staff_partner_downgrade": Sample(pk(_enrollment), "partner"),
    "staff_partner_suspend": Sample(pk(_enrollment), "partner"),
    "staff_partner_reinstate": Sample(pk(_enrollment), "partner"),
    "staff_upgrade_approve": Sample(pk(_upgrade), "partner"),
    "staff_upgrade_decline": Sample(pk(_upgrade), "partner"),
    "staff_certification_verify": Sample(pk(_certification), "partner"),
    "staff_certification_reject": Sample(pk(_certification), "partner"),
    "staff_evidence_confirm": Sample(pk(_evidence), "partner"),
    "staff_evidence_reject": Sample(pk(_evidence), "partner"),
    "staff_agreement_version": Sample(
        lambda other: {"pk": AgreementVersion.current().pk}, "partner"
    ),
    "staff_agreement_pdf": Sample(agreement_pk, "partner"),
}
