"""The program catalog of the Business Partner Program guide (Rev 2025-09-01), SPEC §3.

Loaded once; staff edit it afterwards (Django admin). Reverse removes it.
"""

from decimal import Decimal

from django.db import migrations

STRATEGIC_REVENUE = Decimal("100000")

PROGRAMS = [
    {
        "code": "services",
        "name": "Solution Services",
        "tagline": "Value-added resellers, system integrators and consulting firms.",
        "description": (
            "Solution Integrators and Providers that deliver professional services to their "
            "customers and/or subcontract OpenNebula professional services to design, build "
            "and integrate OpenNebula clouds. Solution Integrators (SI) build their business "
            "on consulting, deployment and customization, and OpenNebula Systems supports the "
            "end customer directly. Solution Providers (SP) go to market with a fully "
            "integrated solution built around OpenNebula, give Level 1 and Level 2 support "
            "for it and receive Level 3 support from OpenNebula Systems, under the End User "
            "Subscription model with a 24x7 Premium SLA. Services partners also get access "
            "to the Reseller program."
        ),
        "has_tracks": True,
        "position": 1,
    },
    {
        "code": "reseller",
        "name": "Solution Reseller",
        "tagline": "Distribution companies with national or worldwide coverage.",
        "description": (
            "Firms with national and international reach that resell OpenNebula Systems "
            "support subscriptions and professional services to their clients, potentially "
            "wrapped with their own services. Resellers run the complete sales and renewal "
            "cycle: account management, client prospecting, onboarding and billing. "
            "OpenNebula Systems provides support to the customers."
        ),
        "has_tracks": False,
        "position": 2,
    },
    {
        "code": "referral",
        "name": "Referral",
        "tagline": "A no-commitment way into the Reseller program.",
        "description": (
            "Referral partners have no revenue commitment, administrative overhead or "
            "follow-up obligations: they earn a commission for each referred lead that "
            "becomes an OpenNebula customer."
        ),
        "has_tracks": False,
        "position": 3,
    },
]

TIERS = {
    "services": [
        ("standard", "Standard", 1, "For partners new to the network or with smaller operations."),
        ("strategic", "Strategic", 2, "For established partners with larger operations."),
    ],
    "reseller": [
        ("standard", "Standard", 1, "For partners new to the network or with smaller operations."),
        ("strategic", "Strategic", 2, "For established partners with larger operations."),
    ],
    "referral": [("referral", "Referral", 1, "No commitment: a commission per referred sale.")],
}

# (kind, label per program, {tier: target}, track, entry requirement, description)
# A tier missing from the targets does not have the requirement.
BOTH = {"standard": None, "strategic": None}
REQUIREMENTS = {
    "services": [
        ("program_fee", "Annual program fee", BOTH, "", False, "No-cost."),
        ("approved_application", "Approved partner program application", BOTH, "", False, ""),
        (
            "enterprise_edition",
            "Usage and distribution of OpenNebula Enterprise Edition",
            BOTH,
            "",
            True,
            "Business partners exclusively use and distribute the Enterprise Edition.",
        ),
        (
            "enterprise_subscriptions",
            "Use of OpenNebula Enterprise subscriptions",
            BOTH,
            "",
            False,
            "",
        ),
        ("website", "Visibility of OpenNebula on partner's site", BOTH, "", True, ""),
        ("technical_contact", "Assigned technical contact at partner", BOTH, "", True, ""),
        ("sales_contact", "Assigned sales contact at partner", BOTH, "", True, ""),
        (
            "administrator_certifications",
            "Technical certification (Administrator)",
            {"standard": 1, "strategic": 2},
            "",
            True,
            "People at the partner holding a current Administrator certification.",
        ),
        (
            "sales_certifications",
            "Sales certification (Basic)",
            {"standard": 1, "strategic": 2},
            "",
            True,
            "People at the partner holding a current Basic sales certification.",
        ),
        (
            "review_meetings",
            "Regular progress review meetings",
            {"standard": 3, "strategic": 1},
            "",
            False,
            "Quarterly for Standard, monthly for Strategic.",
        ),
        (
            "end_customers",
            "End customer identification (SP)",
            BOTH,
            "sp",
            False,
            "Each end customer has its own account on the portal.",
        ),
        (
            "l1_l2_support",
            "Provide L1 and L2 support to your end customers (SP)",
            BOTH,
            "sp",
            True,
            "OpenNebula Systems gives Level 3 support to the partner.",
        ),
        (
            "annual_revenue",
            "Minimum annual subscription revenue",
            {"strategic": STRATEGIC_REVENUE},
            "",
            False,
            "Paid subscription invoices of the last twelve months, in USD.",
        ),
    ],
    "reseller": [
        ("program_fee", "Annual program fee", BOTH, "", False, "No-cost."),
        ("approved_application", "Approved partner program application", BOTH, "", False, ""),
        (
            "enterprise_edition",
            "Distribution of OpenNebula Enterprise Edition",
            BOTH,
            "",
            True,
            "Business partners exclusively use and distribute the Enterprise Edition.",
        ),
        (
            "enterprise_subscriptions",
            "Resale of OpenNebula Enterprise subscriptions",
            BOTH,
            "",
            False,
            "",
        ),
        ("website", "Visibility of OpenNebula on partner's site", BOTH, "", True, ""),
        ("sales_contact", "Assigned sales contact at partner", BOTH, "", True, ""),
        (
            "sales_certifications",
            "Sales certification (Basic)",
            {"standard": 1, "strategic": 2},
            "",
            True,
            "People at the partner holding a current Basic sales certification.",
        ),
        (
            "review_meetings",
            "Regular progress review meetings",
            {"standard": 3, "strategic": 1},
            "",
            False,
            "Quarterly for Standard, monthly for Strategic.",
        ),
        (
            "annual_revenue",
            "Minimum annual subscription revenue",
            {"strategic": STRATEGIC_REVENUE},
            "",
            False,
            "Paid subscription invoices of the last twelve months, in USD.",
        ),
    ],
    "referral": [
        ("program_fee", "Annual program fee", {"referral": None}, "", False, "No-cost."),
        (
            "approved_application",
            "Approved partner program application",
            {"referral": None},
            "",
            False,
            "No revenue commitment, no administrative follow-up.",
        ),
    ],
}

# (code, name, category, description) in the guide's order.
BENEFITS = [
    (
        "enterprise_portal",
        "Access to the Enterprise Portal",
        "general",
        "Program, product, marketing and sales resources for the OpenNebula partner community.",
    ),
    (
        "partner_news",
        "Partner news and notifications",
        "general",
        "Updates on new products, upcoming campaigns, OpenNebula resources and success stories.",
    ),
    (
        "renewals_annuity",
        "Renewals annuity business",
        "sales",
        "Each subscription you sell qualifies for renewal revenue.",
    ),
    (
        "referral_commission",
        "Commission on referred sales",
        "sales",
        "Commissions on all sales referred to OpenNebula Systems, recurring subscriptions and "
        "services included; OpenNebula earns a commission on consulting it refers to you.",
    ),
    (
        "subscription_discount",
        "Discount on subscriptions",
        "sales",
        "A discount on the OpenNebula subscriptions used to run your end customers' clouds.",
    ),
    (
        "sales_training",
        "Sales certification and training",
        "sales",
        "OpenNebula Systems' 90-minute sales seminars for partners.",
    ),
    (
        "dedicated_sales_contact",
        "Dedicated OpenNebula sales contact",
        "sales",
        "Work with OpenNebula Systems' sales team to close opportunities together.",
    ),
    (
        "referral_services",
        "Eligibility for referral services engagements",
        "sales",
        "Take part in lead distribution, following OpenNebula Systems' rules.",
    ),
    (
        "volume_discount",
        "Volume discount program",
        "sales",
        "Tiered pricing and discounts at higher purchase thresholds.",
    ),
    (
        "deal_registration",
        "Deal registration program",
        "sales",
        "Register new deals for early support during sales and procurement, and possibly "
        "additional discounts off the list price.",
    ),
    (
        "program_logo",
        "Usage of the partner program logo",
        "marketing",
        "Use the logo of your membership level, following OpenNebula Systems' policies.",
    ),
    (
        "partners_area_logo",
        "Logo on the partners area of the OpenNebula website",
        "marketing",
        "Your logo in front of OpenNebula's audience.",
    ),
    (
        "success_stories",
        "Eligibility for success story highlights",
        "marketing",
        "Selected proposals become success stories promoted by OpenNebula and you.",
    ),
    (
        "joint_content",
        "Joint solution brief or blog post",
        "marketing",
        "Guest blog posts on OpenNebula.io, blog series or a solution brief.",
    ),
    (
        "joint_marketing",
        "Joint marketing with event hosting and webinars",
        "marketing",
        "Promote your brand at OpenNebula events, host one, or run joint webinars.",
    ),
    (
        "strategic_logo",
        "Program logo with Strategic mark",
        "marketing",
        "Reserved for partners at the Strategic tier.",
    ),
    (
        "nfr_subscriptions",
        "Not-for-resale (NFR) subscriptions",
        "technical",
        "Free demonstration subscriptions for sales, marketing, enablement and demos only.",
    ),
    (
        "knowledge_base",
        "Access to the knowledge base",
        "technical",
        "Research answers to technical product questions on the Enterprise Portal.",
    ),
    (
        "l3_support",
        "L3 support for your team (needs a Premium subscription)",
        "technical",
        "OpenNebula Systems gives third-level support to Solution Providers' engineers.",
    ),
    (
        "technical_training",
        "Technical certification and training",
        "technical",
        "Technical training for your engineers on OpenNebula technologies.",
    ),
    (
        "support_discounts",
        "Discounts on OpenNebula support, services, training and events",
        "technical",
        "Discounts on any services offered by OpenNebula Systems.",
    ),
    (
        "presales_access",
        "Access to the OpenNebula presales team (web-based, 48-hour SLA)",
        "technical",
        "Pre-sales technical assistance through web-based support.",
    ),
    (
        "development_influence",
        "Influence on software development",
        "technical",
        "Partners' feature requests go to the front of the line.",
    ),
]

Y = ""  # granted, no note
DISCOUNT, NO_COST = "With discount", "No-cost"
# code: (Standard, Strategic[, track]); None = not granted. SPEC §3 and §6 (Strategic-only
# discounts, volume discount and influence on development).
SERVICES_BENEFITS = {
    "enterprise_portal": (Y, Y),
    "partner_news": (Y, Y),
    "renewals_annuity": (Y, Y),
    "referral_commission": (Y, Y, "si"),
    "subscription_discount": (Y, Y, "sp"),
    "sales_training": (DISCOUNT, NO_COST),
    "dedicated_sales_contact": (None, Y),
    "referral_services": (None, Y),
    "volume_discount": (None, Y),
    "deal_registration": (None, Y),
    "program_logo": (Y, Y),
    "partners_area_logo": (Y, Y),
    "success_stories": (Y, Y),
    "joint_content": (Y, Y),
    "joint_marketing": (None, Y),
    "strategic_logo": (None, Y),
    "nfr_subscriptions": (Y, Y),
    "knowledge_base": (Y, Y),
    "l3_support": (Y, Y, "sp"),
    "technical_training": (DISCOUNT, NO_COST),
    "support_discounts": (None, Y),
    "presales_access": (None, Y),
    "development_influence": (None, Y),
}
RESELLER_BENEFITS = {
    "enterprise_portal": (Y, Y),
    "partner_news": (Y, Y),
    "renewals_annuity": (Y, Y),
    "referral_commission": (Y, Y),
    "sales_training": (DISCOUNT, NO_COST),
    "dedicated_sales_contact": (None, Y),
    "referral_services": (None, Y),
    "volume_discount": (None, Y),
    "program_logo": (Y, Y),
    "partners_area_logo": (Y, Y),
    "strategic_logo": (None, Y),
}
REFERRAL_BENEFITS = ["enterprise_portal", "partner_news", "referral_commission"]


def load_catalog(apps, schema_editor):
    Program = apps.get_model("programs", "Program")
    Tier = apps.get_model("programs", "Tier")
    Requirement = apps.get_model("programs", "Requirement")
    Benefit = apps.get_model("programs", "Benefit")
    TierBenefit = apps.get_model("programs", "TierBenefit")
    if Program.objects.exists():  # already loaded (tests re-run it after a flush)
        return

    programs = {p["code"]: Program.objects.create(**p) for p in PROGRAMS}
    tiers = {}
    for program_code, rows in TIERS.items():
        for code, name, rank, summary in rows:
            tiers[program_code, code] = Tier.objects.create(
                program=programs[program_code], code=code, name=name, rank=rank, summary=summary
            )
    for program_code, rows in REQUIREMENTS.items():
        for position, (kind, label, targets, track, entry, description) in enumerate(rows):
            for tier_code, target in targets.items():
                Requirement.objects.create(
                    tier=tiers[program_code, tier_code],
                    kind=kind,
                    label=label,
                    target=target,
                    track=track,
                    is_entry_requirement=entry,
                    description=description,
                    position=position,
                )
    benefits = {}
    for position, (code, name, category, description) in enumerate(BENEFITS):
        benefits[code] = Benefit.objects.create(
            code=code, name=name, category=category, description=description, position=position
        )
    for program_code, table in (("services", SERVICES_BENEFITS), ("reseller", RESELLER_BENEFITS)):
        for code, grant in table.items():
            track = grant[2] if len(grant) == 3 else ""
            for tier_code, note in zip(("standard", "strategic"), grant[:2], strict=True):
                if note is not None:
                    TierBenefit.objects.create(
                        tier=tiers[program_code, tier_code],
                        benefit=benefits[code],
                        track=track,
                        note=note,
                    )
    for code in REFERRAL_BENEFITS:
        TierBenefit.objects.create(tier=tiers["referral", "referral"], benefit=benefits[code])


def unload_catalog(apps, schema_editor):
    apps.get_model("programs", "TierBenefit").objects.all().delete()
    apps.get_model("programs", "Benefit").objects.all().delete()
    apps.get_model("programs", "Requirement").objects.all().delete()
    apps.get_model("programs", "Tier").objects.all().delete()
    apps.get_model("programs", "Program").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(load_catalog, unload_catalog)]
