"""Reads of the program catalog for the public pages: the tiers side by side."""

from dataclasses import dataclass

from programs.models import Requirement, Tier, Track
from programs.scorecard import cadence_label, usd


@dataclass
class ComparisonRow:
    label: str
    cells: list  # one per tier: text, or "" for not required / not granted
    note: str = ""


def requirement_cell(requirement):
    Kind = Requirement.Kind
    if requirement is None:
        return ""
    if requirement.kind == Kind.PROGRAM_FEE:
        return "No-cost"
    if requirement.kind in (Kind.ADMINISTRATOR_CERTIFICATIONS, Kind.SALES_CERTIFICATIONS):
        noun = "Administrator" if requirement.kind == Kind.ADMINISTRATOR_CERTIFICATIONS else "Basic"
        return f"{int(requirement.target or 1)} ({noun})"
    if requirement.kind == Kind.REVIEW_MEETINGS:
        return cadence_label(int(requirement.target or 3))
    if requirement.kind == Kind.ANNUAL_REVENUE:
        return usd(requirement.target)
    if requirement.kind in (Kind.ENTERPRISE_EDITION, Kind.ENTERPRISE_SUBSCRIPTIONS):
        return "Mandatory"
    return "✓"


def comparison(program):
    """The program's tiers, and its requirements and benefits as rows across them."""
    tiers = list(
        Tier.objects.filter(program=program)
        .order_by("rank")
        .prefetch_related("requirements", "tier_benefits__benefit")
    )
    requirement_rows = {}
    for index, tier in enumerate(tiers):
        for requirement in tier.requirements.all():
            row = requirement_rows.setdefault(
                requirement.kind,
                (requirement.position, ComparisonRow(requirement.label, [""] * len(tiers))),
            )[1]
            row.cells[index] = requirement_cell(requirement)
            if requirement.track:
                row.note = f"{Track(requirement.track).label} only"
    benefit_rows = {}
    for index, tier in enumerate(tiers):
        for tier_benefit in tier.tier_benefits.all():
            benefit = tier_benefit.benefit
            key = (benefit.pk, tier_benefit.track)
            row = benefit_rows.setdefault(
                key,
                (
                    (benefit.position, tier_benefit.track),
                    ComparisonRow(benefit.name, [""] * len(tiers)),
                    benefit,
                ),
            )[1]
            row.cells[index] = tier_benefit.note or "✓"
            if tier_benefit.track:
                row.note = f"{Track(tier_benefit.track).label} only"
    by_category = {}
    for _, row, benefit in sorted(benefit_rows.values(), key=lambda item: item[0]):
        by_category.setdefault(benefit.get_category_display(), []).append(row)
    return {
        "tiers": tiers,
        "requirements": [row for _, row in sorted(requirement_rows.values(), key=lambda i: i[0])],
        "benefits": by_category,
    }
