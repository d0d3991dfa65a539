"""Files on tickets: a size limit, an allow-list checked on the bytes, stored under
MEDIA_ROOT and served only through the permission-checked download view."""

from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from support.models import Ticket, TicketAttachment
from tests.support.factories import open_ticket

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(name="oned.log", content=b"ERROR: migration failed\n", content_type="text/plain"):
    return SimpleUploadedFile(name, content, content_type)


def open_with_files(client, subscription, *files):
    return client.post(
        reverse("ticket_new"),
        {
            "subscription": subscription.pk,
            "severity": 1,
            "subject": "Cloud down",
            "description": "Everything is down.",
            "attachments": list(files),
        },
    )


def test_a_file_is_stored_under_media_root_and_downloaded_as_an_attachment(
    client, globex_tech1, globex_premium
):
    client.force_login(globex_tech1)
    open_with_files(client, globex_premium, upload())
    attachment = TicketAttachment.objects.get()
    path = Path(attachment.file.path)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT))
    assert not path.is_relative_to(Path(settings.STATIC_ROOT))
    assert "oned" not in path.name, "stored under a random name"
    response = client.get(attachment.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="oned.log"'
    assert response["Content-Type"] == "text/plain"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == b"ERROR: migration failed\n"


def test_several_files_can_be_attached_to_a_reply(client, globex_ticket, globex_tech1):
    client.force_login(globex_tech1)
    client.post(
        reverse("ticket_comment", args=[globex_ticket.pk]),
        {
            "body": "Screenshots and logs.",
            "visibility": "public",
            "attachments": [upload(), upload("screen.png", PNG, "image/png")],
        },
    )
    comment = globex_ticket.comments.get()
    assert sorted(a.name for a in comment.attachments.all()) == ["oned.log", "screen.png"]


def test_a_file_over_the_size_limit_is_refused(client, settings, globex_tech1, globex_premium):
    settings.SUPPORT_ATTACHMENT_MAX_BYTES = 100
    client.force_login(globex_tech1)
    response = open_with_files(client, globex_premium, upload(content=b"x" * 101))
    assert "the limit is 100" in str(response.context["form"].errors["attachments"])
    assert not Ticket.objects.exists()
    assert not TicketAttachment.objects.exists()


def test_a_type_outside_the_allow_list_is_refused(client, globex_tech1, globex_premium):
    client.force_login(globex_tech1)
    response = open_with_files(
        client, globex_premium, upload("page.html", b"<script>alert(1)</script>", "text/html")
    )
    assert "not accepted" in str(response.context["form"].errors["attachments"])
    assert not TicketAttachment.objects.exists()


def test_a_file_whose_bytes_do_not_match_its_type_is_refused(client, globex_tech1, globex_premium):
    client.force_login(globex_tech1)
    response = open_with_files(
        client, globex_premium, upload("photo.png", b"<svg onload=alert(1)>", "image/png")
    )
    assert "does not look like" in str(response.context["form"].errors["attachments"])
    assert not TicketAttachment.objects.exists()


def test_another_organization_cannot_fetch_a_file(
    client, globex_tech1, globex_premium, initech_main
):
    client.force_login(globex_tech1)
    open_with_files(client, globex_premium, upload())
    attachment = TicketAttachment.objects.get()
    client.force_login(initech_main)
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_the_wrong_contact_cannot_fetch_a_file(client, globex_tech1, globex_tech2, globex_premium):
    client.force_login(globex_tech1)
    open_with_files(client, globex_premium, upload())
    attachment = TicketAttachment.objects.get()
    client.force_login(globex_tech2)
    assert client.get(attachment.get_absolute_url()).status_code == 404


def test_a_file_cannot_be_reached_through_another_ticket(
    client, globex, globex_tech1, globex_premium
):
    client.force_login(globex_tech1)
    open_with_files(client, globex_premium, upload())
    attachment = TicketAttachment.objects.get()
    other = open_ticket(globex_tech1, globex, subject="Mine too")
    url = reverse("ticket_attachment", args=[other.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_uploaded_files_have_no_public_url(client, globex_tech1, globex_premium):
    client.force_login(globex_tech1)
    open_with_files(client, globex_premium, upload())
    attachment = TicketAttachment.objects.get()
    assert client.get(f"/media/{attachment.file.name}").status_code == 404
    assert client.get(f"/static/{attachment.file.name}").status_code == 404
