"""The Strategic revenue requirement reads billing's figure (billing/revenue.py).

Billing computes it (USD, paid invoices of the subscriptions a partner sold, trailing
twelve months) and tests it; the scorecard asks for every partner at once.
"""

from decimal import Decimal

import pytest
from django.utils import timezone

from programs.scorecard import MET, enrollment_statuses
from tests.programs import builders


def test_the_scorecard_asks_billing_for_every_partner_at_once(acme, monkeypatch):
    revenue = pytest.importorskip(
        "billing.revenue", reason="billing's revenue module has not reached this branch yet"
    )
    monkeypatch.undo()  # the autouse stand-in of tests/programs/conftest.py
    calls = []

    def partner_annual_revenues(partner_ids, *, as_of=None):
        calls.append((sorted(partner_ids), as_of))
        return {pk: Decimal("150000") for pk in partner_ids}

    monkeypatch.setattr(revenue, "partner_annual_revenues", partner_annual_revenues)
    enrollment = builders.enrollment(acme, tier_code="strategic")
    card = enrollment_statuses([enrollment])[0].scorecard
    line = next(r for r in card.results if r.requirement.kind == "annual_revenue")
    assert line.state == MET and line.value == "$150,000"
    assert calls == [([acme.pk], timezone.localdate())]
