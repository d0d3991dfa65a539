"""The daily task marks invoices overdue and queues one reminder per stage:
on the due date, 7 days after it and 30 days after it; running twice sends nothing new."""

from datetime import date, timedelta

import pytest

from accounts.models import AuditEvent, Notification
from billing import services, tasks
from billing.models import Invoice
from tests.billing import factories as billing

ISSUED_ON = date(2026, 3, 1)
DUE_ON = ISSUED_ON + timedelta(days=30)


@pytest.fixture
def unpaid(globex, globex_main, globex_admin):
    return billing.issued(globex, issued_on=ISSUED_ON)


def reminders():
    return list(
        Notification.objects.filter(template="billing/payment_reminder")
        .order_by("idempotency_key")
        .values_list("idempotency_key", flat=True)
    )


@pytest.mark.parametrize(
    ("days_after_due", "stage"),
    [
        (-1, None),
        (0, "due"),
        (6, "due"),
        (7, "7-days"),
        (29, "7-days"),
        (30, "30-days"),
        (90, "30-days"),
    ],
)
def test_the_reminder_stage_follows_the_days_after_the_due_date(days_after_due, stage):
    assert services.reminder_stage(DUE_ON, DUE_ON + timedelta(days=days_after_due)) == stage


def test_nothing_happens_before_the_due_date(unpaid):
    services.remind_unpaid_invoices(DUE_ON - timedelta(days=1))
    assert reminders() == []
    unpaid.refresh_from_db()
    assert unpaid.status == Invoice.Status.ISSUED


def test_on_the_due_date_each_billing_contact_is_reminded_once(unpaid, globex_tech1):
    services.remind_unpaid_invoices(DUE_ON)
    services.remind_unpaid_invoices(DUE_ON)
    recipients = Notification.objects.filter(template="billing/payment_reminder").values_list(
        "recipient", flat=True
    )
    assert sorted(recipients) == ["billing@globex.example", "main@globex.example"]
    unpaid.refresh_from_db()
    assert unpaid.status == Invoice.Status.ISSUED  # due today is not yet late


def test_the_day_after_the_due_date_the_invoice_is_overdue(unpaid):
    services.remind_unpaid_invoices(DUE_ON + timedelta(days=1))
    unpaid.refresh_from_db()
    assert unpaid.status == Invoice.Status.OVERDUE
    assert AuditEvent.objects.filter(action="invoice.overdue", actor=None).count() == 1


def test_each_stage_is_sent_once_however_often_the_task_runs(unpaid):
    for day in range(0, 45):
        services.remind_unpaid_invoices(DUE_ON + timedelta(days=day))
        services.remind_unpaid_invoices(DUE_ON + timedelta(days=day))
    stages = {key.split(":")[0] for key in reminders()}
    assert stages == {"invoice-reminder-due", "invoice-reminder-7-days", "invoice-reminder-30-days"}
    assert len(reminders()) == 6  # three stages, two billing contacts


def test_the_overdue_reminder_says_how_late_it_is(unpaid):
    services.remind_unpaid_invoices(DUE_ON + timedelta(days=7))
    row = Notification.objects.get(
        template="billing/payment_reminder", recipient="main@globex.example"
    )
    assert "7 days overdue" in row.subject
    assert unpaid.number in row.body


def test_a_paid_invoice_gets_no_reminder(unpaid):
    services.record_payment(
        unpaid, actor=None, amount=unpaid.total, method="bank_transfer", received_on=ISSUED_ON
    )
    services.remind_unpaid_invoices(DUE_ON + timedelta(days=30))
    assert reminders() == []


def test_the_celery_task_runs_the_reminders(unpaid, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: DUE_ON + timedelta(days=8))
    assert tasks.remind_unpaid_invoices.delay().get() == 1
    unpaid.refresh_from_db()
    assert unpaid.status == Invoice.Status.OVERDUE
