"""Reads for billing staff, across organizations (their views are staff-only)."""

from django.shortcuts import get_object_or_404

from accounts.models import AuditEvent
from billing.models import Invoice


def all_invoices():
    return Invoice.objects.all()


def staff_invoice(pk):
    return get_object_or_404(
        Invoice.objects.select_related(
            "entity", "organization", "partner", "subscription", "credited_invoice"
        ),
        pk=pk,
    )


def invoice_history(invoice, limit=50):
    return AuditEvent.objects.filter(
        target_type="billing.invoice", target_id=str(invoice.pk)
    ).select_related("actor")[:limit]
