"""The notification outbox: every email is first a row, then a task.

`notify()` renders the message and writes the row in the caller's transaction;
the send task is queued only after that transaction commits. If the broker is
down the row simply waits: the periodic `requeue_stale_notifications` picks it
up once the broker answers again.
"""

import functools
import logging
import uuid

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import Notification

logger = logging.getLogger(__name__)


def notify(recipient, template, context=None, *, key, organization=None, sensitive=False):
    """Queue the email `template` to `recipient` once per `key`.

    `template` names `templates/email/<template>_subject.txt`, `_body.txt` and,
    if present, `_body.html`. `context` must be JSON-serialisable: it is kept
    on the row so staff can see what was sent, unless `sensitive` (the body
    carries a secret link), when staff see only that it was sent.
    """
    context = dict(context or {})
    existing = Notification.objects.filter(idempotency_key=key).first()
    if existing:
        return existing
    subject, body, html_body = render_email(template, context)
    return enqueue(
        recipient=recipient,
        template=template,
        context=context,
        subject=subject,
        body=body,
        html_body=html_body,
        key=key,
        organization=organization,
        is_sensitive=sensitive,
    )


def enqueue(
    *,
    recipient,
    template,
    subject,
    body,
    key,
    html_body="",
    context=None,
    organization=None,
    is_sensitive=False,
):
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=recipient,
                template=template,
                context={} if is_sensitive else (context or {}),
                subject=subject,
                body=body,
                html_body=html_body,
                idempotency_key=key,
                organization=organization,
                is_sensitive=is_sensitive,
            )
    except IntegrityError:
        # The same notice was queued concurrently: one row, one email.
        return Notification.objects.get(idempotency_key=key)
    transaction.on_commit(lambda: dispatch(notification.pk))
    return notification


def notify_many(notices, *, batch_size=1000):
    """`notify()` for many notices at once, in a bounded number of queries.

    `notices` are dicts of notify()'s arguments (recipient, template, context,
    key, organization). Rows whose key exists are skipped; a concurrent run
    inserting the same keys loses quietly (ON CONFLICT DO NOTHING).
    """
    queued_ids = []
    for start in range(0, len(notices), batch_size):
        batch = notices[start : start + batch_size]
        existing = set(
            Notification.objects.filter(
                idempotency_key__in=[notice["key"] for notice in batch]
            ).values_list("idempotency_key", flat=True)
        )
        rows = []
        for notice in batch:
            if notice["key"] in existing:
                continue
            subject, body, html_body = render_email(notice["template"], notice["context"])
            rows.append(
                Notification(
                    recipient=notice["recipient"],
                    template=notice["template"],
                    context=notice["context"],
                    subject=subject,
                    body=body,
                    html_body=html_body,
                    idempotency_key=notice["key"],
                    organization=notice.get("organization"),
                )
            )
        Notification.objects.bulk_create(rows, ignore_conflicts=True)
        queued_ids += Notification.objects.filter(
            idempotency_key__in=[row.idempotency_key for row in rows],
            status=Notification.Status.QUEUED,
        ).values_list("pk", flat=True)
    transaction.on_commit(lambda: dispatch_many(queued_ids))
    return len(queued_ids)


def unique_key(prefix):
    """A key for a notice that is never a repeat (e.g. a password-reset email)."""
    return f"{prefix}:{uuid.uuid4()}"


@functools.cache
def _text_engine():
    """Plain-text emails are not HTML: no escaping of '&' or quotes in names."""
    return Engine(dirs=settings.TEMPLATES[0]["DIRS"], app_dirs=True, autoescape=False)


def render_email(template, context):
    full_context = Context({"site_url": settings.SITE_URL, **context})
    engine = _text_engine()
    subject = engine.get_template(f"email/{template}_subject.txt").render(full_context)
    subject = " ".join(subject.split())
    body = engine.get_template(f"email/{template}_body.txt").render(full_context)
    try:
        html_body = render_to_string(f"email/{template}_body.html", full_context.flatten())
    except TemplateDoesNotExist:  # the HTML part is optional
        html_body = ""
    return subject, body, html_body


def dispatch(notification_id):
    """Queue the send task; a broker that is down leaves the row for the sweeper."""
    from accounts.tasks import send_notification

    try:
        send_notification.delay(notification_id)
    except Exception:  # kombu raises several types; the row is safe either way
        logger.warning("Broker unavailable; notification %s waits in the outbox", notification_id)


def dispatch_many(notification_ids, *, per_task=100):
    from accounts.tasks import send_notifications

    for start in range(0, len(notification_ids), per_task):
        chunk = list(notification_ids[start : start + per_task])
        try:
            send_notifications.delay(chunk)
        except Exception:  # the rows wait in the outbox for the sweeper
            logger.warning("Broker unavailable; %d notifications wait in the outbox", len(chunk))
            return


@transaction.atomic
def deliver(notification_id):
    """Send one queued notification, at most once.

    The row is claimed with SELECT ... FOR UPDATE SKIP LOCKED: a second
    delivery running at the same moment finds nothing to claim, and one
    running later finds the row already sent. Returns the row's status, or
    None when there was nothing to do.
    """
    notification = (
        Notification.objects.select_for_update(skip_locked=True)
        .filter(pk=notification_id, status=Notification.Status.QUEUED)
        .first()
    )
    if notification is None:
        return None
    notification.attempts += 1
    try:
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.body,
            to=[notification.recipient],
            headers={"X-Portal-Notification": notification.idempotency_key},
        )
        if notification.html_body:
            message.attach_alternative(notification.html_body, "text/html")
        message.send()
    except Exception as error:  # noqa: BLE001 - any transport error is recorded
        notification.last_error = f"{type(error).__name__}: {error}"[:2000]
        if notification.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            notification.status = Notification.Status.FAILED
        notification.save(update_fields=["attempts", "last_error", "status", "updated_at"])
        return notification.status
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.last_error = ""
    notification.save(update_fields=["attempts", "last_error", "status", "sent_at", "updated_at"])
    return notification.status


def retry(notification, *, actor):
    """Staff put a failed notification back in the queue."""
    from accounts.audit import audit

    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification.pk)
        if notification.status != Notification.Status.FAILED:
            return notification
        notification.status = Notification.Status.QUEUED
        notification.attempts = 0
        notification.save(update_fields=["status", "attempts", "updated_at"])
        audit(actor, "notification.retried", notification, organization=notification.organization)
        transaction.on_commit(lambda: dispatch(notification.pk))
    return notification


def requeue_stale(*, limit=500):
    """Re-queue rows still queued after OUTBOX_STALE_SECONDS (e.g. broker was down)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=settings.OUTBOX_STALE_SECONDS)
    ids = list(
        Notification.objects.stale(cutoff)
        .order_by("updated_at")
        .values_list("pk", flat=True)[:limit]
    )
    # Touch them so the next sweep does not queue them again while they wait.
    Notification.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    for notification_id in ids:
        dispatch(notification_id)
    return len(ids)
