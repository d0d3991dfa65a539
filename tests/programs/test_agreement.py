"""The Partner Agreement: versioned, signed in the browser by the Main Contact, as a PDF."""

import hashlib
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from accounts.models import AuditEvent
from programs import services
from programs.entitlements import has_benefit
from programs.models import Agreement, AgreementVersion, Enrollment
from tests import factories
from tests.programs import builders


@pytest.fixture
def approved(acme, acme_main, partner_manager):
    application = builders.submitted_application(acme, created_by=acme_main)
    enrollment = services.approve_application(
        application, reviewer=partner_manager, tier=builders.tier("services", "standard")
    )
    return enrollment.agreement


def sign(client, agreement, **overrides):
    data = {
        "full_name": "Alice Acme",
        "title": "CEO",
        "consent": "on",
        "text_sha256": agreement.sha256,
        **overrides,
    }
    return client.post(
        agreement.get_absolute_url(),
        data,
        HTTP_USER_AGENT="Mozilla/5.0 (Test) Chromium",
        REMOTE_ADDR="198.51.100.7",
    )


def test_the_main_contact_reads_the_exact_text_and_signs(client, acme_main, approved):
    client.force_login(acme_main)
    page = client.get(approved.get_absolute_url()).content.decode()
    assert "OPENNEBULA BUSINESS PARTNER AGREEMENT" in page and approved.sha256 in page
    response = sign(client, approved)
    assert response.status_code == 302
    approved.refresh_from_db()
    assert approved.is_signed
    assert approved.signed_by == acme_main and approved.signer_name == "Alice Acme"
    assert approved.signer_title == "CEO" and approved.signer_email == "main@acme.example"
    assert approved.signer_ip == "198.51.100.7"
    assert approved.signer_user_agent == "Mozilla/5.0 (Test) Chromium"
    assert approved.text_sha256 == hashlib.sha256(approved.text.encode()).hexdigest()


def test_signing_makes_an_authorized_partner_with_its_tier_benefits(
    client, acme, acme_main, approved, mailoutbox, django_capture_on_commit_callbacks
):
    assert not has_benefit(acme, "enterprise_portal")
    client.force_login(acme_main)
    with django_capture_on_commit_callbacks(execute=True):
        sign(client, approved)
    enrollment = Enrollment.objects.get(organization=acme)
    assert enrollment.status == "authorized" and enrollment.authorized_at
    assert has_benefit(acme, "enterprise_portal") and not has_benefit(acme, "deal_registration")
    assert enrollment.events.first().kind == "authorized"
    assert AuditEvent.objects.filter(action="agreement.signed", organization=acme).exists()
    assert any("Authorized Partner" in m.subject for m in mailoutbox)


def test_consent_and_a_typed_name_and_title_are_required(client, acme_main, approved):
    client.force_login(acme_main)
    response = sign(client, approved, consent="", full_name="", title="")
    errors = response.context["form"].errors
    assert {"consent", "full_name", "title"} <= set(errors)
    approved.refresh_from_db()
    assert not approved.is_signed


def test_a_text_other_than_the_one_shown_cannot_be_signed(client, acme_main, approved):
    client.force_login(acme_main)
    response = sign(client, approved, text_sha256="0" * 64)
    assert "changed since you opened it" in response.content.decode()
    approved.refresh_from_db()
    assert not approved.is_signed


def test_only_the_main_contact_signs(client, acme, approved):
    other = factories.member(acme, "sales@acme.example", "sales_contact", "org_admin").user
    client.force_login(other)
    page = client.get(approved.get_absolute_url()).content.decode()
    assert "Main Contact signs this agreement" in page
    assert sign(client, approved).status_code == 404
    approved.refresh_from_db()
    assert not approved.is_signed


def test_a_signed_agreement_cannot_be_signed_again(acme_main, approved):
    kwargs = dict(
        signer=acme_main, full_name="A", title="B", consent=True, ip_address=None, user_agent=""
    )
    services.sign_agreement(approved, text_sha256=approved.sha256, **kwargs)
    with pytest.raises(services.InvalidTransition):
        services.sign_agreement(approved, text_sha256=approved.sha256, **kwargs)


def test_the_signed_agreement_downloads_as_a_pdf_for_the_partner_and_staff(
    client, acme_main, partner_manager, approved
):
    client.force_login(acme_main)
    assert client.get(reverse("partner_agreement_pdf", args=[approved.pk])).status_code == 404
    sign(client, approved)
    response = client.get(reverse("partner_agreement_pdf", args=[approved.pk]))
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    approved.refresh_from_db()
    assert "Alice Acme" in text and "198.51.100.7" in text
    assert approved.text_sha256[:32] in text.replace("\n", "")
    client.force_login(partner_manager)
    staff = client.get(reverse("staff_agreement_pdf", args=[approved.pk]))
    assert staff.status_code == 200 and staff.content[:5] == b"%PDF-"


def test_publishing_a_version_leaves_issued_agreements_as_they_were(
    client, partner_manager, approved
):
    client.force_login(partner_manager)
    response = client.post(
        reverse("staff_agreement_publish"),
        {"title": "OpenNebula Partner Agreement", "body": "Version two for {partner_legal_name}."},
    )
    assert response.status_code == 302
    assert AgreementVersion.current().number == 2
    text_before = approved.text
    approved.refresh_from_db()
    assert approved.text == text_before and approved.version.number == 1


def test_a_version_with_an_unknown_placeholder_is_refused(client, partner_manager):
    client.force_login(partner_manager)
    response = client.post(
        reverse("staff_agreement_publish"), {"title": "T", "body": "Hello {customer}"}
    )
    assert "placeholders" in response.context["form"].errors["body"][0]
    assert AgreementVersion.objects.count() == 1


def test_approval_after_a_new_version_issues_the_new_one(acme, partner_manager):
    services.publish_agreement_version(actor=partner_manager, title="PA", body="v2 for {tier}")
    application = builders.submitted_application(acme)
    enrollment = services.approve_application(
        application, reviewer=partner_manager, tier=builders.tier("services", "standard")
    )
    agreement = Agreement.objects.get(enrollment=enrollment)
    assert agreement.version.number == 2 and agreement.text == "v2 for Standard"
