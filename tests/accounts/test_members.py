from django.urls import reverse

from accounts.models import Invitation, Membership
from tests import factories


def test_the_main_contact_sees_the_people_of_their_organization(client, globex_main, globex_tech1):
    client.force_login(globex_main)
    page = client.get(reverse("members")).content.decode()
    assert "tech1@globex.example" in page


def test_a_technical_contact_has_no_people_page(client, globex_tech1):
    client.force_login(globex_tech1)
    assert client.get(reverse("members")).status_code == 404


def test_inviting_emails_a_link_that_joins_with_the_roles(
    client, globex, globex_main, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(globex_main)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("members"), {"email": "New.Tech@globex.example", "roles": ["technical_contact"]}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(organization=globex)
    assert invitation.email == "new.tech@globex.example"
    assert invitation.roles == ["technical_contact"]
    assert [m.to for m in mailoutbox] == [["new.tech@globex.example"]]
    assert "/invitations/" in mailoutbox[0].body


def test_an_invalid_invitation_is_refused_on_the_form(client, globex, globex_main):
    client.force_login(globex_main)
    response = client.post(reverse("members"), {"email": "not-an-email", "roles": ["superhero"]})
    assert response.status_code == 200
    form = response.context["form"]
    assert "email" in form.errors and "roles" in form.errors
    assert not Invitation.objects.exists()


def test_inviting_an_existing_member_says_so(client, globex_main, globex_tech1):
    client.force_login(globex_main)
    response = client.post(reverse("members"), {"email": "tech1@globex.example"})
    assert "already a member" in response.context["form"].errors["email"][0]


def test_removing_a_person_asks_for_confirmation_first(client, globex_main, globex_tech1):
    membership = Membership.objects.get(user=globex_tech1)
    client.force_login(globex_main)
    url = reverse("member_remove", args=[membership.pk])
    assert b"Yes, remove" in client.get(url).content
    assert Membership.objects.filter(pk=membership.pk).exists()
    client.post(url)
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_editing_roles_keeps_the_main_contact(client, globex_main):
    membership = Membership.objects.get(user=globex_main)
    client.force_login(globex_main)
    client.post(reverse("member_edit", args=[membership.pk]), {"roles": ["sales_contact"]})
    membership.refresh_from_db()
    assert membership.is_main_contact and membership.is_sales_contact
    assert not membership.is_org_admin


def test_a_second_administrative_contact_is_a_form_error(client, globex, globex_main):
    factories.member(globex, "billing@globex.example", "administrative_contact")
    other = factories.member(globex, "other@globex.example")
    client.force_login(globex_main)
    response = client.post(
        reverse("member_edit", args=[other.pk]), {"roles": ["administrative_contact"]}
    )
    assert "already has an Administrative Contact" in response.context["form"].errors["roles"][0]
    other.refresh_from_db()
    assert not other.is_administrative_contact
