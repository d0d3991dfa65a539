"""Scale data for benchmarks: `manage.py seed_scale --orgs 10000 --subscriptions 100000
--tickets 1000000 --invoices 300000`.

Deterministic (one seeded random generator), on top of the demo data (run seed_demo
first): the demo organizations get their share of the rows, so every demo account
loads its pages at scale. Each app adds its rows in `<app>/scale.py`; the big tables
are loaded with PostgreSQL's COPY (`ScaleContext.copy`), the others in bulk batches.
Run it once on a benchmark database; a second run refuses. PostgreSQL only.
"""

import random
import time
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from accounts.models import Membership, Organization

SCALE_APPS = ["subscriptions", "billing", "programs", "support"]
SCALE_MARKER = "Scale customer 000000"
# One scale customer in END_CUSTOMER_SHARE is a Solution Provider's end customer.
END_CUSTOMER_SHARE = 20
# Acme Cloud (the demo Solution Provider) gets this many scale end customers.
ACME_END_CUSTOMERS = 40


@dataclass
class ScaleContext:
    rng: random.Random
    options: dict
    customers: list = field(default_factory=list)  # organization ids
    partners: list = field(default_factory=list)
    demo: dict = field(default_factory=dict)  # demo organization name -> id
    countries: dict = field(default_factory=dict)  # organization id -> country
    managed_by: dict = field(default_factory=dict)  # end customer id -> its SP's id
    # organization id -> user ids of its people (main contact first)
    people: dict = field(default_factory=dict)
    stdout: object = None

    def say(self, message):
        if self.stdout:
            self.stdout.write(message)

    def pick_customer(self, demo_share=0.05):
        """Mostly scale customers; a share of the rows lands on the demo customers."""
        if self.demo and self.rng.random() < demo_share:
            return self.rng.choice([self.demo["Globex"], self.demo["Initech"]])
        return self.rng.choice(self.customers)

    def reserve_ids(self, model, count):
        """The first of `count` consecutive primary keys taken from the model's sequence,
        so rows loaded by COPY can be referred to before they exist."""
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s, nextval(%s) + %s - 1)", [sequence, sequence, count])
            last = cursor.fetchone()[0]
        return last - count + 1

    def copy(self, model, fields, rows):
        """Load `rows` (tuples in the order of `fields`) with COPY; returns how many."""
        columns = ", ".join(model._meta.get_field(name).column for name in fields)
        count = 0
        with connection.cursor() as cursor:
            sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows:
                    copy.write_row(row)
                    count += 1
        return count


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("--orgs", type=int, default=10_000)
        parser.add_argument("--subscriptions", type=int, default=100_000)
        parser.add_argument("--tickets", type=int, default=1_000_000)
        parser.add_argument("--invoices", type=int, default=300_000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--pdfs", type=int, default=25, help="invoice PDFs rendered per demo customer"
        )

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError("seed_scale loads with COPY: run it on PostgreSQL.")
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
        scale = organizations[:-1]  # not the marker
        ctx.partners = [org.pk for org in scale if org.kind == "partner"]
        ctx.customers = [org.pk for org in scale if org.kind == "customer"]
        ctx.countries = {org.pk: org.country for org in organizations}
        ctx.demo = dict(
            Organization.objects.filter(
                name__in=["Globex", "Initech", "Acme Cloud", "Umbrella Labs"]
            ).values_list("name", "pk")
        )
        self.seed_end_customers(ctx)
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
        ctx.people = {org.pk: [user.pk] for user, org in zip(users, organizations, strict=True)}
        for membership in (
            Membership.objects.filter(organization_id__in=ctx.demo.values())
            .order_by("-is_main_contact", "user__email")
            .values("organization_id", "user_id")
        ):
            ctx.people.setdefault(membership["organization_id"], []).append(membership["user_id"])
        ctx.say(f"  organizations: {count:,} ({partners:,} partners)")

    def seed_end_customers(self, ctx):
        """Solution Providers' end customers: one scale customer in 20 belongs to a scale
        partner, and the first ACME_END_CUSTOMERS to Acme Cloud (the demo SP)."""
        solution_providers = ctx.partners[: max(1, len(ctx.partners) // 4)]
        acme = ctx.demo.get("Acme Cloud")
        for n, customer in enumerate(ctx.customers):
            if acme and n < ACME_END_CUSTOMERS:
                ctx.managed_by[customer] = acme
            elif n % END_CUSTOMER_SHARE == 0 and solution_providers:
                ctx.managed_by[customer] = ctx.rng.choice(solution_providers)
        by_partner = {}
        for customer, partner in ctx.managed_by.items():
            by_partner.setdefault(partner, []).append(customer)
        for partner, customers in by_partner.items():
            Organization.objects.filter(pk__in=customers).update(managed_by=partner)
