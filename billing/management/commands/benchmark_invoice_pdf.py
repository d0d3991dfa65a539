"""Time the invoice PDF render: `python manage.py benchmark_invoice_pdf [--runs N]`.

Renders a realistic invoice (letterhead, address, five lines, totals, payment
instructions) N times in one process and prints the first render and the
median of the others (wall and CPU time). Nothing is written: the invoice is built in a
transaction that is rolled back. Budget: under 300 ms.
"""

import statistics
import time
from datetime import date
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import Organization
from billing.models import Invoice, InvoiceLine
from billing.pdf import render_invoice_pdf
from billing.reference_data import ensure_reference_data

BUDGET_MS = 300


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Render an invoice PDF N times and print the median render time."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=30)

    def handle(self, *args, runs, **options):
        try:
            with transaction.atomic():
                invoice, lines = sample_invoice()
                timings, cpu = [], []
                for _ in range(runs + 1):
                    started, started_cpu = time.perf_counter(), time.process_time()
                    pdf = render_invoice_pdf(invoice, lines)
                    timings.append((time.perf_counter() - started) * 1000)
                    cpu.append((time.process_time() - started_cpu) * 1000)
                raise Rollback
        except Rollback:
            pass
        first, rest = timings[0], timings[1:]
        median = statistics.median(rest)
        self.stdout.write(
            f"invoice PDF ({len(pdf):,} bytes): first render {first:.0f} ms; "
            f"median of {len(rest)} more {median:.0f} ms "
            f"(min {min(rest):.0f}, max {max(rest):.0f}); budget {BUDGET_MS} ms. "
            f"CPU time median {statistics.median(cpu[1:]):.0f} ms (wall time grows on a busy host)"
        )
        if median > BUDGET_MS:
            self.stderr.write(self.style.ERROR("Over budget."))


def sample_invoice():
    ensure_reference_data()
    from billing.models import IssuingEntity

    customer = Organization.objects.create(
        kind=Organization.Kind.CUSTOMER,
        name="Benchmark Corp",
        legal_name="Benchmark Corporation",
        address="1 Benchmark Way\nSpringfield, IL 62701\nUnited States",
        country="US",
    )
    entity = IssuingEntity.objects.get(code="US")
    invoice = Invoice.objects.create(
        entity=entity,
        organization=customer,
        currency="USD",
        purchase_order="PO-BENCH-1",
        issued_on=date(2026, 3, 1),
        due_on=date(2026, 3, 31),
        number=None,
        issuer_name=entity.name,
        issuer_address=entity.address,
        bill_to_name=customer.legal_name,
        bill_to_address=customer.address,
        subtotal=Decimal("52600.00"),
        total=Decimal("52600.00"),
    )
    invoice.number = "US-2026-000999"  # in memory only: shown on the PDF
    lines = [
        InvoiceLine(
            invoice=invoice,
            description=f"Premium subscription, deployment {n}, 1 Mar 2026 – 1 Mar 2027",
            quantity=Decimal("5"),
            unit_price=Decimal("2000.00"),
            discount_percent=Decimal("0"),
            amount=Decimal("10000.00"),
        )
        for n in range(1, 5)
    ]
    lines.append(
        InvoiceLine(
            invoice=invoice,
            description="Administrator certification training, 2 seats",
            quantity=Decimal("2"),
            unit_price=Decimal("1300.00"),
            discount_percent=Decimal("0"),
            amount=Decimal("2600.00"),
        )
    )
    return invoice, lines
