from celery import shared_task
from django.conf import settings

from accounts import outbox
from accounts.models import Notification


@shared_task(bind=True, acks_late=True, max_retries=None)
def send_notification(self, notification_id):
    status = outbox.deliver(notification_id)
    if status == Notification.Status.QUEUED:
        # A transport error that still has attempts left: back off and retry.
        attempts = Notification.objects.values_list("attempts", flat=True).get(pk=notification_id)
        if attempts < settings.OUTBOX_MAX_ATTEMPTS:
            raise self.retry(countdown=min(30 * 2 ** (attempts - 1), 1800))
    return status


@shared_task(acks_late=True)
def send_notifications(notification_ids):
    """Bulk notices (e.g. renewal notices): one task per batch. A row that fails
    stays queued with its attempt counted; the stale sweeper queues it again."""
    return [outbox.deliver(notification_id) for notification_id in notification_ids]


@shared_task
def requeue_stale_notifications():
    return outbox.requeue_stale()
