from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse

from accounts.audit import client_address
from accounts.models import Membership

ACTIVE_ORGANIZATION_SESSION_KEY = "active_organization_id"


class ClientAddressMiddleware:
    """Makes the client's address available to the audit log for this request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = request.META.get("REMOTE_ADDR")
        proxies = settings.ALLAUTH_TRUSTED_PROXY_COUNT
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
        if proxies and forwarded:
            hops = [hop.strip() for hop in forwarded.split(",")]
            address = hops[-proxies] if len(hops) >= proxies else hops[0]
        token = client_address.set(address)
        try:
            return self.get_response(request)
        finally:
            client_address.reset(token)


class ActiveOrganizationMiddleware:
    """Sets request.organization and request.membership for the signed-in user.

    The organization chosen in the switcher is kept in the session but is
    re-checked against the user's memberships on every request: a removed
    member falls back to another organization (or none) at once.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        request.organization = None
        request.memberships = []
        if request.user.is_authenticated:
            request.memberships = list(
                Membership.objects.filter(user=request.user)
                .select_related("organization")
                .order_by("organization__name")
            )
            wanted = request.session.get(ACTIVE_ORGANIZATION_SESSION_KEY)
            membership = next(
                (m for m in request.memberships if m.organization_id == wanted),
                request.memberships[0] if request.memberships else None,
            )
            if membership is not None and membership.organization_id != wanted:
                request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = membership.organization_id
            request.membership = membership
            request.organization = membership.organization if membership else None
        return self.get_response(request)


class StaffMFAMiddleware:
    """Vendor staff reach nothing but their account pages until TOTP is enrolled.

    Every page a staff member sees is a staff page (the dashboard, the audit
    log, the admin...), so the guard covers all of them. Logging in with TOTP
    enrolled already asks for the code (allauth.mfa); this guards enrolment.
    """

    OPEN_PREFIXES = ("/accounts/", "/static/", "/healthz")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_staff
            and not request.path.startswith(self.OPEN_PREFIXES)
            and not user_has_totp(user)
        ):
            messages.warning(
                request, "Staff pages need two-factor authentication: set up TOTP first."
            )
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)


def user_has_totp(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
