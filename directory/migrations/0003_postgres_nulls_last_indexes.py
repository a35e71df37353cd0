"""PostgreSQL sorts NULLs first in DESC order; the listing asks for NULLS LAST, which only an index
declared the same way can serve. SQLite needs nothing here (its NULLs sort lowest)."""

from django.db import migrations

COLUMNS = {
    "creator_score_nl_idx": "interactivity_score",
    "creator_followers_nl_idx": "followers_total",
    "creator_active_nl_idx": "last_active_at",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in COLUMNS.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "directory_creator" '
            f'("{column}" DESC NULLS LAST, "name")'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in COLUMNS:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("directory", "0002_seed_topics")]

    operations = [migrations.RunPython(create, drop)]
