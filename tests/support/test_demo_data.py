"""The support demo data of issue 6 (§8)."""

from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import AuditEvent
from support.models import Article, Ticket


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=StringIO())


def test_tech1_has_an_open_severity_2_ticket_with_a_reply_and_an_internal_note(demo):
    ticket = Ticket.objects.get(subject="Live migration fails on globex-prod")
    assert (ticket.opened_by.email, ticket.severity, ticket.status) == (
        "tech1@globex.example",
        2,
        "open",
    )
    assert ticket.deployment.name == "globex-prod"
    public = ticket.comments.filter(is_internal=False)
    internal = ticket.comments.filter(is_internal=True)
    assert public.count() == 1
    assert internal.count() == 1
    assert "INTERNAL-ONLY-7f3a" in internal.get().body


def test_tech2_has_sunstone_login_slow(demo):
    assert (
        Ticket.objects.get(subject="Sunstone login slow").opened_by.email == "tech2@globex.example"
    )


def test_umbrella_labs_has_a_ticket_escalated_by_acme_to_l3(demo):
    ticket = Ticket.objects.get(organization__name="Umbrella Labs")
    assert ticket.level == Ticket.Level.L3
    event = AuditEvent.objects.get(action="ticket.escalated", target_id=str(ticket.pk))
    assert event.actor.email == "main@acme.example"
    assert event.changes["partner"] == "Acme Cloud"


def test_published_articles_for_each_audience(demo):
    for audience in Article.Audience.values:
        assert Article.objects.published().filter(audience=audience).count() >= 2
