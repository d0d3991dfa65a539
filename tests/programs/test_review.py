"""Staff review the queue: ask for information, approve with a tier, reject with a reason."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation, Membership
from programs import services
from programs.models import Agreement, Application, Enrollment, Evidence
from tests import factories
from tests.programs import builders


@pytest.fixture
def hooli(db):
    return factories.OrganizationFactory(name="Hooli Integrations", kind="partner")


@pytest.fixture
def hooli_main(hooli):
    return factories.member(hooli, "main@hooli.example", "main_contact", "org_admin").user


@pytest.fixture
def hooli_application(hooli, hooli_main):
    return builders.submitted_application(
        hooli,
        created_by=hooli_main,
        sales_contact_email="main@hooli.example",
        technical_contact_email="tech@hooli.example",
    )


def test_the_queue_lists_submitted_applications_with_counts(
    client, partner_manager, hooli_application
):
    client.force_login(partner_manager)
    response = client.get(reverse("staff_application_queue"))
    page = response.content.decode()
    assert "Hooli Integrations" in page
    assert dict((v, n) for v, _, n in response.context["tabs"])["submitted"] == 1


def test_the_queue_filters_by_program_country_and_age(
    client, partner_manager, hooli_application, acme
):
    old = builders.submitted_application(acme, "reseller", country="ES", days_ago=20)
    client.force_login(partner_manager)
    url = reverse("staff_application_queue")

    def names(**params):
        response = client.get(url, params)
        return [a.organization.name for a in response.context["applications"]]

    assert names(program=old.program_id) == ["Acme Cloud"]
    assert names(country="GB") == ["Hooli Integrations"]
    assert names(age="14") == ["Acme Cloud"]
    assert sorted(names()) == ["Acme Cloud", "Hooli Integrations"]


def test_drafts_are_not_in_the_queue(client, partner_manager, acme):
    draft = builders.application(acme)
    client.force_login(partner_manager)
    assert client.get(reverse("staff_application", args=[draft.pk])).status_code == 404
    response = client.get(reverse("staff_application_queue"), {"status": ""})
    assert list(response.context["applications"]) == []


def test_staff_without_the_permission_do_not_see_the_queue(
    client, support_engineer, hooli_application
):
    client.force_login(support_engineer)
    assert client.get(reverse("staff_application_queue")).status_code == 404
    assert client.get(reverse("staff_application", args=[hooli_application.pk])).status_code == 404


def test_partners_do_not_see_the_queue(client, acme_main):
    client.force_login(acme_main)
    assert client.get(reverse("staff_application_queue")).status_code == 404


def test_asking_for_information_emails_the_applicant_who_answers_in_the_portal(
    client,
    partner_manager,
    hooli_application,
    hooli_main,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(partner_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("staff_application_ask", args=[hooli_application.pk]),
            {"message": "Which telecom customers?", "version": hooli_application.version},
        )
    hooli_application.refresh_from_db()
    assert hooli_application.status == "info_requested"
    assert mailoutbox[-1].to == ["main@hooli.example"]
    assert "Which telecom customers?" in mailoutbox[-1].body

    client.force_login(hooli_main)
    page = client.get(hooli_application.get_absolute_url()).content.decode()
    assert "Which telecom customers?" in page and "Send my answer" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            hooli_application.get_absolute_url(),
            {"action": "answer", "message": "Initrode and Pied Piper."},
        )
    hooli_application.refresh_from_db()
    assert hooli_application.status == "submitted"
    assert mailoutbox[-1].to == [partner_manager.email]
    assert "Initrode and Pied Piper." in mailoutbox[-1].body


def test_approving_enrolls_the_partner_and_issues_the_current_agreement(
    client,
    partner_manager,
    hooli_application,
    hooli_main,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    client.force_login(partner_manager)
    strategic = builders.tier("services", "strategic")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("staff_application_approve", args=[hooli_application.pk]),
            {"tier": strategic.pk, "version": hooli_application.version},
        )
    assert response.status_code == 302
    hooli_application.refresh_from_db()
    assert hooli_application.status == "approved" and hooli_application.approved_tier == strategic
    enrollment = Enrollment.objects.get(application=hooli_application)
    assert enrollment.tier == strategic and enrollment.status == "awaiting_signature"
    agreement = Agreement.objects.get(enrollment=enrollment)
    assert agreement.version.number == 1 and "Hooli" in agreement.text
    assert "Strategic" in agreement.text
    assert enrollment.events.get().kind == "approved"
    # What the reviewer evaluated stands as confirmed evidence.
    assert (
        Evidence.objects.get(organization=hooli_application.organization, kind="website").status
        == "confirmed"
    )
    # The named contacts get their roles: a member at once, others by invitation.
    assert Membership.objects.get(user=hooli_main).is_sales_contact
    assert Invitation.objects.get(email="tech@hooli.example").roles == ["technical_contact"]
    # The approving staff member becomes the account manager.
    assert partner_manager.has_perm("accounts.manage_partner", hooli_application.organization)
    approved = [m for m in mailoutbox if "sign" in m.subject.lower()]
    assert approved and approved[0].to == ["main@hooli.example"]
    assert agreement.get_absolute_url() in approved[0].body


def test_rejecting_needs_a_reason_which_is_emailed(
    client, partner_manager, hooli_application, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(partner_manager)
    url = reverse("staff_application_reject", args=[hooli_application.pk])
    assert b"Yes, reject" in client.get(url).content
    response = client.post(url, {"reason": "", "version": hooli_application.version})
    assert "reason" in response.context["form"].errors
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url, {"reason": "No OpenNebula deployments yet.", "version": hooli_application.version}
        )
    hooli_application.refresh_from_db()
    assert hooli_application.status == "rejected"
    assert hooli_application.rejection_reason == "No OpenNebula deployments yet."
    assert "No OpenNebula deployments yet." in mailoutbox[-1].body
    assert not Enrollment.objects.exists()


def test_an_action_on_a_page_that_changed_meanwhile_is_refused(
    client, partner_manager, hooli_application
):
    stale = hooli_application.version
    services.request_information(hooli_application, reviewer=partner_manager, message="Why?")
    client.force_login(partner_manager)
    tier = builders.tier("services", "standard")
    response = client.post(
        reverse("staff_application_approve", args=[hooli_application.pk]),
        {"tier": tier.pk, "version": stale},
        follow=True,
    )
    assert "changed while you were looking at it" in response.content.decode()
    hooli_application.refresh_from_db()
    assert hooli_application.status == "info_requested"


def test_a_decided_application_cannot_be_decided_again(partner_manager, hooli_application):
    tier = builders.tier("services", "standard")
    services.approve_application(hooli_application, reviewer=partner_manager, tier=tier)
    with pytest.raises(services.InvalidTransition):
        services.reject_application(hooli_application, reviewer=partner_manager, reason="x")
    with pytest.raises(services.InvalidTransition):
        services.approve_application(hooli_application, reviewer=partner_manager, tier=tier)
    assert Enrollment.objects.count() == 1


def test_a_tier_of_another_program_is_refused(partner_manager, hooli_application):
    with pytest.raises(services.ProgramError):
        services.approve_application(
            hooli_application, reviewer=partner_manager, tier=builders.tier("reseller", "standard")
        )
    hooli_application.refresh_from_db()
    assert hooli_application.status == "submitted"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_acting_at_once_cannot_both_succeed(partner_manager, second_partner_manager):
    """One approves while the other rejects, at the same moment: the row lock lets one win."""
    hooli = factories.OrganizationFactory(name="Hooli Integrations", kind="partner")
    factories.member(hooli, "main@hooli.example", "main_contact")
    application = builders.submitted_application(hooli)
    tier = builders.tier("services", "standard")
    barrier = threading.Barrier(2)
    outcomes = {}

    def act(name, action):
        try:
            barrier.wait()
            action()
            outcomes[name] = "done"
        except services.ProgramError as error:
            outcomes[name] = type(error).__name__
        finally:
            connection.close()

    threads = [
        threading.Thread(
            target=act,
            args=(
                "approve",
                lambda: services.approve_application(
                    Application.objects.get(pk=application.pk),
                    reviewer=partner_manager,
                    tier=tier,
                    version=application.version,
                ),
            ),
        ),
        threading.Thread(
            target=act,
            args=(
                "reject",
                lambda: services.reject_application(
                    Application.objects.get(pk=application.pk),
                    reviewer=second_partner_manager,
                    reason="Not now.",
                    version=application.version,
                ),
            ),
        ),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["InvalidTransition", "done"], outcomes
    application.refresh_from_db()
    if outcomes["approve"] == "done":
        assert application.status == "approved" and Enrollment.objects.count() == 1
    else:
        assert application.status == "rejected" and Enrollment.objects.count() == 0
    assert application.events.filter(kind__in=["approved", "rejected"]).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_approving_at_once_enroll_the_partner_once(
    partner_manager, second_partner_manager
):
    hooli = factories.OrganizationFactory(name="Hooli Integrations", kind="partner")
    factories.member(hooli, "main@hooli.example", "main_contact")
    application = builders.submitted_application(hooli)
    tier = builders.tier("services", "standard")
    barrier = threading.Barrier(2)
    results = []

    def approve(reviewer):
        try:
            barrier.wait()
            services.approve_application(
                Application.objects.get(pk=application.pk), reviewer=reviewer, tier=tier
            )
            results.append("done")
        except services.ProgramError as error:
            results.append(type(error).__name__)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(who,))
        for who in (partner_manager, second_partner_manager)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == ["InvalidTransition", "done"]
    assert Enrollment.objects.count() == 1 and Agreement.objects.count() == 1


def test_the_detail_page_shows_profile_history_and_certifications(
    client, partner_manager, hooli_application
):
    builders.certify(hooli_application.organization, "administrator", status="pending")
    client.force_login(partner_manager)
    page = client.get(reverse("staff_application", args=[hooli_application.pk])).content.decode()
    assert "Company profile" in page and "Enterprise Edition use" in page
    assert "Awaiting verification" in page and "Verify" in page
    assert "Approve" in page and "Ask for more information" in page and "Reject" in page


def test_applications_waiting_over_a_week_are_older_than_the_age_filter(
    client, partner_manager, hooli_application
):
    Application.objects.filter(pk=hooli_application.pk).update(
        submitted_at=timezone.now() - timedelta(days=8)
    )
    client.force_login(partner_manager)
    response = client.get(reverse("staff_application_queue"), {"age": "7"})
    assert len(response.context["applications"]) == 1
