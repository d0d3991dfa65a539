"""The demo data the issue names (issue 7 §8), made through the services."""

from decimal import Decimal
from io import StringIO

from django.core.management import call_command

from benefits.models import Commission, DealRegistration, Referral


def test_the_demo_has_acmes_deals_and_northwinds_commission(db):
    call_command("seed_demo", stdout=StringIO())
    acme = DealRegistration.objects.filter(partner__name="Acme Cloud")
    assert {(d.company_name, d.status) for d in acme} == {
        ("Stark Industries", "approved"),
        ("Wayne Enterprises", "submitted"),
    }
    assert acme.get(company_name="Stark Industries").is_protected
    referral = Referral.objects.get(partner__name="Northwind Resale")
    assert referral.status == "converted" and referral.customer.name == "Cyberdyne Systems"
    commission = Commission.objects.get(referral=referral)
    # 20 Standard servers at $1,000, paid; the Standard reseller rate is 10%.
    assert (commission.base_amount, commission.amount) == (Decimal("20000.00"), Decimal("2000.00"))
