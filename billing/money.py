"""Money is a Decimal with its currency, rounded to the cent half-up; never a float."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
HUNDRED = Decimal("100")
SYMBOLS = {"USD": "$", "EUR": "€"}


def to_cents(value):
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def discounted(amount, discount_percent):
    """`amount` less `discount_percent` %, to the cent."""
    return to_cents(Decimal(amount) * (HUNDRED - Decimal(discount_percent)) / HUNDRED)


def percent_of(amount, rate_percent):
    return to_cents(Decimal(amount) * Decimal(rate_percent) / HUNDRED)


def format_money(amount, currency):
    """`$1,234.50`, `€920.00`, `-$10.00`; an unknown currency is written as its code."""
    if amount is None:
        return ""
    amount = to_cents(amount)
    sign = "-" if amount < 0 else ""
    digits = f"{abs(amount):,.2f}"
    symbol = SYMBOLS.get(currency)
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"
