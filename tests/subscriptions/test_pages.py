from django.urls import reverse

from tests import factories


def test_the_customer_subscription_list_costs_the_same_queries_at_any_size(
    client, globex, globex_main, django_assert_max_num_queries
):
    client.force_login(globex_main)
    factories.SubscriptionFactory.create_batch(2, organization=globex)
    with django_assert_max_num_queries(8) as small:
        client.get(reverse("subscription_list"))
    factories.SubscriptionFactory.create_batch(40, organization=globex)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("subscription_list"))


def test_the_staff_list_filters_and_costs_the_same_queries_at_any_size(
    client, sales_ops, globex, initech, acme, django_assert_max_num_queries
):
    client.force_login(sales_ops)
    sold = factories.SubscriptionFactory(organization=globex, channel="reseller", sold_by=acme)
    factories.SubscriptionFactory(organization=initech, status="expired")
    page = client.get(reverse("staff_subscriptions"), {"sold_by": "acme", "status": "active"})
    assert list(page.context["subscriptions"]) == [sold]
    page = client.get(reverse("staff_subscriptions"), {"q": "initech"})
    assert [s.organization for s in page.context["subscriptions"]] == [initech]

    with django_assert_max_num_queries(12) as small:
        client.get(reverse("staff_subscriptions"))
    factories.SubscriptionFactory.create_batch(40, organization=initech)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(reverse("staff_subscriptions"))


def test_the_subscription_page_shows_plan_term_servers_deployments_and_contacts(
    client, globex, globex_main, globex_tech1
):
    subscription = factories.SubscriptionFactory(organization=globex, servers=8)
    factories.deployment(subscription, "globex-prod")
    client.force_login(globex_tech1)
    page = client.get(subscription.get_absolute_url()).content.decode()
    for text in [
        "Premium",
        "8",
        "globex-prod",
        "onp_",
        "main@globex.example",
        "tech1@globex.example",
        subscription.ends_on.strftime("%Y-%m-%d"),
    ]:
        assert text in page
