"""The `Moderators` group's permissions for the joining and contact models.

0010 froze the daily-work list before submissions, claims, owner edits, owner removals, removal
requests and contact messages existed. Moderators work through each of these queues (view, and
change to mark one handled or decide it) but delete none of them: a decision is kept, never
erased. The outbox and the tombstones are view-only (the services write them).

The audit trail also gains the decisions on owners' edits and claims made by hand.
"""

from django.db import migrations, models

GROUP = "Moderators"
PERMISSIONS = {
    ("directory", "submission"): ("view", "change"),
    ("directory", "removalrequest"): ("view", "change"),
    ("directory", "contactmessage"): ("view", "change"),
    ("directory", "tombstone"): ("view",),
    ("directory", "outgoingemail"): ("view",),
    ("accounts", "claim"): ("view", "change"),
    ("accounts", "creatoredit"): ("view", "change"),
    ("accounts", "ownerremoval"): ("view", "change"),
}


def _codenames(app_label: str, model: str, verbs) -> list[str]:
    return [f"{verb}_{model}" for verb in verbs]


def grant(apps, schema_editor):
    from django.contrib.auth.management import create_permissions

    # Permissions are normally created after all migrations; these are needed now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    for (app_label, model), verbs in PERMISSIONS.items():
        group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=_codenames(app_label, model, verbs),
            )
        )


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is None:
        return
    for (app_label, model), verbs in PERMISSIONS.items():
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label=app_label,
                content_type__model=model,
                codename__in=_codenames(app_label, model, verbs),
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_claims_edits_removal"),
        ("directory", "0013_score_state_columns"),
    ]

    operations = [
        migrations.RunPython(grant, revoke),
        migrations.AlterField(
            model_name="auditentry",
            name="action",
            field=models.CharField(
                choices=[
                    ("approved", "Approved"),
                    ("rejected", "Rejected"),
                    ("hidden", "Hidden"),
                    ("restored", "Restored"),
                    ("removed", "Removed at the creator's request"),
                    ("merged", "Merged a duplicate into this creator"),
                    ("merged_away", "Merged into another creator"),
                    ("edited", "Public fields changed"),
                    ("edit_rejected", "Owner's proposed edit not approved"),
                    ("claim_approved", "Claim approved by hand"),
                    ("claim_rejected", "Claim rejected"),
                    ("licence_verified", "Licensed professional verified"),
                    ("report_resolved", "Report resolved"),
                    ("link_unsupported", "Link marked unsupported"),
                ],
                max_length=20,
                verbose_name="action",
            ),
        ),
    ]
