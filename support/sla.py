"""The SLA engine: a ticket's clocks, counted in SLA minutes.

Premium plans (24x7) and presales requests count every minute; Standard plans
count working minutes of the ticket's business calendar (time zone, hours,
holidays). A clock pauses while the ticket waits on the customer and resumes
with the SLA minutes it had left. Called only by `support.services`, inside
their transaction.
"""

import math
from datetime import timedelta

from django.db.models import Min

from subscriptions.models import SLATarget
from support.models import BusinessCalendar, SLAClock, Ticket

# Partner guide: "presales team access, web-based, 48-hour SLA" (Strategic partners).
PRESALES_RESPONSE_MINUTES = 48 * 60

Target = SLAClock.Target
State = SLAClock.State


def calendar_for(subscription):
    """The business calendar of a business-hours subscription, or None for 24x7.

    The calendar is the issuing entity's: OpenNebula Systems USA for customers in
    the Americas, OpenNebula Systems Europe for everyone else (docs/decisions.md).
    """
    if subscription is None or subscription.plan.is_premium:
        return None
    code = "usa" if subscription.organization.country in AMERICAS else "europe"
    return (
        BusinessCalendar.objects.filter(code=code).first()
        or BusinessCalendar.objects.filter(is_default=True).first()
    )


# ISO 3166-1 codes of the countries served from Burlington, MA.
AMERICAS = frozenset({
    "AR", "BB", "BO", "BR", "BS", "CA", "CL", "CO", "CR", "CU", "DO", "EC", "GT", "HN",
    "HT", "JM", "MX", "NI", "PA", "PE", "PR", "PY", "SV", "TT", "US", "UY", "VE",
})  # fmt: skip


def targets_of(ticket):
    """{target: minutes} for the ticket's plan and severity (or the presales SLA)."""
    if ticket.kind == Ticket.Kind.PRESALES:
        return {
            Target.FIRST_RESPONSE: PRESALES_RESPONSE_MINUTES,
            Target.NEXT_RESPONSE: PRESALES_RESPONSE_MINUTES,
        }
    target = SLATarget.objects.get(plan_id=ticket.subscription.plan_id, severity=ticket.severity)
    return {
        Target.FIRST_RESPONSE: target.first_response_minutes,
        Target.NEXT_RESPONSE: target.next_response_minutes,
        Target.RESOLUTION: target.resolution_minutes,
    }


def add_sla_minutes(ticket, start, minutes):
    if ticket.calendar is None:
        return start + timedelta(minutes=minutes)
    return ticket.calendar.add_minutes(start, minutes)


def sla_minutes_between(ticket, start, end):
    if ticket.calendar is None:
        return math.floor((end - start).total_seconds() / 60)
    return ticket.calendar.minutes_between(start, end)


def start_clock(ticket, target, now, minutes=None):
    """Start `target` unless the plan has none (presales have no resolution target)."""
    if minutes is None:
        minutes = targets_of(ticket).get(target)
    if minutes is None:
        return None
    return SLAClock.objects.create(
        ticket=ticket,
        target=target,
        target_minutes=minutes,
        started_at=now,
        due_at=add_sla_minutes(ticket, now, minutes),
        warn_at=add_sla_minutes(ticket, now, math.ceil(minutes * SLAClock.WARNING_SHARE)),
    )


def start_ticket_clocks(ticket, now):
    """OpenNebula takes the ticket: first response and resolution start."""
    targets = targets_of(ticket)
    for target in (Target.FIRST_RESPONSE, Target.RESOLUTION):
        if target in targets:
            start_clock(ticket, target, now, targets[target])


def stop_clocks(ticket, now, targets=None):
    """Stop running or paused clocks (all, or of `targets`): each is met or breached."""
    clocks = ticket.sla_clocks.filter(state__in=[State.RUNNING, State.PAUSED])
    if targets is not None:
        clocks = clocks.filter(target__in=targets)
    for clock in clocks:
        if clock.state == State.RUNNING:
            clock.remaining_minutes = sla_minutes_between(ticket, now, clock.due_at)
            met = now <= clock.due_at
        else:
            met = clock.remaining_minutes > 0
        clock.state = State.MET if met else State.BREACHED
        clock.stopped_at = now
        clock.save(update_fields=["state", "stopped_at", "remaining_minutes"])


def pause_clocks(ticket, now):
    """Waiting on the customer: every running clock keeps the SLA minutes it had left."""
    for clock in ticket.sla_clocks.running():
        clock.remaining_minutes = sla_minutes_between(ticket, now, clock.due_at)
        clock.state = State.PAUSED
        clock.due_at = None
        clock.warn_at = None
        clock.save(update_fields=["state", "due_at", "warn_at", "remaining_minutes"])


def resume_clocks(ticket, now):
    for clock in ticket.sla_clocks.filter(state=State.PAUSED):
        _run_again(ticket, clock, now)


def resume_resolution(ticket, now):
    """A reopened ticket: the resolution clock goes on with the time it had left when
    resolved; one that had breached stays breached."""
    clock = (
        ticket.sla_clocks.filter(target=Target.RESOLUTION, state=State.MET)
        .order_by("-stopped_at")
        .first()
    )
    if clock is not None:
        _run_again(ticket, clock, now)


def _run_again(ticket, clock, now):
    remaining = clock.remaining_minutes or 0
    elapsed = clock.target_minutes - remaining
    warn_in = math.ceil(clock.target_minutes * SLAClock.WARNING_SHARE) - elapsed
    clock.state = State.RUNNING
    clock.stopped_at = None
    clock.due_at = (
        add_sla_minutes(ticket, now, remaining)
        if remaining > 0
        else now + timedelta(minutes=remaining)
    )
    clock.warn_at = add_sla_minutes(ticket, now, warn_in) if warn_in > 0 else now
    clock.remaining_minutes = None
    clock.save(update_fields=["state", "stopped_at", "due_at", "warn_at", "remaining_minutes"])


def refresh_due(ticket):
    """Keep `Ticket.sla_due_at` = the earliest running deadline (what the queue sorts by)."""
    ticket.sla_due_at = ticket.sla_clocks.running().aggregate(due=Min("due_at"))["due"]
    return ticket.sla_due_at


def has_running_response_clock(ticket):
    return (
        ticket.sla_clocks.running()
        .filter(target__in=[Target.FIRST_RESPONSE, Target.NEXT_RESPONSE])
        .exists()
    )


def time_left(clock, ticket, now):
    """SLA minutes left on a clock (negative once breached); None when it has stopped."""
    if clock.state == State.RUNNING:
        return sla_minutes_between(ticket, now, clock.due_at)
    if clock.state == State.PAUSED:
        return clock.remaining_minutes
    return None
