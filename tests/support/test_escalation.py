"""A Solution Provider's L1/L2 team escalates an end customer's ticket to OpenNebula L3,
which can hand it back. Audited; needs Premium on the end customer's side."""

from django.urls import reverse

from accounts.models import AuditEvent
from support.models import SLAClock, Ticket
from tests.support.conftest import act_for
from tests.support.factories import live_subscription, open_ticket


def escalate(client, engineer, acme, ticket, reason="Needs a driver fix."):
    client.force_login(engineer)
    act_for(client, acme)
    return client.post(reverse("ticket_escalate", args=[ticket.pk]), {"reason": reason})


def test_the_sp_escalates_a_premium_end_customers_ticket_to_l3(
    client, clock, acme, acme_engineer, umbrella_ticket
):
    response = escalate(client, acme_engineer, acme, umbrella_ticket)
    assert response.status_code == 302
    umbrella_ticket.refresh_from_db()
    assert umbrella_ticket.level == Ticket.Level.L3
    assert (umbrella_ticket.escalated_by, umbrella_ticket.escalated_at) == (
        acme_engineer,
        clock.now,
    )
    event = AuditEvent.objects.get(action="ticket.escalated")
    assert (event.actor, event.organization) == (acme_engineer, umbrella_ticket.organization)
    assert event.changes["reason"] == "Needs a driver fix."
    first = umbrella_ticket.sla_clocks.get(target=SLAClock.Target.FIRST_RESPONSE)
    assert (first.due_at - clock.now).total_seconds() == 60 * 60  # Premium S1: 1 hour, 24x7


def test_an_escalated_ticket_enters_opennebulas_queue(
    client, acme, acme_engineer, umbrella_ticket, support_engineer
):
    client.force_login(support_engineer)
    assert umbrella_ticket.subject not in client.get(reverse("triage_queue")).content.decode()
    escalate(client, acme_engineer, acme, umbrella_ticket)
    client.force_login(support_engineer)
    page = client.get(reverse("triage_queue")).content.decode()
    assert umbrella_ticket.subject in page


def test_escalation_needs_premium_on_the_end_customers_side(client, acme, acme_engineer, umbrella):
    standard = live_subscription(umbrella, "standard", sold_by=acme)
    ticket = open_ticket(acme_engineer, umbrella, standard)
    client.force_login(acme_engineer)
    act_for(client, acme)
    page = client.get(reverse("ticket_escalate", args=[ticket.pk])).content.decode()
    assert "needs an active Premium subscription" in page
    escalate(client, acme_engineer, acme, ticket)
    ticket.refresh_from_db()
    assert ticket.level == Ticket.Level.PARTNER
    assert not AuditEvent.objects.filter(action="ticket.escalated").exists()


def test_direct_customers_have_no_escalation(client, globex_ticket, globex_tech1):
    client.force_login(globex_tech1)
    url = reverse("ticket_escalate", args=[globex_ticket.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_opennebula_hands_the_ticket_back_to_the_sp(
    client, acme, acme_engineer, umbrella_ticket, support_engineer
):
    escalate(client, acme_engineer, acme, umbrella_ticket)
    client.force_login(support_engineer)
    url = reverse("ticket_hand_back", args=[umbrella_ticket.pk])
    assert "Hand back" in client.get(url).content.decode()
    client.post(url, {"note": "Patched in 6.10.2; please roll it out."})
    umbrella_ticket.refresh_from_db()
    assert umbrella_ticket.level == Ticket.Level.PARTNER
    assert umbrella_ticket.sla_due_at is None
    assert not umbrella_ticket.sla_clocks.filter(state=SLAClock.State.RUNNING).exists()
    event = AuditEvent.objects.get(action="ticket.handed_back")
    assert event.actor == support_engineer
    client.force_login(acme_engineer)
    act_for(client, acme)
    assert "Patched in 6.10.2" in client.get(umbrella_ticket.get_absolute_url()).content.decode()


def test_the_sp_cannot_hand_back_and_customers_cannot_escalate_twice(
    client, acme, acme_engineer, umbrella_ticket
):
    escalate(client, acme_engineer, acme, umbrella_ticket)
    assert client.post(reverse("ticket_hand_back", args=[umbrella_ticket.pk])).status_code == 404
    assert escalate(client, acme_engineer, acme, umbrella_ticket).status_code == 404
    assert AuditEvent.objects.filter(action="ticket.escalated").count() == 1
