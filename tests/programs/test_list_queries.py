"""Every list is paginated and costs the same number of queries at 2 rows as at 30."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from programs import services
from programs.models import Enrollment, UpgradeRequest
from tests import factories
from tests.programs import builders


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def partners(count):
    made = []
    for n in range(count):
        org = factories.OrganizationFactory(kind="partner", name=f"Partner {n:03d}")
        factories.member(org, None, "main_contact")
        made.append(org)
    return made


STAFF_LISTS = {
    "staff_application_queue": lambda orgs: [builders.submitted_application(o) for o in orgs],
    "staff_partner_list": lambda orgs: [builders.enrollment(o) for o in orgs],
    "staff_watchlist": lambda orgs: [
        Enrollment.objects.filter(pk=builders.enrollment(o).pk).update(
            standing="at_risk", grace_ends_on=timezone.localdate(), unmet_requirements=["x"]
        )
        for o in orgs
    ],
    "staff_certification_queue": lambda orgs: [
        builders.certify(o, "basic_sales", status="pending") for o in orgs
    ],
    "staff_evidence_queue": lambda orgs: [
        services.submit_evidence(
            o, "website", actor=factories.UserFactory(is_staff=True), url="https://x.example"
        )
        for o in orgs
    ],
}


@pytest.mark.parametrize("name", sorted(STAFF_LISTS))
def test_staff_lists_cost_the_same_at_two_sizes(
    client, partner_manager, name, django_assert_max_num_queries
):
    client.force_login(partner_manager)
    STAFF_LISTS[name](partners(2))
    budget = queries(client, reverse(name))
    STAFF_LISTS[name](partners(28))
    with django_assert_max_num_queries(budget):
        response = client.get(reverse(name))
    page = response.content.decode()
    assert 'rel="next"' in page or name == "staff_watchlist_upgrades"


def test_agreement_versions_cost_the_same_at_two_sizes(
    client, partner_manager, django_assert_max_num_queries
):
    client.force_login(partner_manager)
    budget = queries(client, reverse("staff_agreement_versions"))
    for n in range(30):
        services.publish_agreement_version(actor=partner_manager, title=f"PA {n}", body="Text")
    with django_assert_max_num_queries(budget):
        client.get(reverse("staff_agreement_versions"))


PARTNER_LISTS = {
    "partner_certifications": lambda org, n: builders.certify(org, "basic_sales", n),
    "partner_reviews": lambda org, n: [builders.review_held(org, days_ago=d) for d in range(n)],
}


@pytest.mark.parametrize("name", sorted(PARTNER_LISTS))
def test_partner_lists_cost_the_same_at_two_sizes(
    client, acme, acme_main, name, django_assert_max_num_queries
):
    builders.enrollment(acme)
    client.force_login(acme_main)
    PARTNER_LISTS[name](acme, 2)
    budget = queries(client, reverse(name))
    PARTNER_LISTS[name](acme, 30)
    with django_assert_max_num_queries(budget):
        response = client.get(reverse(name))
    assert 'rel="next"' in response.content.decode()


def test_the_history_costs_the_same_at_two_sizes(
    client, acme, acme_main, partner_manager, django_assert_max_num_queries
):
    enrollment = builders.enrollment(acme)
    client.force_login(acme_main)
    url = reverse("partner_history", args=[enrollment.pk])
    services.suspend(enrollment, actor=partner_manager, reason="r")
    budget = queries(client, url)
    for _ in range(15):
        services.reinstate(enrollment, actor=partner_manager, reason="r")
        services.suspend(enrollment, actor=partner_manager, reason="r")
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert 'rel="next"' in response.content.decode()


def test_the_status_page_has_a_fixed_query_budget(
    client, acme, acme_main, partner_manager, django_assert_max_num_queries
):
    enrollment = builders.enrollment(acme, tier_code="strategic", track="sp")
    builders.meet_every_requirement(acme, tier_code="strategic", track="sp")
    client.force_login(acme_main)
    budget = queries(client, reverse("partner_status"))
    builders.certify(acme, "administrator", 20)
    for _ in range(10):
        services.suspend(enrollment, actor=partner_manager, reason="r")
        services.reinstate(enrollment, actor=partner_manager, reason="r")
    with django_assert_max_num_queries(budget):
        client.get(reverse("partner_status"))


def test_the_status_page_costs_the_same_for_two_enrollments_and_a_pending_upgrade(
    client, acme, acme_main, django_assert_max_num_queries
):
    builders.enrollment(acme)
    client.force_login(acme_main)
    client.get(reverse("partner_status"))  # the first page of a session saves it
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("partner_status"))
    standard = builders.enrollment(acme, "reseller", track="")
    UpgradeRequest.objects.create(
        enrollment=standard, to_tier=builders.tier("reseller", "strategic"), requested_by=acme_main
    )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("partner_status")).content.decode()
    assert "You asked for Strategic" in page
