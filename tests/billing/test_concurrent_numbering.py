"""Two billing staff issue at the same moment: each invoice gets its own number and
the series has no gap and no duplicate (PostgreSQL row lock on the sequence)."""

import threading

import pytest
from django.db import connection

from billing import services
from billing.models import Invoice
from tests import factories
from tests.billing import factories as billing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def issue_together(invoices):
    barrier = threading.Barrier(len(invoices))
    errors = []

    def issue(invoice):
        try:
            barrier.wait(timeout=10)
            services.issue_invoice(invoice, actor=None)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=issue, args=(invoice,)) for invoice in invoices]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []


@pytest.mark.parametrize("already_issued", [0, 1], ids=["first-of-the-year", "series-running"])
def test_invoices_issued_at_the_same_moment_get_consecutive_numbers(already_issued):
    globex = factories.OrganizationFactory(name="Globex")
    for _ in range(already_issued):
        billing.issued(globex)
    drafts = [billing.draft(globex) for _ in range(3)]
    issue_together(drafts)
    year = Invoice.objects.first().issued_on.year
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == [f"US-{year}-{n:06d}" for n in range(1, already_issued + 4)]


def test_the_same_draft_issued_twice_at_once_is_issued_once():
    globex = factories.OrganizationFactory(name="Globex")
    invoice = billing.draft(globex)
    barrier = threading.Barrier(2)
    outcomes = []

    def issue():
        try:
            barrier.wait(timeout=10)
            services.issue_invoice(invoice, actor=None)
            outcomes.append("issued")
        except services.InvalidTransition:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=issue) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["issued", "refused"]
    assert Invoice.objects.get().number.endswith("-000001")
