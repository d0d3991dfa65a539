"""At 80% of a target the assignee (or the queue) is alerted, once per ticket and target;
a breach is alerted once too. Periodic, through Celery beat, safe to run twice."""

from django.conf import settings

from accounts.models import Notification
from partnerportal.celery import app
from support import services, tasks
from tests.support.factories import membership


def alerts(template="support/sla_warning"):
    return list(Notification.objects.filter(template=template).order_by("id"))


def test_the_beat_schedule_runs_the_alerts():
    entry = settings.CELERY_BEAT_SCHEDULE["support-sla-alerts"]
    assert entry["task"] == "support.tasks.alert_sla_risks"
    assert entry["task"] in app.tasks
    assert settings.CELERY_BEAT_SCHEDULE["support-close-resolved"]["task"] in app.tasks


def test_no_alert_before_80_percent(clock, globex_ticket):
    clock.advance(minutes=191)  # Premium S2 first response: 240 min, 80% = 192
    assert services.send_sla_warnings() == 0


def test_the_queue_is_alerted_once_at_80_percent_of_an_unassigned_ticket(clock, globex_ticket):
    clock.advance(minutes=192)
    tasks.alert_sla_risks()
    tasks.alert_sla_risks()
    [warning] = alerts()
    assert warning.recipient == settings.SUPPORT_QUEUE_EMAIL
    assert "80% of the first response target" in warning.subject
    assert "claim it from the triage queue" in warning.body


def test_the_assignee_is_alerted_instead_when_someone_holds_the_ticket(
    clock, globex_ticket, support_engineer
):
    services.claim_ticket(globex_ticket, actor=support_engineer)
    clock.advance(minutes=200)
    services.send_sla_warnings()
    assert [n.recipient for n in alerts()] == [support_engineer.email]


def test_each_target_is_alerted_once(clock, vendor, globex_ticket, support_engineer):
    clock.advance(minutes=200)
    services.send_sla_warnings()
    services.add_comment(
        globex_ticket,
        actor=support_engineer,
        membership=membership(support_engineer, vendor),
        body="Looking.",
    )
    clock.advance(hours=60)  # past 80% of the 72-hour resolution target
    services.send_sla_warnings()
    services.send_sla_warnings()
    assert ["First response" in n.subject or "first response" in n.subject for n in alerts()] == [
        True,
        False,
    ]
    assert "resolution" in alerts()[1].subject


def test_a_paused_ticket_is_not_alerted(clock, vendor, globex_ticket, support_engineer):
    services.add_comment(
        globex_ticket,
        actor=support_engineer,
        membership=membership(support_engineer, vendor),
        body="Send logs please.",
        wait=True,
    )
    clock.advance(days=10)
    assert services.send_sla_warnings() == 0
    assert services.send_sla_breach_alerts() == 0


def test_a_breach_is_alerted_once(clock, globex_ticket):
    clock.advance(minutes=241)
    tasks.alert_sla_risks()
    tasks.alert_sla_risks()
    assert len(alerts("support/sla_breach")) == 1
