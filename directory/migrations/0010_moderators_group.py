"""The `Moderators` group with exactly the permissions daily moderation needs.

Moderators decide and edit creators and links, enter statistics, resolve reports and read the
audit trail. They cannot delete creators, edit the audit trail, or manage users and groups (no
`accounts` or `auth` permissions). The list is frozen here: a later model that moderators work
on gets its permissions in its own migration.
"""

from django.db import migrations

GROUP = "Moderators"
PERMISSIONS = {
    ("directory", "creator"): ("view", "change"),
    ("directory", "platformlink"): ("view", "add", "change"),
    ("directory", "statssnapshot"): ("view", "add"),
    ("directory", "scorehistory"): ("view",),
    ("directory", "topic"): ("view",),
    ("directory", "language"): ("view",),
    ("directory", "auditentry"): ("view",),
    ("directory", "report"): ("view", "change"),
}


def create_group(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; this one needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for (app_label, model), verbs in PERMISSIONS.items():
        codenames = [f"{verb}_{model}" for verb in verbs]
        group.permissions.add(
            *Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        )


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("directory", "0009_moderation"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
