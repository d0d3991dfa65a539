"""The first Partner Agreement version, and the partner managers' permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

AGREEMENT_V1 = """\
OPENNEBULA BUSINESS PARTNER AGREEMENT

This Partner Agreement ("Agreement") is made between OpenNebula Systems ("OpenNebula") and \
{partner_legal_name} ("Partner"), for the {program} program at the {tier} tier, effective \
{effective_date}.

1. APPOINTMENT
OpenNebula appoints Partner as an Authorized Partner of the OpenNebula Business Partner \
Program, in the program and tier above, under the Partner Program Guide in force (Rev \
2025-09-01 or later). The program carries no annual fee.

2. PROGRAM REQUIREMENTS
Partner shall meet, for as long as this Agreement lasts, every requirement of its program and \
tier as published in the Partner Program Guide and shown on the Partner Portal, including the \
certifications, the assigned contacts, the visibility of OpenNebula on Partner's website and \
the regular progress review meetings. OpenNebula evaluates these requirements continuously.

3. ENTERPRISE EDITION
Partner shall exclusively use and distribute the Enterprise Edition of the OpenNebula \
software, maintain qualified technical teams, and apply the bug fixes, patches, workarounds \
and updates included in its OpenNebula subscription, so that end customers benefit from every \
improvement delivered by OpenNebula.

4. BENEFITS
Partner receives the benefits of its program and tier as described in the Partner Program \
Guide. Benefits depend on the tier: a change of tier changes the benefits at once.

5. SUPPORT
The programs include no support or consulting services. Solution Providers give Level 1 and \
Level 2 support to their end customers and receive Level 3 support from OpenNebula under a \
Premium subscription; each end customer has its own account on the Enterprise Portal and each \
cloud deployment its own token.

6. GOOD STANDING, DOWNGRADE AND SUSPENSION
If Partner stops meeting the requirements of its tier, OpenNebula notifies Partner and allows a \
grace period to remedy it. A Strategic partner that does not meet the Strategic requirements \
may be downgraded to the Standard tier and loses the Strategic benefits. A serious breach of \
this Agreement may lead to suspension. Every change is made with a stated reason and notified \
to Partner.

7. TRADEMARKS
Partner may use the OpenNebula partner program logo of its level to market the relationship, \
in compliance with OpenNebula's trademark policies. OpenNebula is a trademark in the European \
Union and the United States.

8. CONFIDENTIALITY
Each party keeps confidential the non-public information it receives from the other under \
this Agreement.

9. TERM
This Agreement starts on its effective date and continues until ended by either party with \
thirty days' written notice, or at once for a material breach.

10. ELECTRONIC SIGNATURE
The parties agree that Partner's electronic signature on the OpenNebula Partner Portal binds \
Partner as a handwritten signature would.
"""


def publish_first_version(apps, schema_editor):
    AgreementVersion = apps.get_model("programs", "AgreementVersion")
    AgreementVersion.objects.get_or_create(
        number=1, defaults={"title": "OpenNebula Partner Agreement", "body": AGREEMENT_V1}
    )


PARTNER_MANAGER_PERMISSIONS = [
    "review_application",
    "change_standing",
    "verify_certification",
    "publish_agreement",
    # The catalog is edited in the admin.
    *[
        f"{action}_{model}"
        for model in ("program", "tier", "requirement", "benefit", "tierbenefit")
        for action in ("add", "change", "delete", "view")
    ],
]


def grant_partner_managers(apps, schema_editor):
    app_config = apps.get_app_config("programs")
    if getattr(app_config, "models_module", None):  # the live registry (tests re-run it after a flush)
        create_permissions(app_config, verbosity=0)
    else:  # the historical registry of a migration: permissions come after post_migrate
        app_config.models_module = True
        create_permissions(app_config, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Partner managers")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="programs", codename__in=PARTNER_MANAGER_PERMISSIONS
        )
    )


def revoke_partner_managers(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name="Partner managers"):
        group.permissions.remove(*group.permissions.filter(content_type__app_label="programs"))


class Migration(migrations.Migration):
    dependencies = [("programs", "0002_catalog"), ("accounts", "0002_staff_groups")]
    operations = [
        migrations.RunPython(publish_first_version, migrations.RunPython.noop),
        migrations.RunPython(grant_partner_managers, revoke_partner_managers),
    ]
