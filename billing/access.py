"""Who may use which billing page. A page you may not use is a 404 (docs/decisions.md)."""

from functools import wraps

from django.http import Http404

from accounts.access import organization_required, staff_permission_required

MANAGE_INVOICES = "billing.manage_invoices"


def uses_billing_portal(membership):
    """The Main Contact and the Administrative Contact use the billing portal (SPEC §1, §4)."""
    return membership is not None and (
        membership.is_main_contact or membership.is_administrative_contact
    )


def manages_invoices(user):
    """Billing staff: vendor staff holding the permission the Billing group has."""
    return user.is_vendor_staff and user.has_perm(MANAGE_INVOICES)


def billing_contact_required(view):
    @organization_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not uses_billing_portal(request.membership):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


# Billing staff pages: vendor staff holding the Billing group's permission.
billing_staff_required = staff_permission_required(MANAGE_INVOICES)
