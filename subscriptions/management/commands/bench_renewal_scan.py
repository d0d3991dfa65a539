"""Measure the daily renewal-notice scan: `manage.py bench_renewal_scan --subscriptions 100000`.

Creates the subscriptions in bulk (ends spread over the next two years, so about one
in eight is inside the 90-day notice range), runs the scan twice and prints the
queries and seconds of each run. Everything is rolled back at the end: run it on a
scratch database, never in production.
"""

import random
import time
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Membership, Organization
from subscriptions import services
from subscriptions.models import Plan, Subscription


class Rollback(Exception):
    pass


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--subscriptions", type=int, default=100_000)
        parser.add_argument("--organizations", type=int, default=10_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        try:
            with transaction.atomic():
                self.run(options)
                raise Rollback
        except Rollback:
            pass

    def run(self, options):
        rng = random.Random(options["seed"])
        today = timezone.localdate()
        started = time.monotonic()
        organizations = Organization.objects.bulk_create(
            Organization(name=f"Bench customer {n}", kind="customer")
            for n in range(options["organizations"])
        )
        user = get_user_model().objects.create_user("bench-main@example.com")
        Membership.objects.bulk_create(
            Membership(user=user, organization=org, is_main_contact=True) for org in organizations
        )
        plans = list(Plan.objects.all())
        Subscription.objects.bulk_create(
            (
                Subscription(
                    organization=rng.choice(organizations),
                    plan=rng.choice(plans),
                    status="active",
                    servers=rng.randint(1, 50),
                    starts_on=today - timedelta(days=365),
                    ends_on=today + timedelta(days=rng.randint(1, 730)),
                )
                for _ in range(options["subscriptions"])
            ),
            batch_size=5000,
        )
        self.stdout.write(
            f"Created {options['subscriptions']:,} subscriptions for "
            f"{options['organizations']:,} organizations in {time.monotonic() - started:.1f} s"
        )
        for run in ("first run", "second run (nothing new is due)"):
            counter = QueryCounter()
            started = time.monotonic()
            with connection.execute_wrapper(counter):
                due = services.queue_renewal_notices(today)
            self.stdout.write(
                f"{run}: {due:,} subscriptions notified, {counter.count} queries, "
                f"{time.monotonic() - started:.2f} s"
            )
