"""The people of the sales benefits: partners at the tiers that grant (or lack) each
benefit, and the staff who review, qualify, distribute and bill."""

import pytest

from tests import factories
from tests.billing import factories as billing
from tests.programs import builders


@pytest.fixture
def partner_manager(vendor):
    """Ada: Partner managers (deals, referrals, leads, news), TOTP enrolled."""
    return factories.staff_member(vendor, "admin@opennebula.example", "Partner managers")


@pytest.fixture
def sales_ops(vendor):
    """Sam: Sales operations (order forms, NFR requests), TOTP enrolled."""
    return factories.staff_member(vendor, "sales@opennebula.example", "Sales operations")


@pytest.fixture
def billing_clerk(vendor):
    return billing.billing_staff(vendor)


@pytest.fixture
def acme_strategic(acme, acme_main):
    """Acme Cloud: Strategic Solution Services (Solution Provider), Alice its Main Contact."""
    builders.enrollment(acme, "services", "strategic", track="sp")
    return acme


@pytest.fixture
def stark_cloud(db):
    """Another Strategic Solution Services partner (Solution Integrator)."""
    org = factories.OrganizationFactory(name="Stark Cloud", kind="partner", country="US")
    builders.enrollment(org, "services", "strategic", track="si")
    return org


@pytest.fixture
def stark_cloud_main(stark_cloud):
    return factories.member(stark_cloud, "main@starkcloud.example", "main_contact").user


@pytest.fixture
def northwind(db):
    """Northwind Resale: a Standard reseller (commissions, no Strategic benefits)."""
    org = factories.OrganizationFactory(name="Northwind Resale", kind="partner", country="NL")
    builders.enrollment(org, "reseller", "standard", track="")
    return org


@pytest.fixture
def northwind_main(northwind):
    return factories.member(
        northwind, "main@northwind.example", "main_contact", "sales_contact"
    ).user


@pytest.fixture
def referrer(db):
    """A Referral partner: commission only."""
    org = factories.OrganizationFactory(name="Refer & Co", kind="partner", country="ES")
    builders.enrollment(org, "referral", "referral", track="")
    return org


@pytest.fixture
def referrer_main(referrer):
    return factories.member(referrer, "main@refer.example", "main_contact").user
