from django.db import migrations

# Vendor staff functions (SPEC §1). Later migrations give each its permissions.
STAFF_GROUPS = ["Partner managers", "Sales operations", "Billing", "Support engineers"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in STAFF_GROUPS:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=STAFF_GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_groups, delete_groups)]
