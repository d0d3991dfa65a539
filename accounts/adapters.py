from allauth.account.adapter import DefaultAccountAdapter

from accounts import outbox


class PortalAccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """allauth's emails (verification, password reset...) go through the outbox too.

        They carry one-time secrets, so the row is marked sensitive (staff see
        that it was sent, not its body) and each has a key of its own.
        """
        message = self.render_mail(template_prefix, email, context)
        html_body = ""
        for content, mimetype in getattr(message, "alternatives", []):
            if mimetype == "text/html":
                html_body = content
        outbox.enqueue(
            recipient=email,
            template=template_prefix,
            subject=message.subject,
            body=message.body,
            html_body=html_body,
            key=outbox.unique_key(template_prefix),
            is_sensitive=True,
        )
