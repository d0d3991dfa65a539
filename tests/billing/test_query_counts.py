"""The invoice lists cost the same number of queries at 10 and at 1,000 invoices."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing.models import Invoice
from tests.billing import factories as billing


def many_invoices(organization, count, *, first=0):
    us = billing.entity("US")
    Invoice.objects.bulk_create(
        Invoice(
            entity=us,
            organization=organization,
            status=Invoice.Status.PAID if n % 2 else Invoice.Status.ISSUED,
            number=f"US-Q{organization.pk}-{n:06d}",
            currency="USD",
            subtotal=Decimal("100.00"),
            total=Decimal("100.00"),
            issued_on=date(2026, 1, 1) + timedelta(days=n % 300),
            due_on=date(2026, 2, 1),
        )
        for n in range(first, first + count)
    )


def queries_for(client, url, **params):
    client.get(url, params)  # warm the per-process caches (content types, templates)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"status": "paid", "year": "2026"}])
def test_the_billing_portal_list_costs_the_same_at_10_and_1000(
    client, globex, globex_main, initech, params
):
    client.force_login(globex_main)
    many_invoices(globex, 10)
    at_10 = queries_for(client, reverse("billing_invoices"), **params)
    many_invoices(globex, 990, first=10)
    many_invoices(initech, 1000)  # and another organization's
    at_1000 = queries_for(client, reverse("billing_invoices"), **params)
    assert Invoice.objects.filter(organization=globex).count() == 1000
    assert at_10 == at_1000


def test_the_staff_list_costs_the_same_at_10_and_1000(client, globex, initech, billing_clerk):
    client.force_login(billing_clerk)
    many_invoices(globex, 10)
    at_10 = queries_for(client, reverse("staff_invoices"))
    many_invoices(initech, 990)
    at_1000 = queries_for(client, reverse("staff_invoices"))
    assert at_10 == at_1000
