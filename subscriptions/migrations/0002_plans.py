from decimal import Decimal

from django.db import migrations

# Minutes of SLA time: wall-clock for 24x7 plans, business minutes for business-hours plans.
# (severity: first response, next response, resolution)
PREMIUM_TARGETS = {1: (60, 120, 1440), 2: (240, 480, 4320), 3: (480, 1440, 10080), 4: (1440, 2880, 20160)}
STANDARD_TARGETS = {1: (240, 480, 2400), 2: (480, 960, 4800), 3: (960, 1920, 9600), 4: (1920, 3840, 19200)}

PLANS = [
    ("standard", "Standard", "business", 2, "1000.00", "USD", STANDARD_TARGETS),
    ("premium", "Premium", "24x7", 5, "2000.00", "USD", PREMIUM_TARGETS),
    ("standard-eu", "Standard (EUR)", "business", 2, "920.00", "EUR", STANDARD_TARGETS),
    ("premium-eu", "Premium (EUR)", "24x7", 5, "1840.00", "EUR", PREMIUM_TARGETS),
]


def create_plans(apps, schema_editor):
    Plan = apps.get_model("subscriptions", "Plan")
    SLATarget = apps.get_model("subscriptions", "SLATarget")
    for code, name, hours, max_tech, price, currency, targets in PLANS:
        plan, _ = Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "support_hours": hours,
                "max_technical_contacts": max_tech,
                "annual_price_per_server": Decimal(price),
                "currency": currency,
            },
        )
        for severity, (first, following, resolution) in targets.items():
            SLATarget.objects.get_or_create(
                plan=plan,
                severity=severity,
                defaults={
                    "first_response_minutes": first,
                    "next_response_minutes": following,
                    "resolution_minutes": resolution,
                },
            )


class Migration(migrations.Migration):
    dependencies = [("subscriptions", "0001_initial")]
    operations = [migrations.RunPython(create_plans, migrations.RunPython.noop)]
