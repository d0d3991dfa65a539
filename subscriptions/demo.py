"""Demo subscriptions, processed through the real order-form service (idempotent by
order form number). Deployment tokens are fixed so the verify API can be tried
(README); they are demo-only."""

from datetime import timedelta

from django.utils import timezone

from subscriptions import services
from subscriptions.models import Deployment, Plan, SalesChannel

DEMO_TOKENS = {
    "globex-prod": ("d0000001", "onp_d0000001_demo-globex-prod-token-not-a-secret"),
    "globex-lab": ("d0000002", "onp_d0000002_demo-globex-lab-token-not-a-secret"),
    "initech-main": ("d0000003", "onp_d0000003_demo-initech-main-token-not-a-secret"),
    "umbrella-edge": ("d0000004", "onp_d0000004_demo-umbrella-edge-token-not-a-secret"),
}


def seed(people):
    today = timezone.localdate()
    admin = people["admin@opennebula.example"]
    plans = {plan.code: plan for plan in Plan.objects.all()}

    def order(reference, organization, plan, servers, started_days_ago, ends_in_days, **extra):
        order_form, _ = services.process_order_form(
            actor=admin,
            organization=organization,
            reference=reference,
            plan=plans[plan],
            servers=servers,
            starts_on=today - timedelta(days=started_days_ago),
            ends_on=today + timedelta(days=ends_in_days),
            payment_method="bank_transfer",
            **{"channel": SalesChannel.DIRECT, **extra},
        )
        return order_form.subscription

    globex, initech = people["Globex"], people["Initech"]
    globex_contacts = dict(
        main_contact_name="Grace Globex",
        main_contact_email="main@globex.example",
        technical_contacts=[
            {"name": "Tom Tech", "email": "tech1@globex.example"},
            {"name": "Tina Tech", "email": "tech2@globex.example"},
        ],
    )
    globex_premium = order(
        "OF-DEMO-0001",
        globex,
        "premium",
        8,
        100,
        265,
        purchase_order="PO-GLOBEX-5",
        **globex_contacts,
    )
    # A second, smaller Globex term that ends within 30 days: renewal notices show.
    order(
        "OF-DEMO-0002",
        globex,
        "standard",
        2,
        345,
        20,
        purchase_order="PO-GLOBEX-6",
        **globex_contacts,
    )
    initech_standard = order(
        "OF-DEMO-0003",
        initech,
        "standard-eu",
        2,
        30,
        335,
        main_contact_name="Ian Initech",
        main_contact_email="main@initech.example",
    )
    umbrella_premium = order(
        "OF-DEMO-0004",
        people["Umbrella Labs"],
        "premium",
        4,
        60,
        305,
        channel=SalesChannel.SOLUTION_PROVIDER,
        sold_by=people["Acme Cloud"],
        main_contact_name="Alice Acme",
        main_contact_email="main@acme.example",
    )

    for subscription, name in [
        (globex_premium, "globex-prod"),
        (globex_premium, "globex-lab"),
        (initech_standard, "initech-main"),
        (umbrella_premium, "umbrella-edge"),
    ]:
        demo_deployment(subscription, name)
    services.queue_renewal_notices()


def demo_deployment(subscription, name):
    prefix, token = DEMO_TOKENS[name]
    if not Deployment.objects.filter(token_prefix=prefix).exists():
        Deployment.objects.create(
            subscription=subscription,
            name=name,
            token_prefix=prefix,
            token_hash=Deployment.hash_token(token),
        )
