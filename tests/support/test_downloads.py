from django.urls import reverse

from tests.support.factories import live_subscription


def test_customers_see_how_to_reach_the_repository_with_their_deployment_tokens(
    client, globex_tech1, globex_premium
):
    client.force_login(globex_tech1)
    page = client.get(reverse("downloads")).content.decode()
    for deployment in globex_premium.deployments.all():
        assert deployment.name in page
        assert f"onp_{deployment.token_prefix}_" in page
        assert deployment.token_hash not in page
    assert "YOUR_TOKEN@enterprise.opennebula.io" in page
    assert "LTS" in page


def test_without_an_active_subscription_the_page_says_why_and_how_to_renew(
    client, globex, globex_tech1
):
    expired = live_subscription(globex, status="expired", deployments=("old-cloud",))
    client.force_login(globex_tech1)
    page = client.get(reverse("downloads")).content.decode()
    assert "has no active subscription" in page
    assert "How to renew" in page
    assert "enterprise.opennebula.io" not in page
    assert expired.deployments.get().token_prefix not in page


def test_downloads_need_an_account(client, db):
    response = client.get(reverse("downloads"))
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
