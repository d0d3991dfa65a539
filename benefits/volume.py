"""The volume discount program (guide: "tiered pricing and discounts at higher purchase
thresholds"; Strategic only, SPEC §6): bands of the partner's annual volume."""

from decimal import Decimal

from django.conf import settings

from billing.revenue import partner_annual_revenue
from programs.entitlements import has_benefit


def bands():
    """[(annual volume from, discount %)] in ascending order, from settings."""
    return sorted(
        (Decimal(str(threshold)), Decimal(str(percent)))
        for threshold, percent in settings.VOLUME_DISCOUNT_BANDS
    )


def band_for(volume):
    """The discount % of the highest band `volume` reaches (0 below the first)."""
    reached = [percent for threshold, percent in bands() if volume >= threshold]
    return reached[-1] if reached else Decimal(0)


def next_band(volume):
    """(threshold, percent) of the next band up, or None at the top."""
    return next(((t, p) for t, p in bands() if volume < t), None)


def volume_discount_percent(partner, *, as_of=None):
    """The band a partner entitled to the program has reached by its trailing-twelve-month
    paid volume (billing.revenue, in USD); 0 for everyone else."""
    if partner is None or not has_benefit(partner, "volume_discount"):
        return Decimal(0)
    return band_for(partner_annual_revenue(partner, as_of=as_of))
