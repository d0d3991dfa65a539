"""Scale subscriptions for `seed_scale`: ends spread over two years, a fifth sold by partners."""

from datetime import timedelta

from django.utils import timezone

from subscriptions.models import Plan, Subscription


def seed(ctx):
    today = timezone.localdate()
    plans = list(Plan.objects.values_list("pk", flat=True))
    rows = []
    for _ in range(ctx.options["subscriptions"]):
        sold = ctx.rng.random() < 0.2
        ends_on = today + timedelta(days=ctx.rng.randint(-200, 730))
        rows.append(
            Subscription(
                organization_id=ctx.pick_customer(demo_share=0.002),
                plan_id=ctx.rng.choice(plans),
                status="active" if ends_on > today else "expired",
                servers=ctx.rng.randint(1, 64),
                starts_on=ends_on - timedelta(days=365),
                ends_on=ends_on,
                channel="reseller" if sold else "direct",
                sold_by_id=ctx.rng.choice(ctx.partners) if sold else None,
            )
        )
    Subscription.objects.bulk_create(rows, batch_size=5000)
    ctx.say(f"  subscriptions: {len(rows):,}")
