"""Periodic support work (CELERY_BEAT_SCHEDULE). Each task is safe to run twice:
alerts are keyed per SLA clock in the outbox, closing re-checks the status."""

from celery import shared_task

from support import services


@shared_task
def alert_sla_risks():
    return {
        "warnings": services.send_sla_warnings(),
        "breaches": services.send_sla_breach_alerts(),
    }


@shared_task
def close_resolved_tickets():
    return services.close_resolved_tickets()
