from django.db import migrations

# Which vendor staff group does what with subscriptions (SPEC §1).
GROUP_PERMISSIONS = {
    "Sales operations": [
        "add_orderform", "view_orderform", "view_subscription", "change_subscription",
        "change_serverrequest", "change_endcustomerrequest",
    ],
    "Partner managers": ["view_subscription", "change_endcustomerrequest"],
    "Billing": ["view_subscription", "view_orderform"],
    "Support engineers": ["view_subscription"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; this migration needs them now.
    app_config = apps.get_app_config("subscriptions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="subscriptions", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("subscriptions", "0003_subscription_renewal_notice_window"),
        ("accounts", "0002_staff_groups"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
