"""Scale subscriptions for `seed_scale`: `--subscriptions` terms of yearly subscriptions.

A customer's subscription is a chain of one-year terms, each renewal the next term
(`previous`): the latest term is in force, about to start, or expired (the customer
left); the terms before it were renewed. About a fifth are sold by a partner, and a
Solution Provider's end customers buy through their SP. The demo customers get a few
chains like any customer, so their pages show a real history.
"""

from datetime import timedelta

from django.utils import timezone

from subscriptions.models import Plan, Subscription

# Terms per chain: 1 to MAX_TERMS, about 3.5 on average.
MAX_TERMS = 6


def seed(ctx):
    today = timezone.localdate()
    plans = list(Plan.objects.values_list("pk", flat=True))
    chains = []  # (organization, plan, servers, channel, sold_by, terms, last term's end)
    total = 0
    while total < ctx.options["subscriptions"]:
        organization = ctx.pick_customer(demo_share=0.0004)
        channel, sold_by = "direct", None
        if organization in ctx.managed_by:
            channel, sold_by = "solution_provider", ctx.managed_by[organization]
        elif ctx.rng.random() < 0.2:
            channel, sold_by = "reseller", ctx.rng.choice(ctx.partners)
        terms = min(ctx.rng.randint(1, MAX_TERMS), ctx.options["subscriptions"] - total)
        last_end = today + timedelta(days=ctx.rng.randint(-200, 365))
        plan, servers = ctx.rng.choice(plans), ctx.rng.randint(1, 64)
        chains.append((organization, plan, servers, channel, sold_by, terms, last_end))
        total += terms

    # Term by term across every chain (oldest first), so each renewal names its previous.
    previous = [None] * len(chains)
    for term in range(MAX_TERMS):
        rows, owners = [], []
        for n, (organization, plan, servers, channel, sold_by, terms, last_end) in enumerate(
            chains
        ):
            if term >= terms:
                continue
            ends_on = last_end - timedelta(days=365 * (terms - 1 - term))
            starts_on = ends_on - timedelta(days=365)
            if term < terms - 1:
                status = "renewed"
            else:
                status = (
                    "pending" if starts_on > today else "active" if ends_on > today else "expired"
                )
            rows.append(
                Subscription(
                    organization_id=organization,
                    plan_id=plan,
                    status=status,
                    servers=servers,
                    starts_on=starts_on,
                    ends_on=ends_on,
                    channel=channel,
                    sold_by_id=sold_by,
                    previous_id=previous[n],
                )
            )
            owners.append(n)
        for n, subscription in zip(
            owners, Subscription.objects.bulk_create(rows, batch_size=5000), strict=True
        ):
            previous[n] = subscription.pk
    ctx.say(f"  subscriptions: {total:,} terms in {len(chains):,} chains")
