"""Scale subscriptions for `seed_scale`: ends spread over two years, a fifth sold by
partners, Solution Providers' end customers bought through their SP."""

from datetime import timedelta

from django.utils import timezone

from subscriptions.models import Plan, Subscription


def seed(ctx):
    today = timezone.localdate()
    plans = list(Plan.objects.values_list("pk", flat=True))
    rows = []
    for _ in range(ctx.options["subscriptions"]):
        organization = ctx.pick_customer(demo_share=0.002)
        channel, sold_by = "direct", None
        if organization in ctx.managed_by:
            channel, sold_by = "solution_provider", ctx.managed_by[organization]
        elif ctx.rng.random() < 0.2:
            channel, sold_by = "reseller", ctx.rng.choice(ctx.partners)
        ends_on = today + timedelta(days=ctx.rng.randint(-200, 730))
        starts_on = ends_on - timedelta(days=365)
        status = "pending" if starts_on > today else "active" if ends_on > today else "expired"
        rows.append(
            Subscription(
                organization_id=organization,
                plan_id=ctx.rng.choice(plans),
                status=status,
                servers=ctx.rng.randint(1, 64),
                starts_on=starts_on,
                ends_on=ends_on,
                channel=channel,
                sold_by_id=sold_by,
            )
        )
    Subscription.objects.bulk_create(rows, batch_size=5000)
    ctx.say(f"  subscriptions: {len(rows):,}")
