import threading
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import connection, transaction
from django.utils import timezone

from accounts import outbox
from accounts.models import Notification
from tests.accounts.mfa import enroll_totp


def queue_invitation_like_notice(key="notice:1", recipient="main@globex.example"):
    return outbox.notify(
        recipient,
        "accounts/invitation",
        {
            "organization": "Globex",
            "roles": [],
            "inviter": "Ada",
            "accept_path": "/x/",
            "expires_at": "2026-12-31",
        },
        key=key,
    )


def test_a_notice_is_a_row_written_in_the_callers_transaction(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_invitation_like_notice()
        raise RuntimeError("the caller's change fails")
    assert not Notification.objects.exists()


def test_a_notice_is_sent_after_commit(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notification = queue_invitation_like_notice()
    assert mail.outbox == []
    assert notification.status == Notification.Status.QUEUED
    for callback in callbacks:
        callback()
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert [m.to for m in mail.outbox] == [["main@globex.example"]]
    assert "invited you to join Globex" in mail.outbox[0].body


def test_the_same_key_twice_is_one_row_and_one_email(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue_invitation_like_notice(key="welcome:42")
    with django_capture_on_commit_callbacks(execute=True):
        second = queue_invitation_like_notice(key="welcome:42")
    assert first.pk == second.pk
    assert Notification.objects.count() == 1
    assert len(mail.outbox) == 1


def test_delivering_a_sent_notice_again_sends_nothing(db):
    notification = queue_invitation_like_notice()
    assert outbox.deliver(notification.pk) == Notification.Status.SENT
    assert outbox.deliver(notification.pk) is None
    assert len(mail.outbox) == 1


class BrokenSMTP(LocmemBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP server is down")


def test_a_failing_transport_is_recorded_and_gives_up_after_the_last_attempt(db, settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_outbox.BrokenSMTP"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    notification = queue_invitation_like_notice()
    assert outbox.deliver(notification.pk) == Notification.Status.QUEUED
    assert outbox.deliver(notification.pk) == Notification.Status.FAILED
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert "SMTP server is down" in notification.last_error


def test_staff_can_retry_a_failed_notice(
    client, partner_manager, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "tests.accounts.test_outbox.BrokenSMTP"
    settings.OUTBOX_MAX_ATTEMPTS = 1
    notification = queue_invitation_like_notice()
    outbox.deliver(notification.pk)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(partner_manager)
    enroll_totp(partner_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/outbox/{notification.pk}/retry/")
    assert response.status_code == 302
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT
    assert len(mail.outbox) == 1


def test_staff_see_failed_notices_in_the_outbox(client, partner_manager):
    enroll_totp(partner_manager)
    Notification.objects.create(
        recipient="x@example.com",
        template="t",
        subject="Renewal notice",
        body="b",
        idempotency_key="k",
        status=Notification.Status.FAILED,
        last_error="boom",
    )
    client.force_login(partner_manager)
    page = client.get("/staff/outbox/?status=failed").content.decode()
    assert "Renewal notice" in page and "Failed" in page


def test_stale_queued_rows_are_queued_again(db):
    notification = queue_invitation_like_notice()
    Notification.objects.filter(pk=notification.pk).update(
        updated_at=timezone.now() - timezone.timedelta(hours=1)
    )
    assert outbox.requeue_stale() == 1
    notification.refresh_from_db()
    assert notification.status == Notification.Status.SENT


class SlowSMTP(LocmemBackend):
    """Holds the claim long enough that a second delivery really overlaps."""

    def send_messages(self, messages):
        time.sleep(0.5)
        return super().send_messages(messages)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_deliveries_send_one_email(settings):
    settings.EMAIL_BACKEND = "tests.accounts.test_outbox.SlowSMTP"
    notification = Notification.objects.create(
        recipient="main@globex.example",
        template="t",
        subject="Welcome",
        body="b",
        idempotency_key="welcome:concurrent",
    )
    start = threading.Barrier(2)
    results = []

    def deliver():
        start.wait()
        try:
            results.append(outbox.deliver(notification.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results, key=str) == [None, Notification.Status.SENT]
    assert len(mail.outbox) == 1
    notification.refresh_from_db()
    assert notification.attempts == 1


def test_a_sensitive_notice_keeps_no_context_and_hides_its_body_from_staff(
    client, partner_manager, globex, globex_main
):
    from accounts import services

    services.invite(globex, "new@globex.example", roles=[], actor=globex_main)
    notification = Notification.objects.get(recipient="new@globex.example")
    assert notification.is_sensitive and notification.context == {}
    enroll_totp(partner_manager)
    client.force_login(partner_manager)
    page = client.get(notification.get_absolute_url()).content.decode()
    assert "/invitations/" not in page
    assert "its body is not shown" in page
