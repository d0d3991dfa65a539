import json
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from subscriptions import services
from subscriptions.models import Deployment
from tests import factories


@pytest.fixture
def globex_premium(globex):
    return factories.SubscriptionFactory(organization=globex)


def verify(client, token, **extra):
    return client.post(
        reverse("api_verify_token"),
        data=json.dumps({"token": token}),
        content_type="application/json",
        **extra,
    )


def test_a_live_token_of_an_active_subscription_is_valid(client, globex_premium):
    deployment, token = factories.deployment(globex_premium, "globex-prod")
    assert verify(client, token).json() == {
        "valid": True,
        "organization": "Globex",
        "subscription": globex_premium.pk,
        "deployment": "globex-prod",
        "plan": "premium",
        "expires": globex_premium.ends_on.isoformat(),
    }


def test_tokens_carry_at_least_128_random_bits_and_only_their_hash_is_stored(globex_premium):
    deployment, token = factories.deployment(globex_premium)
    secret = token.split("_", 2)[2]
    assert len(secret) * 6 >= 128
    assert token not in str(Deployment.objects.filter(pk=deployment.pk).values().get())
    assert token.startswith(f"onp_{deployment.token_prefix}_")


@pytest.mark.parametrize(
    "spoil",
    [
        lambda d, t: t[:-1] + ("A" if t[-1] != "A" else "B"),  # unknown
        lambda d, t: "not-a-token",  # malformed
        lambda d, t: "",
        lambda d, t: 12345,
        lambda d, t: (services.revoke_deployment(d, actor=d._actor), t)[1],  # revoked
        lambda d, t: (services.rotate_deployment_token(d, actor=d._actor), t)[1],  # rotated
    ],
    ids=["unknown", "malformed", "empty", "not-a-string", "revoked", "rotated-old"],
)
def test_anything_but_a_live_token_is_just_invalid(client, globex_premium, spoil):
    deployment, token = factories.deployment(globex_premium)
    deployment._actor = factories.UserFactory(is_staff=True, is_superuser=True)
    response = verify(client, spoil(deployment, token))
    assert response.status_code == 200
    assert response.json() == {"valid": False}


def test_a_token_of_an_expired_subscription_is_invalid(client, globex_premium):
    deployment, token = factories.deployment(globex_premium)
    globex_premium.status = "expired"
    globex_premium.save()
    assert verify(client, token).json() == {"valid": False}


def test_a_token_of_a_term_past_its_end_is_invalid_even_before_the_nightly_expiry(
    client, globex_premium
):
    deployment, token = factories.deployment(globex_premium)
    globex_premium.ends_on = timezone.localdate() - timedelta(days=1)
    globex_premium.starts_on = globex_premium.ends_on - timedelta(days=365)
    globex_premium.save()
    assert verify(client, token).json() == {"valid": False}


def test_a_malformed_body_is_a_400_that_says_nothing_more(client, db):
    response = client.post(reverse("api_verify_token"), data="{", content_type="application/json")
    assert response.status_code == 400 and response.json() == {"valid": False}


def test_verification_is_rate_limited_per_client_address(client, db, settings):
    settings.TOKEN_VERIFY_RATE = "3/m"
    statuses = [verify(client, "x", REMOTE_ADDR="198.51.100.7").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert verify(client, "x", REMOTE_ADDR="198.51.100.8").status_code == 200


def test_the_token_is_shown_once_when_the_deployment_is_created(
    client, globex, globex_premium, globex_tech1
):
    client.force_login(globex_tech1)
    response = client.post(
        reverse("deployment_create", args=[globex_premium.pk]), {"name": "edge-1"}
    )
    token = response.context["token"]
    assert token in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    detail = client.get(globex_premium.get_absolute_url()).content.decode()
    assert token not in detail
    assert f"onp_{token.split('_')[1]}_" in detail


def test_rotating_stops_the_old_token_and_is_audited(client, globex_premium, globex_main):
    from accounts.models import AuditEvent

    deployment, old = factories.deployment(globex_premium)
    client.force_login(globex_main)
    response = client.post(reverse("deployment_rotate", args=[deployment.pk]))
    new = response.context["token"]
    assert verify(client, old).json() == {"valid": False}
    assert verify(client, new).json()["valid"] is True
    event = AuditEvent.objects.get(action="deployment.token_rotated")
    assert event.actor == globex_main and event.organization == globex_premium.organization


def test_revoking_asks_for_confirmation_then_stops_the_token(client, globex_premium, globex_main):
    deployment, token = factories.deployment(globex_premium)
    client.force_login(globex_main)
    url = reverse("deployment_revoke", args=[deployment.pk])
    assert b"Yes, revoke" in client.get(url).content
    assert verify(client, token).json()["valid"] is True
    client.post(url)
    assert verify(client, token).json() == {"valid": False}


def test_an_administrative_contact_cannot_manage_deployments(client, globex, globex_premium):
    billing = factories.member(globex, "billing@globex.example", "administrative_contact").user
    client.force_login(billing)
    response = client.post(reverse("deployment_create", args=[globex_premium.pk]), {"name": "x"})
    assert response.status_code == 404
    assert not Deployment.objects.exists()


def test_a_secret_containing_underscores_still_verifies(client, globex_premium):
    token = "onp_abcd1234_se_cr_et-with_underscores"
    Deployment.objects.create(
        subscription=globex_premium,
        name="u",
        token_prefix="abcd1234",
        token_hash=Deployment.hash_token(token),
    )
    assert verify(client, token).json()["valid"] is True
