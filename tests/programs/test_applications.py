"""A visitor signs up, creates their partner organization and applies (SPEC §3 Enrollment)."""

import pytest
from django.urls import reverse

from accounts.models import Membership, Organization
from programs.models import Application, ApplicationEvent
from tests.programs import builders

COMPLETE = {
    "program": None,  # set per test
    "track": "si",
    "tier": "standard",
    "legal_name": "Hooli Integrations Inc.",
    "country": "US",
    "website": "https://hooli.example",
    "opennebula_page": "https://hooli.example/opennebula",
    "company_size": "201-1000",
    "regions": ["north_america"],
    "markets": "Telecom",
    "opennebula_expertise": "Five certified engineers.",
    "sales_experience": "Three hundred renewals a year.",
    "enterprise_edition_use": "Every project runs the Enterprise Edition.",
    "exclusive_enterprise_edition": "on",
    "references": "",
    "sales_contact_name": "Gavin Belson",
    "sales_contact_email": "gavin@hooli.example",
    "technical_contact_name": "Hank Hooli",
    "technical_contact_email": "founder@hooli.example",
    "accept_terms": "on",
}


def start(client, visitor, program_code="services"):
    from programs.models import Program

    client.force_login(visitor)
    program = Program.objects.get(code=program_code)
    response = client.post(
        reverse("apply_start"), {"company_name": "Hooli Integrations", "program": program.pk}
    )
    return Application.objects.get(organization__name="Hooli Integrations"), response


def test_a_visitor_is_asked_to_log_in_or_sign_up_before_applying(client, db):
    response = client.get(reverse("apply_start"))
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_starting_creates_a_pending_partner_organization_with_the_visitor_as_main_contact(
    client, visitor
):
    application, response = start(client, visitor)
    assert response.url == application.get_absolute_url()
    organization = application.organization
    assert organization.kind == Organization.Kind.PARTNER
    assert not organization.enrollments.exists()  # pending: not an Authorized Partner
    membership = Membership.objects.get(organization=organization, user=visitor)
    assert membership.is_main_contact and membership.is_org_admin
    assert application.status == Application.Status.DRAFT
    assert client.session["active_organization_id"] == organization.pk


def test_a_draft_keeps_incomplete_answers(client, visitor):
    application, _ = start(client, visitor)
    response = client.post(
        application.get_absolute_url(),
        {"action": "save", "program": application.program_id, "markets": "Telecom"},
    )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.markets == "Telecom" and application.status == "draft"


def test_submitting_an_incomplete_application_shows_field_errors_and_saves_nothing(client, visitor):
    application, _ = start(client, visitor)
    response = client.post(
        application.get_absolute_url(),
        {"action": "submit", "program": application.program_id, "markets": "Telecom"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    for field in ["track", "legal_name", "country", "regions", "opennebula_page", "accept_terms"]:
        assert field in form.errors, field
    assert 'aria-invalid="true"' in response.content.decode()
    application.refresh_from_db()
    assert application.status == "draft" and application.markets == ""


def test_invalid_input_is_a_field_error(client, visitor):
    application, _ = start(client, visitor)
    data = {**COMPLETE, "program": application.program_id, "website": "not a url"}
    response = client.post(application.get_absolute_url(), {**data, "action": "save"})
    assert "website" in response.context["form"].errors


def test_the_entry_requirements_must_be_met_before_submitting(client, visitor):
    application, _ = start(client, visitor)
    data = {**COMPLETE, "program": application.program_id, "action": "submit"}
    response = client.post(application.get_absolute_url(), data)
    errors = response.context["form"].non_field_errors()
    assert "Record your certifications first" in errors[0]
    assert "Administrator" in errors[0] and "Basic (sales)" in errors[0]
    application.refresh_from_db()
    assert application.status == "draft"


def test_a_complete_application_is_submitted_and_acknowledged(
    client, visitor, partner_manager, mailoutbox, django_capture_on_commit_callbacks
):
    application, _ = start(client, visitor)
    builders.certify(application.organization, "administrator", status="pending")
    builders.certify(application.organization, "basic_sales", status="pending")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            application.get_absolute_url(),
            {**COMPLETE, "program": application.program_id, "action": "submit"},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted" and application.submitted_at
    assert application.terms_accepted_at and application.terms_version.number == 1
    assert application.organization.country == "US"
    assert {m.to[0] for m in mailoutbox} == {"founder@hooli.example", partner_manager.email}
    assert list(application.events.values_list("kind", flat=True)) == ["created", "submitted"]


def test_the_status_timeline_shows_where_the_application_stands(client, visitor):
    application, _ = start(client, visitor)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "Draft started" in page and "Reviewed by OpenNebula" in page
    assert "Partner Agreement signed" in page


def test_a_solution_provider_must_describe_its_l1_l2_support(client, visitor):
    application, _ = start(client, visitor)
    builders.certify(application.organization, "administrator")
    builders.certify(application.organization, "basic_sales")
    data = {**COMPLETE, "program": application.program_id, "track": "sp", "action": "submit"}
    response = client.post(application.get_absolute_url(), data)
    assert "support_capability" in response.context["form"].errors


def test_a_reseller_needs_no_technical_contact(client, visitor):
    application, _ = start(client, visitor, "reseller")
    builders.certify(application.organization, "basic_sales")
    data = {
        **COMPLETE,
        "program": application.program_id,
        "track": "",
        "technical_contact_name": "",
        "technical_contact_email": "",
        "action": "submit",
    }
    response = client.post(application.get_absolute_url(), data)
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted" and application.track == ""


def test_one_open_application_per_program(client, visitor):
    application, _ = start(client, visitor)
    response = client.post(reverse("apply_start"), {"program": application.program_id})
    assert "already has an open application" in response.context["form"].errors["program"][0]
    assert Application.objects.count() == 1


def test_a_services_partner_may_also_apply_to_the_reseller_program(client, acme, acme_main):
    builders.enrollment(acme)
    from programs.models import Program

    client.force_login(acme_main)
    reseller = Program.objects.get(code="reseller")
    response = client.post(reverse("apply_start"), {"program": reseller.pk})
    assert response.status_code == 302
    assert acme.partner_applications.filter(program=reseller, status="draft").exists()
    assert Organization.objects.filter(kind="partner").count() == 1


def test_a_submitted_application_can_no_longer_be_edited(client, visitor):
    application, _ = start(client, visitor)
    Application.objects.filter(pk=application.pk).update(status="submitted")
    response = client.post(
        application.get_absolute_url(),
        {**COMPLETE, "program": application.program_id, "action": "save"},
    )
    assert response.status_code == 404


def test_a_technical_contact_sees_the_application_but_cannot_change_it(client, visitor):
    application, _ = start(client, visitor)
    from tests import factories

    tech = factories.member(application.organization, "tech@hooli.example", "technical_contact")
    client.force_login(tech.user)
    assert client.get(application.get_absolute_url()).status_code == 200
    response = client.post(application.get_absolute_url(), {"action": "save", "markets": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("status", ["submitted", "approved", "rejected"])
def test_the_applicant_sees_the_thread_in_every_status(client, visitor, status):
    application, _ = start(client, visitor)
    Application.objects.filter(pk=application.pk).update(status=status)
    ApplicationEvent.objects.create(
        application=application, kind="info_requested", by_staff=True, body="Which customers?"
    )
    assert "Which customers?" in client.get(application.get_absolute_url()).content.decode()
