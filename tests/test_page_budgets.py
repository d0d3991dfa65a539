"""Issue 8's query budget: every page `make bench` drives costs at most 12 queries, and
the same number with the demo data alone as with scale data loaded on top.

Also the scale data itself: `seed_scale` loads every app's rows on PostgreSQL, gives
the demo organizations their share, and numbers invoices without a clash.
"""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scripts.bench.pages import PAGES

BUDGET = 12
SMALL_SCALE = {"orgs": 60, "subscriptions": 400, "tickets": 3000, "invoices": 800, "pdfs": 1}


def page_queries(client):
    counts = {}
    for role, name, url_name, lookup, query in PAGES:
        client.force_login(get_user_model().objects.get(email=role))
        path = reverse(url_name, kwargs=lookup() if lookup else {}) + query
        client.get(path)  # the first page of a session saves it
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, name
        counts[name] = len(captured)
    return counts


@pytest.mark.postgres
def test_benchmarked_pages_cost_at_most_12_queries_at_demo_and_at_scale_size(
    client, db, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=StringIO())
    at_demo = page_queries(client)
    call_command("seed_scale", **SMALL_SCALE, stdout=StringIO())
    at_scale = page_queries(client)
    assert at_scale == at_demo
    assert max(at_scale.values()) <= BUDGET, at_scale


@pytest.mark.postgres
def test_scale_data_gives_the_demo_organizations_a_share_and_unique_invoice_numbers(db):
    from billing.models import Invoice
    from subscriptions.models import Subscription
    from support.models import Ticket

    call_command("seed_demo", stdout=StringIO())
    demo = {"organization__name__in": ["Globex", "Initech"]}
    demo_invoices, demo_tickets = (
        Invoice.objects.filter(**demo).count(),
        Ticket.objects.filter(**demo).count(),
    )
    call_command("seed_scale", **SMALL_SCALE, stdout=StringIO())
    assert Subscription.objects.count() >= SMALL_SCALE["subscriptions"]
    assert Ticket.objects.count() >= SMALL_SCALE["tickets"]
    assert Invoice.objects.filter(**demo).count() > demo_invoices
    assert Ticket.objects.filter(**demo).count() > demo_tickets
    clashes = (
        Invoice.objects.exclude(number=None)
        .values("number")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
    )
    assert not clashes.exists()
    with pytest.raises(Exception, match="already loaded"):
        call_command("seed_scale", **SMALL_SCALE, stdout=StringIO())
