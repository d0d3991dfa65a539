import pytest
from django.urls import reverse

from accounts.models import Invitation, Membership, Notification
from tests import factories


@pytest.fixture
def globex_standard(globex):
    # Standard allows two technical contacts.
    return factories.SubscriptionFactory(organization=globex, plan=factories.plan("standard"))


def add_technical(client, email, **extra):
    return client.post(
        reverse("contacts"), {"technical-email": email, "technical-name": "New", **extra}
    )


def test_technical_contacts_have_no_contacts_page(client, globex_standard, globex_tech1):
    client.force_login(globex_tech1)
    assert client.get(reverse("contacts")).status_code == 404


def test_the_main_contact_adds_technical_contacts_up_to_the_plans_limit(
    client, globex_standard, globex_main, globex_tech1
):
    client.force_login(globex_main)
    assert add_technical(client, "tech2@globex.example").status_code == 302
    assert Invitation.objects.filter(
        email="tech2@globex.example", roles=["technical_contact"]
    ).exists()
    response = add_technical(client, "tech3@globex.example")
    assert "Your plan allows 2 technical contacts" in response.content.decode()
    assert not Invitation.objects.filter(email="tech3@globex.example").exists()


def test_a_distribution_list_contact_needs_confirmation(client, globex_standard, globex_main):
    client.force_login(globex_main)
    response = add_technical(
        client, "ops@globex.example", **{"technical-is_distribution_list": "on"}
    )
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_removing_a_technical_contact_frees_a_place(
    client, globex_standard, globex_main, globex_tech1, globex
):
    factories.member(globex, "tech2@globex.example", "technical_contact")
    client.force_login(globex_main)
    tech1 = Membership.objects.get(user=globex_tech1)
    client.post(reverse("technical_contact_remove", args=[tech1.pk]))
    assert not Membership.objects.filter(pk=tech1.pk).exists()
    assert add_technical(client, "tech3@globex.example").status_code == 302


def test_the_administrative_contact_is_added_then_replaced(
    client, globex, globex_standard, globex_main
):
    first = factories.member(globex, "billing@globex.example").user
    client.force_login(globex_main)
    client.post(reverse("contacts"), {"administrative-email": "billing@globex.example"})
    assert Membership.objects.get(user=first).is_administrative_contact
    second = factories.member(globex, "ap@globex.example").user
    client.post(reverse("contacts"), {"administrative-email": "ap@globex.example"})
    holders = Membership.objects.for_organization(globex).filter(is_administrative_contact=True)
    assert [m.user for m in holders] == [second]


def test_handing_over_the_main_contact_needs_confirmation_and_leaves_exactly_one(
    client, globex, globex_standard, globex_main, globex_tech1
):
    client.force_login(globex_main)
    tech1 = Membership.objects.get(user=globex_tech1)
    url = reverse("hand_over_main_contact")
    response = client.post(url, {"new_main_contact": tech1.pk})
    assert "confirm" in response.context["form"].errors
    client.post(url, {"new_main_contact": tech1.pk, "confirm": "on"})
    mains = Membership.objects.for_organization(globex).main_contacts()
    assert [m.user for m in mains] == [globex_tech1]


def test_every_contact_change_sends_a_notice_to_the_main_contact(
    client, globex_standard, globex_main, django_capture_on_commit_callbacks
):
    client.force_login(globex_main)
    add_technical(client, "tech2@globex.example")
    notice = Notification.objects.get(template="subscriptions/contacts_changed")
    assert notice.recipient == "main@globex.example"
    assert "tech2@globex.example named technical contact" in notice.body


def test_the_main_contact_updates_a_contacts_details(
    client, globex_standard, globex_main, globex_tech1
):
    client.force_login(globex_main)
    tech1 = Membership.objects.get(user=globex_tech1)
    client.post(reverse("contact_edit", args=[tech1.pk]), {"full_name": "Thomas Tech"})
    globex_tech1.refresh_from_db()
    assert globex_tech1.full_name == "Thomas Tech"
