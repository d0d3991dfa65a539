"""Another organization's subscription objects, for the tenant walk."""

from subscriptions.models import EndCustomerRequest, ServerRequest
from tests import factories
from tests.test_tenant_isolation import Sample


def _subscription(other):
    if not hasattr(other, "subscription"):
        other.subscription = factories.SubscriptionFactory(organization=other.globex)
    return other.subscription


def _deployment(other):
    return factories.deployment(_subscription(other))[0]


def _partner_subscription(other):
    return factories.SubscriptionFactory(
        organization=other.globex, channel="reseller", sold_by=other.northwind
    )


def _server_request(other):
    return ServerRequest.objects.create(subscription=_subscription(other), additional_servers=1)


def _end_customer_request(other):
    return EndCustomerRequest.objects.create(
        partner=other.northwind,
        name="X",
        country="FR",
        main_contact_name="x",
        main_contact_email="x@x.example",
        servers=1,
        ends_on="2030-01-01",
    )


SAMPLES = {
    "subscription_detail": Sample(lambda o: {"pk": _subscription(o).pk}),
    "deployment_create": Sample(lambda o: {"pk": _subscription(o).pk}),
    "server_request_create": Sample(lambda o: {"pk": _subscription(o).pk}),
    "deployment_rotate": Sample(lambda o: {"pk": _deployment(o).pk}),
    "deployment_revoke": Sample(lambda o: {"pk": _deployment(o).pk}),
    "contact_edit": Sample(lambda o: {"pk": o.tech.pk}),
    "technical_contact_remove": Sample(lambda o: {"pk": o.tech.pk}),
    "partner_subscription_detail": Sample(
        lambda o: {"pk": _partner_subscription(o).pk}, requested_by="partner"
    ),
    "staff_subscription_detail": Sample(lambda o: {"pk": _subscription(o).pk}),
    "staff_subscription_action": Sample(lambda o: {"pk": _subscription(o).pk, "action": "cancel"}),
    "staff_server_request_action": Sample(
        lambda o: {"pk": _server_request(o).pk, "action": "apply"}
    ),
    "staff_end_customer_request": Sample(lambda o: {"pk": _end_customer_request(o).pk}),
}
