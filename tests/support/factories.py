"""Subscriptions, deployments and tickets for the support tests (made through the services
where a service exists, so the SLA clocks are the real ones)."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import Membership
from subscriptions.models import Deployment, Plan, SalesChannel, Subscription
from support import services
from support.models import Article, ArticleCategory, Ticket


def live_subscription(
    organization, plan_code="premium", *, status="active", deployments=("prod",), sold_by=None
):
    today = timezone.localdate()
    subscription = Subscription.objects.create(
        organization=organization,
        plan=Plan.objects.get(code=plan_code),
        status=status,
        servers=4,
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=335),
        channel=SalesChannel.SOLUTION_PROVIDER if sold_by else SalesChannel.DIRECT,
        sold_by=sold_by,
    )
    for name in deployments:
        prefix, token = Deployment.new_token()
        Deployment.objects.create(
            subscription=subscription,
            name=name,
            token_prefix=prefix,
            token_hash=Deployment.hash_token(token),
        )
    return subscription


def membership(user, organization):
    return Membership.objects.select_related("organization").get(
        user=user, organization=organization
    )


def open_ticket(
    user,
    organization,
    subscription=None,
    *,
    severity=2,
    subject="Live migration fails",
    files=(),
    acting_for=None,
    **fields,
):
    subscription = (
        subscription or Subscription.objects.filter(organization=organization).live().first()
    )
    return services.open_ticket(
        actor=user,
        membership=membership(user, acting_for or organization),
        subscription=subscription,
        severity=severity,
        subject=subject,
        description=fields.pop("description", "It fails with an error."),
        files=files,
        **fields,
    )


def article(
    audience=Article.Audience.PUBLIC,
    *,
    published=True,
    slug=None,
    title="Live migration checklist",
    body="Open the **ports**.",
    category=None,
):
    category = (
        category
        or ArticleCategory.objects.get_or_create(
            slug="operations", defaults={"name": "Operations"}
        )[0]
    )
    return Article.objects.create(
        title=title,
        slug=slug or f"{audience}-{Article.objects.count()}",
        category=category,
        audience=audience,
        body=body,
        is_published=published,
        published_at=timezone.now() if published else None,
    )


def ticket_of(organization, opener=None, **fields):
    """A ticket row made directly (no clocks): for samples and volume."""
    subscription = (
        fields.pop("subscription", None)
        or Subscription.objects.filter(organization=organization).first()
    )
    return Ticket.objects.create(
        organization=organization,
        subscription=subscription,
        severity=fields.pop("severity", 3),
        subject=fields.pop("subject", "A ticket"),
        description="…",
        opened_by=opener,
        **fields,
    )
