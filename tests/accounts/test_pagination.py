"""Lists are counted up to a cap: a page of a million rows costs what a page of ten
thousand costs (accounts.access.CappedPaginator)."""

from django.db import connection
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.access import CappedPaginator, paginate
from accounts.models import Organization
from tests import factories


def test_a_short_list_is_counted_exactly(db):
    factories.OrganizationFactory.create_batch(3)
    paginator = CappedPaginator(Organization.objects.all(), 2)
    assert (paginator.count, paginator.num_pages, paginator.capped) == (3, 2, False)


def test_a_list_longer_than_the_cap_is_counted_only_to_the_cap(db, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 5)
    factories.OrganizationFactory.create_batch(8)
    paginator = CappedPaginator(Organization.objects.all(), 2)
    with CaptureQueriesContext(connection) as queries:
        assert (paginator.count, paginator.num_pages, paginator.capped) == (5, 3, True)
    (count,) = queries.captured_queries
    assert "LIMIT 6" in count["sql"]


def test_the_page_says_there_are_more_pages_than_it_counted(db, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 5)
    factories.OrganizationFactory.create_batch(8)
    request = RequestFactory().get("/", {"page": "2"})
    page = paginate(request, Organization.objects.all(), 2)
    html = render_to_string("includes/pagination.html", {"page": page, "request": request})
    assert "Page 2 of more than 3" in html


def test_a_count_the_page_already_has_is_not_counted_again(db, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "COUNT_CAP", 5)
    factories.OrganizationFactory.create_batch(3)
    with CaptureQueriesContext(connection) as queries:
        exact = CappedPaginator(Organization.objects.all(), 2, known_count=3)
        assert (exact.count, exact.num_pages, exact.capped) == (3, 2, False)
    assert len(queries) == 0
    beyond = CappedPaginator(Organization.objects.all(), 2, known_count=9)
    assert (beyond.count, beyond.num_pages, beyond.capped) == (5, 3, True)
