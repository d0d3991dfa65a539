from django import template
from django.db.models import Count, Q, Sum

from billing.access import manages_invoices, uses_billing_portal
from billing.money import format_money

register = template.Library()


@register.filter
def money(amount, currency):
    return format_money(amount, currency)


@register.filter(name="uses_billing_portal")
def uses_billing_portal_filter(membership):
    return uses_billing_portal(membership)


@register.filter(name="manages_invoices")
def manages_invoices_filter(user):
    return manages_invoices(user)


@register.inclusion_tag("billing/_dashboard_card.html", takes_context=True)
def billing_dashboard_card(context):
    """The billing card of the dashboard: unpaid invoices, or the staff's work queue."""
    from billing.models import Invoice

    request = context["request"]
    user = request.user
    if manages_invoices(user):
        counts = Invoice.objects.aggregate(
            drafts=Count("pk", filter=Q(status=Invoice.Status.DRAFT)),
            overdue=Count("pk", filter=Q(status=Invoice.Status.OVERDUE)),
        )
        return {"staff": True, **counts}
    if user.is_vendor_staff or not uses_billing_portal(getattr(request, "membership", None)):
        return {"hidden": True}
    unpaid = (
        Invoice.objects.for_organization(request.organization)
        .invoices()
        .unpaid()
        .values("currency")
        .annotate(
            count=Count("pk"),
            due=Sum("total") - Sum("amount_paid") - Sum("amount_credited"),
            overdue=Count("pk", filter=Q(status=Invoice.Status.OVERDUE)),
        )
        .order_by("currency")
    )
    return {
        "customer": True,
        "unpaid": [{**row, "due": format_money(row["due"], row["currency"])} for row in unpaid],
    }
