"""Scale partner program for `seed_scale`: the scale partners' applications, enrollments,
agreements, certifications, evidence and review meetings.

- Three partners in four are enrolled (the mix of `benchmark_compliance`): mostly
  Authorized Partners with a signed agreement, one in ten of them at risk (on the
  staff watchlist, half with their grace period over), a few awaiting signature or
  suspended.
- Of the others, about a third have an application under review (the staff queue),
  some were rejected, the rest never applied.
- Enrolled partners hold two to six certifications (some expired, some awaiting
  verification), their evidence, and quarterly review meetings over two years.
- Acme Cloud, the demo Solution Provider, gets two years of monthly review meetings
  and a longer certification history, so its scorecard reads a real record.
"""

import hashlib
from datetime import timedelta

from django.utils import timezone

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
    Tier,
)

# (program, tier, track, weight): as benchmark_compliance
MIX = [
    ("services", "standard", "si", 4),
    ("services", "strategic", "sp", 2),
    ("reseller", "standard", "", 3),
    ("reseller", "strategic", "", 1),
]
BATCH = 5000


def seed(ctx):
    rng = ctx.rng
    now = timezone.now()
    today = timezone.localdate()
    programs = {p.code: p for p in Program.objects.all()}
    tiers = {(t.program.code, t.code): t for t in Tier.objects.select_related("program")}
    version = AgreementVersion.current()
    shares = [kind for kind in MIX for _ in range(kind[3])]

    applications, plans = [], []
    for organization in ctx.partners:
        program, tier, track, _ = rng.choice(shares)
        draw = rng.random()
        if draw < 0.75:
            fate = "enrolled"
        elif draw < 0.84:
            fate = rng.choice(["submitted", "submitted", "info_requested"])
        elif draw < 0.88:
            fate = "rejected"
        else:
            continue
        submitted = now - timedelta(
            days=rng.randint(400, 1100) if fate == "enrolled" else rng.randint(1, 120)
        )
        applications.append(
            Application(
                organization_id=organization,
                program=programs[program],
                track=track,
                requested_tier=tiers[program, tier],
                status="approved" if fate == "enrolled" else fate,
                legal_name=f"Scale partner {organization} Ltd.",
                country=ctx.countries.get(organization, ""),
                website=f"https://partner{organization}.example",
                company_size=rng.choice(["1-10", "11-50", "51-200", "201-1000"]),
                regions=[rng.choice(["europe", "north_america", "latin_america"])],
                submitted_at=submitted,
                terms_accepted_at=submitted,
                terms_version=version,
                decided_at=submitted + timedelta(days=5)
                if fate in ("enrolled", "rejected")
                else None,
                approved_tier=tiers[program, tier] if fate == "enrolled" else None,
                rejection_reason="Does not meet the entry requirements yet."
                if fate == "rejected"
                else "",
            )
        )
        plans.append((fate, program, tier, track))
    Application.objects.bulk_create(applications, batch_size=BATCH)
    ApplicationEvent.objects.bulk_create(
        (
            ApplicationEvent(
                application=application, kind="submitted", created_at=application.submitted_at
            )
            for application in applications
        ),
        batch_size=BATCH,
    )

    enrollments = []
    for application, (fate, program, tier, track) in zip(applications, plans, strict=True):
        if fate != "enrolled":
            continue
        status = rng.choices(["authorized", "awaiting_signature", "suspended"], weights=[92, 4, 4])[
            0
        ]
        at_risk = status == "authorized" and rng.random() < 0.1
        enrollments.append(
            Enrollment(
                organization_id=application.organization_id,
                program=programs[program],
                track=track,
                tier=tiers[program, tier],
                application=application,
                status=status,
                authorized_at=application.decided_at + timedelta(days=3)
                if status != "awaiting_signature"
                else None,
                standing="at_risk" if at_risk else "good",
                at_risk_since=now - timedelta(days=rng.randint(1, 90)) if at_risk else None,
                grace_ends_on=today + timedelta(days=rng.randint(-45, 60)) if at_risk else None,
                unmet_requirements=["Sales certification (Basic)"] if at_risk else [],
                last_evaluated_at=now,
            )
        )
    Enrollment.objects.bulk_create(enrollments, batch_size=BATCH)
    _agreements(enrollments, version, now)
    _events(enrollments)
    certifications = _records(ctx, enrollments, today, now)
    ctx.say(
        f"  partner program: {len(applications):,} applications, {len(enrollments):,} "
        f"enrollments, {certifications:,} certifications"
    )


def _agreements(enrollments, version, now):
    agreements = []
    for enrollment in enrollments:
        text = (
            f"{version.title}, version {version.number}, between OpenNebula Systems and "
            f"Scale partner {enrollment.organization_id} Ltd. for the {enrollment.tier}."
        )
        signed = enrollment.status != "awaiting_signature"
        agreements.append(
            Agreement(
                organization_id=enrollment.organization_id,
                enrollment=enrollment,
                version=version,
                text=text,
                issued_at=enrollment.application.decided_at,
                status="signed" if signed else "issued",
                signed_at=enrollment.authorized_at if signed else None,
                signer_name="Scale Signer" if signed else "",
                signer_title="CEO" if signed else "",
                text_sha256=hashlib.sha256(text.encode()).hexdigest() if signed else "",
            )
        )
    Agreement.objects.bulk_create(agreements, batch_size=BATCH)


def _events(enrollments):
    events = []
    for enrollment in enrollments:
        decided = enrollment.application.decided_at
        events.append(
            EnrollmentEvent(
                enrollment=enrollment, kind="approved", to_tier=enrollment.tier,
                to_status="awaiting_signature", created_at=decided,
            )
        )  # fmt: skip
        if enrollment.authorized_at:
            events.append(
                EnrollmentEvent(
                    enrollment=enrollment, kind="authorized", to_tier=enrollment.tier,
                    from_status="awaiting_signature", to_status="authorized",
                    created_at=enrollment.authorized_at,
                )
            )  # fmt: skip
        if enrollment.standing == "at_risk":
            events.append(
                EnrollmentEvent(
                    enrollment=enrollment, kind="at_risk", to_tier=enrollment.tier,
                    reason="Sales certification (Basic)", created_at=enrollment.at_risk_since,
                )
            )  # fmt: skip
    EnrollmentEvent.objects.bulk_create(events, batch_size=BATCH)


def _records(ctx, enrollments, today, now):
    """Certifications, evidence and review meetings of the enrolled partners and of Acme."""
    rng = ctx.rng
    certifications, evidence, meetings = [], [], []
    enrolled = [(e.organization_id, e.program.code == "services", e.track, 3) for e in enrollments]
    acme = ctx.demo.get("Acme Cloud")
    for organization, technical, track, months_between in enrolled:
        for n in range(rng.randint(2, 6)):
            issued = today - timedelta(days=rng.randint(30, 1000))
            kind = "administrator" if technical and n % 2 else "basic_sales"
            certifications.append(
                Certification(
                    organization_id=organization,
                    person_name=f"Certified Person {n}",
                    person_email=f"person{n}.{organization}@scale.example",
                    kind=kind,
                    certificate_number=f"ON-{kind[:3].upper()}-{organization:05d}{n}",
                    issued_on=issued,
                    expires_on=issued + timedelta(days=730),
                    status=rng.choices(["verified", "pending", "rejected"], weights=[85, 10, 5])[0],
                    recorded_at=now - timedelta(days=(today - issued).days),
                )
            )
        for kind in ["website", "enterprise_edition"] + (
            ["l1_l2_support"] if track == "sp" else []
        ):
            evidence.append(
                Evidence(
                    organization_id=organization,
                    kind=kind,
                    url=f"https://partner{organization}.example/opennebula",
                    status="confirmed",
                    reviewed_at=now,
                )
            )
        meetings += _meetings(organization, today, every_months=months_between, count=8)
    if acme:
        meetings += _meetings(acme, today - timedelta(days=400), every_months=1, count=24)
        for n in range(30):
            issued = today - timedelta(days=800 + 20 * n)
            certifications.append(
                Certification(
                    organization_id=acme,
                    person_name=f"Former Acme Engineer {n:02d}",
                    person_email=f"former{n:02d}@acme.example",
                    kind="administrator" if n % 2 else "basic_sales",
                    issued_on=issued,
                    expires_on=issued + timedelta(days=730),
                    status="verified",
                    recorded_at=now - timedelta(days=800 + 20 * n),
                )
            )
    Certification.objects.bulk_create(certifications, batch_size=BATCH)
    Evidence.objects.bulk_create(evidence, batch_size=BATCH)
    ReviewMeeting.objects.bulk_create(meetings, batch_size=BATCH)
    return len(certifications)


def _meetings(organization, last, *, every_months, count):
    return [
        ReviewMeeting(
            organization_id=organization,
            scheduled_for=last - timedelta(days=30 * every_months * n),
            held_on=last - timedelta(days=30 * every_months * n),
            summary="Pipeline, certifications and next quarter's plan reviewed.",
        )
        for n in range(count)
    ]
