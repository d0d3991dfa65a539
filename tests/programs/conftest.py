from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from programs import scorecard
from tests import factories
from tests.accounts.mfa import enroll_totp


@pytest.fixture(autouse=True)
def revenues(monkeypatch):
    """Annual revenue per partner, as billing reports it: {organization: Decimal}.

    Billing owns the figure (billing.revenue, tested there); these tests set it.
    tests/programs/test_revenue.py checks the scorecard against billing's real function.
    """
    figures = {}

    def annual_revenues(organization_ids, *, as_of):
        by_id = {org.pk: amount for org, amount in figures.items()}
        return {pk: by_id.get(pk, Decimal(0)) for pk in organization_ids}

    monkeypatch.setattr(scorecard, "annual_revenues", annual_revenues)
    return figures


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
