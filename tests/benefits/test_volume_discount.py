"""Volume discount program (Strategic): bands of the partner's annual paid volume, applied
to the invoices OpenNebula issues to the partner for what it resells."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from benefits import volume
from billing import services as billing
from billing.models import PartnerDiscount
from programs import services as programs
from programs.models import Enrollment
from tests import factories
from tests.billing import factories as billing_factories
from tests.programs import builders as program_builders
from tests.programs.conftest import RevenueLedger

BANDS = [["100000", "2"], ["250000", "4"], ["500000", "6"]]


@pytest.fixture(autouse=True)
def bands(settings):
    settings.VOLUME_DISCOUNT_BANDS = BANDS


@pytest.fixture
def big_resale(db):
    org = factories.OrganizationFactory(name="Big Resale", kind="partner", country="GB")
    program_builders.enrollment(org, "reseller", "strategic", track="")
    return org


@pytest.mark.parametrize(
    "volume_usd, percent",
    [
        ("0", "0"),
        ("99999.99", "0"),
        ("100000.00", "2"),
        ("249999.99", "2"),
        ("250000.00", "4"),
        ("1000000.00", "6"),
    ],
)
def test_the_band_is_the_highest_threshold_reached(volume_usd, percent):
    assert volume.band_for(Decimal(volume_usd)) == Decimal(percent)


def test_a_strategic_partner_gets_its_band_from_its_paid_volume(big_resale):
    RevenueLedger()[big_resale] = Decimal("260000.00")
    assert volume.volume_discount_percent(big_resale) == Decimal("4")


def test_a_standard_partner_gets_no_volume_discount_whatever_it_sells(northwind):
    RevenueLedger()[northwind] = Decimal("600000.00")
    assert volume.volume_discount_percent(northwind) == 0


def test_the_band_adds_to_the_partner_discount_on_its_invoices(big_resale, globex):
    RevenueLedger()[big_resale] = Decimal("260000.00")
    PartnerDiscount.objects.create(partner=big_resale, percent=Decimal("15"))
    sale = billing_factories.resold_subscription(globex, big_resale, servers=7)
    invoice = billing.create_subscription_invoice(sale, actor=None, reason="new_term")
    line = invoice.lines.get()
    # 7 servers x $1,000 less 19% (15 partner + 4 volume) = $5,670.00
    assert line.discount_percent == Decimal("19.00")
    assert invoice.subtotal == Decimal("5670.00")
    assert invoice.notes == "Discount: partner 15%, volume 4%"


def test_the_discounted_amount_is_rounded_half_up_to_the_cent(big_resale, globex):
    RevenueLedger()[big_resale] = Decimal("100000.00")
    PartnerDiscount.objects.create(partner=big_resale, percent=Decimal("20"))
    start = date(2026, 1, 1)
    sale = billing_factories.resold_subscription(
        globex, big_resale, servers=3, starts_on=start, ends_on=start + timedelta(days=200)
    )
    invoice = billing.create_subscription_invoice(sale, actor=None, reason="new_term")
    line = invoice.lines.get()
    # $1,000 x 200/365 = 547.945… → 547.95 a server; x 3 = 1,643.85; less 22% = 1,282.203 → 1,282.20
    assert line.unit_price == Decimal("547.95")
    assert line.amount == Decimal("1282.20")


def test_a_customer_billed_directly_gets_no_volume_discount(big_resale, globex):
    RevenueLedger()[big_resale] = Decimal("300000.00")
    sale = billing_factories.resold_subscription(globex, big_resale, channel="referral", servers=2)
    invoice = billing.create_subscription_invoice(sale, actor=None, reason="new_term")
    assert invoice.organization == globex and invoice.subtotal == Decimal("2000.00")


def test_a_downgrade_ends_the_volume_discount_at_once(big_resale, globex, partner_manager):
    RevenueLedger()[big_resale] = Decimal("300000.00")
    programs.downgrade(
        Enrollment.objects.get(organization=big_resale), actor=partner_manager, reason="Review."
    )
    sale = billing_factories.resold_subscription(globex, big_resale, servers=2)
    invoice = billing.create_subscription_invoice(sale, actor=None, reason="new_term")
    assert invoice.lines.get().discount_percent == 0


def test_the_page_shows_the_volume_the_band_and_the_next_one(client, big_resale):
    RevenueLedger()[big_resale] = Decimal("120000.00")
    user = factories.member(big_resale, "main@bigresale.example", "main_contact").user
    client.force_login(user)
    page = client.get(reverse("volume_discount"))
    assert page.context["annual"] == "$120,000.00" and page.context["band"] == Decimal("2")
    assert page.context["next_band"]["gap"] == "$130,000.00"
