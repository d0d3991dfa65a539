"""The support engineers' triage queue: OpenNebula's active tickets by time to breach.

The page runs the same number of queries whatever the number of tickets: one
aggregate for the counts, the paginator's count and page, and one query per
filter's choices (tests/support/test_triage_queue.py proves it at 10 and 10,000).
Each reads the partial index of active vendor-held tickets (`ticket_triage_queue`).
"""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import paginate
from support import services
from support.access import support_engineer_required
from support.forms import BulkAssignForm, QueueFilterForm, support_engineers
from support.models import Ticket
from support.views import safe_next


def queue_counts(user, now):
    tickets = Ticket.objects.active().held_by_vendor()
    return tickets.aggregate(
        unassigned=Count("pk", filter=Q(assignee__isnull=True)),
        mine=Count("pk", filter=Q(assignee=user)),
        all=Count("pk"),
        breached=Count("pk", filter=Q(sla_due_at__lte=now)),
        waiting=Count("pk", filter=Q(status=Ticket.Status.WAITING)),
    )


@support_engineer_required
def triage_queue(request):
    now = timezone.now()
    engineers = list(support_engineers())
    filters = QueueFilterForm(request.GET or None, engineers=engineers)
    data = filters.cleaned_data if filters.is_valid() else {}
    view = data.get("view") or "unassigned"
    filtering = any(data.get(name) for name in filters.fields if name != "view")
    counts = queue_counts(request.user, now)
    tickets = Ticket.objects.active().held_by_vendor()
    if view == "unassigned":
        tickets = tickets.filter(assignee__isnull=True)
    elif view == "mine":
        tickets = tickets.filter(assignee=request.user)
    if data.get("severity"):
        tickets = tickets.filter(severity=data["severity"])
    if data.get("plan"):
        tickets = tickets.filter(subscription__plan=data["plan"])
    if data.get("organization"):
        tickets = tickets.filter(organization__name__icontains=data["organization"])
    if data.get("status"):
        tickets = tickets.filter(status=data["status"])
    if data.get("assignee"):
        tickets = tickets.filter(assignee=data["assignee"])
    return render(
        request,
        "support/triage_queue.html",
        {
            "filters": filters,
            "view": view,
            "views": QueueFilterForm.VIEWS,
            "counts": counts,
            # The 25 soonest to breach: the queue is worked from the top (a page of 50
            # cost twice the rendering for rows nobody reaches before the next refresh).
            # Unfiltered, the tab's length is one of the counts already read.
            "tickets": paginate(
                request, tickets.for_queue(), 25, count=None if filtering else counts[view]
            ),
            "engineers": engineers,
            "now": now,
            "filtering": filtering,
        },
    )


@support_engineer_required
@require_POST
def triage_bulk_assign(request):
    form = BulkAssignForm(request.POST)
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        assigned = services.bulk_assign(form.cleaned_data["tickets"], assignee, actor=request.user)
        messages.success(
            request,
            f"{len(assigned)} ticket{'s' if len(assigned) != 1 else ''} assigned to {assignee}.",
        )
    else:
        messages.error(request, "Select at least one ticket and a support engineer.")
    return redirect(safe_next(request, reverse("triage_queue")))
