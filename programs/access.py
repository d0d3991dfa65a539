"""Access checks of the partner program's views: each passes or raises a 404 (SPEC §2)."""

from functools import wraps

from django.http import Http404

from accounts.access import organization_required


def partner_required(view):
    """A person acting for a partner organization (pending or authorized)."""

    @organization_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.organization.is_partner:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def partner_admin_required(view):
    """The partner's Main Contact or organization admin: applications, upgrade requests."""

    @partner_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.membership.can_manage_members:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped
