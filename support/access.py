"""Who may do what in the support portal. Views and services ask these functions;
templates only display what they answer."""

from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404

from accounts.models import Membership
from subscriptions.models import Subscription
from support.models import Ticket, TicketComment

Side = TicketComment.Side


def has_active_subscription(organization):
    """SPEC §4: the support portal is for organizations with an active subscription."""
    if organization is None:
        return False
    return Subscription.objects.for_organization(organization).live().exists()


def may_request_presales(organization):
    """Whether `organization` is offered presales requests: the Strategic benefit
    "presales team access, web-based, 48-hour SLA" (SPEC §3), as the partner program's
    one entitlement function decides it."""
    from programs.entitlements import has_benefit

    return has_benefit(organization, "presales_access")


def names_technical_contacts(organization):
    return (
        Membership.objects.for_organization(organization).filter(is_technical_contact=True).exists()
    )


def opens_tickets(membership):
    """Technical contacts open tickets; the Main Contact too when the organization
    names no technical contact (SPEC §6, "Main Contact alone")."""
    if membership is None or membership.organization.is_vendor:
        return False
    if membership.is_technical_contact:
        return True
    return membership.is_main_contact and not names_technical_contacts(membership.organization)


def supports_end_customers(membership):
    """A Solution Provider's support team: its main and technical contacts (SPEC §3)."""
    return (
        membership is not None
        and membership.organization.is_partner
        and (membership.is_main_contact or membership.is_technical_contact)
        and membership.organization.managed_customers.exists()
    )


def uses_support(membership):
    """Who has the support pages at all: contacts who open or follow tickets."""
    if membership is None or membership.organization.is_vendor:
        return False
    return (
        membership.is_main_contact
        or membership.is_technical_contact
        or (membership.organization.is_partner and membership.is_sales_contact)
    )


def subscriptions_to_open_against(membership):
    """Live subscriptions this person may open tickets against: their organization's
    (if they open tickets) and, for an SP's team, its end customers'."""
    organization = membership.organization
    scope = Q(pk__in=[])
    if opens_tickets(membership):
        scope |= Q(organization=organization)
    if supports_end_customers(membership):
        scope |= Q(organization__managed_by=organization)
    return (
        Subscription.objects.live()
        .filter(scope)
        .select_related("organization", "plan")
        .order_by("organization__name", "-ends_on")
    )


def is_support_engineer(user):
    """Vendor staff who work tickets: the "Support engineers" group's `change_ticket`
    permission (superusers have every permission)."""
    return user.is_authenticated and user.is_vendor_staff and user.has_perm("support.change_ticket")


def writes_articles(user):
    return (
        user.is_authenticated and user.is_vendor_staff and user.has_perm("support.change_article")
    )


def support_engineer_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_support_engineer(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def article_writer_required(view):
    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not writes_articles(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def support_member_required(view):
    """Vendor staff, or a contact of the active organization who uses support."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not (request.user.is_vendor_staff or uses_support(request.membership)):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def is_sp_support_member(user, ticket):
    """`user` is on the support team of the SP that manages the ticket's organization."""
    managed_by = ticket.organization.managed_by_id
    if managed_by is None:
        return False
    return (
        Membership.objects.filter(user=user, organization_id=managed_by)
        .filter(Q(is_main_contact=True) | Q(is_technical_contact=True))
        .exists()
    )


def side_of(user, membership, ticket):
    """Which side of the conversation the person writes from."""
    if user.is_vendor_staff:
        return Side.VENDOR
    if membership is not None and membership.organization_id == ticket.organization.managed_by_id:
        return Side.PARTNER
    return Side.CUSTOMER


@dataclass(frozen=True)
class TicketActions:
    """What the person may do on one ticket; the view enforces it, the page shows it."""

    side: str
    holds: bool
    can_comment: bool
    can_write_internal: bool
    can_resolve: bool
    can_close: bool
    can_escalate: bool
    escalation_blocked: str
    can_hand_back: bool
    can_share: bool
    can_assign: bool
    read_only_reason: str

    @property
    def sees_internal_notes(self):
        return self.side == Side.VENDOR


def ticket_actions(user, membership, ticket, now=None):
    side = side_of(user, membership, ticket)
    engineer = side == Side.VENDOR and is_support_engineer(user)
    holds = (side == Side.VENDOR and engineer and ticket.held_by_vendor) or (
        side == Side.PARTNER and ticket.level == Ticket.Level.PARTNER
    )
    reopenable = ticket.can_be_reopened(now)
    read_only_reason = ""
    if ticket.status == Ticket.Status.CLOSED:
        read_only_reason = "This ticket is closed. Open a new ticket and mention its number."
    elif ticket.status == Ticket.Status.RESOLVED and not reopenable:
        read_only_reason = "The reopen window has passed. Open a new ticket and mention its number."
    elif (
        side != Side.VENDOR
        and ticket.kind == Ticket.Kind.SUPPORT
        and not has_active_subscription(ticket.organization)
    ):
        read_only_reason = (
            f"{ticket.organization.name} has no active subscription: past tickets stay "
            "readable, but they cannot be answered until the subscription is renewed."
        )
    writable = not read_only_reason
    customer_side = side == Side.CUSTOMER or (side == Side.PARTNER and not holds)
    escalation_blocked = ""
    can_escalate = False
    if (
        ticket.level == Ticket.Level.PARTNER
        and ticket.is_active
        and side != Side.VENDOR
        and is_sp_support_member(user, ticket)
    ):
        subscription = ticket.subscription
        if subscription is None or not subscription.is_live or not subscription.plan.is_premium:
            escalation_blocked = (
                "L3 escalation needs an active Premium subscription on the end customer's side."
            )
        else:
            can_escalate = True
    return TicketActions(
        side=side,
        holds=holds,
        can_comment=writable and (holds or customer_side),
        can_write_internal=engineer and ticket.status != Ticket.Status.CLOSED,
        can_resolve=holds and ticket.is_active,
        can_close=side != Side.VENDOR and ticket.status != Ticket.Status.CLOSED,
        can_escalate=can_escalate,
        escalation_blocked=escalation_blocked,
        can_hand_back=engineer and ticket.level == Ticket.Level.L3 and ticket.is_active,
        can_share=(
            membership is not None
            and membership.organization_id == ticket.organization_id
            and membership.is_main_contact
        ),
        can_assign=engineer and ticket.held_by_vendor and ticket.is_active,
        read_only_reason=read_only_reason,
    )
