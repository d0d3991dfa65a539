import threading
from datetime import date, timedelta

import pytest
from django.db import connection

from accounts.models import AuditEvent, Notification
from subscriptions import services
from subscriptions.models import Subscription
from tests import factories

TODAY = date(2026, 11, 30)


def ending_in(organization, days, **extra):
    return factories.SubscriptionFactory(
        organization=organization,
        starts_on=TODAY - timedelta(days=300),
        ends_on=TODAY + timedelta(days=days),
        **extra,
    )


def renewal_keys():
    return sorted(
        Notification.objects.filter(template="subscriptions/renewal_notice").values_list(
            "idempotency_key", flat=True
        )
    )


@pytest.mark.parametrize(
    ("days_left", "window"), [(90, 90), (61, 90), (60, 60), (30, 30), (8, 30), (7, 7), (1, 7)]
)
def test_the_notice_names_the_window_the_subscription_is_in(globex, globex_main, days_left, window):
    subscription = ending_in(globex, days_left)
    services.queue_renewal_notices(TODAY)
    assert renewal_keys() == [f"renewal:{subscription.pk}:{window}:customer"]


def test_nothing_is_sent_more_than_90_days_ahead(globex, globex_main):
    ending_in(globex, 91)
    assert services.queue_renewal_notices(TODAY) == 0
    assert renewal_keys() == []


def test_one_notice_per_window_however_often_the_scan_runs(globex, globex_main):
    subscription = ending_in(globex, 45)
    for day in range(3):
        services.queue_renewal_notices(TODAY + timedelta(days=day))
    assert renewal_keys() == [f"renewal:{subscription.pk}:60:customer"]
    services.queue_renewal_notices(TODAY + timedelta(days=15))  # now 30 days left
    assert renewal_keys() == [
        f"renewal:{subscription.pk}:30:customer",
        f"renewal:{subscription.pk}:60:customer",
    ]


def test_the_selling_partner_is_told_too(globex, globex_main, acme, acme_main):
    subscription = ending_in(globex, 7, channel="reseller", sold_by=acme)
    services.queue_renewal_notices(TODAY)
    notices = Notification.objects.filter(template="subscriptions/renewal_notice")
    assert sorted(n.recipient for n in notices) == ["main@acme.example", "main@globex.example"]
    partner_notice = notices.get(recipient="main@acme.example")
    assert "Your customer Globex" in partner_notice.subject
    assert subscription.ends_on.isoformat() in partner_notice.body


def test_the_scan_runs_in_the_same_number_of_queries_for_5_or_50_subscriptions(globex, globex_main):
    def scan_queries(count, offset):
        for _ in range(count):
            ending_in(globex, 20)
        Notification.objects.all().delete()
        Subscription.objects.update(renewal_notice_window=None)
        with connection.execute_wrapper(counter := QueryCounter()):
            services.queue_renewal_notices(TODAY + timedelta(days=offset))
        return counter.count

    assert scan_queries(5, 0) == scan_queries(45, 0)


class QueryCounter:
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def test_an_ended_term_expires_with_an_audit_event_and_one_notice(globex, globex_main):
    subscription = ending_in(globex, 0)
    assert services.expire_ended(TODAY) == 1
    assert services.expire_ended(TODAY) == 0
    subscription.refresh_from_db()
    assert subscription.status == "expired"
    assert (
        AuditEvent.objects.filter(
            action="subscription.expired", target_id=str(subscription.pk)
        ).count()
        == 1
    )
    assert Notification.objects.filter(template="subscriptions/expired").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_scans_at_the_same_moment_queue_each_notice_once():
    globex = factories.OrganizationFactory(name="Globex")
    factories.member(globex, "main@globex.example", "main_contact")
    subscriptions = [ending_in(globex, days) for days in (5, 25, 55, 85)]
    start = threading.Barrier(2)
    errors = []

    def scan():
        try:
            start.wait()
            services.queue_renewal_notices(TODAY)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(renewal_keys()) == len(subscriptions) == len(set(renewal_keys()))
