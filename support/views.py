"""Ticket pages for customers, partners and OpenNebula staff.

Every view that takes a ticket id fetches it through `Ticket.objects.visible_to`
first, whatever the method: another organization's ticket, or a colleague's
that was not shared, is a 404 before anything else happens.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.access import paginate
from accounts.services import DomainError
from support import access, services
from support.access import support_engineer_required, support_member_required
from support.forms import (
    AssignForm,
    CommentForm,
    EscalateForm,
    HandBackForm,
    InternalNoteForm,
    PresalesForm,
    ResolveForm,
    ShareForm,
    TicketForm,
    TicketSharingForm,
)
from support.models import Ticket

User = get_user_model()


def visible_ticket(request, pk):
    tickets = Ticket.objects.visible_to(request.user, request.organization, request.membership)
    return get_object_or_404(
        tickets.select_related(
            "organization__managed_by",
            "subscription__plan",
            "deployment",
            "opened_by",
            "assignee",
            "calendar",
        ),
        pk=pk,
    )


def safe_next(request, default):
    """Back to the page the form came from, if it is one of ours."""
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def _post_only(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


# --- Lists and opening ------------------------------------------------------------

LIST_FILTERS = {
    "active": ("Open", Q(status__in=Ticket.ACTIVE_STATUSES)),
    "done": ("Resolved and closed", Q(status__in=[Ticket.Status.RESOLVED, Ticket.Status.CLOSED])),
    "all": ("All", Q()),
}


@support_member_required
def ticket_list(request):
    state = request.GET.get("state", "active")
    if state not in LIST_FILTERS:
        state = "active"
    tickets = (
        Ticket.objects.visible_to(request.user, request.organization, request.membership)
        .filter(LIST_FILTERS[state][1])
        .select_related("organization__managed_by", "opened_by", "assignee")
        .order_by("-updated_at", "-id")
    )
    query = request.GET.get("q", "").strip()
    if query:
        number = query.lstrip("#")
        tickets = tickets.filter(
            Q(subject__icontains=query) | (Q(pk=int(number)) if number.isdigit() else Q())
        )
    membership = request.membership
    is_staff = request.user.is_vendor_staff
    can_open = not is_staff and (
        access.opens_tickets(membership) or access.supports_end_customers(membership)
    )
    return render(
        request,
        "support/ticket_list.html",
        {
            "tickets": paginate(request, tickets),
            "state": state,
            "states": [(key, label) for key, (label, _) in LIST_FILTERS.items()],
            "query": query,
            "can_open": can_open,
            "has_subscription": can_open
            and access.subscriptions_to_open_against(membership).exists(),
            "can_presales": not is_staff and _may_send_presales(membership),
            "shows_organization": is_staff or access.supports_end_customers(membership),
        },
    )


def _may_send_presales(membership):
    return (
        membership is not None
        and access.may_request_presales(membership.organization)
        and (
            membership.is_main_contact
            or membership.is_technical_contact
            or membership.is_sales_contact
        )
    )


@support_member_required
def ticket_new(request):
    membership = request.membership
    if request.user.is_vendor_staff or not (
        access.opens_tickets(membership) or access.supports_end_customers(membership)
    ):
        raise Http404
    form = TicketForm(request.POST or None, request.FILES or None, membership=membership)
    if not form.fields["subscription"].queryset.exists():
        # SPEC §4: without an active subscription, past tickets stay readable; no new ones.
        return render(request, "support/no_subscription.html", status=200)
    if len(form.fields["subscription"].queryset) == 1 and not form.is_bound:
        form.initial["subscription"] = form.fields["subscription"].queryset[0].pk
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ticket = services.open_ticket(
                actor=request.user,
                membership=membership,
                subscription=data["subscription"],
                deployment=data["deployment"],
                severity=data["severity"],
                subject=data["subject"],
                description=data["description"],
                product_version=data["product_version"],
                files=data["attachments"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Ticket #{ticket.pk} is open. We emailed you a copy.")
            return redirect(ticket)
    return render(request, "support/ticket_new.html", {"form": form})


@support_member_required
def presales_new(request):
    membership = request.membership
    if request.user.is_vendor_staff or not _may_send_presales(membership):
        raise Http404
    form = PresalesForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ticket = services.open_ticket(
            actor=request.user,
            membership=membership,
            kind=Ticket.Kind.PRESALES,
            subject=form.cleaned_data["subject"],
            description=form.cleaned_data["description"],
            files=form.cleaned_data["attachments"],
        )
        messages.success(request, f"Presales request #{ticket.pk} sent. We answer within 48 hours.")
        return redirect(ticket)
    return render(request, "support/presales_new.html", {"form": form})


# --- One ticket ---------------------------------------------------------------------


@support_member_required
def ticket_detail(request, pk):
    ticket = visible_ticket(request, pk)
    return _render_detail(request, ticket)


def _render_detail(request, ticket, *, comment_form=None, note_form=None, status=200):
    now = timezone.now()
    actions = access.ticket_actions(request.user, request.membership, ticket, now)
    comments = ticket.comments.select_related("author").prefetch_related("attachments")
    if not actions.sees_internal_notes:
        comments = comments.public()
    context = {
        "ticket": ticket,
        "actions": actions,
        "comments": comments,
        "ticket_files": ticket.attachments.filter(comment__isnull=True),
        "clocks": ticket.sla_clocks.all(),
        "now": now,
        "comment_form": comment_form
        or CommentForm(holds=actions.holds, reopens=ticket.status == Ticket.Status.RESOLVED),
        "note_form": note_form or (InternalNoteForm() if actions.can_write_internal else None),
        "assign_form": AssignForm(initial={"assignee": ticket.assignee_id})
        if actions.can_assign
        else None,
        "shared_with": services.shared_with(ticket) if actions.can_share else [],
    }
    return render(request, "support/ticket_detail.html", context, status=status)


@support_member_required
def ticket_comment(request, pk):
    ticket = visible_ticket(request, pk)
    if response := _post_only(request):
        return response
    actions = access.ticket_actions(request.user, request.membership, ticket)
    internal = request.POST.get("visibility") == "internal"
    if internal and not actions.can_write_internal:
        raise Http404
    if not internal and not actions.can_comment:
        messages.error(request, actions.read_only_reason or "You cannot comment on this ticket.")
        return redirect(ticket)
    form_class = InternalNoteForm if internal else CommentForm
    kwargs = (
        {}
        if internal
        else {"holds": actions.holds, "reopens": ticket.status == Ticket.Status.RESOLVED}
    )
    form = form_class(request.POST, request.FILES, **kwargs)
    if not form.is_valid():
        forms = {"note_form": form} if internal else {"comment_form": form}
        return _render_detail(request, ticket, status=400, **forms)
    try:
        services.add_comment(
            ticket,
            actor=request.user,
            membership=request.membership,
            body=form.cleaned_data["body"],
            internal=internal,
            files=form.cleaned_data["attachments"],
            wait=form.cleaned_data.get("wait", False),
        )
    except (DomainError, PermissionDenied) as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Internal note added." if internal else "Reply sent.")
    return redirect(ticket)


@support_member_required
def ticket_resolve(request, pk):
    ticket = visible_ticket(request, pk)
    actions = access.ticket_actions(request.user, request.membership, ticket)
    if not actions.can_resolve:
        raise Http404
    form = ResolveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.resolve_ticket(
            ticket,
            actor=request.user,
            membership=request.membership,
            message=form.cleaned_data["message"],
        )
        messages.success(request, f"Ticket #{ticket.pk} resolved.")
        return redirect(ticket)
    return render(request, "support/ticket_resolve.html", {"ticket": ticket, "form": form})


@support_member_required
def ticket_close(request, pk):
    ticket = visible_ticket(request, pk)
    actions = access.ticket_actions(request.user, request.membership, ticket)
    if not actions.can_close:
        raise Http404
    if request.method == "POST":
        services.close_ticket(ticket, actor=request.user, membership=request.membership)
        messages.success(request, f"Ticket #{ticket.pk} closed.")
        return redirect(ticket)
    return render(request, "support/ticket_close.html", {"ticket": ticket})


@support_member_required
def ticket_escalate(request, pk):
    ticket = visible_ticket(request, pk)
    actions = access.ticket_actions(request.user, request.membership, ticket)
    if not (actions.can_escalate or actions.escalation_blocked):
        raise Http404
    form = EscalateForm(request.POST or None)
    if request.method == "POST" and actions.can_escalate and form.is_valid():
        try:
            services.escalate_ticket(
                ticket,
                actor=request.user,
                membership=request.membership,
                reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Ticket #{ticket.pk} escalated to OpenNebula L3.")
            return redirect(ticket)
    return render(
        request,
        "support/ticket_escalate.html",
        {"ticket": ticket, "form": form, "actions": actions},
    )


@support_engineer_required
def ticket_hand_back(request, pk):
    ticket = visible_ticket(request, pk)
    actions = access.ticket_actions(request.user, request.membership, ticket)
    if not actions.can_hand_back:
        raise Http404
    form = HandBackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.hand_back_ticket(ticket, actor=request.user, note=form.cleaned_data["note"])
        messages.success(
            request, f"Ticket #{ticket.pk} handed back to {ticket.organization.managed_by}."
        )
        return redirect(ticket)
    return render(request, "support/ticket_hand_back.html", {"ticket": ticket, "form": form})


@support_engineer_required
def ticket_claim(request, pk):
    ticket = visible_ticket(request, pk)
    if response := _post_only(request):
        return response
    try:
        services.claim_ticket(ticket, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"You hold ticket #{ticket.pk}.")
    return redirect(safe_next(request, ticket.get_absolute_url()))


@support_engineer_required
def ticket_assign(request, pk):
    ticket = visible_ticket(request, pk)
    if response := _post_only(request):
        return response
    form = AssignForm(request.POST)
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            services.assign_ticket(ticket, assignee, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error))
        else:
            who = assignee or "nobody"
            messages.success(request, f"Ticket #{ticket.pk} assigned to {who}.")
    else:
        messages.error(request, "Choose a support engineer.")
    return redirect(ticket)


# --- Sharing ------------------------------------------------------------------------


@support_member_required
def ticket_share(request, pk):
    ticket = visible_ticket(request, pk)
    actions = access.ticket_actions(request.user, request.membership, ticket)
    if not actions.can_share:
        raise Http404
    shared = list(services.shared_with(ticket))
    form = ShareForm(request.POST or None, ticket=ticket, already_shared=shared)
    if request.method == "POST" and form.is_valid():
        contact = form.cleaned_data["contact"]
        services.share_ticket(ticket, contact, actor=request.user)
        messages.success(request, f"{contact.email} can now follow ticket #{ticket.pk}.")
        return redirect("ticket_share", pk=ticket.pk)
    return render(
        request,
        "support/ticket_share.html",
        {"ticket": ticket, "form": form, "shared_with": shared},
    )


@support_member_required
def ticket_unshare(request, pk, user_pk):
    ticket = visible_ticket(request, pk)
    actions = access.ticket_actions(request.user, request.membership, ticket)
    if not actions.can_share:
        raise Http404
    contact = next((u for u in services.shared_with(ticket) if u.pk == user_pk), None)
    if contact is None:
        raise Http404
    if request.method == "POST":
        services.unshare_ticket(ticket, contact, actor=request.user)
        messages.success(request, f"{contact.email} no longer follows ticket #{ticket.pk}.")
        return redirect("ticket_share", pk=ticket.pk)
    return render(request, "support/ticket_unshare.html", {"ticket": ticket, "contact": contact})


@support_member_required
def ticket_sharing_settings(request):
    membership = request.membership
    if request.user.is_vendor_staff or not (membership and membership.is_main_contact):
        raise Http404
    organization = request.organization
    form = TicketSharingForm(
        request.POST or None,
        initial={
            "share_tickets_with_technical_contacts": (
                organization.share_tickets_with_technical_contacts
            )
        },
    )
    if request.method == "POST" and form.is_valid():
        enabled = form.cleaned_data["share_tickets_with_technical_contacts"]
        services.set_ticket_sharing(organization, enabled, actor=request.user)
        messages.success(
            request,
            "Technical contacts now see every ticket."
            if enabled
            else "Technical contacts now see only their own and shared tickets.",
        )
        return redirect("ticket_sharing_settings")
    return render(request, "support/sharing_settings.html", {"form": form})


# --- Files and exports ----------------------------------------------------------------


@support_member_required
def ticket_attachment(request, pk, attachment_pk):
    """The only way to a ticket's file: the ticket must be visible, and an internal
    note's file is for OpenNebula staff only. Always a download, never inline."""
    ticket = visible_ticket(request, pk)
    files = ticket.attachments.select_related("comment")
    if not request.user.is_vendor_staff:
        files = files.public()
    attachment = get_object_or_404(files, pk=attachment_pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


@support_member_required
def ticket_transcript(request, pk):
    """The conversation as plain text, for the customer's records: public comments only."""
    ticket = visible_ticket(request, pk)
    comments = ticket.comments.public().select_related("author")
    text = render_to_string(
        "support/ticket_transcript.txt", {"ticket": ticket, "comments": comments}
    )
    response = HttpResponse(text, content_type="text/plain; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ticket-{ticket.pk}.txt"'
    return response


@support_member_required
def api_ticket(request, pk):
    """A ticket as JSON for integrations: what the customer sees, never internal notes,
    whoever asks."""
    ticket = visible_ticket(request, pk)
    comments = ticket.comments.public().select_related("author")
    files = ticket.attachments.public()
    return JsonResponse(
        {
            "number": ticket.pk,
            "organization": ticket.organization.name,
            "kind": ticket.kind,
            "subject": ticket.subject,
            "description": ticket.description,
            "severity": ticket.severity,
            "status": ticket.status,
            "level": ticket.level,
            "deployment": ticket.deployment.name if ticket.deployment else None,
            "product_version": ticket.product_version,
            "created_at": ticket.created_at.isoformat(),
            "updated_at": ticket.updated_at.isoformat(),
            "sla_due_at": ticket.sla_due_at.isoformat() if ticket.sla_due_at else None,
            "comments": [
                {
                    "author": str(comment.author) if comment.author else None,
                    "side": comment.side,
                    "body": comment.body,
                    "created_at": comment.created_at.isoformat(),
                }
                for comment in comments
            ],
            "attachments": [
                {"name": file.name, "size": file.size, "url": file.get_absolute_url()}
                for file in files
            ],
        }
    )
