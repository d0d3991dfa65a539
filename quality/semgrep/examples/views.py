"""Known-bad and known-good code: every `make check` proves the project's semgrep
rules on it (quality/static.py). Never imported; excluded from the project scan."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt

from accounts.access import staff_permission_required, staff_required
from accounts.models import Invitation, Membership, Notification
from accounts.tenancy import get_for_organization


@login_required
def unscoped(request, pk):
    # ruleid: tenant-model-fetched-without-scope
    membership = Membership.objects.get(pk=pk)
    # ruleid: tenant-model-fetched-without-scope
    invitations = Invitation.objects.filter(email=request.user.email)
    # ruleid: tenant-model-fetched-without-scope
    notification = get_object_or_404(Notification, pk=pk)
    return membership, invitations, notification


@login_required
def scoped(request, pk):
    # ok: tenant-model-fetched-without-scope
    membership = Membership.objects.for_organization(request.organization).get(pk=pk)
    # ok: tenant-model-fetched-without-scope
    invitation = get_for_organization(
        Invitation.objects.select_related("organization"), request.organization, pk=pk
    )
    if request.user.is_vendor_staff:
        # ok: tenant-model-fetched-without-scope
        return Notification.objects.filter(pk=pk).first()
    return membership, invitation


@staff_required
def staff_only(request, pk):
    # ok: tenant-model-fetched-without-scope
    return Notification.objects.filter(pk=pk).first()


@staff_permission_required("accounts.view_notification")
def staff_with_permission(request, pk):
    # ok: tenant-model-fetched-without-scope
    return Notification.objects.filter(pk=pk).first()


@login_required
def partner_scoped(request):
    # ok: tenant-model-fetched-without-scope
    return Membership.objects.visible_to_partner(request.organization)


def html(name):
    # ruleid: mark-safe-of-formatted-string
    bold = mark_safe(f"<strong>{name}</strong>")
    # ok: mark-safe-of-formatted-string
    plain = mark_safe("<hr>")
    return bold, plain


# ruleid: csrf-exempt-view
@csrf_exempt
def webhook(request):
    return None
