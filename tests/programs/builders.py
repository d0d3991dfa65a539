"""Partner-program records for tests, built as the services would leave them."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from accounts.models import Membership
from programs.models import (
    Agreement,
    AgreementVersion,
    Application,
    Certification,
    Enrollment,
    Evidence,
    Program,
    ReviewMeeting,
    Tier,
)
from tests import factories


def tier(program_code, tier_code):
    return Tier.objects.get(program__code=program_code, code=tier_code)


def application(
    organization, program_code="services", *, track="si", tier_code="standard", **fields
):
    program = Program.objects.get(code=program_code)
    defaults = dict(
        legal_name=f"{organization.name} Ltd.",
        country="GB",
        website="https://example.com",
        opennebula_page="https://example.com/opennebula",
        company_size="11-50",
        regions=["europe"],
        markets="Cloud services",
        opennebula_expertise="Ten OpenNebula deployments.",
        sales_experience="Sells subscriptions.",
        enterprise_edition_use="All our clouds run the Enterprise Edition.",
        exclusive_enterprise_edition=True,
        support_capability="A 24x7 desk." if track == "sp" else "",
        sales_contact_name="Sally Sales",
        sales_contact_email="sales@example.com",
        technical_contact_name="Tom Tech",
        technical_contact_email="tech@example.com",
    )
    defaults.update(fields)
    return Application.objects.create(
        organization=organization,
        program=program,
        track=track if program.has_tracks else "",
        requested_tier=program.tiers.get(code=tier_code),
        **defaults,
    )


def submitted_application(organization, program_code="services", *, days_ago=1, **kwargs):
    app = application(organization, program_code, **kwargs)
    app.status = Application.Status.SUBMITTED
    app.submitted_at = timezone.now() - timedelta(days=days_ago)
    app.terms_accepted_at = app.submitted_at
    app.save()
    return app


def enrollment(
    organization,
    program_code="services",
    tier_code="standard",
    *,
    track="si",
    status=Enrollment.Status.AUTHORIZED,
    authorized_days_ago=365,
):
    """An approved application and its enrollment (signed agreement when authorized)."""
    app = application(organization, program_code, track=track, tier_code=tier_code)
    app.status = Application.Status.APPROVED
    app.save()
    authorized_at = timezone.now() - timedelta(days=authorized_days_ago)
    result = Enrollment.objects.create(
        organization=organization,
        program=app.program,
        track=app.track,
        tier=tier(program_code, tier_code),
        application=app,
        status=status,
        authorized_at=authorized_at if status != Enrollment.Status.AWAITING_SIGNATURE else None,
    )
    version = AgreementVersion.current()
    agreement = Agreement(
        organization=organization, enrollment=result, version=version, text=version.body
    )
    if status != Enrollment.Status.AWAITING_SIGNATURE:
        agreement.status = Agreement.Status.SIGNED
        agreement.signed_at = authorized_at
        agreement.signer_name = "Main Contact"
        agreement.text_sha256 = agreement.sha256
    agreement.save()
    return result


def certify(organization, kind, count=1, *, status=Certification.Status.VERIFIED, expires_in=365):
    today = timezone.localdate()
    existing = Certification.objects.filter(organization=organization).count()
    return [
        Certification.objects.create(
            organization=organization,
            person_name=f"Person {existing + n}",
            person_email=f"person{existing + n}@{organization.pk}.example",
            kind=kind,
            issued_on=today - timedelta(days=30),
            expires_on=today + timedelta(days=expires_in),
            status=status,
        )
        for n in range(count)
    ]


def confirm_evidence(organization, *kinds):
    for kind in kinds or [k for k in Evidence.Kind.values]:
        Evidence.objects.update_or_create(
            organization=organization,
            kind=kind,
            defaults={"url": "https://example.com/on", "status": Evidence.Status.CONFIRMED},
        )


def review_held(organization, days_ago=10):
    day = timezone.localdate() - timedelta(days=days_ago)
    return ReviewMeeting.objects.create(organization=organization, scheduled_for=day, held_on=day)


def contacts(organization, *, technical=True, sales=True):
    roles = []
    if technical:
        roles.append("technical_contact")
    if sales:
        roles.append("sales_contact")
    membership = factories.member(organization, None, *roles)
    return membership


def live_subscription(organization, *, sold_by=None):
    from subscriptions.models import Plan, Subscription

    today = timezone.localdate()
    return Subscription.objects.create(
        organization=organization,
        plan=Plan.objects.order_by("-annual_price_per_server").first(),
        status=Subscription.Status.ACTIVE,
        servers=2,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=335),
        channel="reseller" if sold_by else "direct",
        sold_by=sold_by,
    )


def meet_every_requirement(
    organization, program_code="services", tier_code="standard", *, track="si"
):
    """Records that meet the tier: certifications, contacts, evidence, a review, a subscription."""
    counts = {"standard": 1, "strategic": 2}.get(tier_code, 0)
    if program_code == "services":
        certify(organization, "administrator", counts)
    if program_code in ("services", "reseller"):
        certify(organization, "basic_sales", counts)
        contacts(organization)
        confirm_evidence(organization)
        review_held(organization, days_ago=10)
        live_subscription(organization, sold_by=organization)
    if track == "sp":
        factories.OrganizationFactory(
            name=f"End customer of {organization}", managed_by=organization
        )


STRATEGIC_REVENUE = Decimal("100000")


def main_member(organization, email=None):
    return Membership.objects.get(organization=organization, is_main_contact=True)
