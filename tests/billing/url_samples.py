"""Another organization's billing objects for the tenant walk (tests/test_tenant_isolation.py)."""

from tests.billing import factories as billing
from tests.test_tenant_isolation import Sample


def globex_invoice(other):
    return billing.issued(other.globex, purchase_order="PO-GLOBEX-7")


def globex_draft_line(other):
    invoice = billing.draft(other.globex)
    return {"pk": invoice.pk, "line_pk": invoice.lines.get().pk}


SAMPLES = {
    "billing_invoice": Sample(lambda other: {"pk": globex_invoice(other).pk}),
    "billing_invoice_pdf": Sample(
        lambda other: {"pk": globex_invoice(other).pk}, requested_by="partner"
    ),
    # Staff pages: a customer or a partner with every role is not billing staff.
    "staff_invoice": Sample(lambda other: {"pk": globex_invoice(other).pk}),
    "staff_invoice_edit": Sample(lambda other: {"pk": billing.draft(other.globex).pk}),
    "staff_invoice_line_add": Sample(lambda other: {"pk": billing.draft(other.globex).pk}),
    "staff_invoice_line_remove": Sample(globex_draft_line, requested_by="partner"),
    "staff_invoice_issue": Sample(lambda other: {"pk": billing.draft(other.globex).pk}),
    "staff_invoice_void": Sample(lambda other: {"pk": globex_invoice(other).pk}),
    "staff_invoice_credit": Sample(lambda other: {"pk": globex_invoice(other).pk}),
    "staff_invoice_payment": Sample(lambda other: {"pk": globex_invoice(other).pk}),
    "staff_invoice_pdf": Sample(
        lambda other: {"pk": globex_invoice(other).pk}, requested_by="partner"
    ),
}
