"""Measure the nightly compliance run: `manage.py benchmark_compliance --partners 10000`.

Builds that many Authorized Partners with realistic records (certifications, contacts,
evidence, review meetings, subscriptions, SP end customers; one partner in ten missing
its certifications) inside a transaction, runs the evaluation twice — the first night
flags the failing partners and writes their notices, the second finds nothing new —
prints the queries and seconds of each run, and rolls everything back.
"""

import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Membership, Organization
from programs.compliance import evaluate_compliance
from programs.models import (
    Application,
    Certification,
    Enrollment,
    Evidence,
    Program,
    ReviewMeeting,
    Tier,
)

# (program, tier, track, share of partners)
MIX = [
    ("services", "standard", "si", 4),
    ("services", "strategic", "sp", 2),
    ("reseller", "standard", "", 3),
    ("reseller", "strategic", "", 1),
]


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Time the compliance evaluation over N synthetic partners (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--partners", type=int, default=10_000)
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, partners, batch_size, **options):
        try:
            with transaction.atomic():
                started = time.monotonic()
                self.build(partners)
                self.stdout.write(
                    f"Built {partners} partners in {time.monotonic() - started:.1f} s."
                )
                for night in ("first night", "second night"):
                    with CaptureQueriesContext(connection) as queries:
                        report = evaluate_compliance(batch_size=batch_size)
                    self.stdout.write(
                        f"{night}: {report.evaluated} partners, {len(queries)} queries, "
                        f"{report.seconds:.2f} s, {report.batches} batches, "
                        f"{report.newly_at_risk} newly at risk, {report.notices} notices"
                    )
                raise Rollback
        except Rollback:
            self.stdout.write("Rolled back: nothing was kept.")

    def build(self, count):
        from subscriptions.models import Plan, Subscription

        now = timezone.now()
        today = timezone.localdate()
        tiers = {(t.program.code, t.code): t for t in Tier.objects.select_related("program")}
        programs = {p.code: p for p in Program.objects.all()}
        shares = [kind for kind in MIX for _ in range(kind[3])]

        orgs = Organization.objects.bulk_create(
            Organization(kind="partner", name=f"Benchmark partner {n:05d}") for n in range(count)
        )
        users = get_user_model().objects.bulk_create(
            get_user_model()(email=f"main{n}@benchmark.invalid", password="!") for n in range(count)
        )
        Membership.objects.bulk_create(
            Membership(
                user=user,
                organization=org,
                is_main_contact=True,
                is_sales_contact=True,
                is_technical_contact=True,
            )
            for user, org in zip(users, orgs, strict=True)
        )
        kinds = [shares[n % len(shares)] for n in range(count)]
        applications = Application.objects.bulk_create(
            Application(
                organization=org,
                program=programs[program],
                track=track,
                requested_tier=tiers[program, tier],
                status="approved",
            )
            for org, (program, tier, track, _) in zip(orgs, kinds, strict=True)
        )
        Enrollment.objects.bulk_create(
            Enrollment(
                organization=org,
                program=programs[program],
                track=track,
                tier=tiers[program, tier],
                application=application,
                status="authorized",
                authorized_at=now - timedelta(days=400),
            )
            for org, application, (program, tier, track, _) in zip(
                orgs, applications, kinds, strict=True
            )
        )
        certifications, evidence, meetings, end_customers = [], [], [], []
        for n, (org, (program, tier, track, _)) in enumerate(zip(orgs, kinds, strict=True)):
            needed = 2 if tier == "strategic" else 1
            failing = n % 10 == 0  # one partner in ten lost its certifications
            for kind in ["basic_sales"] + (["administrator"] if program == "services" else []):
                for person in range(0 if failing else needed):
                    certifications.append(
                        Certification(
                            organization=org,
                            person_name=f"Person {person}",
                            person_email=f"p{person}-{n}@benchmark.invalid",
                            kind=kind,
                            issued_on=today - timedelta(days=100),
                            expires_on=today + timedelta(days=600),
                            status="verified",
                        )
                    )
            for kind in ["website", "enterprise_edition"] + (["l1_l2_support"] if track else []):
                evidence.append(Evidence(organization=org, kind=kind, status="confirmed"))
            meetings.append(
                ReviewMeeting(
                    organization=org,
                    scheduled_for=today - timedelta(days=10),
                    held_on=today - timedelta(days=10),
                )
            )
            if track == "sp":
                end_customers.append(
                    Organization(kind="customer", name=f"End customer {n}", managed_by=org)
                )
        Certification.objects.bulk_create(certifications, batch_size=5000)
        Evidence.objects.bulk_create(evidence, batch_size=5000)
        ReviewMeeting.objects.bulk_create(meetings, batch_size=5000)
        Organization.objects.bulk_create(end_customers, batch_size=5000)
        customer = Organization.objects.create(kind="customer", name="Benchmark customer")
        plan = Plan.objects.order_by("pk").first()
        Subscription.objects.bulk_create(
            (
                Subscription(
                    organization=customer,
                    plan=plan,
                    status="active",
                    servers=4,
                    starts_on=today - timedelta(days=30),
                    ends_on=today + timedelta(days=335),
                    channel="reseller",
                    sold_by=org,
                )
                for org in orgs
            ),
            batch_size=5000,
        )
