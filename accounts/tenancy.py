"""The one path to tenant data.

Every tenant-owned model names `tenant_path`, the lookup from the model to its
Organization, and uses a TenantQuerySet. Views reach tenant rows only through
`for_organization(request.organization)` (or a `visible_to` built on it), so a
row of another organization is simply not in the queryset: a 404.
"""

from django.db import models
from django.http import Http404


class TenantQuerySet(models.QuerySet):
    def for_organization(self, organization):
        if organization is None:
            return self.none()
        return self.filter(**{self.model.tenant_path: organization})


def get_for_organization(queryset, organization, **lookup):
    """The object in `organization`, or a 404 that says nothing more."""
    try:
        return queryset.for_organization(organization).get(**lookup)
    except queryset.model.DoesNotExist:
        raise Http404 from None
