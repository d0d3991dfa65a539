"""Another organization's object for every support URL with arguments (see
tests/test_tenant_isolation.py). The objects are Globex's; Initech's and Hooli's
people, holding every role, must get a 404 for each."""

from tests.support.factories import article, live_subscription, ticket_of
from tests.test_tenant_isolation import Sample


def _globex_ticket(other):
    if not hasattr(other, "support_ticket"):
        from support.models import TicketAttachment, TicketComment

        live_subscription(other.globex)
        ticket = ticket_of(other.globex, other.tech.user, subject="Globex's private ticket")
        comment = TicketComment.objects.create(
            ticket=ticket, author=other.tech.user, side="customer", body="hi"
        )
        other.support_ticket = ticket
        other.support_attachment = TicketAttachment.objects.create(
            ticket=ticket,
            comment=comment,
            file="support/attachments/sample.txt",
            name="sample.txt",
            content_type="text/plain",
            size=2,
        )
    return other.support_ticket


def ticket(other):
    return {"pk": _globex_ticket(other).pk}


def ticket_and_contact(other):
    return {"pk": _globex_ticket(other).pk, "user_pk": other.tech.user.pk}


def ticket_and_file(other):
    _globex_ticket(other)
    return {"pk": other.support_ticket.pk, "attachment_pk": other.support_attachment.pk}


SAMPLES = {
    name: Sample(ticket)
    for name in [
        "ticket_detail",
        "ticket_comment",
        "ticket_resolve",
        "ticket_close",
        "ticket_escalate",
        "ticket_hand_back",
        "ticket_claim",
        "ticket_assign",
        "ticket_share",
        "ticket_transcript",
        "api_ticket",
    ]
}
SAMPLES.update(
    {
        "ticket_unshare": Sample(ticket_and_contact),
        "ticket_attachment": Sample(ticket_and_file),
        # A partners-only article asked for by a customer is as absent as a missing one.
        "kb_article": Sample(
            lambda other: {"slug": article("partners", slug="partners-only").slug}
        ),
        "kb_article_edit": Sample(lambda other: {"pk": article("customers", published=False).pk}),
        "kb_article_publish": Sample(
            lambda other: {"pk": article("customers", published=False).pk}
        ),
    }
)
