from django.urls import reverse

from accounts.models import Membership
from tests import factories


def test_a_person_in_two_organizations_switches_between_them(client, globex, initech):
    person = factories.member(globex, "consultant@example.com", "technical_contact").user
    Membership.objects.create(user=person, organization=initech, is_technical_contact=True)
    client.force_login(person)
    assert client.get(reverse("dashboard")).context["active_organization"] == globex
    client.post(reverse("switch_organization"), {"organization": initech.pk})
    assert client.get(reverse("dashboard")).context["active_organization"] == initech


def test_switching_to_an_organization_you_do_not_belong_to_is_a_404(client, globex_main, initech):
    client.force_login(globex_main)
    response = client.post(reverse("switch_organization"), {"organization": initech.pk})
    assert response.status_code == 404
    assert client.get(reverse("dashboard")).context["active_organization"].name == "Globex"


def test_a_removed_member_stops_acting_for_the_organization_at_once(
    client, globex, initech, globex_main
):
    person = factories.member(globex, "consultant@example.com").user
    initech_membership = Membership.objects.create(user=person, organization=initech)
    client.force_login(person)
    client.post(reverse("switch_organization"), {"organization": initech.pk})
    initech_membership.delete()
    assert client.get(reverse("dashboard")).context["active_organization"] == globex
