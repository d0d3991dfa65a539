from datetime import date, timedelta

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, Membership, Organization
from subscriptions.models import EndCustomerRequest, ServerRequest, Subscription
from tests import factories


@pytest.fixture
def subscription(globex, globex_main):
    return factories.SubscriptionFactory(organization=globex, servers=8)


def test_the_main_contact_asks_for_servers_and_staff_apply_it(
    client, subscription, globex_main, sales_ops
):
    client.force_login(globex_main)
    client.post(
        reverse("server_request_create", args=[subscription.pk]),
        {"additional_servers": "4", "note": "New rack in Madrid"},
    )
    server_request = ServerRequest.objects.get()
    assert (server_request.additional_servers, server_request.status) == (4, "requested")

    client.force_login(sales_ops)
    client.post(reverse("staff_server_request_action", args=[server_request.pk, "apply"]))
    subscription.refresh_from_db()
    server_request.refresh_from_db()
    assert (subscription.servers, server_request.status) == (12, "applied")
    assert AuditEvent.objects.filter(action="subscription.servers_changed").exists()


def test_a_request_is_applied_once(client, subscription, globex_main, sales_ops):
    from subscriptions import services

    server_request = services.request_servers(
        subscription, additional_servers=2, note="", actor=globex_main
    )
    client.force_login(sales_ops)
    url = reverse("staff_server_request_action", args=[server_request.pk, "apply"])
    client.post(url)
    client.post(url)
    subscription.refresh_from_db()
    assert subscription.servers == 10


def test_a_technical_contact_cannot_ask_for_servers(client, subscription, globex_tech1):
    client.force_login(globex_tech1)
    url = reverse("server_request_create", args=[subscription.pk])
    assert client.post(url, {"additional_servers": "4"}).status_code == 404
    assert not ServerRequest.objects.exists()


def end_customer_request_data(**overrides):
    return {
        "name": "Umbrella Labs",
        "legal_name": "Umbrella Labs S.A.",
        "country": "fr",
        "main_contact_name": "Albert Wesker",
        "main_contact_email": "wesker@umbrella.example",
        "servers": "4",
        "starts_on": date.today().isoformat(),
        "ends_on": (date.today() + timedelta(days=365)).isoformat(),
        **overrides,
    }


def test_a_solution_provider_requests_an_end_customer_and_staff_establish_it(
    client, acme, acme_main, sales_ops
):
    client.force_login(acme_main)
    client.post(reverse("end_customer_requests"), end_customer_request_data())
    request = EndCustomerRequest.objects.get()
    assert request.status == "requested" and request.country == "FR"

    client.force_login(sales_ops)
    client.post(reverse("staff_end_customer_request", args=[request.pk]), {"reference": "OF-SP-1"})
    umbrella = Organization.objects.get(name="Umbrella Labs")
    assert umbrella.managed_by == acme
    subscription = Subscription.objects.get(organization=umbrella)
    assert (subscription.plan.code, subscription.channel, subscription.sold_by) == (
        "premium",
        "solution_provider",
        acme,
    )
    # The SP's support team acts in the end customer's account.
    assert Membership.objects.get(user=acme_main, organization=umbrella).is_technical_contact


def test_the_partner_sees_what_it_sold_or_manages_and_nothing_else(
    client, acme, acme_main, globex, initech
):
    sold = factories.SubscriptionFactory(organization=globex, channel="reseller", sold_by=acme)
    factories.SubscriptionFactory(organization=initech)
    client.force_login(acme_main)
    listed = list(client.get(reverse("partner_subscriptions")).context["subscriptions"])
    assert listed == [sold]


def test_an_end_customers_own_user_sees_only_its_organization(client, acme, globex):
    umbrella = factories.OrganizationFactory(name="Umbrella Labs", managed_by=acme)
    own = factories.SubscriptionFactory(
        organization=umbrella, channel="solution_provider", sold_by=acme
    )
    factories.SubscriptionFactory(organization=globex)
    wesker = factories.member(umbrella, "wesker@umbrella.example", "main_contact").user
    client.force_login(wesker)
    assert list(client.get(reverse("subscription_list")).context["subscriptions"]) == [own]


def test_a_customer_has_no_partner_pages(client, globex_main):
    client.force_login(globex_main)
    assert client.get(reverse("partner_subscriptions")).status_code == 404
    assert client.get(reverse("end_customer_requests")).status_code == 404
