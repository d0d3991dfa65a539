from django import template
from django.db.models import Count, Q
from django.utils import timezone

from programs.countries import country_name as _country_name
from programs.models import Application, Certification, Enrollment, Evidence

register = template.Library()


@register.filter
def country_name(code):
    return _country_name(code) if code else ""


@register.inclusion_tag("programs/_dashboard_cards.html", takes_context=True)
def programs_dashboard(context):
    """The dashboard cards of the partner program for whoever is signed in."""
    request = context["request"]
    user, organization = request.user, getattr(request, "organization", None)
    cards = {"user": user, "organization": organization, "perms": context.get("perms")}
    if user.is_vendor_staff:
        if user.has_perm("programs.review_application"):
            cards["applications"] = Application.objects.aggregate(
                submitted=Count("id", filter=Q(status=Application.Status.SUBMITTED)),
                info_requested=Count("id", filter=Q(status=Application.Status.INFO_REQUESTED)),
            )
        if user.has_perm("programs.change_standing"):
            cards["watchlist"] = Enrollment.objects.at_risk().aggregate(
                at_risk=Count("id"),
                expired=Count("id", filter=Q(grace_ends_on__lt=timezone.localdate())),
            )
        if user.has_perm("programs.verify_certification"):
            cards["to_verify"] = (
                Certification.objects.filter(status=Certification.Status.PENDING).count()
                + Evidence.objects.filter(status=Evidence.Status.PENDING).count()
            )
    elif organization is not None and organization.is_partner:
        cards["enrollments"] = list(
            Enrollment.objects.for_organization(organization).select_related("program", "tier")
        )
        cards["open_applications"] = list(
            Application.objects.for_organization(organization)
            .filter(status__in=Application.OPEN_STATUSES)
            .select_related("program")
        )
    return cards
