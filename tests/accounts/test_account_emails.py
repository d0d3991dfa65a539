import re

from django.urls import reverse

from accounts.models import Notification


def link_in(body):
    return re.search(r"https?://[^/\s]+(/\S+)", body).group(1)


def test_sign_up_sends_a_verification_email_through_the_outbox(
    client, db, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {
                "email": "newcomer@example.com",
                "password1": "a-Strong-pass-2026",
                "password2": "a-Strong-pass-2026",
            },
        )
    notice = Notification.objects.get(recipient="newcomer@example.com")
    assert notice.is_sensitive and notice.status == "sent"
    assert client.get(reverse("dashboard")).status_code == 302  # not verified yet
    confirm = link_in(mailoutbox[0].body)
    client.post(confirm)
    client.post(
        reverse("account_login"),
        {"login": "newcomer@example.com", "password": "a-Strong-pass-2026"},
    )
    assert client.get(reverse("dashboard")).status_code == 200


def test_password_reset_goes_through_the_outbox_and_works(
    client, globex_main, django_capture_on_commit_callbacks, mailoutbox
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "main@globex.example"})
    assert Notification.objects.get(recipient="main@globex.example").is_sensitive
    reset_url = client.get(link_in(mailoutbox[0].body)).url  # allauth moves the key to the session
    client.post(reset_url, {"password1": "another-Pass-2026", "password2": "another-Pass-2026"})
    assert client.login(email="main@globex.example", password="another-Pass-2026")
