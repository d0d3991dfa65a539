"""The signed Partner Agreement as a PDF (WeasyPrint), rendered from the stored record:
the exact text signed, the signature and its evidence (time, IP, user agent, SHA-256)."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


def agreement_pdf(agreement):
    from weasyprint import HTML

    html = render_to_string("programs/agreement_pdf.html", {"agreement": agreement})
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def pdf_response(agreement):
    response = HttpResponse(agreement_pdf(agreement), content_type="application/pdf")
    name = f"partner-agreement-{agreement.organization_id}-v{agreement.version.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
