from django.db import migrations

# Which vendor staff group does what with the sales benefits (issue 7). Turning an
# approved deal, a qualified referral or an NFR request into a subscription goes
# through the order-form service, so it stays with Sales operations.
GROUP_PERMISSIONS = {
    "Partner managers": [
        "review_deal", "view_dealregistration",
        "qualify_referral", "view_referral",
        "distribute_lead", "view_lead",
        "publish_news", "view_newsitem",
        "view_commission", "view_nfrrequest",
    ],
    "Sales operations": [
        "view_dealregistration", "view_referral", "decide_nfr", "view_nfrrequest",
    ],
    "Billing": ["view_commission"],
}


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; this migration needs them now.
    app_config = apps.get_app_config("benefits")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="benefits", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("benefits", "0001_initial"),
        ("accounts", "0002_staff_groups"),
    ]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
