import pytest
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import Membership
from tests import factories


@pytest.fixture
def invitation(globex, globex_main):
    return services.invite(
        globex, "new.tech@globex.example", roles=["technical_contact"], actor=globex_main
    )


def test_a_new_person_signs_up_from_the_link_and_joins(client, globex, invitation):
    _, token = invitation
    url = reverse("invitation_accept", args=[token])
    assert b"Create my account" in client.get(url).content
    response = client.post(
        reverse("account_signup") + f"?next={url}",
        {
            "email": "new.tech@globex.example",
            "password1": "a-Strong-pass-2026",
            "password2": "a-Strong-pass-2026",
        },
    )
    # The invited address needs no second verification: they are logged in.
    assert response.status_code == 302 and response.url == url
    client.post(url)
    membership = Membership.objects.get(user__email="new.tech@globex.example")
    assert membership.organization == globex
    assert membership.is_technical_contact


def test_the_link_only_works_for_the_invited_address(client, globex, invitation, initech_main):
    _, token = invitation
    client.force_login(initech_main)
    client.post(reverse("invitation_accept", args=[token]))
    assert not Membership.objects.filter(user=initech_main, organization=globex).exists()


def test_an_expired_invitation_cannot_be_accepted(globex, invitation):
    record, token = invitation
    record.expires_at = timezone.now() - timezone.timedelta(minutes=1)
    record.save()
    user = factories.UserFactory(email="new.tech@globex.example")
    with pytest.raises(services.InvitationInvalid):
        services.accept_invitation(token, user=user)


def test_a_revoked_invitation_cannot_be_accepted(globex, globex_main, invitation):
    record, token = invitation
    services.revoke_invitation(record, actor=globex_main)
    user = factories.UserFactory(email="new.tech@globex.example")
    with pytest.raises(services.InvitationInvalid):
        services.accept_invitation(token, user=user)


def test_an_invitation_is_used_once(globex, invitation):
    _, token = invitation
    user = factories.UserFactory(email="new.tech@globex.example")
    services.accept_invitation(token, user=user)
    with pytest.raises(services.InvitationInvalid):
        services.accept_invitation(token, user=user)


def test_only_the_tokens_hash_is_stored(invitation):
    record, token = invitation
    assert token not in record.token_hash
    assert len(record.token_hash) == 64
