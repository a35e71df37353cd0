"""One account, one link: unique (platform, external_id) when the id is known.

Before the constraint, ids that would break it are cleared (the next fetch resolves them again,
and a link that turns out to duplicate another is then recorded as a failure for moderators):
- Mastodon ids that are not account URIs: a numeric account id is local to its server, so two
  different people on two servers can share one; the adapter now stores the account's `uri`.
- all but the oldest link of any (platform, external_id) pair already stored twice.
"""

from django.db import migrations, models


def clear_conflicting_ids(apps, schema_editor):
    PlatformLink = apps.get_model("directory", "PlatformLink")
    PlatformLink.objects.filter(platform="mastodon").exclude(external_id="").exclude(
        external_id__startswith="http"
    ).update(external_id="")
    seen: set[tuple[str, str]] = set()
    duplicates: list[int] = []
    rows = (
        PlatformLink.objects.exclude(external_id="")
        .order_by("created_at", "pk")
        .values_list("pk", "platform", "external_id")
    )
    for pk, platform, external_id in rows.iterator():
        if (platform, external_id) in seen:
            duplicates.append(pk)
        else:
            seen.add((platform, external_id))
    PlatformLink.objects.filter(pk__in=duplicates).update(external_id="")


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_celery_beat_schedules"),
    ]

    operations = [
        migrations.AlterField(
            model_name="platformlink",
            name="external_id",
            field=models.CharField(
                blank=True,
                help_text=(
                    "Mastodon account URI, Bluesky DID, YouTube channel id, WordPress.com site ID."
                ),
                max_length=200,
                verbose_name="stable external id",
            ),
        ),
        migrations.RunPython(clear_conflicting_ids, migrations.RunPython.noop, elidable=True),
        migrations.AddConstraint(
            model_name="platformlink",
            constraint=models.UniqueConstraint(
                condition=models.Q(("external_id", ""), _negated=True),
                fields=("platform", "external_id"),
                name="link_unique_external_id",
            ),
        ),
    ]
