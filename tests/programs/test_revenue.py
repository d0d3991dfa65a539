"""The Strategic revenue requirement reads billing's figure (billing/revenue.py): paid
invoices of the subscriptions a partner sold, trailing twelve months, in USD."""

from decimal import Decimal

from programs.scorecard import MET, NOT_MET, enrollment_statuses
from tests.programs import builders


def revenue_line(enrollment):
    card = enrollment_statuses([enrollment])[0].scorecard
    return next(r for r in card.results if r.requirement.kind == "annual_revenue")


def test_the_scorecard_counts_the_partners_paid_sales(acme, revenues):
    enrollment = builders.enrollment(acme, tier_code="strategic")
    revenues[acme] = Decimal("60000")
    assert (revenue_line(enrollment).state, revenue_line(enrollment).value) == (
        NOT_MET,
        "$60,000",
    )
    revenues[acme] = Decimal("150000")
    assert (revenue_line(enrollment).state, revenue_line(enrollment).value) == (
        MET,
        "$150,000",
    )
