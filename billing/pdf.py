"""The invoice PDF, rendered by WeasyPrint from an HTML template.

An issued invoice is rendered once, at issue, and the bytes are kept
(`InvoiceDocument`); drafts are rendered on demand for staff, marked DRAFT.
"""

from django.conf import settings
from django.template.loader import render_to_string


def render_invoice_pdf(invoice, lines, *, draft=False):
    from weasyprint import HTML  # heavy import: only where a PDF is made

    html = render_to_string(
        "billing/pdf/invoice.html",
        {"invoice": invoice, "lines": lines, "entity": invoice.entity, "draft": draft},
    )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
