from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from accounts.models import Organization
from billing.models import Invoice
from billing.revenue import partner_annual_revenue


def test_the_demo_has_the_invoices_the_issue_names(db):
    call_command("seed_demo", stdout=StringIO())
    globex = Invoice.objects.filter(organization__name="Globex").order_by("status")
    assert [(i.status, i.entity.code) for i in globex] == [("issued", "US"), ("paid", "US")]
    assert globex.get(status="issued").purchase_order == "PO-GLOBEX-7"
    [initech] = Invoice.objects.filter(organization__name="Initech")
    assert (initech.status, initech.entity.code, initech.currency) == ("issued", "EU", "EUR")
    acme = Organization.objects.get(name="Acme Cloud")
    assert partner_annual_revenue(acme) > Decimal("100000")
    assert all(bytes(i.document.pdf).startswith(b"%PDF") for i in Invoice.objects.published())
