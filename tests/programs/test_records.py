"""Certifications, review meetings and evidence: recorded by the partner, checked by staff."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from programs.models import Certification, Evidence, ReviewMeeting
from tests.programs import builders


def test_a_partner_records_a_certification_for_staff_to_verify(
    client, acme, acme_main, partner_manager
):
    client.force_login(acme_main)
    today = timezone.localdate()
    response = client.post(
        reverse("partner_certifications"),
        {
            "person_name": "Arthur Admin",
            "person_email": "Arthur@Acme.example",
            "kind": "administrator",
            "certificate_number": "ON-1",
            "issued_on": (today - timedelta(days=10)).isoformat(),
            "expires_on": (today + timedelta(days=700)).isoformat(),
        },
    )
    assert response.status_code == 302
    certification = Certification.objects.get(organization=acme)
    assert certification.status == "pending" and certification.person_email == "arthur@acme.example"
    client.force_login(partner_manager)
    assert "Arthur Admin" in client.get(reverse("staff_certification_queue")).content.decode()
    client.post(reverse("staff_certification_verify", args=[certification.pk]))
    certification.refresh_from_db()
    assert certification.status == "verified" and certification.verified_by == partner_manager


def test_dates_out_of_order_are_field_errors(client, acme_main):
    client.force_login(acme_main)
    today = timezone.localdate()
    response = client.post(
        reverse("partner_certifications"),
        {
            "person_name": "A",
            "person_email": "a@acme.example",
            "kind": "basic_sales",
            "issued_on": today.isoformat(),
            "expires_on": (today - timedelta(days=1)).isoformat(),
        },
    )
    assert "expires_on" in response.context["form"].errors
    assert not Certification.objects.exists()


def test_staff_reject_a_certification_with_a_reason_emailed(
    client, acme, acme_main, partner_manager, mailoutbox, django_capture_on_commit_callbacks
):
    (certification,) = builders.certify(acme, "basic_sales", status="pending")
    client.force_login(partner_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("staff_certification_reject", args=[certification.pk]),
            {"reason": "No such certificate number."},
        )
    certification.refresh_from_db()
    assert certification.status == "rejected"
    assert "No such certificate number." in mailoutbox[-1].body


def test_removing_a_certification_asks_first(client, acme, acme_main):
    (certification,) = builders.certify(acme, "basic_sales")
    client.force_login(acme_main)
    url = reverse("partner_certification_remove", args=[certification.pk])
    assert b"Yes, remove" in client.get(url).content
    assert Certification.objects.filter(pk=certification.pk).exists()
    client.post(url)
    assert not Certification.objects.filter(pk=certification.pk).exists()


def test_a_partner_schedules_and_records_a_review_meeting(client, acme, acme_main):
    client.force_login(acme_main)
    day = timezone.localdate() + timedelta(days=7)
    client.post(reverse("partner_reviews"), {"scheduled_for": day.isoformat()})
    meeting = ReviewMeeting.objects.get(organization=acme)
    response = client.post(
        reverse("partner_review_held", args=[meeting.pk]),
        {"held_on": day.isoformat(), "summary": "Pipeline review"},
    )
    assert "held_on" in response.context["form"].errors  # not in the future
    today = timezone.localdate()
    client.post(
        reverse("partner_review_held", args=[meeting.pk]),
        {"held_on": today.isoformat(), "summary": "Pipeline review"},
    )
    meeting.refresh_from_db()
    assert meeting.held_on == today and meeting.summary == "Pipeline review"


def test_a_held_meeting_stays_on_record(client, acme, acme_main):
    meeting = builders.review_held(acme)
    client.force_login(acme_main)
    assert client.get(reverse("partner_review_cancel", args=[meeting.pk])).status_code == 404


def test_evidence_is_sent_by_the_partner_and_confirmed_by_staff(
    client, acme, acme_main, partner_manager
):
    client.force_login(acme_main)
    response = client.post(
        reverse("partner_evidence"), {"kind": "website", "url": "", "statement": ""}
    )
    assert "url" in response.context["form"].errors
    client.post(
        reverse("partner_evidence"), {"kind": "website", "url": "https://acme.example/opennebula"}
    )
    evidence = Evidence.objects.get(organization=acme)
    assert evidence.status == "pending"
    client.force_login(partner_manager)
    client.post(reverse("staff_evidence_confirm", args=[evidence.pk]))
    evidence.refresh_from_db()
    assert evidence.status == "confirmed" and evidence.reviewed_by == partner_manager


def test_sending_evidence_again_needs_a_new_confirmation(client, acme, acme_main):
    builders.confirm_evidence(acme, "website")
    client.force_login(acme_main)
    client.post(reverse("partner_evidence"), {"kind": "website", "url": "https://acme.example/new"})
    assert Evidence.objects.get(organization=acme, kind="website").status == "pending"


def test_only_solution_providers_are_asked_about_l1_l2_support(client, acme, acme_main):
    builders.enrollment(acme, track="si")
    client.force_login(acme_main)
    kinds = [k for k, _, _ in client.get(reverse("partner_evidence")).context["rows"]]
    assert "l1_l2_support" not in kinds
