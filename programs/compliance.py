"""The nightly compliance evaluation of every Authorized Partner (SPEC §3, §5).

A partner newly out of its tier's requirements (a requirement not met; "at risk"
requirements are warnings) is marked at risk with a grace period of
PARTNER_GRACE_PERIOD_DAYS, and its Main Contact and account managers are told once.
A partner that meets its tier again is back in good standing. Staff act on the
watchlist (downgrade, suspend): nothing here changes a tier or a status.

The run reads partners in batches of `batch_size` with a fixed number of queries per
batch (the scorecard's `gather_facts`), so 10,000 partners cost ~10 batches of ~15
queries, whatever the data. Running it twice is safe: the second run finds nothing new.
"""

import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts import outbox
from accounts.audit import client_address
from accounts.models import AuditEvent
from programs.models import Enrollment, EnrollmentEvent
from programs.scorecard import catalog_tiers, evaluate, gather_facts, needs_revenue
from programs.services import account_managers, main_contacts

AT_RISK_TEMPLATE = "programs/at_risk"


@dataclass
class ComplianceReport:
    evaluated: int = 0
    newly_at_risk: int = 0
    back_in_good_standing: int = 0
    still_at_risk: int = 0
    notices: int = 0
    batches: int = 0
    seconds: float = 0.0
    at_risk_enrollment_ids: list = field(default_factory=list)

    def as_dict(self):
        return {
            key: value for key, value in self.__dict__.items() if key != "at_risk_enrollment_ids"
        }


def evaluate_compliance(*, as_of=None, batch_size=1000, organization_ids=None):
    started = time.monotonic()
    as_of = as_of or timezone.localdate()
    report = ComplianceReport()
    tiers = {tier.pk: tier for tier in catalog_tiers()}
    enrollments = Enrollment.objects.authorized().order_by("pk")
    if organization_ids is not None:
        enrollments = enrollments.filter(organization_id__in=organization_ids)
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                enrollments.filter(pk__gt=last_pk)
                .select_related("organization")
                .select_for_update(of=("self",))[:batch_size]
            )
            if not batch:
                break
            _evaluate_batch(batch, tiers, as_of=as_of, report=report)
        last_pk = batch[-1].pk
        report.batches += 1
    report.seconds = round(time.monotonic() - started, 3)
    return report


def _evaluate_batch(batch, tiers, *, as_of, report):
    now = timezone.now()
    grace_ends_on = as_of + timedelta(days=settings.PARTNER_GRACE_PERIOD_DAYS)
    facts = gather_facts(
        {e.organization_id for e in batch},
        as_of=as_of,
        with_revenue=needs_revenue({tiers[e.tier_id] for e in batch}),
    )
    changed, events, newly_at_risk = [], [], []
    for enrollment in batch:
        report.evaluated += 1
        authorized_on = (
            timezone.localdate(enrollment.authorized_at) if enrollment.authorized_at else None
        )
        card = evaluate(
            tiers[enrollment.tier_id],
            facts[enrollment.organization_id],
            track=enrollment.track,
            authorized_on=authorized_on,
            as_of=as_of,
        )
        unmet = [result.requirement.label for result in card.not_met]
        enrollment.last_evaluated_at = now
        if unmet and enrollment.standing == Enrollment.Standing.GOOD:
            enrollment.standing = Enrollment.Standing.AT_RISK
            enrollment.at_risk_since = now
            enrollment.grace_ends_on = grace_ends_on
            enrollment.unmet_requirements = unmet
            changed.append(enrollment)
            newly_at_risk.append(enrollment)
            events.append(
                _event(
                    enrollment, EnrollmentEvent.Kind.AT_RISK, now, "Not met: " + "; ".join(unmet)
                )
            )
            report.newly_at_risk += 1
        elif not unmet and enrollment.standing == Enrollment.Standing.AT_RISK:
            enrollment.standing = Enrollment.Standing.GOOD
            enrollment.at_risk_since = None
            enrollment.grace_ends_on = None
            enrollment.unmet_requirements = []
            changed.append(enrollment)
            events.append(
                _event(
                    enrollment,
                    EnrollmentEvent.Kind.BACK_IN_GOOD_STANDING,
                    now,
                    "Every requirement met.",
                )
            )
            report.back_in_good_standing += 1
        elif unmet:
            report.still_at_risk += 1
            if unmet != enrollment.unmet_requirements:
                enrollment.unmet_requirements = unmet
                changed.append(enrollment)
        if enrollment.standing == Enrollment.Standing.AT_RISK:
            report.at_risk_enrollment_ids.append(enrollment.pk)

    Enrollment.objects.filter(pk__in=[e.pk for e in batch]).update(last_evaluated_at=now)
    if changed:
        Enrollment.objects.bulk_update(
            changed, ["standing", "at_risk_since", "grace_ends_on", "unmet_requirements"]
        )
    if events:
        EnrollmentEvent.objects.bulk_create(events)
        AuditEvent.objects.bulk_create(
            [
                AuditEvent(
                    actor=None,
                    organization_id=event.enrollment.organization_id,
                    action=f"enrollment.{event.kind}",
                    target_type=Enrollment._meta.label_lower,
                    target_id=str(event.enrollment.pk),
                    target_repr=f"{event.enrollment.organization.name}: "
                    f"{tiers[event.enrollment.tier_id]}"[:200],
                    changes={"standing": event.enrollment.standing, "reason": event.reason},
                    ip_address=client_address.get(),
                    created_at=now,
                )
                for event in events
            ]
        )
    if newly_at_risk:
        report.notices += _notify_at_risk(newly_at_risk, tiers)


def _event(enrollment, kind, now, reason):
    return EnrollmentEvent(
        enrollment=enrollment,
        kind=kind,
        from_tier_id=enrollment.tier_id,
        to_tier_id=enrollment.tier_id,
        from_status=enrollment.status,
        to_status=enrollment.status,
        actor=None,
        reason=reason,
        created_at=now,
    )


def _notify_at_risk(enrollments, tiers):
    """One email per person per at-risk episode, written in bulk (a fixed number of queries).

    The key names the episode (its start), so a second run, or a retried task, finds the
    rows already there and sends nothing twice.
    """
    organization_ids = {e.organization_id for e in enrollments}
    contacts = main_contacts(organization_ids)
    managers = account_managers(organization_ids)
    notices = []
    for enrollment in enrollments:
        tier = tiers[enrollment.tier_id]
        recipients = [contacts.get(enrollment.organization_id)] + managers.get(
            enrollment.organization_id, []
        )
        episode = f"{enrollment.pk}:{enrollment.at_risk_since:%Y%m%dT%H%M%S}"
        for person in filter(None, recipients):
            notices.append(
                {
                    "recipient": person.email,
                    "template": AT_RISK_TEMPLATE,
                    "context": {
                        "recipient_name": person.get_short_name(),
                        "for_staff": person.is_staff,
                        "organization": enrollment.organization.name,
                        "program": tier.program.name,
                        "tier": tier.name,
                        "unmet": enrollment.unmet_requirements,
                        "grace_ends_on": enrollment.grace_ends_on.isoformat(),
                        "status_path": reverse("partner_status"),
                        "staff_path": reverse("staff_partner", args=[enrollment.pk]),
                    },
                    "key": f"at-risk:{episode}:{person.pk}",
                    "organization": enrollment.organization,
                }
            )
    outbox.notify_many(notices)
    return len(notices)


def watchlist(*, grace_expired=None, program=None):
    """Authorized partners at risk, the longest-running first (the staff watchlist)."""
    enrollments = (
        Enrollment.objects.at_risk()
        .select_related("organization", "program", "tier")
        .order_by("grace_ends_on", "organization__name")
    )
    today = timezone.localdate()
    if grace_expired is True:
        enrollments = enrollments.filter(grace_ends_on__lt=today)
    elif grace_expired is False:
        enrollments = enrollments.filter(grace_ends_on__gte=today)
    if program is not None:
        enrollments = enrollments.filter(program=program)
    return enrollments
