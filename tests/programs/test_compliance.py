"""The nightly compliance evaluation (SPEC §3 Standing, §5)."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts import services as accounts_services
from accounts.models import Notification
from programs.compliance import evaluate_compliance
from programs.models import Enrollment
from programs.tasks import evaluate_partner_compliance
from tests import factories
from tests.programs import builders


@pytest.fixture
def northwind_enrollment(northwind, northwind_main, partner_manager):
    """A Standard reseller whose only Basic sales certification lapsed."""
    enrollment = builders.enrollment(northwind, "reseller", track="")
    builders.meet_every_requirement(northwind, "reseller", track="")
    northwind.certifications.update(expires_on=timezone.localdate() - timedelta(days=1))
    accounts_services.assign_account_manager(northwind, partner_manager, actor=partner_manager)
    return enrollment


def test_a_partner_out_of_its_tier_is_marked_at_risk_with_a_grace_period(northwind_enrollment):
    report = evaluate_compliance()
    assert report.newly_at_risk == 1
    northwind_enrollment.refresh_from_db()
    assert northwind_enrollment.standing == Enrollment.Standing.AT_RISK
    assert northwind_enrollment.grace_ends_on == timezone.localdate() + timedelta(
        days=settings.PARTNER_GRACE_PERIOD_DAYS
    )
    assert northwind_enrollment.unmet_requirements == ["Sales certification (Basic)"]
    event = northwind_enrollment.events.first()
    assert event.kind == "at_risk" and event.actor is None
    assert "Sales certification (Basic)" in event.reason


def test_the_partner_and_its_account_manager_are_told_once(
    northwind_enrollment, partner_manager, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        evaluate_compliance()
    with django_capture_on_commit_callbacks(execute=True):
        evaluate_compliance()  # the next night, or a retried task
    assert sorted(m.to[0] for m in mailoutbox) == [partner_manager.email, "main@northwind.example"]
    assert "Sales certification (Basic)" in mailoutbox[0].body
    assert Notification.objects.filter(template="programs/at_risk").count() == 2


def test_the_grace_period_is_a_setting(northwind_enrollment, settings):
    settings.PARTNER_GRACE_PERIOD_DAYS = 10
    evaluate_compliance()
    northwind_enrollment.refresh_from_db()
    assert northwind_enrollment.grace_ends_on == timezone.localdate() + timedelta(days=10)


def test_a_partner_that_meets_its_tier_again_is_back_in_good_standing(northwind_enrollment):
    evaluate_compliance()
    builders.certify(northwind_enrollment.organization, "basic_sales")
    report = evaluate_compliance()
    assert report.back_in_good_standing == 1
    northwind_enrollment.refresh_from_db()
    assert northwind_enrollment.standing == "good" and northwind_enrollment.grace_ends_on is None
    assert northwind_enrollment.events.first().kind == "good_standing"


def test_a_partner_meeting_its_tier_is_left_alone(acme):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    report = evaluate_compliance()
    assert report.evaluated == 1 and report.newly_at_risk == 0
    enrollment.refresh_from_db()
    assert enrollment.standing == "good" and enrollment.last_evaluated_at
    assert not enrollment.events.filter(kind="at_risk").exists()


def test_a_warning_alone_does_not_put_a_partner_at_risk(acme):
    enrollment = builders.enrollment(acme)
    builders.meet_every_requirement(acme)
    acme.certifications.update(expires_on=timezone.localdate() + timedelta(days=5))
    evaluate_compliance()
    enrollment.refresh_from_db()
    assert enrollment.standing == "good"


def test_suspended_and_unsigned_partners_are_not_evaluated(acme, northwind):
    builders.enrollment(acme, status="suspended")
    builders.enrollment(northwind, status="awaiting_signature")
    assert evaluate_compliance().evaluated == 0


def test_the_celery_task_runs_the_evaluation(northwind_enrollment):
    result = evaluate_partner_compliance.delay().get()
    assert result["newly_at_risk"] == 1


def test_the_nightly_schedule_runs_the_task():
    entry = settings.CELERY_BEAT_SCHEDULE["programs-nightly-compliance"]
    assert entry["task"] == "programs.tasks.evaluate_partner_compliance"


def make_partners(count, *, failing_every=3):
    partners = []
    for n in range(count):
        org = factories.OrganizationFactory(kind="partner", name=f"Partner {n}")
        factories.member(org, f"main{n}@p{n}.example", "main_contact")
        builders.enrollment(org, "reseller", track="")
        builders.meet_every_requirement(org, "reseller", track="")
        if n % failing_every == 0:
            org.certifications.all().delete()
        partners.append(org)
    return partners


def test_the_query_count_does_not_grow_with_the_number_of_partners(
    db, django_assert_max_num_queries
):
    make_partners(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        evaluate_compliance()
    Enrollment.objects.update(standing="good", at_risk_since=None, grace_ends_on=None)
    make_partners(12)
    with django_assert_max_num_queries(len(small.captured_queries)):
        report = evaluate_compliance()
    assert report.evaluated == 15 and report.newly_at_risk == 5


def test_batches_add_a_fixed_number_of_queries(db):
    make_partners(6)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_batch:
        evaluate_compliance(batch_size=100)
    Enrollment.objects.update(standing="good", at_risk_since=None, grace_ends_on=None)
    with CaptureQueriesContext(connection) as three_batches:
        report = evaluate_compliance(batch_size=2)
    assert report.batches == 3
    per_batch = (len(three_batches) - len(one_batch)) / 2
    assert per_batch <= 20


def test_staff_see_the_watchlist_with_the_grace_period(
    client, partner_manager, northwind_enrollment
):
    evaluate_compliance()
    client.force_login(partner_manager)
    response = client.get(reverse("staff_watchlist"))
    page = response.content.decode()
    assert "Northwind Resale" in page and "Sales certification (Basic)" in page
    assert response.context["counts"] == {"all": 1, "expired": 0, "running": 1}
    Enrollment.objects.update(grace_ends_on=timezone.localdate() - timedelta(days=1))
    response = client.get(reverse("staff_watchlist"), {"grace": "expired"})
    assert [e.organization.name for e in response.context["enrollments"]] == ["Northwind Resale"]
    assert "Expired" in response.content.decode()
