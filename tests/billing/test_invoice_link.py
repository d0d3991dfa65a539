"""The link in every invoice email opens that one invoice without a password:
signed, expiring, read-only, and it offers to create the account for that address."""

import json
from datetime import timedelta

import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import AuditEvent, Membership, Notification
from billing.links import SALT, invoice_link_path
from tests.billing import factories as billing


def emailed_link(recipient):
    body = Notification.objects.get(template="billing/invoice_issued", recipient=recipient).body
    return next(line for line in body.splitlines() if "/billing/link/" in line)


def test_the_emailed_link_opens_the_invoice_without_logging_in(client, globex_invoice):
    url = emailed_link("billing@globex.example").split("127.0.0.1:8000")[-1]
    page = client.get(url)
    assert page.status_code == 200
    assert globex_invoice.number in page.content.decode()
    assert "PO-GLOBEX-7" in page.content.decode()
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]


def test_the_link_downloads_the_pdf(client, globex_invoice):
    path = invoice_link_path(globex_invoice, "billing@globex.example")
    response = client.get(path + "pdf/")
    assert response.content == bytes(globex_invoice.document.pdf)


def test_the_link_is_read_only(client, globex_invoice, globex_admin):
    path = invoice_link_path(globex_invoice, "billing@globex.example")
    page = client.get(path).content.decode()
    assert "Record payment" not in page and "Void" not in page
    assert "log in to the billing portal" in page  # has a password already: no account form


def test_an_expired_link_says_so(client, globex_invoice, settings, monkeypatch):
    path = invoice_link_path(globex_invoice, "billing@globex.example")
    monkeypatch.setattr("billing.links.VALID_FOR", timedelta(seconds=-1))
    response = client.get(path)
    assert response.status_code == 410
    assert "expired" in response.content.decode()


def test_a_forged_link_is_a_404(client, globex_invoice, initech):
    forged = signing.dumps({"invoice": globex_invoice.pk, "email": "x@y"}, salt="other")
    assert client.get(reverse("billing_invoice_link", args=[forged])).status_code == 404
    assert client.get(reverse("billing_invoice_link", args=["garbage"])).status_code == 404


def test_a_link_for_another_invoice_cannot_be_made_from_one(client, globex_invoice, globex):
    other = billing.issued(globex)
    token = signing.dumps(
        {"invoice": globex_invoice.pk, "email": "billing@globex.example"}, salt=SALT
    )
    payload, rest = token.split(":", 1)
    swapped = signing.b64_encode(
        json.dumps(
            {"invoice": other.pk, "email": "billing@globex.example"}, separators=(",", ":")
        ).encode()
    ).decode()
    tampered = f"{swapped}:{rest}"
    assert client.get(reverse("billing_invoice_link", args=[token])).status_code == 200
    assert client.get(reverse("billing_invoice_link", args=[tampered])).status_code == 404


def test_the_link_stops_working_when_the_person_leaves_the_billing_roles(
    client, globex_invoice, globex_admin
):
    path = invoice_link_path(globex_invoice, "billing@globex.example")
    Membership.objects.filter(user=globex_admin).update(is_administrative_contact=False)
    assert client.get(path).status_code == 404


def test_a_draft_has_no_link(client, globex, globex_main):
    draft = billing.draft(globex)
    assert client.get(invoice_link_path(draft, "main@globex.example")).status_code == 404


def test_the_link_offers_to_create_the_account(client, globex_invoice, globex_admin):
    globex_admin.set_unusable_password()
    globex_admin.save()
    path = invoice_link_path(globex_invoice, "billing@globex.example")
    assert "Create my account" in client.get(path).content.decode()
    response = client.post(
        path, {"new_password1": "a-Long-passphrase-42", "new_password2": "a-Long-passphrase-42"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_login")
    globex_admin.refresh_from_db()
    assert globex_admin.check_password("a-Long-passphrase-42")
    assert AuditEvent.objects.filter(action="account.created_from_invoice_link").exists()
    assert "Create my account" not in client.get(path).content.decode()


@pytest.mark.parametrize("password", ["short", "password123"])
def test_a_weak_password_is_refused_at_its_field(client, globex_invoice, globex_admin, password):
    globex_admin.set_unusable_password()
    globex_admin.save()
    path = invoice_link_path(globex_invoice, "billing@globex.example")
    page = client.post(path, {"new_password1": password, "new_password2": password})
    assert page.status_code == 200
    assert (
        'aria-describedby="id_new_password2_helptext id_new_password2_error"'
        in page.content.decode()
    )
    globex_admin.refresh_from_db()
    assert not globex_admin.has_usable_password()


def test_posting_to_the_link_of_an_account_with_a_password_changes_nothing(
    client, globex_invoice, globex_admin
):
    path = invoice_link_path(globex_invoice, "billing@globex.example")
    client.post(
        path, {"new_password1": "a-Long-passphrase-42", "new_password2": "a-Long-passphrase-42"}
    )
    globex_admin.refresh_from_db()
    assert not globex_admin.check_password("a-Long-passphrase-42")
