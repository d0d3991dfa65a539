"""Celery entry points of the partner program: thin, idempotent, calling services."""

from celery import shared_task

from programs import compliance


@shared_task
def evaluate_partner_compliance():
    """Nightly (CELERY_BEAT_SCHEDULE): mark partners out of their tier at risk, once."""
    return compliance.evaluate_compliance().as_dict()
