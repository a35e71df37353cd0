"""The SQL side of `seed_bench` (directory/services/bench_seed.py): COPY, the snapshot
generator, and the index and trigger switches around a bulk load. PostgreSQL only."""

from __future__ import annotations

from django.db import DatabaseError, connection, transaction

SNAPSHOT_COLUMNS = (
    "id, link_id, captured_at, source, followers, following, posts_total, window_days,"
    " posts_in_window, comments_in_window, unique_commenters_in_window, posts_with_comments,"
    " creator_replies_in_window, posts_with_creator_reply, replies_to_others_in_window,"
    " likes_in_window, shares_in_window, last_post_at, notes, lower_bounds"
)
CREATOR_COLUMNS = (
    "id, name, slug, bio, about, creator_type, country, content_notes, status, is_demo,"
    " on_break_until, created_at, updated_at, score_breakdown, score_version, stats_stale,"
    " version, score_on_break"
)
LINK_COLUMNS = (
    "id, platform, url, handle, external_id, verified, is_public, fetch_state, last_fetched_at,"
    " next_fetch_at, consecutive_failures, last_error, etag, last_modified, created_at,"
    " creator_id, latest_snapshot_id"
)
BEHAVIOUR_COLUMNS = (
    "link_id, first_snap, first_at, last_post, source, api, followers, growth, following,"
    " posts_base, posts_step, posts, cpp, reply_share, r2o, likes_per_post, shares_per_post, notes"
)
BEHAVIOUR_TABLE = """
CREATE TEMPORARY TABLE bench_behaviour (
    link_id bigint PRIMARY KEY, first_snap bigint, first_at timestamptz, last_post timestamptz,
    source text, api boolean, followers bigint, growth float8, following bigint,
    posts_base bigint, posts_step bigint, posts float8, cpp float8, reply_share float8,
    r2o float8, likes_per_post bigint, shares_per_post bigint, notes text
) ON COMMIT DROP
"""
# One row per (link, step), links in id order so the indexes grow at their right edge. Noise
# comes from one hash of (link, step), so every run gives the same snapshots; the `OFFSET 0`
# subqueries are evaluated once per row instead of being inlined into every expression.
SNAPSHOT_INSERT = (
    "INSERT INTO directory_statssnapshot ("
    + SNAPSHOT_COLUMNS
    + """)
SELECT b.first_snap + g.step, b.link_id, t.captured, b.source,
    round(b.followers * power(1 + b.growth, g.step))::bigint,
    b.following,
    b.posts_base + g.step * b.posts_step + n.posts,
    %(window)s::int, n.posts, n.comments,
    CASE WHEN b.api THEN round(n.comments * (0.4 + 0.4 * h.u4))::int END,
    n.commented,
    round(n.with_reply * (1 + 1.5 * h.u4))::int,
    n.with_reply,
    CASE WHEN b.r2o IS NOT NULL AND n.posts > 0 THEN round(b.r2o * h.noise)::int END,
    n.posts * b.likes_per_post,
    n.posts * b.shares_per_post,
    t.post_at, b.notes, '[]'::jsonb
FROM bench_behaviour b
CROSS JOIN LATERAL generate_series(0, 29) AS g(step)
CROSS JOIN LATERAL (
    SELECT 0.8 + 0.4 * ((r.h & 65535)::float8 / 65536) AS noise,
           ((r.h >> 16) & 65535)::float8 / 65536 AS u3,
           ((r.h >> 32) & 65535)::float8 / 65536 AS u4,
           ((r.h >> 48) & 127)::int AS hours
    FROM (SELECT hashint8extended(b.link_id * 64 + g.step, %(seed)s::bigint) AS h OFFSET 0) r
    OFFSET 0
) h
CROSS JOIN LATERAL (
    SELECT c.captured,
           CASE WHEN c.captured >= b.last_post THEN b.last_post
                ELSE c.captured - make_interval(hours => 2 + h.hours %% 118) END AS post_at
    FROM (SELECT b.first_at + make_interval(days => g.step * %(every)s::int) AS captured) c
    OFFSET 0
) t
CROSS JOIN LATERAL (
    SELECT p.posts, p.commented, p.comments,
           LEAST(p.commented, round(p.commented * b.reply_share))::int AS with_reply
    FROM (
        SELECT q.posts, LEAST(q.posts, round(q.posts * (0.7 + 0.3 * h.u3)))::int AS commented,
               round(q.posts * b.cpp * h.noise)::int AS comments
        FROM (
            SELECT CASE WHEN t.captured - t.post_at <= make_interval(days => %(window)s::int)
                        THEN round(b.posts * h.noise)::int ELSE 0 END AS posts
            OFFSET 0
        ) q
        OFFSET 0
    ) p
    OFFSET 0
) n
WHERE b.link_id >= %(lo)s AND b.link_id < %(hi)s
"""
)


def copy_rows(table: str, columns: str, rows: list[tuple]) -> None:
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def fix_sequences() -> None:
    with connection.cursor() as cursor:
        for table in ("directory_creator", "directory_platformlink", "directory_statssnapshot"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'),"  # noqa: S608 - ours
                f" (SELECT COALESCE(MAX(id), 1) FROM {table}))"
            )


SNAPSHOT_TABLE = "directory_statssnapshot"


def drop_snapshot_indexes() -> list[str]:
    """Drop the snapshot table's secondary indexes; returns the statements that rebuild them.

    Building an index once over 9 million rows is several times faster than maintaining three
    indexes row by row, so an empty table is loaded bare and indexed after (same transaction)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
            " WHERE conrelid = %s::regclass AND contype = 'u'",
            [SNAPSHOT_TABLE],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x"
            " JOIN pg_class i ON i.oid = x.indexrelid"
            " WHERE x.indrelid = %s::regclass AND NOT x.indisprimary"
            " AND x.indexrelid NOT IN (SELECT conindid FROM pg_constraint"
            "   WHERE conrelid = %s::regclass)",
            [SNAPSHOT_TABLE, SNAPSHOT_TABLE],
        )
        indexes = cursor.fetchall()
        rebuild = []
        for name, definition in constraints:
            cursor.execute(f'ALTER TABLE {SNAPSHOT_TABLE} DROP CONSTRAINT "{name}"')
            rebuild.append(f'ALTER TABLE {SNAPSHOT_TABLE} ADD CONSTRAINT "{name}" {definition}')
        for name, definition in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
            rebuild.append(definition)
    return rebuild


def fk_triggers(*, enabled: bool) -> None:
    """Switch per-row FK checks off for the load and on again (superuser only; harmless to go
    without)."""
    role = "origin" if enabled else "replica"
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL session_replication_role = {role}")
    except DatabaseError:
        pass
