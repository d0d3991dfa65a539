"""new → open → waiting on customer → resolved → closed, and reopening within the window."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from support import services
from support.models import Ticket
from tests.support.factories import membership


def engineer_reply(ticket, engineer, vendor, **kwargs):
    return services.add_comment(
        ticket, actor=engineer, membership=membership(engineer, vendor), body="Hello", **kwargs
    )


def resolve(ticket, engineer, vendor):
    return services.resolve_ticket(
        ticket, actor=engineer, membership=membership(engineer, vendor), message="Done."
    )


def test_the_first_public_answer_opens_a_new_ticket(vendor, globex_ticket, support_engineer):
    engineer_reply(globex_ticket, support_engineer, vendor)
    globex_ticket.refresh_from_db()
    assert globex_ticket.status == Ticket.Status.OPEN
    assert AuditEvent.objects.filter(action="ticket.opened_by_support").exists()


def test_a_customer_reply_brings_a_waiting_ticket_back_to_open(
    client, vendor, globex_ticket, globex_tech1, support_engineer
):
    engineer_reply(globex_ticket, support_engineer, vendor, wait=True)
    globex_ticket.refresh_from_db()
    assert globex_ticket.status == Ticket.Status.WAITING
    client.force_login(globex_tech1)
    client.post(
        reverse("ticket_comment", args=[globex_ticket.pk]),
        {"body": "Here you are.", "visibility": "public"},
    )
    globex_ticket.refresh_from_db()
    assert globex_ticket.status == Ticket.Status.OPEN


def test_the_engineer_resolves_and_the_customer_reopens_by_replying_within_the_window(
    client, clock, vendor, globex_ticket, globex_tech1, support_engineer
):
    client.force_login(support_engineer)
    client.post(reverse("ticket_resolve", args=[globex_ticket.pk]), {"message": "Fixed."})
    globex_ticket.refresh_from_db()
    assert globex_ticket.status == Ticket.Status.RESOLVED
    clock.advance(days=13)
    client.force_login(globex_tech1)
    page = client.get(globex_ticket.get_absolute_url()).content.decode()
    assert "Reply and reopen" in page
    client.post(
        reverse("ticket_comment", args=[globex_ticket.pk]),
        {"body": "Still broken.", "visibility": "public"},
    )
    globex_ticket.refresh_from_db()
    assert globex_ticket.status == Ticket.Status.OPEN
    assert globex_ticket.resolved_at is None
    assert AuditEvent.objects.filter(action="ticket.reopened", actor=globex_tech1).exists()


def test_after_the_reopen_window_the_ticket_cannot_be_reopened(
    client, clock, vendor, globex_ticket, globex_tech1, support_engineer
):
    resolve(globex_ticket, support_engineer, vendor)
    clock.advance(days=15)
    client.force_login(globex_tech1)
    page = client.get(globex_ticket.get_absolute_url()).content.decode()
    assert "The reopen window has passed" in page
    client.post(
        reverse("ticket_comment", args=[globex_ticket.pk]),
        {"body": "Still broken.", "visibility": "public"},
    )
    globex_ticket.refresh_from_db()
    assert globex_ticket.status == Ticket.Status.RESOLVED
    assert globex_ticket.comments.filter(body="Still broken.").count() == 0


def test_resolved_tickets_close_after_the_window_once(
    clock, vendor, globex_ticket, support_engineer
):
    resolve(globex_ticket, support_engineer, vendor)
    clock.advance(days=13)
    assert services.close_resolved_tickets() == 0
    clock.advance(days=2)
    assert services.close_resolved_tickets() == 1
    assert services.close_resolved_tickets() == 0
    globex_ticket.refresh_from_db()
    assert globex_ticket.status == Ticket.Status.CLOSED


def test_the_customer_closes_a_ticket_after_confirming(client, globex_ticket, globex_tech1):
    client.force_login(globex_tech1)
    url = reverse("ticket_close", args=[globex_ticket.pk])
    assert "Yes, close it" in client.get(url).content.decode()
    globex_ticket.refresh_from_db()
    assert globex_ticket.status == Ticket.Status.NEW, "a GET changes nothing"
    client.post(url)
    globex_ticket.refresh_from_db()
    assert globex_ticket.status == Ticket.Status.CLOSED
    assert not globex_ticket.sla_clocks.filter(state="running").exists()


def test_a_closed_ticket_takes_no_more_comments(client, globex_ticket, globex_tech1):
    services.close_ticket(
        globex_ticket,
        actor=globex_tech1,
        membership=membership(globex_tech1, globex_ticket.organization),
    )
    client.force_login(globex_tech1)
    client.post(
        reverse("ticket_comment", args=[globex_ticket.pk]),
        {"body": "Hello?", "visibility": "public"},
    )
    assert not globex_ticket.comments.exists()


def test_a_closed_ticket_cannot_be_resolved(vendor, globex_ticket, globex_tech1, support_engineer):
    services.close_ticket(
        globex_ticket,
        actor=globex_tech1,
        membership=membership(globex_tech1, globex_ticket.organization),
    )
    with pytest.raises(services.InvalidTransition, match="closed cannot be resolved"):
        resolve(globex_ticket, support_engineer, vendor)


def test_the_status_machine_refuses_moves_it_does_not_allow(globex_ticket, globex_tech1):
    globex_ticket.status = Ticket.Status.CLOSED
    with pytest.raises(services.InvalidTransition):
        services._move(
            globex_ticket, Ticket.Status.OPEN, actor=globex_tech1, action="reopened", now=None
        )


def test_customers_cannot_resolve(client, globex_ticket, globex_tech1):
    client.force_login(globex_tech1)
    url = reverse("ticket_resolve", args=[globex_ticket.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_past_tickets_stay_readable_without_an_active_subscription(
    client, globex_ticket, globex_premium, globex_tech1
):
    globex_premium.status = "expired"
    globex_premium.save()
    client.force_login(globex_tech1)
    response = client.get(globex_ticket.get_absolute_url())
    assert response.status_code == 200
    assert "has no active subscription" in response.content.decode()
    client.post(
        reverse("ticket_comment", args=[globex_ticket.pk]),
        {"body": "Hello?", "visibility": "public"},
    )
    assert not globex_ticket.comments.exists()
