"""Writes of the partner program: one function per state transition, one transaction each.

Every function takes the acting person as `actor` (or `reviewer`), audits what it
changed and sends its emails through the outbox. Domain errors carry the message
the person sees; views turn them into form errors or messages.
"""

import contextlib

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from guardian.models import UserObjectPermission

from accounts import outbox
from accounts import services as accounts_services
from accounts.audit import audit
from accounts.models import Membership, Organization, Role
from programs.models import (
    Agreement,
    AgreementVersion,
    Application,
    ApplicationEvent,
    Certification,
    Enrollment,
    EnrollmentEvent,
    Evidence,
    Requirement,
    ReviewMeeting,
    Tier,
    Track,
    UpgradeRequest,
)

User = get_user_model()


class ProgramError(accounts_services.DomainError):
    """A rule of the partner program refused the change."""


class InvalidTransition(ProgramError):
    pass


class StaleVersion(ProgramError):
    """The object changed since the person loaded the page (someone else acted on it)."""


class Incomplete(ProgramError):
    """The application cannot be submitted yet: `errors` maps field names to messages
    (None for what belongs to no one field, such as certifications)."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("The application is not complete yet.")


# --- Who to tell ---------------------------------------------------------------------------


def main_contact(organization):
    membership = (
        Membership.objects.filter(organization=organization, is_main_contact=True)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


def main_contacts(organization_ids):
    return {
        m.organization_id: m.user
        for m in Membership.objects.filter(
            organization_id__in=organization_ids, is_main_contact=True
        ).select_related("user")
    }


def account_managers(organization_ids):
    """Staff holding `accounts.manage_partner` on each organization (one query)."""
    content_type = ContentType.objects.get_for_model(Organization)
    managers = {}
    for grant in UserObjectPermission.objects.filter(
        content_type=content_type,
        permission__codename="manage_partner",
        object_pk__in=[str(pk) for pk in organization_ids],
        user__is_active=True,
    ).select_related("user"):
        managers.setdefault(int(grant.object_pk), []).append(grant.user)
    return managers


def partner_managers():
    return User.objects.filter(
        is_active=True, is_staff=True, groups__name="Partner managers"
    ).distinct()


def _tell_main_contact(organization, template, context, *, key):
    """The organization's Main Contact, if it has one, once per `key`."""
    contact = main_contact(organization)
    if contact:
        outbox.notify(
            contact.email,
            template,
            {
                "recipient_name": contact.get_short_name(),
                "organization": organization.name,
                **context,
            },
            key=key,
            organization=organization,
        )


def _tell_partner(enrollment, template, context, *, key):
    """The partner's Main Contact and its account managers, once each per `key`."""
    organization = enrollment.organization
    recipients = []
    contact = main_contact(organization)
    if contact:
        recipients.append(contact)
    recipients += account_managers([organization.pk]).get(organization.pk, [])
    context = {
        "organization": organization.name,
        "program": enrollment.program.name,
        "status_path": reverse("partner_status"),
        "staff_path": enrollment.get_staff_url(),
        **context,
    }
    for person in recipients:
        outbox.notify(
            person.email,
            template,
            {**context, "recipient_name": person.get_short_name(), "for_staff": person.is_staff},
            key=f"{key}:{person.pk}",
            organization=organization,
        )


def _lock(model, obj):
    return model.objects.select_for_update().get(pk=obj.pk)


def _check_version(application, version):
    if version is not None and int(version) != application.version:
        raise StaleVersion(
            "This application changed while you were looking at it (someone else acted on it). "
            "Reload the page to see its current state."
        )


# --- Applications --------------------------------------------------------------------------


@transaction.atomic
def start_application(*, actor, program, organization=None, company_name=""):
    """A visitor becomes the Main Contact of a new partner organization (pending until it
    is an Authorized Partner) with a draft application; or an existing partner applies to
    another program (Services partners also get the Reseller program)."""
    if organization is None:
        organization = accounts_services.create_organization(
            kind=Organization.Kind.PARTNER, name=company_name.strip(), actor=actor
        )
        accounts_services.add_member(
            organization, actor, roles=[Role.MAIN, Role.ORG_ADMIN], actor=actor
        )
    elif not organization.is_partner:
        raise ProgramError("Only a partner organization can apply to a partner program.")
    if Enrollment.objects.filter(organization=organization, program=program).exists():
        raise ProgramError(f"{organization} is already enrolled in {program}.")
    try:
        with transaction.atomic():
            application = Application.objects.create(
                organization=organization,
                program=program,
                requested_tier=program.tiers.order_by("rank").first(),
                legal_name=organization.legal_name,
                country=organization.country,
                website=organization.website,
                created_by=actor,
            )
    except IntegrityError:
        raise ProgramError(
            f"{organization} already has an open application to {program}."
        ) from None
    ApplicationEvent.objects.create(application=application, kind="created", actor=actor)
    audit(actor, "application.started", application, program=program.code)
    return application


APPLICATION_FIELDS = [
    "program",
    "track",
    "requested_tier",
    "legal_name",
    "country",
    "website",
    "opennebula_page",
    "company_size",
    "regions",
    "markets",
    "opennebula_expertise",
    "sales_experience",
    "enterprise_edition_use",
    "exclusive_enterprise_edition",
    "support_capability",
    "references",
    "sales_contact_name",
    "sales_contact_email",
    "technical_contact_name",
    "technical_contact_email",
]


@transaction.atomic
def save_draft(application, *, actor, **fields):
    """Keep what the applicant typed so far; nothing is checked for completeness yet."""
    application = _lock(Application, application)
    if not application.is_editable:
        raise InvalidTransition("This application can no longer be changed.")
    unknown = set(fields) - set(APPLICATION_FIELDS)
    if unknown:
        raise ValueError(f"Not application fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(application, name, value)
    if application.program and not application.program.has_tracks:
        application.track = ""
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError:
        raise Incomplete(
            {"program": "You already have an open application to this program."}
        ) from None
    return application


def submission_problems(application):
    """What keeps `application` from being submitted, by field (None: not a field).

    Besides the profile, the applicant must meet the entry requirements of the tier it
    asks for (SPEC §6): contacts named, Enterprise Edition use, the OpenNebula page on
    its site, L1/L2 support for Solution Providers, and the certifications recorded.
    """
    problems = {}

    def need(name, message="This field is required to submit."):
        if not getattr(application, name):
            problems.setdefault(name, message)

    program = application.program
    if program.has_tracks and application.track not in Track.values:
        problems["track"] = "Choose Solution Integrator or Solution Provider."
    tier = application.requested_tier
    if tier is None or tier.program_id != program.pk:
        problems["requested_tier"] = f"Choose a tier of the {program} program."
        tier = None
    for name in ["legal_name", "country", "website", "company_size", "markets"]:
        need(name)
    if not application.regions:
        problems["regions"] = "Choose at least one region."
    need("opennebula_expertise", "Tell us about your OpenNebula expertise.")
    need("sales_experience", "Tell us about your experience selling subscriptions.")
    if tier is None:
        return problems

    kinds = {
        r.kind
        for r in tier.requirements.all()
        if r.is_entry_requirement and r.applies_to(application.track)
    }
    Kind = Requirement.Kind
    if Kind.ENTERPRISE_EDITION in kinds:
        need(
            "enterprise_edition_use", "Describe how you use and distribute the Enterprise Edition."
        )
        if not application.exclusive_enterprise_edition:
            problems["exclusive_enterprise_edition"] = (
                "Partners exclusively use and distribute the Enterprise Edition."
            )
    if Kind.WEBSITE in kinds:
        need("opennebula_page", "Give the page of your website that shows OpenNebula.")
    if Kind.L1_L2_SUPPORT in kinds:
        need("support_capability", "Solution Providers give L1 and L2 support: tell us how.")
    if Kind.SALES_CONTACT in kinds:
        need("sales_contact_name", "Name your sales contact.")
        need("sales_contact_email", "Give your sales contact's email.")
    if Kind.TECHNICAL_CONTACT in kinds:
        need("technical_contact_name", "Name your technical contact.")
        need("technical_contact_email", "Give your technical contact's email.")
    missing = missing_certifications(application)
    if missing:
        problems[None] = "Record your certifications first: " + "; ".join(missing) + "."
    return problems


def missing_certifications(application):
    """The tier's certification targets not yet covered by recorded, current certifications."""
    from programs.scorecard import CERTIFICATION_KINDS

    tier = application.requested_tier
    if tier is None:
        return []
    today = timezone.localdate()
    missing = []
    for requirement in tier.requirements.all():
        kind = CERTIFICATION_KINDS.get(requirement.kind)
        if kind is None or not requirement.is_entry_requirement:
            continue
        recorded = (
            Certification.objects.filter(
                organization=application.organization, kind=kind, expires_on__gte=today
            )
            .exclude(status=Certification.Status.REJECTED)
            .values("person_email")
            .distinct()
            .count()
        )
        target = int(requirement.target or 1)
        if recorded < target:
            label = Certification.Kind(kind).label
            missing.append(f"{target - recorded} more {label} ({recorded} of {target} recorded)")
    return missing


@transaction.atomic
def submit_application(application, *, actor, accept_terms, **fields):
    """Save the form and submit it for review, or change nothing at all."""
    application = save_draft(application, actor=actor, **fields)
    if application.status != Application.Status.DRAFT:
        raise InvalidTransition("Only a draft can be submitted.")
    problems = submission_problems(application)
    if not accept_terms:
        problems["accept_terms"] = "Accept the program terms and the Partner Agreement to submit."
    if problems:
        raise Incomplete(problems)
    now = timezone.now()
    application.status = Application.Status.SUBMITTED
    application.submitted_at = now
    application.terms_accepted_at = now
    application.terms_version = AgreementVersion.current()
    application.version += 1
    application.save()
    organization = application.organization
    organization.legal_name = application.legal_name
    organization.country = application.country
    organization.website = application.website
    organization.save(update_fields=["legal_name", "country", "website"])
    ApplicationEvent.objects.create(application=application, kind="submitted", actor=actor)
    audit(actor, "application.submitted", application, status=application.status)
    context = {
        "program": application.program.name,
        "tier": application.requested_tier.name,
        "application_path": application.get_absolute_url(),
        "staff_path": application.get_staff_url(),
    }
    outbox.notify(
        actor.email,
        "programs/application_submitted",
        {**context, "recipient_name": actor.get_short_name(), "organization": organization.name},
        key=f"application-submitted:{application.pk}",
        organization=organization,
    )
    for manager in partner_managers():
        outbox.notify(
            manager.email,
            "programs/application_received",
            {
                **context,
                "recipient_name": manager.get_short_name(),
                "organization": organization.name,
            },
            key=f"application-received:{application.pk}:{manager.pk}",
            organization=organization,
        )
    return application


@transaction.atomic
def request_information(application, *, reviewer, message, version=None):
    """Staff ask the applicant a question; the applicant answers in the portal."""
    application = _lock(Application, application)
    if application.status not in Application.UNDER_REVIEW:
        raise InvalidTransition(
            f"This application is {application.get_status_display().lower()}: "
            "no more questions can be asked."
        )
    _check_version(application, version)
    application.status = Application.Status.INFO_REQUESTED
    application.version += 1
    application.save(update_fields=["status", "version", "updated_at"])
    event = ApplicationEvent.objects.create(
        application=application, kind="info_requested", actor=reviewer, by_staff=True, body=message
    )
    audit(reviewer, "application.information_requested", application, status=application.status)
    _tell_main_contact(
        application.organization,
        "programs/information_requested",
        {
            "program": application.program.name,
            "message": message,
            "application_path": application.get_absolute_url(),
        },
        key=f"information-requested:{event.pk}",
    )
    return application


@transaction.atomic
def answer_information_request(application, *, actor, message):
    """The applicant answers; the application goes back to the review queue."""
    application = _lock(Application, application)
    if application.status != Application.Status.INFO_REQUESTED:
        raise InvalidTransition("OpenNebula has not asked anything about this application.")
    application.status = Application.Status.SUBMITTED
    application.version += 1
    application.save(update_fields=["status", "version", "updated_at"])
    event = ApplicationEvent.objects.create(
        application=application, kind="answered", actor=actor, body=message
    )
    audit(actor, "application.answered", application, status=application.status)
    asker = (
        application.events.filter(kind="info_requested", actor__isnull=False)
        .select_related("actor")
        .order_by("-created_at")
        .first()
    )
    if asker:
        outbox.notify(
            asker.actor.email,
            "programs/information_answered",
            {
                "recipient_name": asker.actor.get_short_name(),
                "organization": application.organization.name,
                "message": message,
                "staff_path": application.get_staff_url(),
            },
            key=f"information-answered:{event.pk}",
            organization=application.organization,
        )
    return application


@transaction.atomic
def approve_application(application, *, reviewer, tier, version=None):
    """Approve at `tier`: the partner is enrolled, awaiting its signature on the Partner
    Agreement, which is issued now in its current version (guide: Partner Qualification)."""
    application = _lock(Application, application)
    if application.status not in Application.UNDER_REVIEW:
        raise InvalidTransition(
            f"This application is already {application.get_status_display().lower()}."
        )
    _check_version(application, version)
    if tier.program_id != application.program_id:
        raise ProgramError(f"{tier} is not a tier of the {application.program} program.")
    version_to_issue = AgreementVersion.current()
    if version_to_issue is None:
        raise ProgramError("Publish a Partner Agreement before approving applications.")
    organization = application.organization
    now = timezone.now()
    application.status = Application.Status.APPROVED
    application.approved_tier = tier
    application.decided_at = now
    application.decided_by = reviewer
    application.version += 1
    application.save()
    ApplicationEvent.objects.create(
        application=application, kind="approved", actor=reviewer, by_staff=True, body=tier.name
    )
    enrollment = Enrollment.objects.create(
        organization=organization,
        program=application.program,
        track=application.track,
        tier=tier,
        application=application,
    )
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        kind="approved",
        to_tier=tier,
        to_status=enrollment.status,
        actor=reviewer,
    )
    agreement = issue_agreement(enrollment, actor=reviewer, version=version_to_issue)
    _confirm_application_evidence(application, reviewer=reviewer)
    _assign_named_contacts(application, actor=reviewer)
    if not account_managers([organization.pk]).get(organization.pk):
        accounts_services.assign_account_manager(organization, reviewer, actor=reviewer)
    audit(reviewer, "application.approved", application, status=application.status, tier=tier.code)
    _tell_partner(
        enrollment,
        "programs/application_approved",
        {
            "program": application.program.name,
            "tier": tier.name,
            "agreement_path": agreement.get_absolute_url(),
        },
        key=f"application-approved:{application.pk}",
    )
    return enrollment


def issue_agreement(enrollment, *, actor, version):
    organization = enrollment.organization
    text = version.body.format(
        partner_legal_name=organization.legal_name or organization.name,
        program=enrollment.program.name
        + (f" ({enrollment.track_label})" if enrollment.track else ""),
        tier=enrollment.tier.name,
        effective_date=timezone.localdate().strftime("%d %B %Y"),
    )
    agreement = Agreement.objects.create(
        organization=organization,
        enrollment=enrollment,
        version=version,
        text=text,
        issued_by=actor,
    )
    audit(actor, "agreement.issued", agreement, version=version.number)
    return agreement


def _confirm_application_evidence(application, *, reviewer):
    """The reviewer evaluated what the application showed: it stands as confirmed evidence."""
    now = timezone.now()
    shown = {
        Evidence.Kind.WEBSITE: (application.opennebula_page, ""),
        Evidence.Kind.ENTERPRISE_EDITION: ("", application.enterprise_edition_use),
        Evidence.Kind.L1_L2_SUPPORT: ("", application.support_capability),
    }
    for kind, (url, statement) in shown.items():
        if not (url or statement):
            continue
        Evidence.objects.update_or_create(
            organization=application.organization,
            kind=kind,
            defaults={
                "url": url,
                "statement": statement,
                "status": Evidence.Status.CONFIRMED,
                "submitted_by": application.created_by,
                "submitted_at": application.submitted_at or now,
                "reviewed_by": reviewer,
                "reviewed_at": now,
                "review_note": "Confirmed with the application.",
            },
        )


def _assign_named_contacts(application, *, actor):
    """Give the contacts named in the application their role: at once for members, by
    invitation for people not in the organization yet."""
    organization = application.organization
    wanted = {}
    if application.sales_contact_email:
        wanted.setdefault(application.sales_contact_email.lower(), set()).add(Role.SALES)
    if application.technical_contact_email:
        wanted.setdefault(application.technical_contact_email.lower(), set()).add(Role.TECHNICAL)
    for email, roles in wanted.items():
        membership = Membership.objects.filter(
            organization=organization, user__email__iexact=email
        ).first()
        if membership:
            accounts_services.add_member(organization, membership.user, roles=roles, actor=actor)
        else:
            # A pending invitation to the same address is left as it is.
            with contextlib.suppress(accounts_services.DomainError):
                accounts_services.invite(organization, email, roles=roles, actor=actor)


@transaction.atomic
def reject_application(application, *, reviewer, reason, version=None):
    application = _lock(Application, application)
    if application.status not in Application.UNDER_REVIEW:
        raise InvalidTransition(
            f"This application is already {application.get_status_display().lower()}."
        )
    _check_version(application, version)
    reason = reason.strip()
    if not reason:
        raise ProgramError("Give the applicant a reason.")
    application.status = Application.Status.REJECTED
    application.rejection_reason = reason
    application.decided_at = timezone.now()
    application.decided_by = reviewer
    application.version += 1
    application.save()
    ApplicationEvent.objects.create(
        application=application, kind="rejected", actor=reviewer, by_staff=True, body=reason
    )
    audit(reviewer, "application.rejected", application, status=application.status, reason=reason)
    _tell_main_contact(
        application.organization,
        "programs/application_rejected",
        {
            "program": application.program.name,
            "reason": reason,
            "application_path": application.get_absolute_url(),
        },
        key=f"application-rejected:{application.pk}",
    )
    return application


# --- The Partner Agreement -----------------------------------------------------------------


@transaction.atomic
def publish_agreement_version(*, actor, title, body):
    """A new version for the agreements issued from now on; issued ones keep their text."""
    try:
        body.format(partner_legal_name="", program="", tier="", effective_date="")
    except (KeyError, IndexError, ValueError) as error:
        raise ProgramError(
            "The text may only use the placeholders {partner_legal_name}, {program}, {tier} "
            "and {effective_date} (write {{ and }} for literal braces)."
        ) from error
    number = (AgreementVersion.objects.aggregate(n=Max("number"))["n"] or 0) + 1
    version = AgreementVersion.objects.create(
        number=number, title=title.strip(), body=body, published_by=actor
    )
    audit(actor, "agreement.version_published", version, number=number)
    return version


@transaction.atomic
def sign_agreement(
    agreement, *, signer, full_name, title, consent, text_sha256, ip_address, user_agent
):
    """The Main Contact signs in the browser: the organization becomes an Authorized
    Partner in its tier, with the tier's benefits."""
    agreement = _lock(Agreement, agreement)
    if agreement.is_signed:
        raise InvalidTransition("This agreement is already signed.")
    is_main = Membership.objects.filter(
        organization=agreement.organization, user=signer, is_main_contact=True
    ).exists()
    if not is_main:
        raise ProgramError("Only the organization's Main Contact can sign the Partner Agreement.")
    if not consent:
        raise ProgramError("Tick the box to agree to sign electronically.")
    if not full_name.strip() or not title.strip():
        raise ProgramError("Type your full name and your title.")
    if text_sha256 != agreement.sha256:
        raise StaleVersion("The agreement text changed since you opened it: read it again.")
    now = timezone.now()
    agreement.status = Agreement.Status.SIGNED
    agreement.signed_at = now
    agreement.signed_by = signer
    agreement.signer_name = full_name.strip()
    agreement.signer_title = title.strip()
    agreement.signer_email = signer.email
    agreement.signer_ip = ip_address
    agreement.signer_user_agent = (user_agent or "")[:1000]
    agreement.text_sha256 = agreement.sha256
    agreement.save()
    enrollment = _lock(Enrollment, agreement.enrollment)
    before = enrollment.status
    enrollment.status = Enrollment.Status.AUTHORIZED
    enrollment.authorized_at = now
    enrollment.save(update_fields=["status", "authorized_at"])
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        kind="authorized",
        to_tier=enrollment.tier,
        from_status=before,
        to_status=enrollment.status,
        actor=signer,
        reason=f"Partner Agreement v{agreement.version.number} signed by {agreement.signer_name}",
    )
    audit(signer, "agreement.signed", agreement, sha256=agreement.text_sha256)
    audit(
        signer,
        "enrollment.authorized",
        enrollment,
        status_before=before,
        status=enrollment.status,
        tier=enrollment.tier.code,
    )
    _tell_partner(
        enrollment,
        "programs/agreement_signed",
        {
            "program": enrollment.program.name,
            "tier": enrollment.tier.name,
            "signer": agreement.signer_name,
            "status_path": reverse("partner_status"),
            "pdf_path": reverse("partner_agreement_pdf", args=[agreement.pk]),
        },
        key=f"agreement-signed:{agreement.pk}",
    )
    return agreement


# --- Certifications, review meetings and evidence ------------------------------------------


def _partner_member(organization, actor):
    if actor.is_vendor_staff:
        return
    if not Membership.objects.filter(organization=organization, user=actor).exists():
        raise ProgramError("Only people of the partner organization can do this.")


@transaction.atomic
def record_certification(organization, *, actor, **fields):
    _partner_member(organization, actor)
    certification = Certification(organization=organization, recorded_by=actor, **fields)
    certification.person_email = certification.person_email.lower()
    certification.full_clean()
    certification.save()
    audit(actor, "certification.recorded", certification, kind=certification.kind)
    return certification


@transaction.atomic
def remove_certification(certification, *, actor):
    _partner_member(certification.organization, actor)
    audit(
        actor,
        "certification.removed",
        certification,
        kind=certification.kind,
        person=certification.person_email,
    )
    certification.delete()


@transaction.atomic
def verify_certification(certification, *, actor):
    certification = _lock(Certification, certification)
    if certification.status == Certification.Status.VERIFIED:
        return certification
    before = certification.status
    certification.status = Certification.Status.VERIFIED
    certification.verified_by = actor
    certification.verified_at = timezone.now()
    certification.rejection_reason = ""
    certification.save()
    audit(actor, "certification.verified", certification, status_before=before, status="verified")
    return certification


@transaction.atomic
def reject_certification(certification, *, actor, reason):
    certification = _lock(Certification, certification)
    if not reason.strip():
        raise ProgramError("Say why the certification cannot be verified.")
    before = certification.status
    certification.status = Certification.Status.REJECTED
    certification.verified_by = actor
    certification.verified_at = timezone.now()
    certification.rejection_reason = reason.strip()
    certification.save()
    audit(actor, "certification.rejected", certification, status_before=before, reason=reason)
    _tell_main_contact(
        certification.organization,
        "programs/certification_rejected",
        {
            "certification": str(certification),
            "reason": certification.rejection_reason,
            "certifications_path": reverse("partner_certifications"),
        },
        key=f"certification-rejected:{certification.pk}:{int(certification.verified_at.timestamp())}",
    )
    return certification


@transaction.atomic
def schedule_review(organization, *, actor, scheduled_for, summary=""):
    _partner_member(organization, actor)
    meeting = ReviewMeeting.objects.create(
        organization=organization, scheduled_for=scheduled_for, summary=summary, recorded_by=actor
    )
    audit(actor, "review.scheduled", meeting, scheduled_for=scheduled_for)
    return meeting


@transaction.atomic
def record_review_held(meeting, *, actor, held_on, summary=""):
    _partner_member(meeting.organization, actor)
    meeting = _lock(ReviewMeeting, meeting)
    if held_on > timezone.localdate():
        raise ProgramError("A meeting cannot be held in the future.")
    meeting.held_on = held_on
    if summary:
        meeting.summary = summary
    meeting.save(update_fields=["held_on", "summary"])
    audit(actor, "review.held", meeting, held_on=held_on)
    return meeting


@transaction.atomic
def cancel_review(meeting, *, actor):
    _partner_member(meeting.organization, actor)
    if meeting.is_held:
        raise InvalidTransition("A meeting that was held stays on record.")
    audit(actor, "review.cancelled", meeting, scheduled_for=meeting.scheduled_for)
    meeting.delete()


@transaction.atomic
def submit_evidence(organization, kind, *, actor, url="", statement=""):
    """The partner shows (again) how it meets a requirement; staff confirm it."""
    _partner_member(organization, actor)
    if not (url or statement.strip()):
        raise ProgramError("Give a link or a statement.")
    evidence, _ = Evidence.objects.update_or_create(
        organization=organization,
        kind=kind,
        defaults={
            "url": url,
            "statement": statement.strip(),
            "status": Evidence.Status.PENDING,
            "submitted_by": actor,
            "submitted_at": timezone.now(),
            "reviewed_by": None,
            "reviewed_at": None,
            "review_note": "",
        },
    )
    audit(actor, "evidence.submitted", evidence, kind=kind, status="pending")
    return evidence


@transaction.atomic
def confirm_evidence(evidence, *, actor):
    evidence = _lock(Evidence, evidence)
    before = evidence.status
    evidence.status = Evidence.Status.CONFIRMED
    evidence.reviewed_by = actor
    evidence.reviewed_at = timezone.now()
    evidence.review_note = ""
    evidence.save()
    audit(actor, "evidence.confirmed", evidence, status_before=before, status="confirmed")
    return evidence


@transaction.atomic
def reject_evidence(evidence, *, actor, note):
    evidence = _lock(Evidence, evidence)
    if not note.strip():
        raise ProgramError("Say what is missing.")
    before = evidence.status
    evidence.status = Evidence.Status.REJECTED
    evidence.reviewed_by = actor
    evidence.reviewed_at = timezone.now()
    evidence.review_note = note.strip()
    evidence.save()
    audit(actor, "evidence.rejected", evidence, status_before=before, note=evidence.review_note)
    _tell_main_contact(
        evidence.organization,
        "programs/evidence_rejected",
        {
            "evidence": evidence.get_kind_display(),
            "note": evidence.review_note,
            "evidence_path": reverse("partner_evidence"),
        },
        key=f"evidence-rejected:{evidence.pk}:{int(evidence.reviewed_at.timestamp())}",
    )
    return evidence


# --- Tier and status: upgrade, downgrade, suspension ---------------------------------------


def _record_change(enrollment, kind, *, actor, reason, from_tier=None, from_status=""):
    event = EnrollmentEvent.objects.create(
        enrollment=enrollment,
        kind=kind,
        from_tier=from_tier,
        to_tier=enrollment.tier,
        from_status=from_status,
        to_status=enrollment.status,
        actor=actor,
        reason=reason,
    )
    audit(
        actor,
        f"enrollment.{kind}",
        enrollment,
        tier_before=from_tier.code if from_tier else enrollment.tier.code,
        tier=enrollment.tier.code,
        status_before=from_status or enrollment.status,
        status=enrollment.status,
        reason=reason,
    )
    return event


def _back_in_good_standing(enrollment):
    enrollment.standing = Enrollment.Standing.GOOD
    enrollment.at_risk_since = None
    enrollment.grace_ends_on = None
    enrollment.unmet_requirements = []


def _require_reason(reason):
    reason = (reason or "").strip()
    if not reason:
        raise ProgramError("Give a reason: the partner reads it.")
    return reason


@transaction.atomic
def request_upgrade(enrollment, *, actor):
    """A partner that meets every requirement of the next tier asks to move up."""
    from programs.scorecard import enrollment_statuses

    enrollment = _lock(Enrollment, enrollment)
    if not enrollment.is_authorized:
        raise InvalidTransition("Only an Authorized Partner can ask for an upgrade.")
    status = enrollment_statuses([enrollment])[0]
    if status.next_tier is None:
        raise InvalidTransition(f"{enrollment.tier.name} is the highest tier of its program.")
    if not status.next_scorecard.fully_met:
        missing = ", ".join(r.requirement.label for r in status.next_scorecard.missing)
        raise ProgramError(f"Meet every {status.next_tier.name} requirement first: {missing}.")
    try:
        with transaction.atomic():
            upgrade = UpgradeRequest.objects.create(
                enrollment=enrollment, to_tier=status.next_tier, requested_by=actor
            )
    except IntegrityError:
        raise InvalidTransition("An upgrade request is already waiting for OpenNebula.") from None
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        kind="upgrade_requested",
        from_tier=enrollment.tier,
        to_tier=status.next_tier,
        from_status=enrollment.status,
        to_status=enrollment.status,
        actor=actor,
    )
    audit(actor, "enrollment.upgrade_requested", enrollment, to_tier=status.next_tier.code)
    organization = enrollment.organization
    managers = account_managers([organization.pk]).get(organization.pk) or list(partner_managers())
    for manager in managers:
        outbox.notify(
            manager.email,
            "programs/upgrade_requested",
            {
                "recipient_name": manager.get_short_name(),
                "organization": organization.name,
                "program": enrollment.program.name,
                "tier": status.next_tier.name,
                "staff_path": enrollment.get_staff_url(),
            },
            key=f"upgrade-requested:{upgrade.pk}:{manager.pk}",
            organization=organization,
        )
    return upgrade


@transaction.atomic
def approve_upgrade(upgrade, *, actor):
    upgrade = _lock(UpgradeRequest, upgrade)
    if upgrade.status != UpgradeRequest.Status.PENDING:
        raise InvalidTransition(f"This request is already {upgrade.get_status_display().lower()}.")
    enrollment = _lock(Enrollment, upgrade.enrollment)
    if not enrollment.is_authorized or upgrade.to_tier.rank != enrollment.tier.rank + 1:
        raise InvalidTransition("The partner's tier or status changed since the request.")
    before = enrollment.tier
    enrollment.tier = upgrade.to_tier
    _back_in_good_standing(enrollment)
    enrollment.save()
    upgrade.status = UpgradeRequest.Status.APPROVED
    upgrade.decided_by = actor
    upgrade.decided_at = timezone.now()
    upgrade.save()
    reason = "Meets every requirement of the tier; upgrade requested by the partner."
    _record_change(
        enrollment,
        "upgraded",
        actor=actor,
        reason=reason,
        from_tier=before,
        from_status="authorized",
    )
    _tell_partner(
        enrollment,
        "programs/tier_changed",
        {
            "program": enrollment.program.name,
            "change": "upgraded",
            "from_tier": before.name,
            "tier": enrollment.tier.name,
            "reason": reason,
            "status_path": reverse("partner_status"),
        },
        key=f"upgraded:{upgrade.pk}",
    )
    return enrollment


@transaction.atomic
def decline_upgrade(upgrade, *, actor, reason):
    upgrade = _lock(UpgradeRequest, upgrade)
    if upgrade.status != UpgradeRequest.Status.PENDING:
        raise InvalidTransition(f"This request is already {upgrade.get_status_display().lower()}.")
    reason = _require_reason(reason)
    upgrade.status = UpgradeRequest.Status.DECLINED
    upgrade.decided_by = actor
    upgrade.decided_at = timezone.now()
    upgrade.reason = reason
    upgrade.save()
    enrollment = upgrade.enrollment
    EnrollmentEvent.objects.create(
        enrollment=enrollment,
        kind="upgrade_declined",
        from_tier=enrollment.tier,
        to_tier=enrollment.tier,
        from_status=enrollment.status,
        to_status=enrollment.status,
        actor=actor,
        reason=reason,
    )
    audit(actor, "enrollment.upgrade_declined", enrollment, reason=reason)
    _tell_partner(
        enrollment,
        "programs/upgrade_declined",
        {
            "program": enrollment.program.name,
            "tier": upgrade.to_tier.name,
            "reason": reason,
            "status_path": reverse("partner_status"),
        },
        key=f"upgrade-declined:{upgrade.pk}",
    )
    return upgrade


@transaction.atomic
def downgrade(enrollment, *, actor, reason):
    """Strategic → Standard: the Strategic benefits end at once (SPEC §3 Standing)."""
    reason = _require_reason(reason)
    enrollment = _lock(Enrollment, enrollment)
    if not enrollment.is_authorized:
        raise InvalidTransition("Only an Authorized Partner can be downgraded.")
    lower = Tier.objects.filter(program=enrollment.program, rank=enrollment.tier.rank - 1).first()
    if lower is None:
        raise InvalidTransition(
            f"{enrollment.tier.name} is the lowest tier: suspend the partner instead."
        )
    before = enrollment.tier
    enrollment.tier = lower
    _back_in_good_standing(enrollment)
    enrollment.save()
    UpgradeRequest.objects.filter(enrollment=enrollment, status="pending").update(
        status=UpgradeRequest.Status.DECLINED,
        decided_by=actor,
        decided_at=timezone.now(),
        reason=reason,
    )
    event = _record_change(
        enrollment,
        "downgraded",
        actor=actor,
        reason=reason,
        from_tier=before,
        from_status="authorized",
    )
    _tell_partner(
        enrollment,
        "programs/tier_changed",
        {
            "program": enrollment.program.name,
            "change": "downgraded",
            "from_tier": before.name,
            "tier": lower.name,
            "reason": reason,
            "status_path": reverse("partner_status"),
        },
        key=f"downgraded:{event.pk}",
    )
    return enrollment


@transaction.atomic
def suspend(enrollment, *, actor, reason):
    """For a partner not in good standing: every benefit of the enrollment ends at once."""
    reason = _require_reason(reason)
    enrollment = _lock(Enrollment, enrollment)
    if not enrollment.is_authorized:
        raise InvalidTransition("Only an Authorized Partner can be suspended.")
    before = enrollment.status
    enrollment.status = Enrollment.Status.SUSPENDED
    enrollment.save(update_fields=["status"])
    event = _record_change(enrollment, "suspended", actor=actor, reason=reason, from_status=before)
    _tell_partner(
        enrollment,
        "programs/status_changed",
        {
            "program": enrollment.program.name,
            "change": "suspended",
            "tier": enrollment.tier.name,
            "reason": reason,
            "status_path": reverse("partner_status"),
        },
        key=f"suspended:{event.pk}",
    )
    return enrollment


@transaction.atomic
def reinstate(enrollment, *, actor, reason):
    reason = _require_reason(reason)
    enrollment = _lock(Enrollment, enrollment)
    if enrollment.status != Enrollment.Status.SUSPENDED:
        raise InvalidTransition("Only a suspended partner can be reinstated.")
    before = enrollment.status
    enrollment.status = Enrollment.Status.AUTHORIZED
    _back_in_good_standing(enrollment)
    enrollment.save()
    event = _record_change(enrollment, "reinstated", actor=actor, reason=reason, from_status=before)
    _tell_partner(
        enrollment,
        "programs/status_changed",
        {
            "program": enrollment.program.name,
            "change": "reinstated",
            "tier": enrollment.tier.name,
            "reason": reason,
            "status_path": reverse("partner_status"),
        },
        key=f"reinstated:{event.pk}",
    )
    return enrollment
