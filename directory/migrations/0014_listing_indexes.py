"""Indexes for the public listing at 100,000 creators (issue 13), PostgreSQL only.

Every public read is `status = 'approved'` and every ORDER BY ends in a unique key
(directory.filters.ORDERINGS). Partial indexes over approved creators, in exactly those orders
(NULLS LAST where the listing asks for it), let a page, the last page (read backwards, see
directory.pagination) and a filtered page walk an index instead of sorting the table.

Search reads `to_tsvector('simple', name || ' ' || bio)` through a GIN index (directory.search).
SQLite needs none of this: its list is small (`make run`) and it searches with LIKE.
"""

from django.db import migrations

APPROVED = "WHERE status = 'approved'"
INDEXES = {
    "creator_listed_score_idx": '("interactivity_score" DESC NULLS LAST, "name", "id")',
    "creator_listed_followers_idx": '("followers_total" DESC NULLS LAST, "name", "id")',
    "creator_listed_active_idx": '("last_active_at" DESC NULLS LAST, "name", "id")',
    "creator_listed_newest_idx": '("created_at" DESC, "id" DESC)',
    "creator_listed_name_idx": '("name", "id")',
    "creator_listed_country_idx": '("country")',
    "creator_listed_search_idx": "USING gin (to_tsvector('simple'::regconfig, "
    '"name"::text || \' \' || "bio"::text))',
}
# The platform filter asks "has a public link on this platform?" once per creator it reads.
LINK_INDEX = (
    'CREATE INDEX IF NOT EXISTS "link_public_creator_platform_idx" ON "directory_platformlink" '
    '("creator_id", "platform") WHERE is_public'
)


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, columns in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "directory_creator" {columns} {APPROVED}'
        )
    schema_editor.execute(LINK_INDEX)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in [*INDEXES, "link_public_creator_platform_idx"]:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [("directory", "0013_score_state_columns")]

    operations = [migrations.RunPython(create, drop)]
