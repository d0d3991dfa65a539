"""Public comments and internal notes. An internal note is never in a customer's page,
email, export or API answer (issue 6 §4)."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Notification
from support import services
from support.models import TicketComment
from tests import factories
from tests.support.conftest import act_for

MARKER = "INTERNAL-ONLY-7f3a"


def engineer_writes(client, engineer, ticket, body, visibility, **extra):
    client.force_login(engineer)
    fields = {"body": body, **extra}
    if visibility == "internal":  # the note form's fields carry the "note-" prefix
        fields = {f"note-{name}": value for name, value in fields.items()}
    return client.post(
        reverse("ticket_comment", args=[ticket.pk]), {"visibility": visibility, **fields}
    )


def answered_with_a_note(client, ticket, engineer):
    note_file = SimpleUploadedFile("hardening.txt", b"iptables -A ...", "text/plain")
    engineer_writes(
        client, engineer, ticket, f"{MARKER} firewall", "internal", attachments=note_file
    )
    engineer_writes(client, engineer, ticket, "Please check ports 49152-49215.", "public")
    client.logout()


def test_the_customer_sees_the_public_reply_and_never_the_internal_note(
    client, globex_ticket, globex_tech1, support_engineer
):
    answered_with_a_note(client, globex_ticket, support_engineer)
    client.force_login(globex_tech1)
    page = client.get(globex_ticket.get_absolute_url()).content.decode()
    assert "Please check ports 49152-49215." in page
    assert MARKER not in page
    assert "hardening.txt" not in page


def test_the_engineer_sees_internal_notes_marked_as_such(client, globex_ticket, support_engineer):
    answered_with_a_note(client, globex_ticket, support_engineer)
    client.force_login(support_engineer)
    page = client.get(globex_ticket.get_absolute_url()).content.decode()
    assert MARKER in page
    assert "Internal note — OpenNebula only" in page


def test_internal_notes_are_never_emailed(client, globex_ticket, support_engineer):
    answered_with_a_note(client, globex_ticket, support_engineer)
    for notification in Notification.objects.all():
        assert MARKER not in notification.subject + notification.body + notification.html_body
        assert MARKER not in json.dumps(notification.context)


def test_internal_notes_are_not_in_the_transcript_export(
    client, globex_ticket, globex_tech1, support_engineer
):
    answered_with_a_note(client, globex_ticket, support_engineer)
    client.force_login(globex_tech1)
    response = client.get(reverse("ticket_transcript", args=[globex_ticket.pk]))
    text = response.content.decode()
    assert response["Content-Disposition"].startswith("attachment")
    assert "Please check ports 49152-49215." in text
    assert MARKER not in text


def test_internal_notes_are_not_in_the_api_even_for_staff(
    client, globex_ticket, globex_tech1, support_engineer
):
    answered_with_a_note(client, globex_ticket, support_engineer)
    for person in (globex_tech1, support_engineer):
        client.force_login(person)
        data = client.get(reverse("api_ticket", args=[globex_ticket.pk])).json()
        assert [c["body"] for c in data["comments"]] == ["Please check ports 49152-49215."]
        assert MARKER not in json.dumps(data)
        assert data["attachments"] == []


def test_an_internal_notes_file_is_not_downloadable_by_the_customer(
    client, globex_ticket, globex_tech1, support_engineer
):
    answered_with_a_note(client, globex_ticket, support_engineer)
    note_file = globex_ticket.attachments.get()
    client.force_login(globex_tech1)
    assert client.get(note_file.get_absolute_url()).status_code == 404
    client.force_login(support_engineer)
    assert client.get(note_file.get_absolute_url()).status_code == 200


def test_a_customer_cannot_write_an_internal_note(client, globex_ticket, globex_tech1):
    client.force_login(globex_tech1)
    response = client.post(
        reverse("ticket_comment", args=[globex_ticket.pk]),
        {"body": "sneaky", "visibility": "internal"},
    )
    assert response.status_code == 404
    assert not TicketComment.objects.filter(is_internal=True).exists()


def test_a_public_reply_emails_the_customer_once(client, globex_ticket, support_engineer):
    engineer_writes(client, support_engineer, globex_ticket, "We are on it.", "public")
    emails = Notification.objects.filter(template="support/ticket_update")
    assert [n.recipient for n in emails] == ["tech1@globex.example"]
    assert "We are on it." in emails.get().body


def test_a_customer_reply_emails_the_assigned_engineer(
    client, globex_ticket, globex_tech1, support_engineer
):
    client.force_login(support_engineer)
    client.post(reverse("ticket_claim", args=[globex_ticket.pk]))
    client.force_login(globex_tech1)
    client.post(
        reverse("ticket_comment", args=[globex_ticket.pk]),
        {"body": "Logs attached.", "visibility": "public"},
    )
    emails = Notification.objects.filter(template="support/ticket_update")
    assert [n.recipient for n in emails] == [support_engineer.email]


def test_people_the_ticket_is_shared_with_hear_of_replies(
    client, globex_ticket, globex_main, globex_tech2, support_engineer
):
    services.share_ticket(globex_ticket, globex_tech2, actor=globex_main)
    engineer_writes(client, support_engineer, globex_ticket, "Fixed in 6.10.3.", "public")
    recipients = set(
        Notification.objects.filter(template="support/ticket_update").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {"tech1@globex.example", "tech2@globex.example"}


def test_an_sp_engineer_answers_its_end_customers_ticket_at_l1_l2(
    client, acme, acme_engineer, umbrella_ticket
):
    client.force_login(acme_engineer)
    act_for(client, acme)
    client.post(
        reverse("ticket_comment", args=[umbrella_ticket.pk]),
        {"body": "L2 here: reproduced.", "visibility": "public"},
    )
    comment = umbrella_ticket.comments.get()
    assert (comment.side, comment.is_internal) == ("partner", False)
    umbrella_ticket.refresh_from_db()
    assert umbrella_ticket.status == "open"


def test_an_end_customers_reply_at_l1_l2_emails_the_sp_team(
    client, umbrella, umbrella_ticket, acme_engineer
):
    end_user = factories.member(umbrella, "ops@umbrella.example", "technical_contact").user
    services.share_ticket(
        umbrella_ticket,
        end_user,
        actor=factories.member(umbrella, "boss@umbrella.example", "main_contact").user,
    )
    client.force_login(end_user)
    act_for(client, umbrella)
    client.post(
        reverse("ticket_comment", args=[umbrella_ticket.pk]),
        {"body": "Happened again tonight.", "visibility": "public"},
    )
    recipients = set(
        Notification.objects.filter(template="support/ticket_update").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {acme_engineer.email}
