"""Validation of an import document (`{"format": "mhvoices/1", "creators": [...]}`).

The whole document is checked before anything is written, and every problem is reported with
its path (`creators[3].links[0].url: not a valid http(s) URL`) so that one run shows everything
to fix. The result is a list of cleaned dataclasses that `directory.services.imports` applies.

Keys that are absent stay absent in the cleaned data (`fields` only holds what the file gives):
an existing creator keeps its current value for a key the file leaves out.
The format is documented in docs/import-format.md; keep the two in step.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import astuple
from typing import Any

from django.conf.locale import LANG_INFO
from django.core.exceptions import ValidationError
from django.core.validators import slug_re
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries

from directory.models import (
    COUNT_FIELDS,
    MEASUREMENT_FIELDS,
    CreatorStatus,
    CreatorType,
    Language,
    Platform,
    PlatformLink,
    SnapshotSource,
    StatsSnapshot,
    Topic,
)
from directory.services.links import link_normalise

from .import_readers import (
    INT_MAX,
    CleanCreator,
    CleanLink,
    CleanSnapshot,
    FieldReader,
    ImportProblem,
    ImportValidationError,
)

FORMAT = "mhvoices/1"

TOP_KEYS = frozenset({"format", "creators"})
CREATOR_TEXT_LIMITS = {"name": 120, "bio": 300, "about": 20_000, "content_notes": 300}
CREATOR_KEYS = frozenset(
    {
        *CREATOR_TEXT_LIMITS,
        "slug",
        "creator_type",
        "topics",
        "languages",
        "country",
        "status",
        "is_demo",
        "on_break_until",
        "links",
    }
)
LINK_TEXT_LIMITS = {"handle": 200, "external_id": 200}
LINK_KEYS = frozenset({"platform", "url", *LINK_TEXT_LIMITS, "verified", "is_public", "snapshots"})
SNAPSHOT_KEYS = frozenset({"captured_at", "source", "notes", *MEASUREMENT_FIELDS})
DEFAULT_SNAPSHOT_SOURCE = SnapshotSource.MODERATOR
# The choices, as strings, once: `TextChoices.values` builds a new list on every access, and a
# large file asks tens of thousands of times.
_CREATOR_TYPES = tuple(CreatorType.values)
_STATUSES = tuple(CreatorStatus.values)
_PLATFORMS = tuple(Platform.values)
_SOURCES = tuple(SnapshotSource.values)
SLUG_MAX_LENGTH = 140

# A little slack for clocks that disagree; a snapshot from next week is a mistake.
_FUTURE_TOLERANCE = dt.timedelta(days=1)


def known_language_name(code: str) -> str | None:
    """The name of a language code we accept, or None when it is unknown."""
    info = LANG_INFO.get(code)
    if info and "name" in info:
        return str(info["name"])
    return None


class _Validator(FieldReader):
    def __init__(self) -> None:
        super().__init__()
        self.topic_slugs = set(Topic.objects.values_list("slug", flat=True))
        self.language_codes = set(Language.objects.values_list("code", flat=True))
        self.now = timezone.now()

    # -- the document -------------------------------------------------------------------------
    def document(self, data: Any) -> list[CleanCreator]:
        if not isinstance(data, dict):
            self.error("(document)", 'must be a JSON object {"format": ..., "creators": [...]}')
            return []
        self.check_keys(data, TOP_KEYS, "")
        if data.get("format") != FORMAT:
            self.error("format", f"must be {FORMAT!r} (got {data.get('format')!r})")
        creators_raw = data.get("creators")
        if not isinstance(creators_raw, list):
            self.error("creators", "must be a list of creators")
            return []
        creators = [self.creator(raw, f"creators[{i}]") for i, raw in enumerate(creators_raw)]
        cleaned = [c for c in creators if c is not None]
        self.assign_slugs(cleaned, creators_raw)
        self.check_duplicate_links(cleaned)
        if not self.problems:
            self.check_against_database(cleaned)
            self.check_duplicate_external_ids(cleaned)
        return cleaned

    def creator(self, raw: Any, path: str) -> CleanCreator | None:
        if not isinstance(raw, dict):
            self.error(path, "must be an object")
            return None
        self.check_keys(raw, CREATOR_KEYS, path)
        fields: dict[str, Any] = {}
        if "name" not in raw:
            self.error(f"{path}.name", "is required")
        for key, limit in CREATOR_TEXT_LIMITS.items():
            if key in raw:
                value = self.text(raw[key], f"{path}.{key}", limit)
                if key == "name" and value == "":
                    self.error(f"{path}.name", "must not be empty")
                elif value is not None:
                    fields[key] = value
        slug = ""
        if "slug" in raw:
            value = raw["slug"]
            if not isinstance(value, str) or not slug_re.match(value):
                self.error(f"{path}.slug", "not a valid slug (letters, digits, '-' and '_')")
            elif len(value) > SLUG_MAX_LENGTH:
                self.error(f"{path}.slug", f"too long (at most {SLUG_MAX_LENGTH} characters)")
            else:
                slug = value
        choices = (
            ("creator_type", _CREATOR_TYPES, "creator type"),
            ("status", _STATUSES, "status"),
        )
        for key, allowed, what in choices:
            if key in raw and (value := self.choice(raw[key], f"{path}.{key}", allowed, what)):
                fields[key] = value
        if "country" in raw:
            value = raw["country"]
            if value in ("", None):
                fields["country"] = ""
            elif isinstance(value, str) and value.upper() in countries:
                fields["country"] = value.upper()
            else:
                self.error(f"{path}.country", f"unknown country code {value!r} (ISO 3166 alpha-2)")
        if (
            "is_demo" in raw
            and (value := self.boolean(raw["is_demo"], f"{path}.is_demo")) is not None
        ):
            fields["is_demo"] = value
        if "on_break_until" in raw:
            ok, when = self.datetime(raw["on_break_until"], f"{path}.on_break_until", nullable=True)
            if ok:
                fields["on_break_until"] = when
        creator = CleanCreator(path=path, slug=slug, fields=fields)
        if "topics" in raw:
            creator.topics = self.topics(raw["topics"], f"{path}.topics")
        if "languages" in raw:
            creator.languages = self.languages(raw["languages"], f"{path}.languages")
        links_raw = raw.get("links", [])
        if not isinstance(links_raw, list):
            self.error(f"{path}.links", "must be a list of links")
            links_raw = []
        for index, link_raw in enumerate(links_raw):
            link = self.link(link_raw, f"{path}.links[{index}]")
            if link is not None:
                creator.links.append(link)
        return creator

    def topics(self, value: Any, path: str) -> list[str] | None:
        slugs = self.string_list(value, path)
        if slugs is None:
            return None
        for index, slug in enumerate(slugs):
            if slug not in self.topic_slugs:
                self.error(f"{path}[{index}]", f"unknown topic {slug!r}")
        return list(dict.fromkeys(slugs))

    def languages(self, value: Any, path: str) -> list[str] | None:
        codes = self.string_list(value, path)
        if codes is None:
            return None
        codes = [c.lower() for c in codes]
        for index, code in enumerate(codes):
            if code not in self.language_codes and known_language_name(code) is None:
                self.error(f"{path}[{index}]", f"unknown language code {code!r} (ISO 639-1)")
        return list(dict.fromkeys(codes))

    def link(self, raw: Any, path: str) -> CleanLink | None:
        if not isinstance(raw, dict):
            self.error(path, "must be an object")
            return None
        self.check_keys(raw, LINK_KEYS, path)
        platform = None
        if "platform" in raw:
            platform = self.choice(raw["platform"], f"{path}.platform", _PLATFORMS, "platform")
            if platform is None:
                return None
        url = None
        if "url" not in raw:
            self.error(f"{path}.url", "is required")
        elif not isinstance(raw["url"], str):
            self.error(f"{path}.url", "not a valid http(s) URL")
        else:
            try:
                platform, url = astuple(link_normalise(url=raw["url"], platform=platform))
            except ValidationError as exc:
                self.error(f"{path}.url", exc.messages[0])
        fields: dict[str, Any] = {}
        for key, limit in LINK_TEXT_LIMITS.items():
            if key in raw and (value := self.text(raw[key], f"{path}.{key}", limit)) is not None:
                fields[key] = value
        for key in ("verified", "is_public"):
            if key in raw and (value := self.boolean(raw[key], f"{path}.{key}")) is not None:
                fields[key] = value
        snapshots: list[CleanSnapshot] = []
        snapshots_raw = raw.get("snapshots", [])
        if not isinstance(snapshots_raw, list):
            self.error(f"{path}.snapshots", "must be a list of snapshots")
            snapshots_raw = []
        seen: dict[dt.datetime, int] = {}
        for index, snap_raw in enumerate(snapshots_raw):
            snap_path = f"{path}.snapshots[{index}]"
            snapshot = self.snapshot(snap_raw, snap_path)
            if snapshot is None:
                continue
            if snapshot.captured_at in seen:
                self.error(
                    f"{snap_path}.captured_at",
                    f"the same time as snapshots[{seen[snapshot.captured_at]}] of this link",
                )
                continue
            seen[snapshot.captured_at] = index
            snapshots.append(snapshot)
        if url is None or platform is None:
            return None
        return CleanLink(path=path, platform=platform, url=url, fields=fields, snapshots=snapshots)

    def snapshot(self, raw: Any, path: str) -> CleanSnapshot | None:
        if not isinstance(raw, dict):
            self.error(path, "must be an object")
            return None
        self.check_keys(raw, SNAPSHOT_KEYS, path)
        ok = True
        captured_at = None
        if "captured_at" not in raw:
            self.error(f"{path}.captured_at", "is required")
            ok = False
        else:
            ok, captured_at = self.datetime(
                raw["captured_at"], f"{path}.captured_at", nullable=False
            )
            if captured_at is not None and captured_at > self.now + _FUTURE_TOLERANCE:
                self.error(f"{path}.captured_at", "is in the future")
                ok = False
        source = DEFAULT_SNAPSHOT_SOURCE.value
        if "source" in raw:
            checked = self.choice(raw["source"], f"{path}.source", _SOURCES, "source")
            ok = ok and checked is not None
            source = checked or source
        values: dict[str, Any] = {"notes": ""}
        if "notes" in raw:
            notes = self.text(raw["notes"], f"{path}.notes", 300)
            ok = ok and notes is not None
            values["notes"] = notes or ""
        for name in COUNT_FIELDS:
            number = raw.get(name)
            # The common case (a small non-negative int, or null) is accepted without building
            # the field's path; anything else gets the full check and its message.
            if number is None or (
                type(number) is int and 0 <= number <= INT_MAX and (number or name != "window_days")
            ):
                values[name] = number
                continue
            good, number = self.count(number, f"{path}.{name}", name)
            ok = ok and good
            values[name] = number
        good, last_post = self.datetime(
            raw.get("last_post_at"), f"{path}.last_post_at", nullable=True
        )
        values["last_post_at"] = last_post
        if not (ok and good) or captured_at is None:
            return None
        return CleanSnapshot(captured_at=captured_at, source=source, values=values)

    # -- across the document ------------------------------------------------------------------
    def assign_slugs(self, creators: list[CleanCreator], raw: list) -> None:
        """Explicit slugs must be unique; missing ones come from the name, made unique."""
        first_use: dict[str, str] = {}
        for creator in creators:
            if creator.slug:
                if creator.slug in first_use:
                    self.error(
                        f"{creator.path}.slug",
                        f"duplicate slug {creator.slug!r} (also used by {first_use[creator.slug]})",
                    )
                else:
                    first_use[creator.slug] = creator.path
        taken = set(first_use)
        for creator in creators:
            if creator.slug or "name" not in creator.fields:
                continue
            base = (slugify(creator.fields["name"]) or "creator")[: SLUG_MAX_LENGTH - 6]
            candidate, n = base, 2
            while candidate in taken:
                candidate, n = f"{base}-{n}", n + 1
            creator.slug = candidate
            taken.add(candidate)

    def check_duplicate_links(self, creators: list[CleanCreator]) -> None:
        first_use: dict[str, str] = {}
        for creator in creators:
            for link in creator.links:
                if link.url in first_use:
                    self.error(
                        f"{link.path}.url",
                        f"the same account as {first_use[link.url]} (normalised: {link.url})",
                    )
                else:
                    first_use[link.url] = link.path

    def check_duplicate_external_ids(self, creators: list[CleanCreator]) -> None:
        """One account, one link: a stable id may not appear on two links of a platform."""
        first_use: dict[tuple[str, str], CleanLink] = {}
        for creator in creators:
            for link in creator.links:
                key = (link.platform, link.fields.get("external_id") or "")
                if not key[1]:
                    continue
                if key in first_use:
                    self.error(
                        f"{link.path}.external_id",
                        f"the same account as {first_use[key].path} (external_id {key[1]!r})",
                    )
                else:
                    first_use[key] = link
        if not first_use:
            return
        stored = PlatformLink.objects.filter(
            external_id__in={eid for _, eid in first_use}
        ).values_list("platform", "external_id", "url")
        for platform, external_id, url in stored:
            link = first_use.get((platform, external_id))
            if link is not None and link.url != url:
                self.error(
                    f"{link.path}.external_id",
                    f"the same account is already listed as {url}; merge or remove one",
                )

    def check_against_database(self, creators: list[CleanCreator]) -> None:
        """Links already listed under another creator; snapshots that would have to change."""
        links = {link.url: (creator, link) for creator in creators for link in creator.links}
        existing = (
            PlatformLink.objects.filter(url__in=links)
            .select_related("creator")
            .only("pk", "url", "platform", "creator__slug")
        )
        existing_by_id: dict[int, CleanLink] = {}
        for stored in existing:
            creator, link = links[stored.url]
            if stored.creator.slug != creator.slug:
                self.error(
                    f"{link.path}.url",
                    f"already listed for another creator ({stored.creator.slug!r})",
                )
            elif stored.platform != link.platform:
                self.error(
                    f"{link.path}.platform",
                    f"this URL is already listed as {stored.platform!r}, not {link.platform!r}",
                )
            else:
                existing_by_id[stored.pk] = link
        wanted = {
            (link_id, snap.captured_at): (link, index, snap)
            for link_id, link in existing_by_id.items()
            for index, snap in enumerate(link.snapshots)
        }
        if not wanted:
            return
        stored_snapshots = StatsSnapshot.objects.filter(link_id__in=existing_by_id).only(
            "link_id", "captured_at", "source", "notes", *MEASUREMENT_FIELDS
        )
        # Streamed: a re-import of a large file compares tens of thousands of snapshots.
        for stored in stored_snapshots.iterator(chunk_size=2000):
            match = wanted.get((stored.link_id, stored.captured_at))
            if match is None:
                continue
            link, index, snap = match
            if snapshot_differs(stored, snap):
                self.error(
                    f"{link.path}.snapshots[{index}]",
                    "a snapshot of this link at this time already exists with different values "
                    "(snapshots are never changed once recorded)",
                )


def snapshot_differs(stored: StatsSnapshot, snap: CleanSnapshot) -> bool:
    if stored.source != snap.source:
        return True
    return any(getattr(stored, name) != value for name, value in snap.values.items())


def validate_document(data: Any) -> list[CleanCreator]:
    """Check a parsed document; return the cleaned creators or raise ImportValidationError."""
    validator = _Validator()
    creators = validator.document(data)
    if validator.problems:
        raise ImportValidationError(validator.problems)
    return creators


__all__ = [
    "FORMAT",
    "CleanCreator",
    "CleanLink",
    "CleanSnapshot",
    "ImportProblem",
    "ImportValidationError",
    "known_language_name",
    "validate_document",
]
