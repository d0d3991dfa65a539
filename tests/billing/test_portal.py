"""The billing portal: the Main Contact and the Administrative Contact see their
organization's invoices, pages and PDFs; Technical Contacts get a 404 and no menu entry."""

from datetime import date

import pytest
from django.urls import reverse

from billing import services
from billing.models import Invoice
from subscriptions.models import SalesChannel
from tests import factories
from tests.billing import factories as billing

LIST = reverse("billing_invoices")


@pytest.mark.parametrize("person", ["globex_main", "globex_admin"])
def test_billing_contacts_see_their_invoices(client, request, globex_invoice, person):
    client.force_login(request.getfixturevalue(person))
    page = client.get(LIST)
    assert page.status_code == 200
    assert globex_invoice.number in page.content.decode()
    assert client.get(globex_invoice.get_absolute_url()).status_code == 200


def test_the_menu_offers_billing_to_billing_contacts(client, globex_admin):
    client.force_login(globex_admin)
    assert f'href="{LIST}"' in client.get(reverse("dashboard")).content.decode()


def test_a_technical_contact_gets_no_menu_entry_and_404s(client, globex_invoice, globex_tech1):
    client.force_login(globex_tech1)
    assert f'href="{LIST}"' not in client.get(reverse("dashboard")).content.decode()
    assert client.get(LIST).status_code == 404
    assert client.get(globex_invoice.get_absolute_url()).status_code == 404
    assert client.get(reverse("billing_invoice_pdf", args=[globex_invoice.pk])).status_code == 404


def test_drafts_are_not_shown_to_customers(client, globex, globex_main):
    invoice = billing.draft(globex)
    client.force_login(globex_main)
    assert client.get(invoice.get_absolute_url()).status_code == 404
    assert "No invoices yet" in client.get(LIST).content.decode()


def test_another_organizations_invoice_is_a_404(client, globex_invoice, initech_main):
    client.force_login(initech_main)
    assert client.get(globex_invoice.get_absolute_url()).status_code == 404
    assert client.get(reverse("billing_invoice_pdf", args=[globex_invoice.pk])).status_code == 404
    assert globex_invoice.number not in client.get(LIST).content.decode()


def test_the_pdf_is_the_one_kept_at_issue(client, globex_invoice, globex_admin):
    client.force_login(globex_admin)
    response = client.get(reverse("billing_invoice_pdf", args=[globex_invoice.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{globex_invoice.number}.pdf"' in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert response.content == bytes(globex_invoice.document.pdf)


def test_the_list_filters_by_status_and_year(client, globex, globex_main):
    old = billing.issued(globex, issued_on=date(2025, 4, 1))
    services.record_payment(
        old, actor=None, amount=old.total, method="card", received_on=date(2025, 4, 2)
    )
    new = billing.issued(globex, issued_on=date(2026, 4, 1))
    client.force_login(globex_main)
    paid = client.get(LIST, {"status": "paid"}).content.decode()
    assert old.number in paid and new.number not in paid
    of_2026 = client.get(LIST, {"year": "2026"}).content.decode()
    assert new.number in of_2026 and old.number not in of_2026
    nothing = client.get(LIST, {"status": "void"}).content.decode()
    assert "No invoice matches these filters" in nothing


def test_an_unknown_filter_value_is_ignored(client, globex_invoice, globex_main):
    client.force_login(globex_main)
    page = client.get(LIST, {"status": "<script>", "year": "abc"})
    assert page.status_code == 200


def test_the_portal_shows_the_active_subscription(client, globex, globex_main):
    billing.subscription(globex, servers=12, purchase_order="PO-SUB")
    client.force_login(globex_main)
    page = client.get(LIST).content.decode()
    assert "Active subscription" in page
    assert "12 servers" in page


def test_without_an_active_subscription_past_invoices_stay(client, globex_invoice, globex_main):
    globex_invoice.subscription.status = "expired"
    globex_invoice.subscription.save()
    client.force_login(globex_main)
    page = client.get(LIST).content.decode()
    assert "has no active subscription" in page
    assert globex_invoice.number in page


def test_a_resellers_main_contact_sees_the_invoices_of_what_it_resells(client, globex, acme):
    acme_main = factories.member(acme, "main@acme.example", "main_contact").user
    globex_main = factories.member(globex, "main@globex.example", "main_contact").user
    subscription = billing.resold_subscription(globex, acme, channel=SalesChannel.RESELLER)
    invoice = services.create_subscription_invoice(subscription, actor=None, reason="new_term")
    services.issue_invoice(invoice, actor=None)
    client.force_login(acme_main)
    invoice.refresh_from_db()
    assert client.get(invoice.get_absolute_url()).status_code == 200
    assert "end customer: Globex" in client.get(invoice.get_absolute_url()).content.decode()
    # The end customer is not invoiced: the Reseller is (SPEC §6).
    client.force_login(globex_main)
    assert client.get(invoice.get_absolute_url()).status_code == 404


def test_a_partners_sales_contact_does_not_use_the_billing_portal(client, acme):
    sales = factories.member(acme, "sales@acme.example", "sales_contact").user
    client.force_login(sales)
    assert client.get(LIST).status_code == 404


def test_the_dashboard_card_shows_what_is_due(client, globex_invoice, globex_main):
    client.force_login(globex_main)
    page = client.get(reverse("dashboard")).content.decode()
    assert "1</strong> unpaid invoice: $10,000.00 due" in page


def test_a_credit_note_is_listed_and_linked_from_its_invoice(client, globex_invoice, globex_main):
    note = services.credit_invoice(globex_invoice, actor=None, reason="Goodwill", amount="100")
    client.force_login(globex_main)
    assert note.number in client.get(LIST).content.decode()
    detail = client.get(globex_invoice.get_absolute_url()).content.decode()
    assert note.number in detail
    assert Invoice.objects.get(pk=note.pk).get_absolute_url() in detail


def test_the_year_filter_offers_every_year_from_the_first_invoice_to_the_last(
    client, globex, globex_main
):
    billing.issued(globex, issued_on=date(2024, 4, 1))
    billing.issued(globex, issued_on=date(2026, 4, 1))
    client.force_login(globex_main)
    years = client.get(LIST).context["filters"].fields["year"].choices
    assert [value for value, _ in years] == ["", 2026, 2025, 2024]
