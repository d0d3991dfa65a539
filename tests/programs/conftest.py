from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from tests import factories
from tests.accounts.mfa import enroll_totp


class RevenueLedger:
    """`revenues[partner] = Decimal(...)` records real paid sales (billing's services)
    until billing's own revenue function reports that figure for the partner."""

    def __init__(self):
        self.customer = None

    def __setitem__(self, partner, amount):
        from billing import services
        from billing.revenue import partner_annual_revenue
        from tests.billing import factories as billing

        delta = Decimal(amount) - partner_annual_revenue(partner)
        assert delta >= 0, "the ledger only records more sales"
        if not delta:
            return
        if self.customer is None:
            self.customer = factories.OrganizationFactory(name="Ledger customer")
        sale = billing.resold_subscription(self.customer, partner, servers=1)
        invoice = services.create_subscription_invoice(sale, actor=None, reason="new_term")
        for line in invoice.lines.all():
            services.remove_line(line, actor=None)
        services.add_line(
            invoice, actor=None, description="Resold subscription", quantity=1, unit_price=delta
        )
        services.update_draft(
            invoice,
            actor=None,
            purchase_order="",
            payment_terms_days=30,
            tax_rate=Decimal(0),
            notes="",
        )
        services.issue_invoice(invoice, actor=None)
        invoice.refresh_from_db()
        services.record_payment(invoice, actor=None, amount=invoice.total, method="bank_transfer")
        assert partner_annual_revenue(partner) == Decimal(amount)


@pytest.fixture
def revenues(db):
    """Annual revenue per partner, recorded as real paid invoices (see RevenueLedger)."""
    return RevenueLedger()


@pytest.fixture
def partner_manager(partner_manager):
    """Ada, in the Partner managers group, with TOTP (staff pages need it)."""
    partner_manager.groups.add(Group.objects.get(name="Partner managers"))
    enroll_totp(partner_manager)
    return partner_manager


@pytest.fixture
def second_partner_manager(vendor):
    return factories.staff_member(vendor, "second@opennebula.example", "Partner managers")


@pytest.fixture
def northwind(db):
    return factories.OrganizationFactory(name="Northwind Resale", kind="partner")


@pytest.fixture
def northwind_main(northwind):
    return factories.member(northwind, "main@northwind.example", "main_contact", "org_admin").user


@pytest.fixture
def visitor(db):
    """Signed up, verified, no organization yet."""
    return factories.UserFactory(email="founder@hooli.example", full_name="Hank Hooli")
