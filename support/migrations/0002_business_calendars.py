from datetime import date, time

from django.db import migrations

# The issuing entities' working hours (SPEC §4: OpenNebula Systems Europe, Pozuelo de
# Alarcón, Madrid; OpenNebula Systems USA, Burlington, MA). Staff keep the holidays
# up to date in the admin; these are the public holidays of 2026 and 2027.
CALENDARS = [
    (
        "europe",
        "OpenNebula Systems Europe",
        "Europe/Madrid",
        True,
        {
            "2026-01-01": "New Year's Day",
            "2026-01-06": "Epiphany",
            "2026-04-02": "Maundy Thursday",
            "2026-04-03": "Good Friday",
            "2026-05-01": "Labour Day",
            "2026-05-15": "San Isidro",
            "2026-10-12": "National Day of Spain",
            "2026-11-02": "All Saints' Day (observed)",
            "2026-12-07": "Constitution Day (observed)",
            "2026-12-08": "Immaculate Conception",
            "2026-12-25": "Christmas Day",
            "2027-01-01": "New Year's Day",
            "2027-01-06": "Epiphany",
            "2027-03-25": "Maundy Thursday",
            "2027-03-26": "Good Friday",
            "2027-08-16": "Assumption Day (observed)",
            "2027-10-12": "National Day of Spain",
            "2027-11-01": "All Saints' Day",
            "2027-12-06": "Constitution Day",
            "2027-12-08": "Immaculate Conception",
        },
    ),
    (
        "usa",
        "OpenNebula Systems USA",
        "America/New_York",
        False,
        {
            "2026-01-01": "New Year's Day",
            "2026-01-19": "Martin Luther King Jr. Day",
            "2026-02-16": "Washington's Birthday",
            "2026-05-25": "Memorial Day",
            "2026-06-19": "Juneteenth",
            "2026-07-03": "Independence Day (observed)",
            "2026-09-07": "Labor Day",
            "2026-10-12": "Columbus Day",
            "2026-11-11": "Veterans Day",
            "2026-11-26": "Thanksgiving Day",
            "2026-12-25": "Christmas Day",
            "2027-01-01": "New Year's Day",
            "2027-01-18": "Martin Luther King Jr. Day",
            "2027-02-15": "Washington's Birthday",
            "2027-05-31": "Memorial Day",
            "2027-06-18": "Juneteenth (observed)",
            "2027-07-05": "Independence Day (observed)",
            "2027-09-06": "Labor Day",
            "2027-10-11": "Columbus Day",
            "2027-11-11": "Veterans Day",
            "2027-11-25": "Thanksgiving Day",
            "2027-12-24": "Christmas Day (observed)",
        },
    ),
]


def create_calendars(apps, schema_editor):
    BusinessCalendar = apps.get_model("support", "BusinessCalendar")
    Holiday = apps.get_model("support", "Holiday")
    for code, name, zone, is_default, holidays in CALENDARS:
        calendar, _ = BusinessCalendar.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "time_zone": zone,
                "opens_at": time(9),
                "closes_at": time(18),
                "working_days": "1,2,3,4,5",
                "is_default": is_default,
            },
        )
        for day, holiday in holidays.items():
            Holiday.objects.get_or_create(
                calendar=calendar, date=date.fromisoformat(day), defaults={"name": holiday}
            )


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]
    operations = [migrations.RunPython(create_calendars, migrations.RunPython.noop)]
