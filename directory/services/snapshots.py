"""Recording a statistics snapshot entered by a person: a moderator, or the creator themselves.

Platforms with no public API (Instagram, TikTok, X, Facebook, Threads, Reddit) get their figures
only this way, and they are shown as unverified (the snapshot's `source` says who entered them).

`snapshot_record()` is the one way to add such a snapshot:
- every count is a whole number ≥ 0 or None (unknown, which is not 0); unknown field names,
  negative counts, a capture time in the future and an entry with no figures at all are refused
  with a `ValidationError` whose `code` says which rule;
- snapshots are append-only: a second entry for the same link and `captured_at` is refused,
  never merged into the first;
- `link.latest_snapshot` moves only when the new snapshot is the newest (back-filling an older
  reading must not make the link look out of date);
- the creator's score is recomputed, all in one transaction: if anything fails, nothing is kept.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from directory.models import (
    MEASUREMENT_FIELDS,
    PlatformLink,
    SnapshotSource,
    StatsSnapshot,
)
from directory.services.scores import creator_recompute_score

__all__ = ["snapshot_record", "validate_measurements"]

_NOTES_LIMIT = 300


def validate_measurements(measurements: Mapping[str, Any]) -> dict[str, Any]:
    """The measurements, checked; raises ValidationError listing every problem with its code."""
    errors: dict[str, list[ValidationError]] = {}
    clean: dict[str, Any] = {}
    for name, value in measurements.items():
        if name not in MEASUREMENT_FIELDS:
            errors.setdefault(name, []).append(
                ValidationError(
                    "%(name)s is not a known measurement.",
                    code="unknown_field",
                    params={"name": name},
                )
            )
            continue
        if value is None:
            clean[name] = None
        elif name == "last_post_at":
            if not isinstance(value, dt.datetime) or timezone.is_naive(value):
                errors.setdefault(name, []).append(
                    ValidationError(
                        "The last post time must be a date and time with a time zone.",
                        code="invalid",
                    )
                )
            else:
                clean[name] = value
        elif isinstance(value, bool) or not isinstance(value, int):
            errors.setdefault(name, []).append(
                ValidationError(
                    "%(name)s must be a whole number, or blank if unknown.",
                    code="invalid",
                    params={"name": name},
                )
            )
        elif value < 0:
            errors.setdefault(name, []).append(
                ValidationError(
                    "%(name)s cannot be negative.", code="negative", params={"name": name}
                )
            )
        elif name == "window_days" and value == 0:
            errors.setdefault(name, []).append(
                ValidationError("The window must be at least one day.", code="invalid")
            )
        else:
            clean[name] = value
    if errors:
        raise ValidationError(errors)
    if all(value is None for value in clean.values()):
        raise ValidationError(
            "Enter at least one figure; leave the others blank if they are unknown.",
            code="empty",
        )
    return clean


def snapshot_record(
    *,
    link: PlatformLink,
    source: str,
    captured_at: dt.datetime | None = None,
    measurements: Mapping[str, Any],
    notes: str = "",
) -> StatsSnapshot:
    """Append one snapshot for `link` and recompute its creator's score (one transaction)."""
    if source not in SnapshotSource.values:
        raise ValidationError(
            "Unknown source %(source)r.", code="invalid_source", params={"source": source}
        )
    now = timezone.now()
    # Whole seconds, so that the same reading entered twice (or a form re-submitted) is
    # recognised as the same captured_at and refused.
    captured_at = (captured_at or now).replace(microsecond=0)
    if timezone.is_naive(captured_at):
        raise ValidationError("The capture time needs a time zone.", code="naive_time")
    if captured_at > now + dt.timedelta(minutes=5):
        raise ValidationError(
            "The capture time is in the future; enter when the figures were read.",
            code="future",
        )
    values = validate_measurements(measurements)
    last_post_at = values.get("last_post_at")
    if last_post_at is not None and last_post_at > captured_at + dt.timedelta(minutes=5):
        raise ValidationError(
            {
                "last_post_at": ValidationError(
                    "The last post cannot be later than the time the figures were read.",
                    code="after_capture",
                )
            }
        )
    if len(notes) > _NOTES_LIMIT:
        raise ValidationError(
            "Notes are limited to %(limit)d characters.",
            code="notes_too_long",
            params={"limit": _NOTES_LIMIT},
        )

    with transaction.atomic():
        # Locking the link serialises entries for it, so the latest pointer cannot go backwards.
        locked = (
            PlatformLink.objects.select_for_update(of=("self",))
            .select_related("latest_snapshot")
            .get(pk=link.pk)
        )
        if StatsSnapshot.objects.filter(link=locked, captured_at=captured_at).exists():
            raise _duplicate(captured_at)
        try:
            with transaction.atomic():
                snapshot = StatsSnapshot.objects.create(
                    link=locked, captured_at=captured_at, source=source, notes=notes, **values
                )
        except IntegrityError:
            # A concurrent entry (or a check constraint the validation above missed).
            raise _duplicate(captured_at) from None
        latest = locked.latest_snapshot
        if latest is None or latest.captured_at <= snapshot.captured_at:
            PlatformLink.objects.filter(pk=locked.pk).update(latest_snapshot=snapshot)
            link.latest_snapshot = snapshot
        creator_recompute_score(creator_id=locked.creator_id)
    return snapshot


def _duplicate(captured_at: dt.datetime) -> ValidationError:
    return ValidationError(
        "This link already has statistics captured at %(time)s. Snapshots are never changed "
        "once recorded; enter the new figures with the time you read them.",
        code="duplicate",
        params={"time": captured_at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")},
    )
