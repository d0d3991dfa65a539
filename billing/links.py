"""The link in every invoice email (SPEC §4): opens that one invoice, read-only,
without a password; signed, expiring, and tied to the address it was sent to."""

from datetime import timedelta

from django.core import signing
from django.urls import reverse

SALT = "billing.invoice-link"
VALID_FOR = timedelta(days=30)


def invoice_link_token(invoice, email):
    return signing.dumps({"invoice": invoice.pk, "email": email.lower()}, salt=SALT)


def invoice_link_path(invoice, email):
    return reverse("billing_invoice_link", args=[invoice_link_token(invoice, email)])


class LinkExpired(Exception):
    pass


def read_invoice_link(token):
    """(invoice id, email) from a token; LinkExpired when old, None when forged."""
    try:
        payload = signing.loads(token, salt=SALT, max_age=VALID_FOR)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    invoice_id, email = payload.get("invoice"), payload.get("email")
    if not isinstance(invoice_id, int) or not isinstance(email, str):
        return None
    return invoice_id, email
