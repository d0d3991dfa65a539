"""Display helpers for support pages: SLA time left, menu entries, dashboard cards.

They compute from the access functions and the SLA engine; templates only show.
"""

from django import template
from django.utils import timezone

from support import access, sla
from support.models import SLAClock, Ticket

register = template.Library()


@register.filter
def minutes_span(minutes):
    """Minutes as a short span: 95 → "1 h 35 min", 1570 → "1 d 2 h"."""
    if minutes is None:
        return ""
    minutes = abs(int(minutes))
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(f"{days} d")
    if hours:
        parts.append(f"{hours} h")
    if mins or not parts:
        parts.append(f"{mins} min")
    return " ".join(parts[:2]) if days else " ".join(parts)


@register.simple_tag
def clock_status(clock, ticket, now=None):
    """What a customer reads about one SLA target: met, breached, paused or time left."""
    now = now or timezone.now()
    business = ticket.calendar is not None
    unit = " of business hours" if business else ""
    if clock.state == SLAClock.State.MET:
        return {"tone": "met", "text": "Met"}
    if clock.state == SLAClock.State.BREACHED:
        return {"tone": "breached", "text": "Breached"}
    left = sla.time_left(clock, ticket, now)
    if clock.state == SLAClock.State.PAUSED:
        if left is not None and left <= 0:
            return {"tone": "breached", "text": "Breached (paused while waiting on you)"}
        return {
            "tone": "paused",
            "text": f"Paused while waiting on the customer: {minutes_span(left)}{unit} left",
        }
    if clock.due_at <= now:
        late = int((now - clock.due_at).total_seconds() // 60)
        return {"tone": "breached", "text": f"Breached {minutes_span(late)} ago"}
    return {
        "tone": "warning" if clock.warn_at and clock.warn_at <= now else "running",
        "text": f"{minutes_span(left)}{unit} left",
        "due_at": clock.due_at,
    }


@register.simple_tag
def time_to_breach(ticket, now=None):
    """The queue's column: wall-clock time until the earliest running target breaches."""
    now = now or timezone.now()
    if ticket.status == Ticket.Status.WAITING:
        return {"tone": "paused", "text": "Paused"}
    if ticket.sla_due_at is None:
        return {"tone": "none", "text": "—"}
    minutes = int((ticket.sla_due_at - now).total_seconds() // 60)
    if minutes <= 0:
        return {"tone": "breached", "text": f"Breached {minutes_span(-minutes)} ago"}
    return {"tone": "running", "text": f"in {minutes_span(minutes)}"}


@register.simple_tag(takes_context=True)
def support_menu(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    user, membership = request.user, getattr(request, "membership", None)
    if user.is_vendor_staff:
        return {
            "engineer": access.is_support_engineer(user),
            "writer": access.writes_articles(user),
            "staff": True,
        }
    organization = getattr(request, "organization", None)
    return {
        "tickets": access.uses_support(membership),
        "downloads": organization is not None,
        "sharing": membership is not None and membership.is_main_contact,
    }


@register.simple_tag(takes_context=True)
def support_dashboard(context):
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return {}
    user, membership = request.user, getattr(request, "membership", None)
    if user.is_vendor_staff:
        if not access.is_support_engineer(user):
            return {}
        from support.queue_views import queue_counts

        return {"engineer": True, "counts": queue_counts(user, timezone.now())}
    if not access.uses_support(membership):
        return {}
    visible = Ticket.objects.visible_to(user, request.organization, membership)
    return {
        "member": True,
        "open_tickets": visible.active().count(),
        "active_subscription": access.has_active_subscription(request.organization),
    }
