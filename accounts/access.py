"""Access checks for views: each returns what the request may act on, or raises 404.

A person who may not see a page gets the same answer as for a page that does
not exist, so nothing confirms that another organization's object is there.
"""

from functools import cached_property, wraps

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404


def staff_required(view):
    """Vendor staff only (TOTP enrolment is enforced by StaffMFAMiddleware)."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_vendor_staff:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def staff_permission_required(permission):
    """Vendor staff holding `permission` (through their staff group)."""

    def decorator(view):
        @staff_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.has_perm(permission):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def organization_required(view):
    """A signed-in person acting for an organization."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.organization is None:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def member_manager_required(view):
    """The organization admin or Main Contact of the active organization."""

    @organization_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.membership.can_manage_members:
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


class CappedPaginator(Paginator):
    """A paginator that counts at most COUNT_CAP rows.

    Django's paginator runs COUNT(*) over the whole list on every page: over a million
    tickets that is the page's slowest query. This one counts through a LIMIT
    (`SELECT COUNT(*) FROM (... LIMIT cap + 1)`), so a page of a huge list costs what a
    page of a list of COUNT_CAP rows costs. Past the cap, `capped` is true, the pages
    stop at the cap and the page says "more than"; filters narrow the list.
    """

    COUNT_CAP = 10_000

    capped = False

    def __init__(self, object_list, per_page, *, known_count=None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = known_count

    @cached_property
    def count(self):
        if self.known_count is not None:
            counted = self.known_count
        elif isinstance(self.object_list, QuerySet):
            counted = self.object_list.order_by()[: self.COUNT_CAP + 1].count()
        else:
            return len(self.object_list)
        self.capped = counted > self.COUNT_CAP
        return min(counted, self.COUNT_CAP)


def paginate(request, queryset, per_page=25, *, count=None):
    """The requested page of `queryset`. `count`: the list's length when the page has
    counted it already (e.g. in an aggregate of its tabs), which saves the count query."""
    return CappedPaginator(queryset, per_page, known_count=count).get_page(request.GET.get("page"))
