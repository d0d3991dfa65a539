"""The issuing entities (SPEC §4) and the first exchange rate, as data.

Loaded by migration 0002; `ensure_reference_data()` loads them again where a
test run flushed the tables (seed_demo calls it). Staff edit both in the admin.
"""

from datetime import date
from decimal import Decimal

ISSUING_ENTITIES = [
    {
        "code": "US",
        "name": "OpenNebula Systems USA",
        "address": "1500 District Ave\nBurlington, MA 01803\nUnited States",
        "country": "US",
        "currency": "USD",
        "domestic_tax_rate": Decimal("0.00"),
        "email": "billing@opennebula.io",
        "payment_instructions": (
            "Pay in US dollars by bank transfer (ACH or wire), card or cheque, quoting the "
            "invoice number as the payment reference. Bank details are on your order form; "
            "for card payments write to billing@opennebula.io."
        ),
    },
    {
        "code": "EU",
        "name": "OpenNebula Systems Europe",
        "address": (
            "Paseo del Club Deportivo 1 – Edificio 13\nParque Empresarial La Finca\n"
            "28223 Pozuelo de Alarcón, Madrid\nSpain"
        ),
        "country": "ES",
        "currency": "EUR",
        # Spanish VAT on invoices to Spanish customers; others 0% (reverse charge / export).
        "domestic_tax_rate": Decimal("21.00"),
        "email": "billing@opennebula.io",
        "payment_instructions": (
            "Pay in euros by SEPA bank transfer, card or cheque, quoting the invoice number as "
            "the payment reference. Bank details are on your order form; for card payments "
            "write to billing@opennebula.io."
        ),
    },
]

EXCHANGE_RATES = [("EUR", Decimal("1.080000"), date(2024, 1, 1))]


def load(IssuingEntity, ExchangeRate):
    for entity in ISSUING_ENTITIES:
        IssuingEntity.objects.get_or_create(code=entity["code"], defaults=entity)
    for currency, usd_per_unit, valid_from in EXCHANGE_RATES:
        ExchangeRate.objects.get_or_create(
            currency=currency, valid_from=valid_from, defaults={"usd_per_unit": usd_per_unit}
        )


def ensure_reference_data():
    from billing.models import ExchangeRate, IssuingEntity

    load(IssuingEntity, ExchangeRate)
