from django.contrib.auth.management import create_permissions
from django.db import migrations

# What the Billing staff group may do (accounts 0002 created the group).
BILLING_PERMISSIONS = [
    ("billing", "manage_invoices"),
    ("billing", "view_invoice"),
    ("billing", "view_issuingentity"),
    ("billing", "change_issuingentity"),
    ("billing", "view_exchangerate"),
    ("billing", "add_exchangerate"),
    ("billing", "change_exchangerate"),
    ("billing", "view_partnerdiscount"),
    ("billing", "add_partnerdiscount"),
    ("billing", "change_partnerdiscount"),
    ("billing", "delete_partnerdiscount"),
]


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations; this one needs them now.
    billing = apps.get_app_config("billing")
    billing.models_module = True
    create_permissions(billing, apps=apps, verbosity=0)
    billing.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Billing")
    for app_label, codename in BILLING_PERMISSIONS:
        group.permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name="Billing").first()
    if group:
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="billing",
                codename__in=[codename for _, codename in BILLING_PERMISSIONS],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("billing", "0002_issuing_entities"), ("accounts", "0002_staff_groups")]
    operations = [migrations.RunPython(grant, revoke)]
