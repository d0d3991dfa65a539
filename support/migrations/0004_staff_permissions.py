from django.db import migrations

# Which vendor staff group does what in the support portal (SPEC §1). `change_ticket` is
# what makes a support engineer: claim, assign, answer, internal notes, resolve, hand back.
GROUP_PERMISSIONS = {
    "Support engineers": [
        "view_ticket", "change_ticket", "view_slaclock",
        "view_article", "add_article", "change_article",
        "view_articlecategory", "add_articlecategory", "change_articlecategory",
        "view_businesscalendar", "change_businesscalendar",
        "view_holiday", "add_holiday", "change_holiday", "delete_holiday",
    ],
    "Partner managers": ["view_article", "add_article", "change_article", "view_articlecategory"],
}  # fmt: skip


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after migrate; this migration needs them now.
    app_config = apps.get_app_config("support")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, codenames in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label="support", codename__in=codenames)
        )


class Migration(migrations.Migration):
    dependencies = [("support", "0003_article_search_index"), ("accounts", "0002_staff_groups")]
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
