"""A partner's annual subscription revenue (the guide's $100,000 Strategic requirement).

Revenue is what OpenNebula was paid for the subscriptions the partner sold:
invoices whose `partner` is it (whoever was billed: the partner itself for
Reseller and Solution Provider sales, the customer for referrals and
integrators), paid within the trailing 12 months ending on `as_of`, before
tax and net of credit notes, in US dollars at the rate stored on each invoice
when it was issued. Invoices of NFR (not-for-resale) subscriptions never count.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from billing.models import Invoice
from billing.money import to_cents

ZERO = Decimal("0.00")


def trailing_year(as_of):
    """(first day, last day) of the 12 months ending on `as_of`, both included."""
    try:
        year_before = as_of.replace(year=as_of.year - 1)
    except ValueError:  # 29 February
        year_before = date(as_of.year - 1, 2, 28)
    return year_before + timedelta(days=1), as_of


def partner_annual_revenue(partner, *, as_of=None) -> Decimal:
    """USD revenue of one partner (an Organization or its id) over the trailing 12 months."""
    partner_id = getattr(partner, "pk", partner)
    return partner_annual_revenues([partner_id], as_of=as_of)[partner_id]


def partner_annual_revenues(partner_ids, *, as_of=None) -> dict[int, Decimal]:
    """USD revenue of each partner id, in one query; partners with none get 0.00."""
    partner_ids = list(partner_ids)
    first_day, last_day = trailing_year(as_of or timezone.localdate())
    usd = ExpressionWrapper(
        (F("subtotal") - F("credited_subtotal")) * F("usd_rate"),
        output_field=DecimalField(max_digits=24, decimal_places=8),
    )
    rows = (
        Invoice.objects.invoices()
        .filter(
            partner_id__in=partner_ids,
            status=Invoice.Status.PAID,
            paid_on__gte=first_day,
            paid_on__lte=last_day,
        )
        # Not-for-resale subscriptions are free demonstrations: never revenue (issue 7).
        .exclude(subscription__is_nfr=True)
        .values("partner_id")
        .annotate(revenue=Sum(usd))
        .order_by()
    )
    revenues = dict.fromkeys(partner_ids, ZERO)
    for row in rows:
        revenues[row["partner_id"]] = to_cents(row["revenue"] or 0)
    return revenues
