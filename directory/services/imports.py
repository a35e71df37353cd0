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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Prefetch, Subquery

from directory.models import (
    MEASUREMENT_FIELDS,
    Creator,
    FetchState,
    Language,
    PlatformLink,
    StatsSnapshot,
    Topic,
)
from directory.services.listing_cache import listing_changed_on_commit
from directory.services.scores import creators_recompute_scores

from .import_readers import read_json_document
from .import_validation import (
    FORMAT,
    CleanCreator,
    CleanLink,
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
    creators = validate_document(data)
    summary = ImportSummary()
    with transaction.atomic():
        changed_ids = _apply(creators, summary)
        if changed_ids and not dry_run:
            listing_changed_on_commit()
            summary.scores_recomputed = creators_recompute_scores(creator_ids=changed_ids)
        if dry_run:
            transaction.set_rollback(True)
    return summary


_SCALAR_DEFAULTS: dict[str, Any] = {"status": "pending"}


def _apply(creators: list[CleanCreator], summary: ImportSummary) -> list[int]:
    existing = {
        c.slug: c
        for c in Creator.objects.filter(slug__in=[c.slug for c in creators]).prefetch_related(
            "topics", "languages"
        )
    }
    topics = {t.slug: t for t in Topic.objects.all()}
    languages = _ensure_languages(code for c in creators for code in (c.languages or []))
    stored_links = {
        link.url: link
        for link in PlatformLink.objects.filter(
            url__in=[link.url for c in creators for link in c.links]
        )
    }
    stored_times: dict[int, set[dt.datetime]] = {}
    for link_id, captured_at in StatsSnapshot.objects.filter(
        link_id__in=[link.pk for link in stored_links.values()]
    ).values_list("link_id", "captured_at"):
        stored_times.setdefault(link_id, set()).add(captured_at)

    new_snapshots: list[StatsSnapshot] = []
    touched_links: set[int] = set()
    unfetched: list[int] = []
    changed_ids: list[int] = []
    for clean in creators:
        creator = existing.get(clean.slug)
        changed = False
        if creator is None:
            creator = Creator(slug=clean.slug, **{**_SCALAR_DEFAULTS, **clean.fields})
            creator.save()
            summary.creators_created += 1
            changed = True
            created = True
        else:
            created = False
            dirty = [
                name
                for name, value in clean.fields.items()
                if _creator_value(creator, name) != value
            ]
            for name in dirty:
                setattr(creator, name, clean.fields[name])
            if dirty:
                creator.save(update_fields=[*dirty, "updated_at"])
                changed = True
        if clean.topics is not None:
            changed |= _set_m2m(creator, "topics", [topics[s] for s in clean.topics], created)
        if clean.languages is not None:
            changed |= _set_m2m(
                creator, "languages", [languages[c] for c in clean.languages], created
            )
        for clean_link in clean.links:
            link, link_changed = _upsert_link(creator, clean_link, stored_links, summary)
            changed |= link_changed
            if link.fetch_state == FetchState.NEW and link.last_fetched_at is None:
                unfetched.append(link.pk)
            times = stored_times.get(link.pk, set())
            for snap in clean_link.snapshots:
                if snap.captured_at in times:
                    continue
                new_snapshots.append(
                    StatsSnapshot(
                        link=link, captured_at=snap.captured_at, source=snap.source, **snap.values
                    )
                )
                touched_links.add(link.pk)
                changed = True
        if changed:
            changed_ids.append(creator.pk)
            if not created:
                summary.creators_updated += 1
        else:
            summary.creators_unchanged += 1

    PlatformLink.objects.filter(pk__in=unfetched).mark_never_fetched()
    StatsSnapshot.objects.bulk_create(new_snapshots, batch_size=500)
    summary.snapshots_created = len(new_snapshots)
    if touched_links:
        latest = StatsSnapshot.objects.filter(link=OuterRef("pk")).order_by("-captured_at")
        PlatformLink.objects.filter(pk__in=touched_links).update(
            latest_snapshot=Subquery(latest.values("pk")[:1])
        )
    return changed_ids


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


def _upsert_link(
    creator: Creator,
    clean: CleanLink,
    stored_links: dict[str, PlatformLink],
    summary: ImportSummary,
) -> tuple[PlatformLink, bool]:
    link = stored_links.get(clean.url)
    if link is None:
        link = PlatformLink.objects.create(
            creator=creator, platform=clean.platform, url=clean.url, **clean.fields
        )
        stored_links[clean.url] = link
        summary.links_created += 1
        return link, True
    dirty = [name for name, value in clean.fields.items() if getattr(link, name) != value]
    for name in dirty:
        setattr(link, name, clean.fields[name])
    if dirty:
        link.save(update_fields=dirty)
        summary.links_updated += 1
    return link, bool(dirty)


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
