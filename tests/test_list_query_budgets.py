"""Every list page costs the same number of queries with 2 rows as with 32, and at most
12 (issue 8). The lists the apps' own test modules do not already cover at two sizes."""

from datetime import date, timedelta
from itertools import count

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.models import AuditEvent, Notification
from subscriptions.models import EndCustomerRequest, OrderForm, ServerRequest
from tests import factories

BUDGET = 12
serial = count()


def audit_events(people, n):
    for _ in range(n):
        AuditEvent.objects.create(
            organization=people["globex"], actor=people["globex_main"], action="member.invited"
        )


def notifications(people, n):
    for _ in range(n):
        key = next(serial)
        Notification.objects.create(
            organization=people["globex"],
            recipient=f"r{key}@globex.example",
            template="accounts/invitation",
            subject="Invitation",
            body="Join us",
            idempotency_key=f"budget:{key}",
        )


def managed_partners(people, n):
    for _ in range(n):
        partner = factories.OrganizationFactory(kind="partner")
        assign_perm("accounts.manage_partner", people["staff"], partner)


def members(people, n):
    for _ in range(n):
        factories.member(people["globex"], None, "technical_contact")


def sold_subscriptions(people, n):
    factories.SubscriptionFactory.create_batch(n, channel="reseller", sold_by=people["acme"])


def end_customer_requests(people, n):
    for _ in range(n):
        EndCustomerRequest.objects.create(
            partner=people["acme"],
            name=f"End customer {next(serial)}",
            country="FR",
            main_contact_name="Eve",
            main_contact_email="eve@example.com",
            servers=4,
            ends_on=date.today() + timedelta(days=365),
        )


def order_forms(people, n):
    for subscription in factories.SubscriptionFactory.create_batch(n):
        OrderForm.objects.create(
            reference=f"OF-BUDGET-{next(serial)}",
            organization=subscription.organization,
            plan=subscription.plan,
            servers=4,
            starts_on=subscription.starts_on,
            ends_on=subscription.ends_on,
            payment_method="bank_transfer",
            channel="direct",
            main_contact_name="Grace",
            main_contact_email="grace@example.com",
            subscription=subscription,
        )


def server_requests(people, n):
    for subscription in factories.SubscriptionFactory.create_batch(n):
        ServerRequest.objects.create(subscription=subscription, additional_servers=2)


def articles(people, n):
    from tests.support.factories import article

    for _ in range(n):
        article("public", title=f"Article {next(serial)}")


# url name: (who signs in, rows builder)
LISTS = {
    "members": ("globex_main", members),
    "audit_log": ("globex_main", audit_events),
    "staff_audit_log": ("staff", audit_events),
    "staff_my_partners": ("staff", managed_partners),
    "staff_outbox": ("staff", notifications),
    "partner_subscriptions": ("acme_main", sold_subscriptions),
    "end_customer_requests": ("acme_main", end_customer_requests),
    "staff_order_forms": ("staff", order_forms),
    "staff_server_requests": ("staff", server_requests),
    "staff_end_customer_requests": ("staff", end_customer_requests),
    "kb_index": ("globex_main", articles),
    "kb_manage": ("staff", articles),
}


def queries(client, url):
    client.get(url)  # the first page of a session saves it
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200, url
    return len(captured)


@pytest.mark.parametrize("name", sorted(LISTS))
def test_a_list_costs_the_same_queries_with_2_and_32_rows(
    client, vendor, globex, globex_main, acme, acme_main, name
):
    staff = factories.staff_member(
        vendor,
        "lists@opennebula.example",
        "Partner managers",
        "Sales operations",
        "Support engineers",
        "Billing",
    )
    people = {
        "staff": staff,
        "globex": globex,
        "globex_main": globex_main,
        "acme": acme,
        "acme_main": acme_main,
    }
    who, build = LISTS[name]
    client.force_login(people[who])
    url = reverse(name.removeprefix("staff_") if name == "staff_audit_log" else name)
    build(people, 2)
    small = queries(client, url)
    build(people, 30)
    assert queries(client, url) <= small <= BUDGET
