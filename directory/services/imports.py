"""Import and export of the directory in the `mhvoices/1` JSON format (docs/import-format.md).

`creators_import()` validates the whole document first (see `import_validation`), then writes
everything in one transaction or nothing at all. It is idempotent: a creator is matched by slug,
a link by its normalised URL, a snapshot by (link, captured_at); running the same file twice
changes nothing the second time. Imports never delete: creators, links and snapshots missing
from the file are left alone. `creators_export()` writes the same format, so an export imported
into an empty install and exported again gives the same document.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from django.db import connection, transaction
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from directory.models import (
    MEASUREMENT_FIELDS,
    Creator,
    FetchState,
    Language,
    PlatformLink,
    StatsSnapshot,
    Topic,
)
from directory.services.bulk_sql import objs_copy, pks_reserve, pks_take, rows_copy
from directory.services.listing_cache import listing_changed_on_commit
from directory.services.score_inputs import ids_in, values_in
from directory.services.scores import creators_recompute_scores

from .import_readers import read_json_document
from .import_scores import NewCreatorScorer
from .import_validation import (
    FORMAT,
    CleanCreator,
    CleanSnapshot,
    ImportProblem,
    ImportValidationError,
    known_language_name,
    validate_document,
)

__all__ = [
    "FORMAT",
    "ImportProblem",
    "ImportSummary",
    "ImportValidationError",
    "creators_export",
    "creators_import",
    "creators_import_checked",
    "load_document",
    "validate_document",
]


@dataclass
class ImportSummary:
    creators_created: int = 0
    creators_updated: int = 0
    creators_unchanged: int = 0
    links_created: int = 0
    links_updated: int = 0
    snapshots_created: int = 0
    scores_recomputed: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.creators_created or self.creators_updated)

    def line(self) -> str:
        return (
            f"Creators: {self.creators_created} created, {self.creators_updated} updated, "
            f"{self.creators_unchanged} unchanged; links: {self.links_created} created, "
            f"{self.links_updated} updated; snapshots: {self.snapshots_created} added; "
            f"scores recomputed: {self.scores_recomputed}."
        )


def load_document(text: str | bytes) -> Any:
    """Parse an import file; every reason to refuse it is an ImportValidationError."""
    return read_json_document(text)


def creators_import(data: Any, *, dry_run: bool = False) -> ImportSummary:
    """Validate and import a parsed document. Raises ImportValidationError, writing nothing."""
    return creators_import_checked(validate_document(data), dry_run=dry_run)


def creators_import_checked(
    creators: list[CleanCreator], *, dry_run: bool = False
) -> ImportSummary:
    """Import what `validate_document` returned. A caller that lets go of the parsed document
    first (the command does) holds only the checked one while writing."""
    summary = ImportSummary()
    with transaction.atomic():
        changed_ids = _apply(creators, summary, score=not dry_run)
        if changed_ids and not dry_run:
            # Names, bios, topics and links show in the list too, not only scores.
            listing_changed_on_commit()
            if not summary.scores_recomputed:
                summary.scores_recomputed = creators_recompute_scores(creator_ids=changed_ids)
        if dry_run:
            transaction.set_rollback(True)
    return summary


_SCALAR_DEFAULTS: dict[str, Any] = {"status": "pending"}
_SNAPSHOT_VALUES = (*MEASUREMENT_FIELDS, "notes")
_snapshot_values = itemgetter(*_SNAPSHOT_VALUES)
# Rows per statement: bounded memory, and within every database's limit on parameters.
CHUNK = 2_000


def _chunks(items: list, size: int = CHUNK) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _apply(creators: list[CleanCreator], summary: ImportSummary, *, score: bool) -> list[int]:
    """Write the cleaned document with a bounded number of statements per CHUNK rows.

    With `score`, a document of new creators only is scored before its creator rows are
    written (import_scores), so each row is written once; otherwise the caller rescores the
    changed creators after."""
    by_slug, new = _write_creators(creators, summary)
    scorer = None
    if score and new and len(new) == len(creators) and connection.vendor == "postgresql":
        scorer = NewCreatorScorer.prepare(creators, by_slug, now=timezone.now())
        # Their links, topics, snapshots and history go in first (foreign keys are checked
        # at commit); the creator rows last, with their scores.
        pks_reserve(Creator, new)
    else:
        objs_copy(Creator, new)
    changed = _write_m2m(creators, by_slug)
    links, link_changed, new_links = _write_links(creators, by_slug, summary)
    changed |= link_changed
    changed |= _write_snapshots(creators, links, new_links, summary)
    if scorer is not None:
        scorer.score(creators, by_slug, links)
        objs_copy(Creator, new)
        scorer.store_stats()
        summary.scores_recomputed = len(new)
    unfetched = [
        link.pk
        for link in links.values()
        if link.fetch_state == FetchState.NEW and link.last_fetched_at is None
    ]
    for chunk in _chunks(unfetched):
        PlatformLink.objects.filter(ids_in("pk", chunk)).mark_never_fetched()
    changed_ids = []
    for clean in creators:
        creator = by_slug[clean.slug]
        if getattr(creator, "_import_created", False):
            changed_ids.append(creator.pk)
        elif creator.pk in changed:
            changed_ids.append(creator.pk)
            summary.creators_updated += 1
        else:
            summary.creators_unchanged += 1
    return changed_ids


def _write_creators(
    creators: list[CleanCreator], summary: ImportSummary
) -> tuple[dict[str, Creator], list[Creator]]:
    """Every creator of the document by slug; existing ones are updated, the new ones (also
    returned) are left for the caller to write."""
    slugs = [c.slug for c in creators]
    by_slug: dict[str, Creator] = {}
    for chunk in _chunks(slugs):
        # The stored score breakdown is never compared: leave it in the database.
        stored = Creator.objects.filter(values_in("slug", chunk)).defer("score_breakdown")
        for creator in stored.prefetch_related("topics", "languages"):
            by_slug[creator.slug] = creator
    new: list[Creator] = []
    for clean in creators:
        creator = by_slug.get(clean.slug)
        if creator is None:
            creator = Creator(slug=clean.slug, **{**_SCALAR_DEFAULTS, **clean.fields})
            creator._import_created = True  # type: ignore[attr-defined]
            by_slug[clean.slug] = creator
            new.append(creator)
            continue
        dirty = [
            name for name, value in clean.fields.items() if _creator_value(creator, name) != value
        ]
        for name in dirty:
            setattr(creator, name, clean.fields[name])
        if dirty:
            creator.save(update_fields=[*dirty, "updated_at"])
            creator._import_dirty = True  # type: ignore[attr-defined]
    summary.creators_created = len(new)
    return by_slug, new


def _write_m2m(creators: list[CleanCreator], by_slug: dict[str, Creator]) -> set[int]:
    """Topics and languages; returns the existing creators whose lists changed."""
    topics = {t.slug: t for t in Topic.objects.all()}
    languages = _ensure_languages(code for c in creators for code in (c.languages or []))
    changed: set[int] = set()
    rows: dict[str, list[tuple[int, int]]] = {"topics": [], "languages": []}
    for clean in creators:
        creator = by_slug[clean.slug]
        if getattr(creator, "_import_dirty", False):
            changed.add(creator.pk)
        for name, wanted in (
            ("topics", None if clean.topics is None else [topics[s] for s in clean.topics]),
            (
                "languages",
                None if clean.languages is None else [languages[c] for c in clean.languages],
            ),
        ):
            if wanted is None:
                continue
            if getattr(creator, "_import_created", False):
                rows[name] += [(creator.pk, obj.pk) for obj in wanted]
            elif _set_m2m(creator, name, wanted, created=False):
                changed.add(creator.pk)
    for name, through_rows in rows.items():
        # Plain (creator, topic|language) pairs: no model instance per row.
        field = "topic_id" if name == "topics" else "language_id"
        rows_copy(getattr(Creator, name).through, ("creator_id", field), through_rows)
    return changed


def _write_links(
    creators: list[CleanCreator], by_slug: dict[str, Creator], summary: ImportSummary
) -> tuple[dict[str, PlatformLink], set[int], list[PlatformLink]]:
    """Every link of the document by URL; the creators changed; and the new links, which
    `_write_snapshots` writes (stored ones are updated here)."""
    urls = [link.url for c in creators for link in c.links]
    stored: dict[str, PlatformLink] = {}
    for chunk in _chunks(urls):
        for link in PlatformLink.objects.filter(values_in("url", chunk)):
            stored[link.url] = link
    changed: set[int] = set()
    new: list[PlatformLink] = []
    for clean in creators:
        creator = by_slug[clean.slug]
        for clean_link in clean.links:
            link = stored.get(clean_link.url)
            if link is None:
                link = PlatformLink(
                    creator=creator,
                    platform=clean_link.platform,
                    url=clean_link.url,
                    **clean_link.fields,
                )
                stored[clean_link.url] = link
                new.append(link)
                changed.add(creator.pk)
                continue
            dirty = [n for n, v in clean_link.fields.items() if getattr(link, n) != v]
            for name in dirty:
                setattr(link, name, clean_link.fields[name])
            if dirty:
                link.save(update_fields=dirty)
                summary.links_updated += 1
                changed.add(creator.pk)
    return stored, changed, new


def _write_snapshots(
    creators: list[CleanCreator],
    links: dict[str, PlatformLink],
    new_links: list[PlatformLink],
    summary: ImportSummary,
) -> set[int]:
    """New links (not written yet) and new snapshots. On PostgreSQL the snapshots' keys are
    taken first, so a new link is written once, already pointing at its latest snapshot; a
    stored link that gained snapshots has its latest one set after."""
    stored_times: dict[int, set[dt.datetime]] = defaultdict(set)
    for chunk in _chunks([link.pk for link in links.values() if link.pk is not None]):
        for link_id, captured_at in StatsSnapshot.objects.filter(
            ids_in("link_id", chunk)
        ).values_list("link_id", "captured_at"):
            stored_times[link_id].add(captured_at)

    def new_snapshots() -> Iterator[tuple[PlatformLink, CleanSnapshot]]:
        for clean in creators:
            for clean_link in clean.links:
                link = links[clean_link.url]
                times = stored_times.get(link.pk, ()) if link.pk is not None else ()
                for snap in clean_link.snapshots:
                    if snap.captured_at not in times:
                        yield link, snap

    keys: list[int] | None = None
    if connection.vendor == "postgresql":
        # A first pass numbers the rows as the second writes them: a new link's latest
        # snapshot is known, and so is the key it will have.
        newest: dict[int, tuple[dt.datetime, int]] = {}  # id(new link) -> (time, row number)
        count = 0
        for count, (link, snap) in enumerate(new_snapshots(), start=1):
            best = newest.get(id(link))
            if link.pk is None and (best is None or snap.captured_at > best[0]):
                newest[id(link)] = (snap.captured_at, count - 1)
        keys = pks_take(StatsSnapshot, count)
        for link in new_links:
            if id(link) in newest:
                link.latest_snapshot_id = keys[newest[id(link)][1]]
    objs_copy(PlatformLink, new_links)
    summary.links_created = len(new_links)
    fresh = {link.pk for link in new_links if link.latest_snapshot_id is not None}
    changed: set[int] = set()
    touched: dict[int, None] = {}  # stored links that gained a snapshot, in order

    def rows() -> Iterator[tuple]:
        for number, (link, snap) in enumerate(new_snapshots()):
            summary.snapshots_created += 1
            changed.add(link.creator_id)
            if link.pk not in fresh:
                touched[link.pk] = None
            values = (link.pk, snap.captured_at, snap.source, *_snapshot_values(snap.values), [])
            yield values if keys is None else (keys[number], *values)

    columns = ("link_id", "captured_at", "source", *_SNAPSHOT_VALUES, "lower_bounds")
    # Streamed: the rows are written as they are made, never all held at once.
    rows_copy(StatsSnapshot, columns if keys is None else ("id", *columns), rows())
    latest = StatsSnapshot.objects.filter(link=OuterRef("pk")).order_by("-captured_at", "-pk")
    for chunk in _chunks(list(touched)):
        PlatformLink.objects.filter(ids_in("pk", chunk)).update(
            latest_snapshot=Subquery(latest.values("pk")[:1])
        )
    return changed


def _creator_value(creator: Creator, name: str) -> Any:
    value = getattr(creator, name)
    if name == "country":
        return value.code or ""
    return value


def _set_m2m(creator: Creator, name: str, wanted: list, created: bool) -> bool:
    manager = getattr(creator, name)
    if not created and {obj.pk for obj in manager.all()} == {obj.pk for obj in wanted}:
        return False
    manager.set(wanted)
    return bool(wanted) or not created


def _ensure_languages(codes: Iterable[str]) -> dict[str, Language]:
    wanted = set(codes)
    found = {lang.code: lang for lang in Language.objects.filter(code__in=wanted)}
    for code in sorted(wanted - set(found)):
        found[code] = Language.objects.create(code=code, name=known_language_name(code) or code)
    return found


# -- export ----------------------------------------------------------------------------------


def _iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def creators_export(*, statuses: Iterable[str] | None = None) -> dict[str, Any]:
    """The directory (all statuses unless `statuses` is given) as an import document.

    Not exported, because they belong to one install: users (submitted/claimed by), fetch state
    and schedule, and the computed scores (the importing install recomputes them).
    """
    creators = Creator.objects.order_by("slug").prefetch_related(
        "topics",
        "languages",
        Prefetch(
            "links",
            queryset=PlatformLink.objects.order_by("url").prefetch_related(
                Prefetch("snapshots", queryset=StatsSnapshot.objects.order_by("captured_at"))
            ),
        ),
    )
    if statuses is not None:
        creators = creators.filter(status__in=list(statuses))
    return {"format": FORMAT, "creators": [_export_creator(c) for c in creators]}


def _export_creator(creator: Creator) -> dict[str, Any]:
    return {
        "name": creator.name,
        "slug": creator.slug,
        "bio": creator.bio,
        "about": creator.about,
        "content_notes": creator.content_notes,
        "creator_type": creator.creator_type,
        "topics": sorted(t.slug for t in creator.topics.all()),
        "languages": sorted(lang.code for lang in creator.languages.all()),
        "country": creator.country.code or "",
        "status": creator.status,
        "is_demo": creator.is_demo,
        "on_break_until": _iso(creator.on_break_until),
        "links": [
            {
                "platform": link.platform,
                "url": link.url,
                "handle": link.handle,
                "external_id": link.external_id,
                "verified": link.verified,
                "is_public": link.is_public,
                "snapshots": [_export_snapshot(s) for s in link.snapshots.all()],
            }
            for link in creator.links.all()
        ],
    }


def _export_snapshot(snapshot: StatsSnapshot) -> dict[str, Any]:
    data: dict[str, Any] = {"captured_at": _iso(snapshot.captured_at), "source": snapshot.source}
    for name in MEASUREMENT_FIELDS:
        value = getattr(snapshot, name)
        data[name] = _iso(value) if isinstance(value, dt.datetime) else value
    data["notes"] = snapshot.notes
    return data
