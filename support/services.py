"""Writes of the support app. Each change is one function, one transaction, audited;
every public update sends an email through the outbox, internal notes never do."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts.audit import audit
from accounts.models import Membership
from accounts.outbox import notify
from accounts.services import DomainError
from support import access, sla
from support.models import SLAClock, Ticket, TicketAttachment, TicketComment

Status = Ticket.Status
Level = Ticket.Level
Side = TicketComment.Side
Target = SLAClock.Target
User = get_user_model()


class InvalidTransition(DomainError):
    def __init__(self, status, action):
        super().__init__(f"A ticket that is {Status(status).label.lower()} cannot be {action}.")


# The status machine: where a ticket may go from each status.
ALLOWED = {
    Status.NEW: {Status.OPEN, Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.OPEN: {Status.WAITING, Status.RESOLVED, Status.CLOSED},
    Status.WAITING: {Status.OPEN, Status.RESOLVED, Status.CLOSED},
    Status.RESOLVED: {Status.OPEN, Status.CLOSED},
    Status.CLOSED: set(),
}


def _move(ticket, status, *, actor, action, now):
    """The one place a ticket's status changes."""
    if status not in ALLOWED[ticket.status]:
        raise InvalidTransition(ticket.status, action)
    before = ticket.status
    ticket.status = status
    if status == Status.RESOLVED:
        ticket.resolved_at = now
    elif status == Status.CLOSED:
        ticket.closed_at = now
    elif before == Status.RESOLVED:
        ticket.resolved_at = None
    audit(actor, f"ticket.{action}", ticket, status_before=before, status=status)


def _locked(ticket):
    """The ticket re-read under a row lock (its organization's row stays unlocked)."""
    return (
        Ticket.objects.select_for_update(of=("self",))
        .select_related("organization__managed_by", "subscription__plan")
        .get(pk=ticket.pk)
    )


def _save(ticket, now):
    ticket.updated_at = now
    sla.refresh_due(ticket)
    ticket.save()


# --- Opening ------------------------------------------------------------------


@transaction.atomic
def open_ticket(
    *,
    actor,
    membership,
    subject,
    description,
    subscription=None,
    severity=None,
    deployment=None,
    product_version="",
    files=(),
    kind=Ticket.Kind.SUPPORT,
):
    """Open a support ticket against a live subscription, or a presales request."""
    now = timezone.now()
    if kind == Ticket.Kind.PRESALES:
        if not access.may_request_presales(membership.organization):
            raise PermissionDenied("Presales requests are a Strategic partner benefit.")
        organization, level, calendar = membership.organization, Level.DIRECT, None
    else:
        allowed = access.subscriptions_to_open_against(membership)
        if subscription is None or not allowed.filter(pk=subscription.pk).exists():
            raise DomainError("Choose one of your active subscriptions.")
        if deployment is not None and deployment.subscription_id != subscription.pk:
            raise DomainError("That deployment belongs to another subscription.")
        organization = subscription.organization
        level = Level.PARTNER if organization.managed_by_id else Level.DIRECT
        calendar = sla.calendar_for(subscription)
    ticket = Ticket.objects.create(
        organization=organization,
        kind=kind,
        subject=subject,
        description=description,
        severity=severity if kind == Ticket.Kind.SUPPORT else None,
        subscription=subscription if kind == Ticket.Kind.SUPPORT else None,
        deployment=deployment,
        product_version=product_version,
        level=level,
        opened_by=actor,
        calendar=calendar,
        created_at=now,
        updated_at=now,
    )
    _attach(ticket, None, files, actor, now)
    if ticket.held_by_vendor:
        sla.start_ticket_clocks(ticket, now)
        sla.refresh_due(ticket)
        ticket.save(update_fields=["sla_due_at"])
    audit(actor, "ticket.opened", ticket, kind=kind, severity=ticket.severity, level=level)
    notify(
        actor.email,
        "support/ticket_opened",
        _email_context(ticket),
        key=f"ticket-opened:{ticket.pk}",
        organization=organization,
    )
    return ticket


def _attach(ticket, comment, files, actor, now):
    for upload in files:
        TicketAttachment.objects.create(
            ticket=ticket,
            comment=comment,
            file=upload,
            name=upload.name[:200],
            content_type=upload.validated_content_type,
            size=upload.size,
            uploaded_by=actor,
            created_at=now,
        )


# --- The conversation -----------------------------------------------------------


@transaction.atomic
def add_comment(ticket, *, actor, membership, body, internal=False, files=(), wait=False):
    """A public comment or an internal note. Moves the status and the SLA clocks:
    a reply of whoever holds the ticket answers the customer; a customer's
    comment resumes a paused clock, asks for a next response, or reopens a
    recently resolved ticket."""
    now = timezone.now()
    ticket = _locked(ticket)
    actions = access.ticket_actions(actor, membership, ticket, now)
    if internal:
        if not actions.can_write_internal:
            raise PermissionDenied("Only OpenNebula support engineers write internal notes.")
    elif not actions.can_comment:
        raise DomainError(actions.read_only_reason or "You cannot comment on this ticket.")
    comment = TicketComment.objects.create(
        ticket=ticket,
        author=actor,
        side=actions.side,
        is_internal=internal,
        body=body,
        created_at=now,
    )
    _attach(ticket, comment, files, actor, now)
    if internal:
        audit(actor, "ticket.internal_note", ticket, comment=comment.pk)
        _save(ticket, now)
        return comment
    if actions.holds:
        _answered(ticket, actor=actor, now=now, wait=wait)
    else:
        _customer_updated(ticket, actor=actor, now=now)
    audit(actor, "ticket.commented", ticket, comment=comment.pk, side=actions.side)
    _save(ticket, now)
    _email_participants(ticket, comment, actor)
    return comment


def _answered(ticket, *, actor, now, wait):
    """Whoever holds the ticket answered: response clocks stop; maybe wait on the customer."""
    if ticket.held_by_vendor:
        sla.stop_clocks(ticket, now, [Target.FIRST_RESPONSE, Target.NEXT_RESPONSE])
        if ticket.first_response_at is None:
            ticket.first_response_at = now
    if wait and ticket.status != Status.WAITING and ticket.is_active:
        _move(ticket, Status.WAITING, actor=actor, action="waiting_on_customer", now=now)
        sla.pause_clocks(ticket, now)
    elif ticket.status == Status.NEW:
        _move(ticket, Status.OPEN, actor=actor, action="opened_by_support", now=now)


def _customer_updated(ticket, *, actor, now):
    if ticket.status == Status.RESOLVED:
        _move(ticket, Status.OPEN, actor=actor, action="reopened", now=now)
        if ticket.held_by_vendor:
            sla.resume_resolution(ticket, now)
    elif ticket.status == Status.WAITING:
        _move(ticket, Status.OPEN, actor=actor, action="customer_replied", now=now)
        sla.resume_clocks(ticket, now)
    if ticket.held_by_vendor and not sla.has_running_response_clock(ticket):
        sla.start_clock(ticket, Target.NEXT_RESPONSE, now)


@transaction.atomic
def resolve_ticket(ticket, *, actor, membership, message=""):
    now = timezone.now()
    ticket = _locked(ticket)
    actions = access.ticket_actions(actor, membership, ticket, now)
    if not actions.holds:
        raise PermissionDenied("Only whoever holds the ticket resolves it.")
    comment = None
    if message:
        comment = TicketComment.objects.create(
            ticket=ticket, author=actor, side=actions.side, body=message, created_at=now
        )
        if ticket.held_by_vendor and ticket.first_response_at is None:
            ticket.first_response_at = now
    _move(ticket, Status.RESOLVED, actor=actor, action="resolved", now=now)
    sla.stop_clocks(ticket, now)
    _save(ticket, now)
    _email_participants(ticket, comment, actor, event="resolved")
    return ticket


@transaction.atomic
def close_ticket(ticket, *, actor, membership=None):
    """The customer closes a ticket for good (also automatic after the reopen window)."""
    now = timezone.now()
    ticket = _locked(ticket)
    if actor is not None:
        actions = access.ticket_actions(actor, membership, ticket, now)
        if not actions.can_close:
            raise PermissionDenied("You cannot close this ticket.")
    _move(ticket, Status.CLOSED, actor=actor, action="closed", now=now)
    sla.stop_clocks(ticket, now)
    _save(ticket, now)
    return ticket


def close_resolved_tickets(now=None, limit=500):
    """Close resolved tickets whose reopen window has passed (periodic; safe to repeat)."""
    now = now or timezone.now()
    cutoff = now - Ticket.REOPEN_WINDOW
    closed = 0
    ids = list(
        Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff).values_list(
            "pk", flat=True
        )[:limit]
    )
    for pk in ids:
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if ticket is None or ticket.status != Status.RESOLVED:
                continue
            _move(ticket, Status.CLOSED, actor=None, action="closed", now=now)
            _save(ticket, now)
            closed += 1
    return closed


# --- Triage: claim and assign ---------------------------------------------------


def _ensure_engineer(user, what="assign tickets"):
    if not access.is_support_engineer(user):
        raise PermissionDenied(f"Only support engineers {what}.")


@transaction.atomic
def assign_ticket(ticket, assignee, *, actor):
    _ensure_engineer(actor)
    if assignee is not None:
        _ensure_engineer(assignee, "hold tickets")
    ticket = _locked(ticket)
    if not (ticket.held_by_vendor and ticket.is_active):
        raise DomainError(f"Ticket #{ticket.pk} is not in OpenNebula's queue.")
    before = ticket.assignee
    if before == assignee:
        return ticket
    ticket.assignee = assignee
    _save(ticket, timezone.now())
    audit(
        actor,
        "ticket.claimed" if assignee == actor else "ticket.assigned",
        ticket,
        assignee_before=before.email if before else None,
        assignee=assignee.email if assignee else None,
    )
    return ticket


def claim_ticket(ticket, *, actor):
    return assign_ticket(ticket, actor, actor=actor)


@transaction.atomic
def bulk_assign(tickets, assignee, *, actor):
    """Assign several tickets at once; those no longer in the queue are skipped."""
    assigned = []
    for ticket in tickets:
        try:
            assigned.append(assign_ticket(ticket, assignee, actor=actor))
        except DomainError:
            continue
    return assigned


# --- Escalation (SP L1/L2 → OpenNebula L3) ---------------------------------------


@transaction.atomic
def escalate_ticket(ticket, *, actor, membership, reason):
    """The SP's L1/L2 team hands the ticket to OpenNebula L3 (Premium end customers only)."""
    now = timezone.now()
    ticket = _locked(ticket)
    actions = access.ticket_actions(actor, membership, ticket, now)
    if not actions.can_escalate:
        raise DomainError(actions.escalation_blocked or "This ticket cannot be escalated.")
    comment = TicketComment.objects.create(
        ticket=ticket,
        author=actor,
        side=Side.PARTNER,
        body=f"Escalated to OpenNebula L3: {reason}",
        created_at=now,
    )
    ticket.level = Level.L3
    ticket.escalated_at = now
    ticket.escalated_by = actor
    ticket.first_response_at = None
    if ticket.status == Status.WAITING:
        _move(ticket, Status.OPEN, actor=actor, action="customer_replied", now=now)
    sla.start_ticket_clocks(ticket, now)
    audit(
        actor,
        "ticket.escalated",
        ticket,
        level_before=Level.PARTNER,
        level=Level.L3,
        partner=ticket.organization.managed_by.name,
        reason=reason,
    )
    _save(ticket, now)
    notify(
        settings.SUPPORT_QUEUE_EMAIL,
        "support/ticket_escalated",
        {**_email_context(ticket), "reason": reason},
        key=f"ticket-escalated:{ticket.pk}:{comment.pk}",
        organization=ticket.organization,
    )
    return ticket


@transaction.atomic
def hand_back_ticket(ticket, *, actor, note):
    """OpenNebula L3 returns the ticket to the SP's L1/L2 team, with a public note."""
    _ensure_engineer(actor, "hand tickets back")
    now = timezone.now()
    ticket = _locked(ticket)
    if ticket.level != Level.L3 or not ticket.is_active:
        raise DomainError("Only an active L3 ticket can be handed back.")
    comment = TicketComment.objects.create(
        ticket=ticket, author=actor, side=Side.VENDOR, body=note, created_at=now
    )
    sla.stop_clocks(ticket, now)
    ticket.level = Level.PARTNER
    audit(
        actor,
        "ticket.handed_back",
        ticket,
        level_before=Level.L3,
        level=Level.PARTNER,
        partner=ticket.organization.managed_by.name,
    )
    _save(ticket, now)
    _email_participants(ticket, comment, actor)
    return ticket


# --- Sharing --------------------------------------------------------------------


def _ensure_main_contact(actor, organization):
    if not Membership.objects.filter(
        user=actor, organization=organization, is_main_contact=True
    ).exists():
        raise PermissionDenied("Only the Main Contact shares tickets.")


@transaction.atomic
def share_ticket(ticket, contact, *, actor):
    """The Main Contact lets one technical contact follow one ticket (guardian permission)."""
    _ensure_main_contact(actor, ticket.organization)
    if not Membership.objects.filter(
        user=contact, organization=ticket.organization, is_technical_contact=True
    ).exists():
        raise DomainError("Tickets are shared with the organization's technical contacts.")
    assign_perm("support.follow_ticket", contact, ticket)
    audit(actor, "ticket.shared", ticket, contact=contact.email)
    notify(
        contact.email,
        "support/ticket_shared",
        {**_email_context(ticket), "shared_by": str(actor)},
        key=f"ticket-shared:{ticket.pk}:{contact.pk}:{timezone.now():%Y%m%d%H%M%S}",
        organization=ticket.organization,
    )


@transaction.atomic
def unshare_ticket(ticket, contact, *, actor):
    _ensure_main_contact(actor, ticket.organization)
    remove_perm("support.follow_ticket", contact, ticket)
    audit(actor, "ticket.unshared", ticket, contact=contact.email)


def shared_with(ticket):
    from support.models import TicketUserObjectPermission

    return User.objects.filter(
        pk__in=TicketUserObjectPermission.objects.filter(
            content_object=ticket, permission__codename="follow_ticket"
        ).values("user")
    ).order_by("email")


@transaction.atomic
def set_ticket_sharing(organization, enabled, *, actor):
    """The organization-wide setting: every technical contact sees every ticket."""
    _ensure_main_contact(actor, organization)
    if organization.share_tickets_with_technical_contacts == enabled:
        return organization
    organization.share_tickets_with_technical_contacts = enabled
    organization.save(update_fields=["share_tickets_with_technical_contacts"])
    audit(actor, "organization.ticket_sharing_changed", organization, enabled=enabled)
    return organization


# --- Email ----------------------------------------------------------------------


def _email_context(ticket):
    return {
        "ticket_number": ticket.pk,
        "subject": ticket.subject,
        "organization": ticket.organization.name,
        "status": ticket.get_status_display(),
        "severity": ticket.get_severity_display() if ticket.severity else "",
        "ticket_path": ticket.get_absolute_url(),
    }


def participants(ticket):
    """The customer side of a ticket: who opened it, who it is shared with, who wrote."""
    people = {}
    for user in [ticket.opened_by, *shared_with(ticket)]:
        if user is not None:
            people[user.pk] = user
    writers = User.objects.filter(
        pk__in=ticket.comments.public()
        .exclude(side=Side.VENDOR)
        .values("author")
        .exclude(author=None)
    )
    for user in writers:
        people[user.pk] = user
    return [user for user in people.values() if user.is_active]


def sp_support_team(ticket):
    """The Solution Provider's main and technical contacts, who hold an L1/L2 ticket."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organization_id=ticket.organization.managed_by_id,
        )
        .filter(Q(memberships__is_main_contact=True) | Q(memberships__is_technical_contact=True))
        .distinct()
    )


def _email_participants(ticket, comment, actor, event="commented"):
    """One email per public update and recipient. The customer side hears of the
    holder's replies; the holder hears of the customer side's: OpenNebula's assignee,
    or the Solution Provider's team while it holds the ticket at L1/L2."""
    actor_side = comment.side if comment is not None else Side.VENDOR
    if actor_side == Side.VENDOR or (actor_side == Side.PARTNER and ticket.level == Level.PARTNER):
        recipients = participants(ticket)
    elif ticket.level == Level.PARTNER:
        recipients = sp_support_team(ticket)
    else:
        recipients = [ticket.assignee] if ticket.assignee and ticket.held_by_vendor else []
    context = {
        **_email_context(ticket),
        "event": event,
        "author": str(actor) if actor else "OpenNebula Support",
        "body": comment.body if comment is not None else "",
    }
    update = comment.pk if comment is not None else f"{event}-{ticket.updated_at:%Y%m%d%H%M%S%f}"
    for user in recipients:
        if user == actor:
            continue
        notify(
            user.email,
            "support/ticket_update",
            context,
            key=f"ticket-update:{ticket.pk}:{update}:{user.pk}",
            organization=ticket.organization,
        )


# --- SLA alerts -----------------------------------------------------------------


def send_sla_warnings(now=None, limit=500):
    """Alert the assignee (or the queue) once per ticket and target when 80% of the
    target has elapsed. The outbox key makes a second run, or a duplicated task,
    send nothing more."""
    now = now or timezone.now()
    due = SLAClock.objects.running().filter(warn_at__lte=now, warned_at__isnull=True)
    return _alert(due, "warned_at", "support/sla_warning", "sla-warning", now, limit)


def send_sla_breach_alerts(now=None, limit=500):
    """Alert once per ticket and target when a running target has passed its deadline."""
    now = now or timezone.now()
    due = SLAClock.objects.running().filter(due_at__lte=now, breach_alerted_at__isnull=True)
    return _alert(due, "breach_alerted_at", "support/sla_breach", "sla-breach", now, limit)


def _alert(clocks, stamp, template, key_prefix, now, limit):
    sent = 0
    for pk in list(clocks.order_by("due_at").values_list("pk", flat=True)[:limit]):
        with transaction.atomic():
            clock = (
                clocks.select_for_update(skip_locked=True, of=("self",))
                .select_related("ticket__organization", "ticket__assignee")
                .filter(pk=pk)
                .first()
            )
            if clock is None:
                continue
            ticket = clock.ticket
            recipient = ticket.assignee.email if ticket.assignee else settings.SUPPORT_QUEUE_EMAIL
            notify(
                recipient,
                template,
                {
                    **_email_context(ticket),
                    "target": clock.get_target_display(),
                    "due_at": f"{clock.due_at:%Y-%m-%d %H:%M} UTC",
                    "assigned": ticket.assignee is not None,
                },
                key=f"{key_prefix}:{clock.pk}",
                organization=ticket.organization,
            )
            setattr(clock, stamp, now)
            clock.save(update_fields=[stamp])
            sent += 1
    return sent


# --- Knowledge base ---------------------------------------------------------------


@transaction.atomic
def save_article(article, *, actor):
    """Create or edit an article (staff). Publishing is its own step."""
    created = article.pk is None
    if created:
        article.author = actor
    article.updated_at = timezone.now()
    article.save()
    audit(
        actor,
        "article.created" if created else "article.edited",
        article,
        audience=article.audience,
    )
    return article


@transaction.atomic
def set_article_published(article, published, *, actor):
    if article.is_published == published:
        return article
    article.is_published = published
    if published and article.published_at is None:
        article.published_at = timezone.now()
    article.save(update_fields=["is_published", "published_at"])
    audit(actor, "article.published" if published else "article.unpublished", article)
    return article
