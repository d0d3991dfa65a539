from celery import shared_task

from subscriptions import services


@shared_task
def daily_subscription_run():
    """Activate started terms, queue renewal notices, expire ended terms. Safe to run twice."""
    return {
        "activated": services.activate_started(),
        "renewal_notices": services.queue_renewal_notices(),
        "expired": services.expire_ended(),
    }
