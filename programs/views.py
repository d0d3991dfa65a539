"""Public catalog pages and the partner's own pages: apply, sign, follow the scorecard,
record certifications, review meetings and evidence. Thin: services decide."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, FilteredRelation, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from accounts.access import paginate
from accounts.audit import client_address
from accounts.middleware import ACTIVE_ORGANIZATION_SESSION_KEY
from accounts.tenancy import get_for_organization
from programs import catalog, services
from programs.access import partner_admin_required, partner_required
from programs.entitlements import remember_request_benefits
from programs.forms import (
    AnswerForm,
    ApplicationForm,
    CertificationForm,
    EvidenceForm,
    ReviewHeldForm,
    ScheduleReviewForm,
    SignatureForm,
    StartApplicationForm,
)
from programs.models import (
    Agreement,
    AgreementVersion,
    Application,
    Certification,
    Enrollment,
    EnrollmentEvent,
    Evidence,
    Program,
    ReviewMeeting,
    UpgradeRequest,
)
from programs.pdf import pdf_response
from programs.scorecard import enrollment_statuses

# --- Public: the catalog -------------------------------------------------------------------


def program_list(request):
    return render(
        request,
        "programs/program_list.html",
        {"programs": Program.objects.prefetch_related("tiers")},
    )


def program_detail(request, code):
    program = get_object_or_404(Program, code=code)
    return render(
        request,
        "programs/program_detail.html",
        {"program": program, **catalog.comparison(program)},
    )


def agreement_public(request):
    """The current Partner Agreement, to read before applying (enrollment step 02)."""
    version = AgreementVersion.current()
    if version is None:
        raise Http404
    return render(request, "programs/agreement_public.html", {"version": version})


# --- Applying ------------------------------------------------------------------------------


@login_required
def apply_start(request):
    """A visitor names their company and picks a program; an existing partner's Main
    Contact applies to another program for the same organization."""
    if request.user.is_vendor_staff:
        raise Http404
    organization = request.organization
    applying_as = (
        organization
        if organization is not None
        and organization.is_partner
        and request.membership.can_manage_members
        else None
    )
    initial = {}
    if request.GET.get("program"):
        initial["program"] = Program.objects.filter(code=request.GET["program"]).first()
    form = StartApplicationForm(
        request.POST or None, needs_company=applying_as is None, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            application = services.start_application(
                actor=request.user,
                program=form.cleaned_data["program"],
                organization=applying_as,
                company_name=form.cleaned_data.get("company_name", ""),
            )
        except services.ProgramError as error:
            form.add_error("program", str(error))
        else:
            request.session[ACTIVE_ORGANIZATION_SESSION_KEY] = application.organization_id
            messages.success(request, "Your draft application is ready: fill it in and submit it.")
            return redirect(application)
    return render(request, "programs/apply_start.html", {"form": form, "applying_as": applying_as})


@partner_required
def partner_application(request, pk):
    application = get_for_organization(
        Application.objects.select_related(
            "organization", "program", "requested_tier", "approved_tier"
        ),
        request.organization,
        pk=pk,
    )
    may_edit = request.membership.can_manage_members and application.is_editable
    form = ApplicationForm(instance=application) if may_edit else None
    answer_form = AnswerForm() if may_edit else None
    action = request.POST.get("action")
    if request.method == "POST":
        if not may_edit:
            raise Http404
        if action == "answer":
            answer_form = AnswerForm(request.POST)
            if answer_form.is_valid():
                try:
                    services.answer_information_request(
                        application, actor=request.user, message=answer_form.cleaned_data["message"]
                    )
                except services.ProgramError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(request, "Answer sent: your application is back in review.")
                return redirect(application)
        else:
            form = ApplicationForm(
                request.POST,
                instance=Application.objects.for_organization(request.organization).get(
                    pk=application.pk
                ),
            )
            if form.is_valid():
                try:
                    if action == "submit":
                        services.submit_application(
                            application,
                            actor=request.user,
                            accept_terms=form.cleaned_data.get("accept_terms", False),
                            **form.application_fields(),
                        )
                        messages.success(
                            request, "Application submitted. OpenNebula will review it."
                        )
                    else:
                        services.save_draft(
                            application, actor=request.user, **form.application_fields()
                        )
                        messages.success(request, "Saved.")
                except services.Incomplete as error:
                    form.add_submission_errors(error.errors)
                    messages.error(request, "Some answers are missing: see the marked fields.")
                except services.ProgramError as error:
                    form.add_error(None, str(error))
                else:
                    return redirect(application)
    enrollment = (
        Enrollment.objects.for_organization(request.organization)
        .filter(application=application)
        .select_related("agreement")
        .first()
    )
    return render(
        request,
        "programs/application.html",
        {
            "application": application,
            "form": form,
            "answer_form": answer_form,
            "events": application.events.select_related("actor"),
            "missing_certifications": services.missing_certifications(application)
            if application.is_editable
            else [],
            "enrollment": enrollment,
        },
    )


# --- Status and scorecard ------------------------------------------------------------------


@partner_required
def partner_status(request):
    organization = request.organization
    # Whatever the number of enrollments: the pending upgrade (at most one, a constraint)
    # read with each enrollment, the last five events of all of them in one query.
    pending = FilteredRelation(
        "upgrade_requests",
        condition=Q(upgrade_requests__status=UpgradeRequest.Status.PENDING),
    )
    enrollments = (
        Enrollment.objects.for_organization(organization)
        .select_related("program", "tier", "organization", "agreement")
        .annotate(pending_upgrade=pending)
        .annotate(
            upgrade_tier_name=F("pending_upgrade__to_tier__name"),
            upgrade_requested_at=F("pending_upgrade__requested_at"),
        )
        .prefetch_related(
            Prefetch(
                "events",
                EnrollmentEvent.objects.for_organization(organization).select_related(
                    "from_tier", "to_tier", "actor"
                )[:5],
                to_attr="recent_events",
            ),
        )
    )
    statuses = enrollment_statuses(enrollments)
    remember_request_benefits(request, statuses)
    return render(
        request,
        "programs/status.html",
        {
            "statuses": [(status, status.enrollment.recent_events) for status in statuses],
            "applications": Application.objects.for_organization(organization)
            .exclude(status=Application.Status.APPROVED)
            .select_related("program")
            .order_by("-created_at")[:10],
        },
    )


@partner_required
def partner_history(request, pk):
    enrollment = get_for_organization(
        Enrollment.objects.select_related("program", "tier"), request.organization, pk=pk
    )
    events = enrollment.events.select_related("from_tier", "to_tier", "actor")
    return render(
        request,
        "programs/history.html",
        {"enrollment": enrollment, "events": paginate(request, events)},
    )


@partner_admin_required
def partner_request_upgrade(request, pk):
    enrollment = get_for_organization(
        Enrollment.objects.select_related("program", "tier", "organization"),
        request.organization,
        pk=pk,
    )
    status = enrollment_statuses([enrollment])[0]
    if request.method == "POST":
        try:
            services.request_upgrade(enrollment, actor=request.user)
        except services.ProgramError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                f"Upgrade to {status.next_tier.name} requested: OpenNebula will confirm it.",
            )
        return redirect("partner_status")
    return render(request, "programs/upgrade_request.html", {"status": status})


# --- The Partner Agreement -----------------------------------------------------------------


@partner_required
def partner_agreement(request, pk):
    agreement = get_for_organization(
        Agreement.objects.select_related("version", "enrollment__program", "enrollment__tier"),
        request.organization,
        pk=pk,
    )
    may_sign = not agreement.is_signed and request.membership.is_main_contact
    form = None
    if may_sign:
        form = SignatureForm(request.POST or None, initial={"text_sha256": agreement.sha256})
        if request.method == "POST" and form.is_valid():
            try:
                services.sign_agreement(
                    agreement,
                    signer=request.user,
                    full_name=form.cleaned_data["full_name"],
                    title=form.cleaned_data["title"],
                    consent=form.cleaned_data["consent"],
                    text_sha256=form.cleaned_data["text_sha256"],
                    ip_address=client_address.get(),
                    user_agent=request.headers.get("user-agent", ""),
                )
            except services.ProgramError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    f"Signed. {request.organization.name} is now an Authorized Partner.",
                )
                return redirect(agreement)
    elif request.method == "POST":
        raise Http404
    return render(request, "programs/agreement.html", {"agreement": agreement, "form": form})


@partner_required
def partner_agreement_pdf(request, pk):
    agreement = get_for_organization(
        Agreement.objects.select_related("version", "organization", "signed_by"),
        request.organization,
        pk=pk,
    )
    if not agreement.is_signed:
        raise Http404
    return pdf_response(agreement)


# --- Records: certifications, review meetings, evidence ------------------------------------


@partner_required
def partner_certifications(request):
    organization = request.organization
    form = CertificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_certification(organization, actor=request.user, **form.cleaned_data)
        except services.ProgramError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Certification recorded: OpenNebula will verify it.")
            return redirect("partner_certifications")
    certifications = Certification.objects.for_organization(organization).order_by(
        "kind", "person_name", "pk"
    )
    return render(
        request,
        "programs/certifications.html",
        {"form": form, "certifications": paginate(request, certifications)},
    )


@partner_required
def partner_certification_remove(request, pk):
    certification = get_for_organization(Certification.objects, request.organization, pk=pk)
    if request.method == "POST":
        services.remove_certification(certification, actor=request.user)
        messages.success(request, f"Certification of {certification.person_name} removed.")
        return redirect("partner_certifications")
    return render(request, "programs/certification_remove.html", {"certification": certification})


@partner_required
def partner_reviews(request):
    organization = request.organization
    form = ScheduleReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.schedule_review(organization, actor=request.user, **form.cleaned_data)
        messages.success(request, "Review meeting scheduled.")
        return redirect("partner_reviews")
    meetings = ReviewMeeting.objects.for_organization(organization)
    return render(
        request,
        "programs/reviews.html",
        {"form": form, "meetings": paginate(request, meetings), "cadences": _cadences(request)},
    )


def _cadences(request):
    return [
        (status.enrollment, result.target)
        for status in enrollment_statuses(
            Enrollment.objects.for_organization(request.organization)
            .authorized()
            .select_related("program", "tier")
        )
        for result in status.scorecard.results
        if result.requirement.kind == "review_meetings"
    ]


@partner_required
def partner_review_held(request, pk):
    meeting = get_for_organization(ReviewMeeting.objects, request.organization, pk=pk)
    if meeting.is_held:
        raise Http404
    form = ReviewHeldForm(
        request.POST or None,
        initial={
            "held_on": min(meeting.scheduled_for, timezone.localdate()),
            "summary": meeting.summary,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_review_held(meeting, actor=request.user, **form.cleaned_data)
        except services.ProgramError as error:
            form.add_error("held_on", str(error))
        else:
            messages.success(request, "Review meeting recorded as held.")
            return redirect("partner_reviews")
    return render(request, "programs/review_held.html", {"meeting": meeting, "form": form})


@partner_required
def partner_review_cancel(request, pk):
    meeting = get_for_organization(ReviewMeeting.objects, request.organization, pk=pk)
    if meeting.is_held:
        raise Http404
    if request.method == "POST":
        services.cancel_review(meeting, actor=request.user)
        messages.success(request, f"Review meeting of {meeting.scheduled_for} cancelled.")
        return redirect("partner_reviews")
    return render(request, "programs/review_cancel.html", {"meeting": meeting})


@partner_required
def partner_evidence(request):
    organization = request.organization
    is_provider = Enrollment.objects.for_organization(organization).filter(track="sp").exists() or (
        Application.objects.for_organization(organization).filter(track="sp").exists()
    )
    kinds = [k for k in Evidence.Kind.values if is_provider or k != Evidence.Kind.L1_L2_SUPPORT]
    form = EvidenceForm(
        request.POST or None, kinds=kinds, initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        services.submit_evidence(
            organization,
            form.cleaned_data["kind"],
            actor=request.user,
            url=form.cleaned_data["url"],
            statement=form.cleaned_data["statement"],
        )
        messages.success(request, "Sent: OpenNebula will confirm it.")
        return redirect("partner_evidence")
    evidence = {e.kind: e for e in Evidence.objects.for_organization(organization)}
    return render(
        request,
        "programs/evidence.html",
        {
            "form": form,
            "rows": [(kind, Evidence.Kind(kind).label, evidence.get(kind)) for kind in kinds],
        },
    )
