"""Scale data for benchmarks: `manage.py seed_scale --orgs 10000 --subscriptions 100000
--tickets 1000000 --invoices 300000`.

Deterministic (one seeded random generator), bulk inserts in batches, on top of the
demo data (run seed_demo first): the demo organizations get their share of the rows,
so every demo account loads its pages at scale. Each app adds its rows in
`<app>/scale.py`. Run it once on a benchmark database; a second run refuses.
"""

import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import Membership, Organization

SCALE_APPS = ["subscriptions", "billing", "programs", "support"]
SCALE_MARKER = "Scale customer 000000"


@dataclass
class ScaleContext:
    rng: random.Random
    options: dict
    customers: list = field(default_factory=list)  # organization ids
    partners: list = field(default_factory=list)
    demo: dict = field(default_factory=dict)  # demo organization name -> id
    stdout: object = None

    def say(self, message):
        if self.stdout:
            self.stdout.write(message)

    def pick_customer(self, demo_share=0.05):
        """Mostly scale customers; a share of the rows lands on the demo customers."""
        if self.demo and self.rng.random() < demo_share:
            return self.rng.choice([self.demo["Globex"], self.demo["Initech"]])
        return self.rng.choice(self.customers)


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=10_000)
        parser.add_argument("--subscriptions", type=int, default=100_000)
        parser.add_argument("--tickets", type=int, default=1_000_000)
        parser.add_argument("--invoices", type=int, default=300_000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options):
        if Organization.objects.filter(name=SCALE_MARKER).exists():
            raise CommandError("Scale data is already loaded in this database.")
        ctx = ScaleContext(
            rng=random.Random(options["seed"]),
            options=options,
            stdout=self.stdout,
        )
        started = time.monotonic()
        with transaction.atomic():
            self.seed_organizations(ctx)
        from importlib import import_module

        for app in SCALE_APPS:
            try:
                module = import_module(f"{app}.scale")
            except ModuleNotFoundError:
                continue
            step = time.monotonic()
            with transaction.atomic():
                module.seed(ctx)
            ctx.say(f"  {app}: {time.monotonic() - step:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(f"Scale data loaded in {time.monotonic() - started:.0f} s")
        )

    def seed_organizations(self, ctx):
        count = ctx.options["orgs"]
        partners = count // 5
        organizations = Organization.objects.bulk_create(
            [
                Organization(
                    name=f"Scale {'partner' if n < partners else 'customer'} {n:06d}",
                    kind="partner" if n < partners else "customer",
                    country=ctx.rng.choice(["US", "ES", "DE", "FR", "GB", "IT", "NL", "BR"]),
                )
                for n in range(count)
            ]
            + [Organization(name=SCALE_MARKER, kind="customer")],
            batch_size=5000,
        )
        ctx.partners = [org.pk for org in organizations if org.kind == "partner"]
        ctx.customers = [org.pk for org in organizations if org.kind == "customer"]
        ctx.demo = dict(
            Organization.objects.filter(
                name__in=["Globex", "Initech", "Acme Cloud", "Umbrella Labs"]
            ).values_list("name", "pk")
        )
        # One Main Contact per organization (notices need a recipient).
        User = get_user_model()
        users = User.objects.bulk_create(
            [User(email=f"main{n:06d}@scale.example", password="!") for n in range(count + 1)],
            batch_size=5000,
        )
        Membership.objects.bulk_create(
            [
                Membership(user=user, organization=org, is_main_contact=True)
                for user, org in zip(users, organizations, strict=True)
            ],
            batch_size=5000,
        )
        ctx.say(f"  organizations: {count:,} ({partners:,} partners)")
