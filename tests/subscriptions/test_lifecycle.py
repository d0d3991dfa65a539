from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuditEvent, Notification
from subscriptions import services
from subscriptions.models import Subscription
from tests import factories


@pytest.fixture
def subscription(globex, globex_main):
    return factories.SubscriptionFactory(organization=globex)


def test_renewal_starts_the_next_term_where_the_current_one_ends(subscription, sales_ops):
    new_end = subscription.ends_on + timedelta(days=365)
    successor = services.renew_subscription(subscription, actor=sales_ops, ends_on=new_end)
    subscription.refresh_from_db()
    assert subscription.status == "renewed"
    assert (successor.status, successor.starts_on, successor.ends_on, successor.previous) == (
        "pending",
        subscription.ends_on,
        new_end,
        subscription,
    )


def test_a_token_answers_for_whichever_term_covers_the_customer_today(subscription, sales_ops):
    deployment, token = factories.deployment(subscription)
    successor = services.renew_subscription(
        subscription, actor=sales_ops, ends_on=subscription.ends_on + timedelta(days=365)
    )
    # Renewed early: the current term still covers the deployment... but it is "renewed".
    assert services.verify_token(token)["valid"] is True
    services.activate_started(successor.starts_on)
    deployment.refresh_from_db()
    assert deployment.subscription == successor


def test_renewal_notifies_the_main_contact(subscription, sales_ops):
    services.renew_subscription(
        subscription, actor=sales_ops, ends_on=subscription.ends_on + timedelta(days=365)
    )
    notice = Notification.objects.get(template="subscriptions/changed")
    assert notice.recipient == "main@globex.example"
    assert "renewed" in notice.subject


def test_each_transition_is_audited(subscription, sales_ops):
    services.cancel_subscription(subscription, actor=sales_ops, reason="Company closed")
    event = AuditEvent.objects.get(action="subscription.cancelled")
    assert event.changes == {
        "status_before": "active",
        "status": "cancelled",
        "reason": "Company closed",
    }
    assert event.actor == sales_ops


def test_a_cancelled_subscription_cannot_be_renewed(subscription, sales_ops):
    services.cancel_subscription(subscription, actor=sales_ops, reason="x")
    with pytest.raises(services.InvalidTransition):
        services.renew_subscription(
            subscription, actor=sales_ops, ends_on=subscription.ends_on + timedelta(days=1)
        )
    assert Subscription.objects.count() == 1


def test_a_pending_term_activates_on_its_start_date(globex):
    today = timezone.localdate()
    pending = factories.SubscriptionFactory(
        organization=globex, status="pending", starts_on=today, ends_on=today + timedelta(days=30)
    )
    later = factories.SubscriptionFactory(
        organization=globex,
        status="pending",
        starts_on=today + timedelta(days=3),
        ends_on=today + timedelta(days=30),
    )
    assert services.activate_started(today) == 1
    pending.refresh_from_db()
    later.refresh_from_db()
    assert (pending.status, later.status) == ("active", "pending")


def test_changing_servers_is_audited_and_notifies_the_main_contact(subscription, sales_ops):
    services.change_servers(subscription, 12, actor=sales_ops, reason="request #1")
    subscription.refresh_from_db()
    assert subscription.servers == 12
    assert AuditEvent.objects.get(action="subscription.servers_changed").changes["servers"] == 12
    assert "12 servers" in Notification.objects.get(template="subscriptions/changed").body
