"""Demo data of the programs app, loaded by `manage.py seed_demo` (must be idempotent).

- Acme Cloud: Authorized Partner, Solution Services (Solution Provider), Strategic,
  agreement signed, two Administrator and two Basic sales certifications, monthly reviews.
- Northwind Resale (main@northwind.example): Standard reseller missing its one Basic sales
  certification (it expired), flagged at risk by the nightly check.
- Hooli Integrations (main@hooli.example): a submitted application awaiting review.
"""

import zlib
from datetime import timedelta

from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.management.commands.seed_demo import member, organization, person
from accounts.models import Organization, Role
from programs.models import (
    Agreement,
    AgreementVersion,
    Application,
    ApplicationEvent,
    Certification,
    Enrollment,
    EnrollmentEvent,
    Evidence,
    Program,
    ReviewMeeting,
)
from programs.scorecard import add_months


def seed(people):
    """`people` maps demo emails to users and names to organizations (see seed_demo)."""
    admin = people["admin@opennebula.example"]
    seed_acme(people["Acme Cloud"], people["main@acme.example"], admin)
    seed_northwind(admin)
    seed_hooli()


def _days_ago(days):
    return timezone.now() - timedelta(days=days)


def _application(
    org, program_code, tier_code, *, track="", status, created_by, submitted_days, **profile
):
    program = Program.objects.get(code=program_code)
    tier = program.tiers.get(code=tier_code)
    application, created = Application.objects.get_or_create(
        organization=org,
        program=program,
        defaults={
            "track": track,
            "requested_tier": tier,
            "status": status,
            "created_by": created_by,
            "submitted_at": _days_ago(submitted_days),
            "terms_accepted_at": _days_ago(submitted_days),
            "terms_version": AgreementVersion.current(),
            "legal_name": org.legal_name,
            "country": org.country,
            "website": org.website,
            **profile,
        },
    )
    if created:
        Application.objects.filter(pk=application.pk).update(
            created_at=_days_ago(submitted_days + 2)
        )
        ApplicationEvent.objects.create(
            application=application,
            kind="created",
            actor=created_by,
            created_at=_days_ago(submitted_days + 2),
        )
        ApplicationEvent.objects.create(
            application=application,
            kind="submitted",
            actor=created_by,
            created_at=_days_ago(submitted_days),
        )
    return application


def _authorized(org, application, tier_code, *, reviewer, signer, signer_title, months):
    """Approved and signed `months` ago, as approve_application and sign_agreement would."""
    tier = application.program.tiers.get(code=tier_code)
    if Enrollment.objects.filter(organization=org, program=application.program).exists():
        return Enrollment.objects.get(organization=org, program=application.program)
    approved_at = _days_ago(months * 30 + 3)
    signed_at = _days_ago(months * 30)
    Application.objects.filter(pk=application.pk).update(
        status=Application.Status.APPROVED,
        approved_tier=tier,
        decided_at=approved_at,
        decided_by=reviewer,
    )
    ApplicationEvent.objects.create(
        application=application,
        kind="approved",
        actor=reviewer,
        by_staff=True,
        body=tier.name,
        created_at=approved_at,
    )
    enrollment = Enrollment.objects.create(
        organization=org,
        program=application.program,
        track=application.track,
        tier=tier,
        application=application,
        status=Enrollment.Status.AUTHORIZED,
        authorized_at=signed_at,
    )
    version = AgreementVersion.current()
    text = version.body.format(
        partner_legal_name=org.legal_name or org.name,
        program=application.program.name
        + (f" ({enrollment.track_label})" if enrollment.track else ""),
        tier=tier.name,
        effective_date=signed_at.strftime("%d %B %Y"),
    )
    agreement = Agreement(
        organization=org,
        enrollment=enrollment,
        version=version,
        text=text,
        issued_at=approved_at,
        issued_by=reviewer,
        status=Agreement.Status.SIGNED,
        signed_at=signed_at,
        signed_by=signer,
        signer_name=signer.full_name,
        signer_title=signer_title,
        signer_email=signer.email,
        signer_ip="203.0.113.10",
        signer_user_agent="Mozilla/5.0 (X11; Linux x86_64) demo",
    )
    agreement.text_sha256 = agreement.sha256
    agreement.save()
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        kind="approved",
        to_tier=tier,
        to_status="awaiting_signature",
        actor=reviewer,
        created_at=approved_at,
    )
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        kind="authorized",
        to_tier=tier,
        from_status="awaiting_signature",
        to_status="authorized",
        actor=signer,
        reason=f"Partner Agreement v{version.number} signed by {signer.full_name}",
        created_at=signed_at,
    )
    return enrollment


def _certification(org, name, email, kind, *, status, issued_days_ago, valid_days, verifier=None):
    today = timezone.localdate()
    Certification.objects.get_or_create(
        organization=org,
        person_email=email,
        kind=kind,
        defaults={
            "person_name": name,
            "issued_on": today - timedelta(days=issued_days_ago),
            "expires_on": today - timedelta(days=issued_days_ago) + timedelta(days=valid_days),
            "status": status,
            "verified_by": verifier if status == Certification.Status.VERIFIED else None,
            "verified_at": timezone.now() if status == Certification.Status.VERIFIED else None,
            "certificate_number": f"ON-{kind[:3].upper()}-{zlib.crc32(email.encode()) % 10**5:05d}",
        },
    )


def _evidence(org, kind, *, url="", statement="", reviewer):
    Evidence.objects.get_or_create(
        organization=org,
        kind=kind,
        defaults={
            "url": url,
            "statement": statement,
            "status": Evidence.Status.CONFIRMED,
            "reviewed_by": reviewer,
            "reviewed_at": timezone.now(),
        },
    )


def seed_acme(acme, acme_main, admin):
    application = _application(
        acme,
        "services",
        "strategic",
        track="sp",
        status=Application.Status.SUBMITTED,
        created_by=acme_main,
        submitted_days=310,
        company_size="51-200",
        regions=["europe"],
        markets="Managed private clouds for research and public sector.",
        opennebula_expertise="Operating OpenNebula clouds since 2016; 40 production deployments.",
        sales_experience="Sells support subscriptions with every managed cloud.",
        enterprise_edition_use="Every deployment runs the Enterprise Edition.",
        exclusive_enterprise_edition=True,
        support_capability="24x7 service desk giving L1/L2 support, escalating L3 to OpenNebula.",
        opennebula_page="https://acme.example/opennebula",
        sales_contact_name=acme_main.full_name,
        sales_contact_email=acme_main.email,
        technical_contact_name=acme_main.full_name,
        technical_contact_email=acme_main.email,
    )
    _authorized(
        acme,
        application,
        "strategic",
        reviewer=admin,
        signer=acme_main,
        signer_title="CEO",
        months=10,
    )
    verified = Certification.Status.VERIFIED
    for name, email in [
        ("Alice Acme", "main@acme.example"),
        ("Arthur Admin", "arthur@acme.example"),
    ]:
        _certification(
            acme,
            name,
            email,
            "administrator",
            status=verified,
            issued_days_ago=200,
            valid_days=730,
            verifier=admin,
        )
    for name, email in [("Sally Sales", "sally@acme.example"), ("Sam Seller", "sam@acme.example")]:
        _certification(
            acme,
            name,
            email,
            "basic_sales",
            status=verified,
            issued_days_ago=150,
            valid_days=730,
            verifier=admin,
        )
    # Monthly reviews: the last six held, the next one scheduled.
    today = timezone.localdate()
    for months_back in range(6, 0, -1):
        day = add_months(today, -months_back) + timedelta(days=18)
        ReviewMeeting.objects.get_or_create(
            organization=acme,
            scheduled_for=day,
            defaults={
                "held_on": day,
                "summary": "Pipeline, renewals and open escalations.",
                "recorded_by": acme_main,
            },
        )
    ReviewMeeting.objects.get_or_create(
        organization=acme,
        held_on__isnull=True,
        defaults={"scheduled_for": today + timedelta(days=16), "recorded_by": acme_main},
    )
    _evidence(acme, "website", url="https://acme.example/opennebula", reviewer=admin)
    _evidence(
        acme,
        "enterprise_edition",
        statement="Every deployment runs the Enterprise Edition.",
        reviewer=admin,
    )
    _evidence(acme, "l1_l2_support", statement="24x7 service desk with L1/L2.", reviewer=admin)


def seed_northwind(admin):
    northwind = organization(
        "Northwind Resale",
        Organization.Kind.PARTNER,
        legal_name="Northwind Resale B.V.",
        country="NL",
        website="https://northwind.example",
    )
    nora = person("main@northwind.example", "Nora Northwind")
    member(nora, northwind, Role.MAIN, Role.ORG_ADMIN, Role.SALES)
    assign_perm("accounts.manage_partner", admin, northwind)
    application = _application(
        northwind,
        "reseller",
        "standard",
        status=Application.Status.SUBMITTED,
        created_by=nora,
        submitted_days=400,
        company_size="11-50",
        regions=["europe"],
        markets="Benelux mid-market and education.",
        opennebula_expertise="Two engineers trained on OpenNebula.",
        sales_experience="Resells infrastructure software subscriptions since 2010.",
        enterprise_edition_use="Distributes the Enterprise Edition with every subscription.",
        exclusive_enterprise_edition=True,
        opennebula_page="https://northwind.example/partners/opennebula",
        sales_contact_name=nora.full_name,
        sales_contact_email=nora.email,
    )
    enrollment = _authorized(
        northwind,
        application,
        "standard",
        reviewer=admin,
        signer=nora,
        signer_title="Managing Director",
        months=12,
    )
    # Its only Basic sales certification expired: one missing for Standard.
    _certification(
        northwind,
        "Nora Northwind",
        "main@northwind.example",
        "basic_sales",
        status=Certification.Status.VERIFIED,
        issued_days_ago=750,
        valid_days=730,
        verifier=admin,
    )
    held = add_months(timezone.localdate(), -2)
    ReviewMeeting.objects.get_or_create(
        organization=northwind,
        scheduled_for=held,
        defaults={"held_on": held, "summary": "Quarterly review.", "recorded_by": nora},
    )
    _evidence(
        northwind, "website", url="https://northwind.example/partners/opennebula", reviewer=admin
    )
    _evidence(
        northwind,
        "enterprise_edition",
        statement="Distributes the Enterprise Edition.",
        reviewer=admin,
    )
    if (
        enrollment.standing == Enrollment.Standing.GOOD
        and not enrollment.events.filter(kind="at_risk").exists()
    ):
        # As the nightly check found it (programs.compliance), ten days ago.
        flagged = _days_ago(10)
        enrollment.standing = Enrollment.Standing.AT_RISK
        enrollment.at_risk_since = flagged
        enrollment.grace_ends_on = timezone.localdate(flagged) + timedelta(days=30)
        enrollment.unmet_requirements = ["Sales certification (Basic)"]
        enrollment.last_evaluated_at = flagged
        enrollment.save()
        EnrollmentEvent.objects.create(
            enrollment=enrollment,
            kind="at_risk",
            from_tier=enrollment.tier,
            to_tier=enrollment.tier,
            from_status="authorized",
            to_status="authorized",
            reason="Not met: Sales certification (Basic)",
            created_at=flagged,
        )


def seed_hooli():
    hooli = organization(
        "Hooli Integrations",
        Organization.Kind.PARTNER,
        legal_name="Hooli Integrations Inc.",
        country="US",
        website="https://hooli.example",
    )
    hank = person("main@hooli.example", "Hank Hooli")
    member(hank, hooli, Role.MAIN, Role.ORG_ADMIN)
    _application(
        hooli,
        "services",
        "standard",
        track="si",
        status=Application.Status.SUBMITTED,
        created_by=hank,
        submitted_days=3,
        company_size="201-1000",
        regions=["north_america", "latin_america"],
        markets="Telecom operators and financial services.",
        opennebula_expertise="Five certified engineers; two migrations from VMware in 2025.",
        sales_experience="Sells and renews enterprise software subscriptions for 300 customers.",
        enterprise_edition_use="We deploy the Enterprise Edition for every customer project.",
        exclusive_enterprise_edition=True,
        references="Initrode Telecom (migration, 2025); Pied Piper Bank (private cloud, 2025).",
        opennebula_page="https://hooli.example/cloud/opennebula",
        sales_contact_name="Gavin Belson",
        sales_contact_email="gavin@hooli.example",
        technical_contact_name="Hank Hooli",
        technical_contact_email="main@hooli.example",
    )
    pending = Certification.Status.PENDING
    _certification(
        hooli,
        "Hank Hooli",
        "main@hooli.example",
        "administrator",
        status=pending,
        issued_days_ago=40,
        valid_days=730,
    )
    _certification(
        hooli,
        "Gavin Belson",
        "gavin@hooli.example",
        "basic_sales",
        status=pending,
        issued_days_ago=25,
        valid_days=730,
    )
