"""OpenNebula staff pages of the partner program: review queue, partners and watchlist,
verification queues, agreement versions. Each needs a permission of the Partner
managers group; anyone else gets a 404."""

from datetime import timedelta

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.access import paginate, staff_permission_required
from programs import compliance, services
from programs.forms import (
    AgreementVersionForm,
    ApplicationFilterForm,
    ApproveForm,
    AskInformationForm,
    PartnerFilterForm,
    ReasonForm,
    RejectForm,
)
from programs.models import (
    Agreement,
    AgreementVersion,
    Application,
    Certification,
    Enrollment,
    Evidence,
    UpgradeRequest,
)
from programs.pdf import pdf_response
from programs.scorecard import enrollment_statuses

REVIEW = "programs.review_application"
STANDING = "programs.change_standing"
VERIFY = "programs.verify_certification"
PUBLISH = "programs.publish_agreement"


# --- Applications --------------------------------------------------------------------------


@staff_permission_required(REVIEW)
def application_queue(request):
    submitted = Application.objects.exclude(status=Application.Status.DRAFT)
    countries = (
        submitted.exclude(country="")
        .order_by("country")
        .values_list("country", flat=True)
        .distinct()
    )
    data = request.GET.copy()
    data.setdefault("status", Application.Status.SUBMITTED)
    form = ApplicationFilterForm(data, countries=list(countries))
    applications = submitted.select_related("organization", "program", "requested_tier")
    filters = form.cleaned_data if form.is_valid() else {"status": Application.Status.SUBMITTED}
    if filters.get("program"):
        applications = applications.filter(program=filters["program"])
    if filters.get("country"):
        applications = applications.filter(country=filters["country"])
    if filters.get("age"):
        cutoff = timezone.now() - timedelta(days=int(filters["age"]))
        applications = applications.filter(submitted_at__lt=cutoff)
    # Counts per status under the other filters, so each tab says what it holds.
    counts = dict(applications.values_list("status").annotate(n=Count("id")).order_by())
    if filters.get("status"):
        applications = applications.filter(status=filters["status"])
    applications = applications.order_by("submitted_at", "pk")
    tabs = [
        (value, label, counts.get(value, 0))
        for value, label in Application.Status.choices
        if value != Application.Status.DRAFT
    ]
    return render(
        request,
        "programs/staff/application_queue.html",
        {
            "form": form,
            "tabs": tabs,
            "current_status": filters.get("status", ""),
            "total": sum(counts.values()),
            "applications": paginate(request, applications),
        },
    )


def _application(pk):
    application = (
        Application.objects.exclude(status=Application.Status.DRAFT)
        .select_related("organization", "program", "requested_tier", "approved_tier", "decided_by")
        .filter(pk=pk)
        .first()
    )
    if application is None:
        raise Http404
    return application


@staff_permission_required(REVIEW)
def application_detail(request, pk, *, ask_form=None, approve_form=None):
    application = _application(pk)
    enrollment = (
        Enrollment.objects.filter(application=application).select_related("agreement").first()
    )
    return render(
        request,
        "programs/staff/application_detail.html",
        {
            "application": application,
            "events": application.events.select_related("actor"),
            "certifications": Certification.objects.for_organization(
                application.organization
            ).select_related("verified_by"),
            "missing_certifications": services.missing_certifications(application),
            "ask_form": ask_form or AskInformationForm(initial={"version": application.version}),
            "approve_form": approve_form or ApproveForm(application=application),
            "enrollment": enrollment,
            "under_review": application.status in Application.UNDER_REVIEW,
            "current_agreement": AgreementVersion.current(),
        },
    )


@staff_permission_required(REVIEW)
@require_POST
def application_ask(request, pk):
    application = _application(pk)
    form = AskInformationForm(request.POST)
    if not form.is_valid():
        return application_detail(request, pk, ask_form=form)
    try:
        services.request_information(
            application,
            reviewer=request.user,
            message=form.cleaned_data["message"],
            version=form.cleaned_data["version"],
        )
    except services.ProgramError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Question sent to the applicant.")
    return redirect(application.get_staff_url())


@staff_permission_required(REVIEW)
@require_POST
def application_approve(request, pk):
    application = _application(pk)
    form = ApproveForm(request.POST, application=application)
    if not form.is_valid():
        return application_detail(request, pk, approve_form=form)
    try:
        services.approve_application(
            application,
            reviewer=request.user,
            tier=form.cleaned_data["tier"],
            version=form.cleaned_data["version"],
        )
    except services.ProgramError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"{application.organization} approved at {form.cleaned_data['tier'].name}: "
            "the Partner Agreement was sent for signature.",
        )
    return redirect(application.get_staff_url())


@staff_permission_required(REVIEW)
def application_reject(request, pk):
    application = _application(pk)
    if application.status not in Application.UNDER_REVIEW:
        messages.error(request, f"This application is {application.get_status_display().lower()}.")
        return redirect(application.get_staff_url())
    form = RejectForm(request.POST or None, initial={"version": application.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.reject_application(
                application,
                reviewer=request.user,
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            )
        except services.ProgramError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"Application of {application.organization} rejected.")
        return redirect(application.get_staff_url())
    return render(
        request,
        "programs/staff/application_reject.html",
        {"application": application, "form": form},
    )


# --- Partners, watchlist and standing ------------------------------------------------------


def _enrollments():
    return Enrollment.objects.select_related("organization", "program", "tier")


@staff_permission_required(STANDING)
def partner_list(request):
    form = PartnerFilterForm(request.GET or None)
    enrollments = _enrollments()
    if form.is_valid():
        filters = form.cleaned_data
        if filters["program"]:
            enrollments = enrollments.filter(program=filters["program"])
        if filters["tier"]:
            enrollments = enrollments.filter(tier__code=filters["tier"])
        if filters["status"]:
            enrollments = enrollments.filter(status=filters["status"])
        if filters["standing"]:
            enrollments = enrollments.filter(standing=filters["standing"])
    counts = Enrollment.objects.aggregate(
        authorized=Count("id", filter=Q(status=Enrollment.Status.AUTHORIZED)),
        awaiting=Count("id", filter=Q(status=Enrollment.Status.AWAITING_SIGNATURE)),
        suspended=Count("id", filter=Q(status=Enrollment.Status.SUSPENDED)),
        at_risk=Count(
            "id",
            filter=Q(status=Enrollment.Status.AUTHORIZED, standing=Enrollment.Standing.AT_RISK),
        ),
    )
    return render(
        request,
        "programs/staff/partner_list.html",
        {
            "form": form,
            "counts": counts,
            "enrollments": paginate(request, enrollments.order_by("organization__name", "pk")),
            "pending_upgrades": UpgradeRequest.objects.filter(status="pending").count(),
        },
    )


@staff_permission_required(STANDING)
def watchlist(request):
    grace = request.GET.get("grace")
    grace_expired = {"expired": True, "running": False}.get(grace)
    today = timezone.localdate()
    at_risk = Enrollment.objects.at_risk()
    counts = at_risk.aggregate(
        all=Count("id"),
        expired=Count("id", filter=Q(grace_ends_on__lt=today)),
        running=Count("id", filter=Q(grace_ends_on__gte=today)),
    )
    upgrades = UpgradeRequest.objects.filter(status="pending").select_related(
        "enrollment__organization", "enrollment__tier", "enrollment__program", "to_tier"
    )
    return render(
        request,
        "programs/staff/watchlist.html",
        {
            "enrollments": paginate(request, compliance.watchlist(grace_expired=grace_expired)),
            "grace": grace if grace_expired is not None else "",
            "counts": counts,
            "upgrades": upgrades[:20],
        },
    )


def _enrollment(pk):
    return get_object_or_404(_enrollments(), pk=pk)


@staff_permission_required(STANDING)
def partner_detail(request, pk):
    enrollment = _enrollment(pk)
    status = enrollment_statuses([enrollment])[0]
    organization = enrollment.organization
    return render(
        request,
        "programs/staff/partner_detail.html",
        {
            "enrollment": enrollment,
            "status": status,
            "events": enrollment.events.select_related("from_tier", "to_tier", "actor")[:10],
            "certifications": Certification.objects.for_organization(organization).select_related(
                "verified_by"
            ),
            "evidence": Evidence.objects.for_organization(organization).select_related(
                "reviewed_by"
            ),
            "upgrade": enrollment.upgrade_requests.filter(status="pending")
            .select_related("to_tier", "requested_by")
            .first(),
            "agreement": Agreement.objects.filter(enrollment=enrollment).first(),
            "managers": services.account_managers([organization.pk]).get(organization.pk, []),
            "lower_tier": enrollment.program.tiers.filter(rank=enrollment.tier.rank - 1).first(),
        },
    )


@staff_permission_required(STANDING)
def partner_history(request, pk):
    enrollment = _enrollment(pk)
    return render(
        request,
        "programs/history.html",
        {
            "enrollment": enrollment,
            "events": paginate(
                request, enrollment.events.select_related("from_tier", "to_tier", "actor")
            ),
            "staff": True,
        },
    )


STANDING_ACTIONS = {
    "downgrade": (
        services.downgrade,
        "Downgrade",
        "{name} is now {tier}: the benefits of the higher tier ended.",
    ),
    "suspend": (services.suspend, "Suspend", "{name} is suspended: its benefits ended."),
    "reinstate": (services.reinstate, "Reinstate", "{name} is an Authorized Partner again."),
}


def _standing_action(request, pk, action):
    enrollment = _enrollment(pk)
    change, verb, done = STANDING_ACTIONS[action]
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            enrollment = change(enrollment, actor=request.user, reason=form.cleaned_data["reason"])
        except services.ProgramError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request, done.format(name=enrollment.organization.name, tier=enrollment.tier.name)
            )
        return redirect(enrollment.get_staff_url())
    return render(
        request,
        "programs/staff/standing_action.html",
        {
            "enrollment": enrollment,
            "form": form,
            "action": action,
            "verb": verb,
            "lower_tier": enrollment.program.tiers.filter(rank=enrollment.tier.rank - 1).first(),
        },
    )


@staff_permission_required(STANDING)
def partner_downgrade(request, pk):
    return _standing_action(request, pk, "downgrade")


@staff_permission_required(STANDING)
def partner_suspend(request, pk):
    return _standing_action(request, pk, "suspend")


@staff_permission_required(STANDING)
def partner_reinstate(request, pk):
    return _standing_action(request, pk, "reinstate")


def _upgrade(pk):
    return get_object_or_404(
        UpgradeRequest.objects.select_related(
            "enrollment__organization", "enrollment__program", "enrollment__tier", "to_tier"
        ),
        pk=pk,
    )


@staff_permission_required(STANDING)
@require_POST
def upgrade_approve(request, pk):
    upgrade = _upgrade(pk)
    try:
        services.approve_upgrade(upgrade, actor=request.user)
    except services.ProgramError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request, f"{upgrade.enrollment.organization} upgraded to {upgrade.to_tier.name}."
        )
    return redirect(upgrade.enrollment.get_staff_url())


@staff_permission_required(STANDING)
def upgrade_decline(request, pk):
    upgrade = _upgrade(pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decline_upgrade(
                upgrade, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except services.ProgramError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Upgrade request declined.")
        return redirect(upgrade.enrollment.get_staff_url())
    return render(
        request, "programs/staff/upgrade_decline.html", {"upgrade": upgrade, "form": form}
    )


# --- Verification queues -------------------------------------------------------------------


@staff_permission_required(VERIFY)
def certification_queue(request):
    certifications = (
        Certification.objects.filter(status=Certification.Status.PENDING)
        .select_related("organization", "recorded_by")
        .order_by("recorded_at", "pk")
    )
    return render(
        request,
        "programs/staff/certification_queue.html",
        {"certifications": paginate(request, certifications)},
    )


def _back(request, fallback):
    target = request.POST.get("next", "")
    return target if target.startswith("/staff/programs/") else fallback


@staff_permission_required(VERIFY)
@require_POST
def certification_verify(request, pk):
    certification = get_object_or_404(Certification, pk=pk)
    services.verify_certification(certification, actor=request.user)
    messages.success(request, f"{certification} verified.")
    return redirect(_back(request, "staff_certification_queue"))


@staff_permission_required(VERIFY)
def certification_reject(request, pk):
    certification = get_object_or_404(Certification.objects.select_related("organization"), pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reject_certification(
            certification, actor=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, f"{certification} marked as not verified.")
        return redirect("staff_certification_queue")
    return render(
        request,
        "programs/staff/record_reject.html",
        {"record": certification, "form": form, "what": "certification"},
    )


@staff_permission_required(VERIFY)
def evidence_queue(request):
    evidence = (
        Evidence.objects.filter(status=Evidence.Status.PENDING)
        .select_related("organization", "submitted_by")
        .order_by("submitted_at", "pk")
    )
    return render(
        request, "programs/staff/evidence_queue.html", {"evidence": paginate(request, evidence)}
    )


@staff_permission_required(VERIFY)
@require_POST
def evidence_confirm(request, pk):
    evidence = get_object_or_404(Evidence, pk=pk)
    services.confirm_evidence(evidence, actor=request.user)
    messages.success(request, f"{evidence} confirmed.")
    return redirect(_back(request, "staff_evidence_queue"))


@staff_permission_required(VERIFY)
def evidence_reject(request, pk):
    evidence = get_object_or_404(Evidence.objects.select_related("organization"), pk=pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reject_evidence(evidence, actor=request.user, note=form.cleaned_data["reason"])
        messages.success(request, f"{evidence} marked as not confirmed.")
        return redirect("staff_evidence_queue")
    return render(
        request,
        "programs/staff/record_reject.html",
        {"record": evidence, "form": form, "what": "evidence"},
    )


# --- Agreement versions and signed agreements ----------------------------------------------


@staff_permission_required(REVIEW)
def agreement_versions(request):
    versions = (
        AgreementVersion.objects.select_related("published_by")
        .order_by("-number")
        .annotate(
            issued_count=Count("issued"),
            signed_count=Count("issued", filter=Q(issued__status=Agreement.Status.SIGNED)),
        )
    )
    return render(
        request,
        "programs/staff/agreement_versions.html",
        {"versions": paginate(request, versions), "current": AgreementVersion.current()},
    )


@staff_permission_required(PUBLISH)
def agreement_publish(request):
    current = AgreementVersion.current()
    form = AgreementVersionForm(
        request.POST or None,
        initial={"title": current.title, "body": current.body} if current else {},
    )
    if request.method == "POST" and form.is_valid():
        try:
            version = services.publish_agreement_version(
                actor=request.user, title=form.cleaned_data["title"], body=form.cleaned_data["body"]
            )
        except services.ProgramError as error:
            form.add_error("body", str(error))
        else:
            messages.success(request, f"Version {version.number} published.")
            return redirect("staff_agreement_versions")
    return render(request, "programs/staff/agreement_publish.html", {"form": form})


@staff_permission_required(REVIEW)
def agreement_version(request, pk):
    version = get_object_or_404(AgreementVersion, pk=pk)
    return render(request, "programs/staff/agreement_version.html", {"version": version})


@staff_permission_required(REVIEW)
def agreement_pdf(request, pk):
    agreement = get_object_or_404(
        Agreement.objects.select_related("version", "organization", "signed_by"),
        pk=pk,
        status=Agreement.Status.SIGNED,
    )
    return pdf_response(agreement)
