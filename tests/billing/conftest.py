import pytest

from tests import factories
from tests.billing import factories as billing


@pytest.fixture
def globex_admin(globex):
    """Globex's Administrative Contact (billing@globex.example)."""
    return factories.member(globex, "billing@globex.example", "administrative_contact").user


@pytest.fixture
def billing_clerk(vendor):
    """Billing staff: in the Billing group, TOTP enrolled."""
    return billing.billing_staff(vendor)


@pytest.fixture
def globex_invoice(globex, globex_main, globex_admin, billing_clerk):
    """An issued, unpaid invoice to Globex with purchase order PO-GLOBEX-7."""
    return billing.issued(globex, actor=billing_clerk, purchase_order="PO-GLOBEX-7")
