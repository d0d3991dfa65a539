"""The support engineers' queue: unassigned and mine, by time to breach, filters, claim,
assign, bulk assign, counts; and the same number of queries at 10 and 10,000 tickets."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent, User
from support import services
from support.models import Ticket
from tests import factories
from tests.support.factories import live_subscription, membership, open_ticket


def queue(client, **params):
    return client.get(reverse("triage_queue"), params)


def listed(response):
    return [ticket.subject for ticket in response.context["tickets"]]


@pytest.fixture
def three_tickets(globex, globex_tech1, globex_premium):
    """Severity 3, 1 and 2 (Premium first response: 480, 60 and 240 minutes)."""
    return [
        open_ticket(globex_tech1, globex, severity=severity, subject=f"Severity {severity}")
        for severity in (3, 1, 2)
    ]


def test_only_support_engineers_reach_the_queue(client, vendor, globex_tech1, globex_premium):
    billing_staff = factories.staff_member(vendor, "billing@opennebula.example", "Billing")
    for person in (globex_tech1, billing_staff):
        client.force_login(person)
        assert queue(client).status_code == 404


def test_the_queue_is_sorted_by_time_to_breach_with_waiting_tickets_last(
    client, vendor, three_tickets, support_engineer
):
    services.add_comment(
        three_tickets[1],
        actor=support_engineer,
        membership=membership(support_engineer, vendor),
        body="Please send the logs.",
        wait=True,
    )
    client.force_login(support_engineer)
    assert listed(queue(client, view="all")) == ["Severity 2", "Severity 3", "Severity 1"]
    assert "Paused" in queue(client, view="all").content.decode()


def test_unassigned_and_mine(client, three_tickets, support_engineer):
    services.claim_ticket(three_tickets[0], actor=support_engineer)
    client.force_login(support_engineer)
    assert listed(queue(client)) == ["Severity 1", "Severity 2"]
    assert listed(queue(client, view="mine")) == ["Severity 3"]
    counts = queue(client).context["counts"]
    assert (counts["unassigned"], counts["mine"], counts["all"]) == (2, 1, 3)


def test_filters(client, initech, initech_main, initech_standard, three_tickets, support_engineer):
    open_ticket(initech_main, initech, severity=1, subject="Initech down")
    client.force_login(support_engineer)
    assert listed(queue(client, view="all", severity=1)) == ["Severity 1", "Initech down"]
    assert listed(queue(client, view="all", plan=initech_standard.plan.pk)) == ["Initech down"]
    assert listed(queue(client, view="all", organization="inite")) == ["Initech down"]
    assert listed(queue(client, view="all", status="open")) == []
    services.claim_ticket(three_tickets[0], actor=support_engineer)
    assert listed(queue(client, view="all", assignee=support_engineer.pk)) == ["Severity 3"]


def test_the_queue_counts_breached_tickets(client, clock, three_tickets, support_engineer):
    clock.advance(minutes=90)
    client.force_login(support_engineer)
    response = queue(client)
    assert response.context["counts"]["breached"] == 1
    assert "Breached 30 min ago" in response.content.decode()


def test_an_engineer_claims_a_ticket_from_the_queue(client, three_tickets, support_engineer):
    client.force_login(support_engineer)
    ticket = three_tickets[1]
    response = client.post(
        reverse("ticket_claim", args=[ticket.pk]), {"next": reverse("triage_queue")}
    )
    assert response.url == reverse("triage_queue")
    ticket.refresh_from_db()
    assert ticket.assignee == support_engineer
    assert AuditEvent.objects.filter(action="ticket.claimed", actor=support_engineer).exists()


def test_claiming_never_redirects_off_site(client, three_tickets, support_engineer):
    client.force_login(support_engineer)
    response = client.post(
        reverse("ticket_claim", args=[three_tickets[0].pk]), {"next": "https://evil.example/"}
    )
    assert response.url == three_tickets[0].get_absolute_url()


def test_an_engineer_assigns_a_ticket_to_a_colleague(
    client, three_tickets, support_engineer, other_engineer
):
    client.force_login(support_engineer)
    client.post(
        reverse("ticket_assign", args=[three_tickets[0].pk]), {"assignee": other_engineer.pk}
    )
    three_tickets[0].refresh_from_db()
    assert three_tickets[0].assignee == other_engineer
    event = AuditEvent.objects.get(action="ticket.assigned")
    assert event.changes["assignee"] == other_engineer.email


def test_tickets_are_assigned_only_to_support_engineers(
    client, vendor, three_tickets, support_engineer
):
    sales = factories.staff_member(vendor, "sales@opennebula.example")
    client.force_login(support_engineer)
    client.post(reverse("ticket_assign", args=[three_tickets[0].pk]), {"assignee": sales.pk})
    three_tickets[0].refresh_from_db()
    assert three_tickets[0].assignee is None


def test_the_ticket_page_offers_every_engineer_without_loading_each_one(
    client, vendor, three_tickets, support_engineer, other_engineer
):
    ticket = three_tickets[0]
    services.assign_ticket(ticket, other_engineer, actor=support_engineer)
    client.force_login(support_engineer)

    def users_built_for_the_page():
        built = []
        counter = lambda **kwargs: built.append(kwargs["instance"])  # noqa: E731
        post_init.connect(counter, sender=User)
        try:
            response = client.get(ticket.get_absolute_url())
        finally:
            post_init.disconnect(counter, sender=User)
        return response, len(built)

    response, before = users_built_for_the_page()
    label = f"{other_engineer.full_name} ({other_engineer.email})"
    assert f'<option value="{other_engineer.pk}" selected>{label}</option>' in response.text
    for n in range(10):
        factories.staff_member(vendor, f"engineer{n}@opennebula.example", "Support engineers")
    response, after = users_built_for_the_page()
    assert response.text.count("@opennebula.example)</option>") == 12
    assert after == before


def test_bulk_assign(client, three_tickets, support_engineer, other_engineer):
    client.force_login(support_engineer)
    chosen = [three_tickets[0].pk, three_tickets[2].pk]
    client.post(reverse("triage_bulk_assign"), {"tickets": chosen, "assignee": other_engineer.pk})
    assigned = Ticket.objects.filter(assignee=other_engineer).values_list("pk", flat=True)
    assert sorted(assigned) == sorted(chosen)
    assert AuditEvent.objects.filter(action="ticket.assigned").count() == 2


def test_customers_cannot_claim(client, three_tickets, globex_tech1):
    client.force_login(globex_tech1)
    assert client.post(reverse("ticket_claim", args=[three_tickets[0].pk])).status_code == 404
    assert (
        client.post(reverse("triage_bulk_assign"), {"tickets": [three_tickets[0].pk]}).status_code
        == 404
    )


def make_tickets(count, organizations, engineer):
    now = timezone.now()
    Ticket.objects.bulk_create(
        [
            Ticket(
                organization=organizations[n % len(organizations)][0],
                subscription=organizations[n % len(organizations)][1],
                severity=1 + n % 4,
                subject=f"Ticket {n}",
                description="…",
                status=("new", "open", "waiting")[n % 3],
                assignee=engineer if n % 5 == 0 else None,
                sla_due_at=None if n % 3 == 2 else now + timedelta(minutes=n % 977 - 100),
                created_at=now,
                updated_at=now,
            )
            for n in range(count)
        ],
        batch_size=2000,
    )


@pytest.mark.postgres
def test_the_queue_runs_the_same_number_of_queries_at_10_and_10000_tickets(
    client, support_engineer, other_engineer
):
    organizations = []
    for n, plan in enumerate(["premium", "standard", "premium-eu", "standard-eu", "premium"]):
        organization = factories.OrganizationFactory(name=f"Customer {n}")
        organizations.append((organization, live_subscription(organization, plan)))
    client.force_login(support_engineer)
    queue(client, view="all")  # warm the session and caches

    def queries(**params):
        with CaptureQueriesContext(connection) as captured:
            response = queue(client, **params)
        assert response.status_code == 200
        return len(captured)

    make_tickets(10, organizations, other_engineer)
    small = {view: queries(view=view) for view in ("unassigned", "mine", "all")}
    small_filtered = queries(view="all", severity=1, plan=organizations[0][1].plan.pk)
    make_tickets(9990, organizations, other_engineer)
    assert Ticket.objects.count() == 10_000
    large = {view: queries(view=view) for view in ("unassigned", "mine", "all")}
    large_filtered = queries(view="all", severity=1, plan=organizations[0][1].plan.pk)
    print(f"\ntriage queue queries at 10 tickets: {small}, filtered {small_filtered}")
    print(f"triage queue queries at 10,000 tickets: {large}, filtered {large_filtered}")
    assert small == large
    assert small_filtered == large_filtered


def test_a_tabs_pages_come_from_the_tab_counts_without_counting_the_list_again(
    client, globex, globex_premium, support_engineer, other_engineer
):
    make_tickets(60, [(globex, globex_premium)], other_engineer)  # 12 assigned, 48 not
    client.force_login(support_engineer)
    with CaptureQueriesContext(connection) as captured:
        response = queue(client, view="unassigned")
    page = response.context["tickets"]
    assert (page.paginator.count, page.paginator.num_pages) == (48, 2)
    assert "Page 1 of 2" in response.content.decode()
    assert not [q for q in captured if q["sql"].startswith("SELECT COUNT(*) FROM (SELECT")]

    filtered = queue(client, view="unassigned", severity=1).context["tickets"]
    assert filtered.paginator.count == 12  # a filter is counted on its own
