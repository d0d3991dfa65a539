from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from guardian.shortcuts import get_objects_for_user

from accounts import outbox, services
from accounts.access import member_manager_required, paginate, staff_required
from accounts.forms import InvitationForm, OrganizationSwitchForm, RolesForm
from accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from accounts.models import AuditEvent, Invitation, Membership, Notification, Organization, Role
from accounts.tenancy import get_for_organization


def home(request):
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "home.html")


@login_required
def dashboard(request):
    context = {}
    if request.user.is_vendor_staff:
        context["failed_notifications"] = Notification.objects.filter(
            status=Notification.Status.FAILED
        ).count()
        context["my_partner_count"] = get_objects_for_user(
            request.user, "accounts.manage_partner", klass=Organization, accept_global_perms=False
        ).count()
    return render(request, "accounts/dashboard.html", context)


@login_required
@require_POST
def switch_organization(request):
    form = OrganizationSwitchForm(request.POST)
    if not form.is_valid():
        raise Http404
    membership = next(
        (m for m in request.memberships if m.organization_id == form.cleaned_data["organization"]),
        None,
    )
    if membership is None:
        raise Http404
    request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = membership.organization_id
    messages.success(request, f"You are now acting for {membership.organization}.")
    return redirect("dashboard")


# --- People of the active organization ---------------------------------------


@member_manager_required
def members(request):
    organization = request.organization
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(
                organization,
                form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
                actor=request.user,
            )
        except services.DomainError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"Invitation sent to {form.cleaned_data['email']}.")
            return redirect("members")
    return render(
        request,
        "accounts/members.html",
        {
            "form": form,
            "memberships": paginate(
                request,
                Membership.objects.for_organization(organization).select_related("user"),
            ),
            "invitations": Invitation.objects.for_organization(organization).filter(
                accepted_at__isnull=True, revoked_at__isnull=True
            )[:50],
        },
    )


@member_manager_required
def member_edit(request, pk):
    membership = get_for_organization(
        Membership.objects.select_related("user", "organization"), request.organization, pk=pk
    )
    initial = {"roles": [role.value for role in membership.roles if role != Role.MAIN]}
    form = RolesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        roles = set(form.cleaned_data["roles"])
        if membership.is_main_contact:
            roles.add(Role.MAIN)
        try:
            services.set_roles(membership, roles, actor=request.user)
        except services.DomainError as error:
            form.add_error("roles", str(error))
        else:
            messages.success(request, f"Roles of {membership.user} updated.")
            return redirect("members")
    return render(request, "accounts/member_edit.html", {"membership": membership, "form": form})


@member_manager_required
def member_remove(request, pk):
    membership = get_for_organization(
        Membership.objects.select_related("user", "organization"), request.organization, pk=pk
    )
    if request.method == "POST":
        try:
            services.remove_member(membership, actor=request.user)
        except services.DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, f"{membership.user} no longer belongs to {membership.organization}."
            )
        return redirect("members")
    return render(request, "accounts/member_remove.html", {"membership": membership})


@member_manager_required
def invitation_revoke(request, pk):
    invitation = get_for_organization(Invitation.objects, request.organization, pk=pk)
    if request.method == "POST":
        services.revoke_invitation(invitation, actor=request.user)
        messages.success(request, f"Invitation to {invitation.email} revoked.")
        return redirect("members")
    return render(request, "accounts/invitation_revoke.html", {"invitation": invitation})


@never_cache
def invitation_accept(request, token):
    """The emailed link: sign up or log in with the invited address, then join."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        raise Http404
    if request.method == "POST" and request.user.is_authenticated:
        try:
            membership = services.accept_invitation(token, user=request.user)
        except services.InvitationInvalid as error:
            messages.error(request, str(error))
        else:
            request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = membership.organization_id
            messages.success(request, f"Welcome to {membership.organization}.")
            return redirect("dashboard")
    if not request.user.is_authenticated and invitation.is_pending:
        # The address was reached through the emailed link: no second verification.
        from allauth.account.adapter import get_adapter

        get_adapter(request).stash_verified_email(request, invitation.email)
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "next": request.path},
    )


# --- Audit log ----------------------------------------------------------------


@login_required
def audit_log(request):
    """Staff see every event; a Main Contact sees their organization's."""
    if request.user.is_vendor_staff:
        events = AuditEvent.objects.all()
    elif request.membership is not None and request.membership.is_main_contact:
        events = AuditEvent.objects.for_organization(request.organization)
    else:
        raise Http404
    events = events.select_related("actor", "organization")
    return render(request, "accounts/audit_log.html", {"events": paginate(request, events, 50)})


# --- Staff --------------------------------------------------------------------


@staff_required
def my_partners(request):
    partners = get_objects_for_user(
        request.user,
        "accounts.manage_partner",
        klass=Organization.objects.filter(kind=Organization.Kind.PARTNER),
        accept_global_perms=False,
    ).order_by("name")
    return render(request, "accounts/my_partners.html", {"partners": paginate(request, partners)})


@staff_required
def outbox_list(request):
    notifications = Notification.objects.select_related("organization")
    status = request.GET.get("status")
    if status in Notification.Status.values:
        notifications = notifications.filter(status=status)
    return render(
        request,
        "accounts/outbox_list.html",
        {
            "notifications": paginate(request, notifications, 50),
            "status": status,
            "statuses": Notification.Status.choices,
        },
    )


@staff_required
def outbox_detail(request, pk):
    notification = Notification.objects.filter(pk=pk).select_related("organization").first()
    if notification is None:
        raise Http404
    return render(request, "accounts/outbox_detail.html", {"notification": notification})


@staff_required
@require_POST
def outbox_retry(request, pk):
    notification = Notification.objects.filter(pk=pk).first()
    if notification is None:
        raise Http404
    outbox.retry(notification, actor=request.user)
    messages.success(request, f"Notification to {notification.recipient} queued again.")
    return redirect(reverse("staff_outbox_detail", args=[pk]))


# --- Health -------------------------------------------------------------------


@require_GET
@never_cache
def healthz(request):
    from django.conf import settings

    checks = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - reported, not raised
        checks["database"] = f"error: {type(error).__name__}"
    if settings.REDIS_URL:
        checks["broker"] = _broker_state(settings.REDIS_URL)
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


def _broker_state(url):
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1).ping()
    except redis.RedisError as error:
        return f"error: {type(error).__name__}"
    return "ok"
