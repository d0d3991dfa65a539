"""Who sees which ticket (issue 6 §3, SPEC §4)."""

from django.urls import reverse

from accounts.models import AuditEvent, Notification
from support import services
from support.models import Ticket
from tests import factories
from tests.support import factories as support_factories
from tests.support.conftest import act_for
from tests.support.factories import open_ticket


def test_a_technical_contact_cannot_see_a_colleagues_ticket(client, globex_ticket, globex_tech2):
    client.force_login(globex_tech2)
    assert client.get(globex_ticket.get_absolute_url()).status_code == 404
    assert globex_ticket.subject not in client.get(reverse("ticket_list")).content.decode()


def test_a_technical_contact_sees_their_own_ticket(client, globex_ticket, globex_tech1):
    client.force_login(globex_tech1)
    assert client.get(globex_ticket.get_absolute_url()).status_code == 200
    assert globex_ticket.subject in client.get(reverse("ticket_list")).content.decode()


def test_the_main_contact_sees_every_ticket_of_the_organization(client, globex_ticket, globex_main):
    client.force_login(globex_main)
    assert client.get(globex_ticket.get_absolute_url()).status_code == 200


def test_the_main_contact_shares_all_tickets_with_technical_contacts(
    client, globex_ticket, globex_main, globex_tech2
):
    client.force_login(globex_main)
    response = client.post(
        reverse("ticket_sharing_settings"), {"share_tickets_with_technical_contacts": "on"}
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="organization.ticket_sharing_changed").exists()
    client.force_login(globex_tech2)
    assert client.get(globex_ticket.get_absolute_url()).status_code == 200


def test_only_the_main_contact_changes_ticket_sharing(client, globex_tech1, globex_premium):
    client.force_login(globex_tech1)
    response = client.post(
        reverse("ticket_sharing_settings"), {"share_tickets_with_technical_contacts": "on"}
    )
    assert response.status_code == 404
    globex_tech1.memberships.get().organization.refresh_from_db()
    assert not globex_premium.organization.share_tickets_with_technical_contacts


def test_the_main_contact_shares_one_ticket_with_a_named_contact(
    client, globex, globex_ticket, globex_main, globex_tech1, globex_tech2
):
    other = open_ticket(globex_tech1, globex, subject="Another private one")
    client.force_login(globex_main)
    response = client.post(
        reverse("ticket_share", args=[globex_ticket.pk]), {"contact": globex_tech2.pk}
    )
    assert response.status_code == 302
    assert globex_tech2.has_perm("support.follow_ticket", globex_ticket)
    assert Notification.objects.filter(
        recipient=globex_tech2.email, template="support/ticket_shared"
    ).exists()
    client.force_login(globex_tech2)
    assert client.get(globex_ticket.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 404


def test_stopping_a_share_asks_first_then_hides_the_ticket(
    client, globex_ticket, globex_main, globex_tech2
):
    services.share_ticket(globex_ticket, globex_tech2, actor=globex_main)
    client.force_login(globex_main)
    url = reverse("ticket_unshare", args=[globex_ticket.pk, globex_tech2.pk])
    assert "Yes, stop sharing" in client.get(url).content.decode()
    client.post(url)
    client.force_login(globex_tech2)
    assert client.get(globex_ticket.get_absolute_url()).status_code == 404


def test_a_technical_contact_cannot_share_tickets(
    client, globex_ticket, globex_tech1, globex_tech2
):
    client.force_login(globex_tech1)
    url = reverse("ticket_share", args=[globex_ticket.pk])
    assert client.post(url, {"contact": globex_tech2.pk}).status_code == 404
    assert not globex_tech2.has_perm("support.follow_ticket", globex_ticket)


def test_a_ticket_is_shared_only_with_the_organizations_technical_contacts(
    client, globex_ticket, globex_main, initech_main
):
    client.force_login(globex_main)
    url = reverse("ticket_share", args=[globex_ticket.pk])
    response = client.post(url, {"contact": initech_main.pk})
    assert "contact" in response.context["form"].errors
    assert not initech_main.has_perm("support.follow_ticket", globex_ticket)


def test_a_solution_provider_sees_its_end_customers_tickets(
    client, acme, acme_engineer, umbrella_ticket
):
    client.force_login(acme_engineer)
    act_for(client, acme)
    assert client.get(umbrella_ticket.get_absolute_url()).status_code == 200
    assert umbrella_ticket.subject in client.get(reverse("ticket_list")).content.decode()


def test_another_partner_does_not_see_an_sps_end_customers_tickets(client, umbrella_ticket):
    northwind = factories.OrganizationFactory(name="Northwind", kind="partner")
    factories.OrganizationFactory(name="Northwind's customer", managed_by=northwind)
    person = factories.member(
        northwind, "main@northwind.example", "main_contact", "technical_contact"
    ).user
    client.force_login(person)
    assert client.get(umbrella_ticket.get_absolute_url()).status_code == 404


def test_an_sp_sales_contact_does_not_see_end_customers_tickets(client, acme, umbrella_ticket):
    sales = factories.member(acme, "sales@acme.example", "sales_contact").user
    client.force_login(sales)
    assert client.get(umbrella_ticket.get_absolute_url()).status_code == 404


def test_support_engineers_see_every_ticket(
    client, globex_ticket, umbrella_ticket, support_engineer
):
    client.force_login(support_engineer)
    assert client.get(globex_ticket.get_absolute_url()).status_code == 200
    assert client.get(umbrella_ticket.get_absolute_url()).status_code == 200
    assert client.get(reverse("ticket_list") + "?state=all").context["tickets"].paginator.count == 2


def test_another_organizations_ticket_is_a_404(client, globex_ticket, initech_main):
    client.force_login(initech_main)
    assert client.get(globex_ticket.get_absolute_url()).status_code == 404
    assert client.get(reverse("api_ticket", args=[globex_ticket.pk])).status_code == 404
    assert (
        Ticket.objects.visible_to(initech_main, initech_main.memberships.get().organization).count()
        == 0
    )


def test_an_sps_ticket_list_costs_the_same_for_one_or_many_end_customers(
    client, acme, acme_engineer, umbrella_ticket, django_assert_max_num_queries
):
    client.force_login(acme_engineer)
    act_for(client, acme)
    client.get(reverse("ticket_list"))  # the first page of a session saves it
    with django_assert_max_num_queries(12) as one:
        client.get(reverse("ticket_list"))
    for n in range(15):
        customer = factories.OrganizationFactory(name=f"End customer {n}", managed_by=acme)
        factories.member(customer, "l2@acme.example", "technical_contact")
        support_factories.open_ticket(
            acme_engineer,
            customer,
            support_factories.live_subscription(customer, sold_by=acme),
            subject=f"Down {n}",
        )
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(reverse("ticket_list"))
    assert page.context["tickets"].paginator.count == 16
