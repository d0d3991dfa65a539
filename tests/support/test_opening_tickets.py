from django.urls import reverse

from accounts.models import Notification
from support.models import SEVERITY_DEFINITIONS, SLAClock, Ticket
from tests import factories
from tests.programs import builders
from tests.support.conftest import act_for
from tests.support.factories import live_subscription


def ticket_form(subscription, **fields):
    return {
        "subscription": subscription.pk,
        "severity": 2,
        "subject": "Live migration fails",
        "description": "Migration between kvm-03 and kvm-07 fails.",
        "product_version": "6.10.2",
        **fields,
    }


def test_a_technical_contact_opens_a_ticket_against_a_live_subscription(
    client, globex_tech1, globex_premium
):
    client.force_login(globex_tech1)
    deployment = globex_premium.deployments.get(name="globex-prod")
    response = client.post(
        reverse("ticket_new"), ticket_form(globex_premium, deployment=deployment.pk)
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response.url == ticket.get_absolute_url()
    assert (ticket.status, ticket.level, ticket.opened_by) == ("new", "direct", globex_tech1)
    assert ticket.deployment == deployment
    assert Notification.objects.filter(
        recipient="tech1@globex.example", idempotency_key=f"ticket-opened:{ticket.pk}"
    ).exists()


def test_the_form_shows_every_severity_definition(client, globex_tech1, globex_premium):
    client.force_login(globex_tech1)
    page = client.get(reverse("ticket_new")).content.decode()
    for label, definition in SEVERITY_DEFINITIONS.values():
        assert label in page
        assert definition.replace("'", "&#x27;") in page


def test_field_errors_are_tied_to_their_fields(client, globex_tech1, globex_premium):
    client.force_login(globex_tech1)
    response = client.post(reverse("ticket_new"), ticket_form(globex_premium, subject=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_subject_error"' in page
    assert 'aria-invalid="true"' in page
    assert Ticket.objects.count() == 0


def test_the_main_contact_alone_opens_tickets(client, initech_main, initech_standard):
    client.force_login(initech_main)
    assert client.get(reverse("ticket_new")).status_code == 200
    client.post(reverse("ticket_new"), ticket_form(initech_standard, severity=4))
    ticket = Ticket.objects.get()
    assert ticket.organization == initech_standard.organization
    assert ticket.calendar.code == "europe"


def test_the_main_contact_does_not_open_tickets_when_technical_contacts_are_named(
    client, globex_main, globex_tech1, globex_premium
):
    client.force_login(globex_main)
    assert client.get(reverse("ticket_new")).status_code == 404
    assert client.post(reverse("ticket_new"), ticket_form(globex_premium)).status_code == 404
    assert Ticket.objects.count() == 0


def test_an_administrative_contact_has_no_support_pages(client, globex_billing, globex_premium):
    client.force_login(globex_billing)
    assert client.get(reverse("ticket_list")).status_code == 404
    assert client.get(reverse("ticket_new")).status_code == 404


def test_without_an_active_subscription_the_page_says_why_and_how_to_renew(
    client, globex, globex_tech1
):
    expired = live_subscription(globex, status="expired")
    client.force_login(globex_tech1)
    response = client.get(reverse("ticket_new"))
    assert response.status_code == 200
    assert "has no active subscription" in response.content.decode()
    assert "How to renew" in response.content.decode()
    client.post(reverse("ticket_new"), ticket_form(expired))
    assert Ticket.objects.count() == 0


def test_a_subscription_of_another_organization_cannot_be_chosen(
    client, globex_tech1, globex_premium, initech_standard
):
    client.force_login(globex_tech1)
    response = client.post(reverse("ticket_new"), ticket_form(initech_standard))
    assert response.status_code == 200
    assert "subscription" in response.context["form"].errors
    assert Ticket.objects.count() == 0


def test_a_deployment_of_another_subscription_is_refused(client, globex, globex_tech1):
    first = live_subscription(globex, deployments=("a",))
    second = live_subscription(globex, deployments=("b",))
    client.force_login(globex_tech1)
    response = client.post(
        reverse("ticket_new"), ticket_form(first, deployment=second.deployments.get().pk)
    )
    assert "deployment" in response.context["form"].errors
    assert Ticket.objects.count() == 0


def test_an_sp_engineer_opens_a_ticket_for_an_end_customer_from_the_partner_account(
    client, acme, acme_engineer, umbrella_premium
):
    client.force_login(acme_engineer)
    act_for(client, acme)
    client.post(reverse("ticket_new"), ticket_form(umbrella_premium, severity=1))
    ticket = Ticket.objects.get()
    assert ticket.organization == umbrella_premium.organization
    assert ticket.level == Ticket.Level.PARTNER
    assert not ticket.sla_clocks.exists(), "OpenNebula's SLA starts only at L3"


def test_a_partner_sends_a_presales_request_with_a_48_hour_sla(client, acme, acme_main, clock):
    builders.enrollment(acme, tier_code="strategic")
    client.force_login(acme_main)
    response = client.post(
        reverse("presales_new"), {"subject": "Sizing for a bank", "description": "500 hosts."}
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert (ticket.kind, ticket.severity, ticket.subscription) == ("presales", None, None)
    first = ticket.sla_clocks.get(target=SLAClock.Target.FIRST_RESPONSE)
    assert (first.due_at - clock.now).total_seconds() == 48 * 3600
    assert not ticket.sla_clocks.filter(target=SLAClock.Target.RESOLUTION).exists()


def test_customers_are_not_offered_presales(client, globex_tech1, globex_premium):
    client.force_login(globex_tech1)
    assert client.get(reverse("presales_new")).status_code == 404
    assert "Ask presales" not in client.get(reverse("ticket_list")).content.decode()


def test_a_standard_partner_is_not_offered_presales(client, acme, acme_main):
    builders.enrollment(acme, tier_code="standard")
    client.force_login(acme_main)
    assert client.get(reverse("presales_new")).status_code == 404
    response = client.post(reverse("presales_new"), {"subject": "x", "description": "y"})
    assert response.status_code == 404
    assert Ticket.objects.count() == 0


def test_a_partner_sales_contact_may_ask_presales_but_not_open_support_tickets(client, acme):
    builders.enrollment(acme, tier_code="strategic")
    sales = factories.member(acme, "sales@acme.example", "sales_contact").user
    client.force_login(sales)
    assert client.get(reverse("presales_new")).status_code == 200
    assert client.get(reverse("ticket_new")).status_code == 404
