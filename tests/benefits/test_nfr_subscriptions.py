"""NFR subscriptions (guide: Not for Resale Subscriptions; Solution Services partners):
requested up to the tier's limit, approved by staff, free, marked NFR, never revenue."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import Notification
from benefits import services
from benefits.models import NFRRequest
from billing.models import Invoice
from programs.scorecard import gather_facts
from subscriptions import services as subscriptions
from subscriptions.models import Plan, Subscription
from tests.programs import builders as program_builders


@pytest.fixture
def limits(settings):
    settings.NFR_LIMITS = {"services/standard": 1, "services/strategic": 2}
    settings.NFR_MAX_SERVERS = 4


def request(partner, actor, servers=2):
    return services.request_nfr(
        partner,
        actor=actor,
        plan=Plan.objects.get(code="premium"),
        servers=servers,
        purpose=NFRRequest.Purpose.DEMOS,
    )


def test_a_partner_requests_an_nfr_subscription_from_its_page(client, acme_strategic, acme_main):
    client.force_login(acme_main)
    response = client.post(
        reverse("nfr_list"),
        {"plan": Plan.objects.get(code="premium").pk, "servers": 2, "purpose": "demos"},
    )
    assert response.status_code == 302
    assert NFRRequest.objects.get().status == "requested"


def test_staff_approve_and_the_partner_gets_a_free_nfr_subscription(
    client, acme_strategic, acme_main, sales_ops
):
    nfr = request(acme_strategic, acme_main)
    client.force_login(sales_ops)
    client.post(reverse("staff_nfr_request", args=[nfr.pk]), {"action": "approve"})
    nfr.refresh_from_db()
    subscription = nfr.subscription
    assert nfr.status == "approved"
    assert subscription.is_nfr and subscription.organization == acme_strategic
    assert subscription.channel == "direct" and subscription.status == "active"
    assert not Invoice.objects.filter(subscription=subscription).exists()
    welcome = Notification.objects.get(template="subscriptions/welcome")
    assert welcome.recipient == acme_main.email and "Not for resale" in welcome.body


def test_an_nfr_subscription_gets_deployments_and_tokens_like_any_other(
    client, acme_strategic, acme_main, sales_ops
):
    nfr = services.approve_nfr(request(acme_strategic, acme_main), actor=sales_ops)
    deployment, token = subscriptions.create_deployment(
        nfr.subscription, name="demo-lab", actor=acme_main
    )
    answer = client.post(
        reverse("api_verify_token"), json.dumps({"token": token}), content_type="application/json"
    ).json()
    assert answer["valid"] and answer["deployment"] == "demo-lab"
    client.force_login(acme_main)
    page = client.get(reverse("subscription_list")).content.decode()
    assert "NFR" in page


def test_requests_stop_at_the_tiers_limit(limits, acme, acme_main, sales_ops):
    program_builders.enrollment(acme, "services", "standard", track="sp")
    services.approve_nfr(request(acme, acme_main), actor=sales_ops)
    with pytest.raises(services.LimitReached, match="allows 1 NFR subscription"):
        request(acme, acme_main)


def test_waiting_requests_count_toward_the_limit(limits, acme_strategic, acme_main):
    request(acme_strategic, acme_main)
    request(acme_strategic, acme_main)
    with pytest.raises(services.LimitReached):
        request(acme_strategic, acme_main)


def test_an_ended_nfr_subscription_frees_its_place(limits, acme, acme_main, sales_ops):
    program_builders.enrollment(acme, "services", "standard", track="sp")
    nfr = services.approve_nfr(request(acme, acme_main), actor=sales_ops)
    Subscription.objects.filter(pk=nfr.subscription_id).update(status="expired")
    assert request(acme, acme_main).status == "requested"


def test_an_nfr_covers_a_few_servers_only(limits, acme_strategic, acme_main):
    with pytest.raises(services.LimitReached, match="at most 4 servers"):
        request(acme_strategic, acme_main, servers=5)


def test_resellers_have_no_nfr_subscriptions(client, northwind, northwind_main):
    with pytest.raises(services.NotEntitled):
        request(northwind, northwind_main)
    client.force_login(northwind_main)
    assert client.get(reverse("nfr_list")).status_code == 404


def test_staff_decline_with_a_reason(client, acme_strategic, acme_main, sales_ops):
    nfr = request(acme_strategic, acme_main)
    client.force_login(sales_ops)
    client.post(reverse("staff_nfr_request", args=[nfr.pk]), {"reason": "Use the lab instead."})
    nfr.refresh_from_db()
    assert nfr.status == "declined" and nfr.decline_reason == "Use the lab instead."


def test_an_nfr_subscription_is_never_invoiced(acme_strategic, acme_main, sales_ops):
    from billing import services as billing

    nfr = services.approve_nfr(request(acme_strategic, acme_main), actor=sales_ops)
    with pytest.raises(billing.DomainError, match="never invoiced"):
        billing.create_subscription_invoice(nfr.subscription, actor=None, reason="adjustment")
    from datetime import timedelta

    renewal = subscriptions.renew_subscription(
        nfr.subscription, actor=sales_ops, ends_on=nfr.subscription.ends_on + timedelta(days=365)
    )
    assert renewal.is_nfr and not Invoice.objects.filter(subscription=renewal).exists()


def test_an_nfr_subscription_does_not_meet_the_enterprise_subscription_requirement(
    acme_strategic, acme_main, sales_ops
):
    services.approve_nfr(request(acme_strategic, acme_main), actor=sales_ops)
    facts = gather_facts({acme_strategic.pk}, as_of=timezone.localdate(), with_revenue=False)
    assert facts[acme_strategic.pk].subscriptions_used == 0
