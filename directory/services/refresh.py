"""Refreshing a platform link's statistics: one fetch, one snapshot, one state change.

`link_refresh()` is what the `refresh_link` Celery task and `manage.py refresh_stats --sync` call.
It never sleeps and never retries by itself: it records what happened on the link and returns a
`RefreshOutcome`, and the caller decides whether (and when) to try again.

Rules:
- A snapshot's `captured_at` is the start of its time bucket (`SNAPSHOT_BUCKET`). Together with
  the database's unique (link, captured_at) this makes a retried or redelivered fetch idempotent:
  the second run of the same bucket finds the first one's snapshot and creates nothing.
- Conditional requests (ETag, Last-Modified) are sent only while the latest fetched snapshot is
  younger than one refresh interval: a 304 stores nothing, and "posts in the last N days" moves.
- Temporary failures (timeouts, 5xx, 429) leave the link RETRYING until the caller's last
  attempt, which records it as FAILING. Permanent failures (gone, private) are FAILING at once.
  Neither touches earlier snapshots or the creator's score.
- Failing links are fetched less often (`failure_backoff`); a link that has failed without a
  single success for `DISABLE_AFTER` stops being fetched (DISABLED) and shows up for moderators
  with its `last_error`.
- Demo links (fictional creators, reserved example domains), platforms without a public API
  and the links of creators removed at their own request are never fetched (the last also
  covers a task queued before the removal, a manual `refresh_stats` and "Retry now").
- A fetch can take a link out of public view (the account asked not to be indexed) but never
  put it back: `is_public=False` may also be a moderator's or an import's decision, which a
  routine refresh must not overrule. A moderator re-enables it.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import nullcontext
from dataclasses import dataclass, fields
from typing import Literal

import httpx
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from directory.models import (
    FetchState,
    PlatformLink,
    SnapshotSource,
    StatsSnapshot,
)
from directory.platforms.base import (
    Adapter,
    FetchError,
    FetchResult,
    LinkRef,
    Measurements,
    RateLimitWait,
)
from directory.platforms.http import build_client
from directory.platforms.registry import get_adapter
from directory.services import avatars
from directory.services.links import link_same_account
from directory.services.scores import creator_recompute_score

logger = logging.getLogger(__name__)

SNAPSHOT_BUCKET = dt.timedelta(hours=1)
DISABLE_AFTER = dt.timedelta(days=30)
MAX_FAILURE_BACKOFF = dt.timedelta(days=7)
# While a Celery retry is pending the dispatcher must not pick the link up as well; if the retry
# message is lost, the dispatcher takes over once this lease has passed.
RETRY_LEASE = dt.timedelta(hours=1)

# The link fields a refresh writes (and the admin shows read-only).
FETCH_FIELDS = (
    "fetch_state",
    "last_fetched_at",
    "next_fetch_at",
    "enqueued_at",
    "consecutive_failures",
    "first_failure_at",
    "last_error",
    "etag",
    "last_modified",
)
MEASUREMENTS = tuple(f.name for f in fields(Measurements))

Status = Literal[
    "ok", "not_modified", "unchanged", "deferred", "retry", "failed", "disabled", "skipped"
]


@dataclass(frozen=True, slots=True)
class RefreshOutcome:
    """What one refresh did. `retry_after` is set when the caller should try again later."""

    link_id: int
    status: Status
    platform: str = ""
    snapshot_id: int | None = None
    measurements: Measurements | None = None
    retry_after: float | None = None
    error: str = ""


def bucket_start(moment: dt.datetime) -> dt.datetime:
    """The start of the snapshot bucket holding `moment` (UTC, whole buckets since the epoch)."""
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    size = SNAPSHOT_BUCKET.total_seconds()
    seconds = (moment.astimezone(dt.UTC) - epoch).total_seconds()
    return epoch + dt.timedelta(seconds=(seconds // size) * size)


def fetch_interval() -> dt.timedelta:
    return dt.timedelta(hours=settings.FETCH_INTERVAL_HOURS)


def failure_backoff(consecutive_failures: int) -> dt.timedelta:
    """How long a failing link waits: the normal interval, doubled per failure, at most a week."""
    exponent = max(0, min(consecutive_failures - 1, 10))
    return min(fetch_interval() * (2**exponent), MAX_FAILURE_BACKOFF)


def link_refresh(
    *,
    link_id: int,
    now: dt.datetime | None = None,
    final_attempt: bool = True,
    adapter: Adapter | None = None,
    client: httpx.Client | None = None,
) -> RefreshOutcome:
    """Fetch one link's public statistics and record the result. Returns a RefreshOutcome.

    `final_attempt=False` (the Celery task before its last retry) leaves a temporary failure as
    RETRYING with `retry_after` in the outcome; `True` records it as a failure for the
    dispatcher to try again after the back-off. `adapter` and `client` default to the
    platform's registered adapter and a rate-limited client of our own.
    """
    now = now or timezone.now()
    links = PlatformLink.objects.select_related("creator", "latest_snapshot")
    link = links.fetchable().filter(pk=link_id).first()
    if link is None:
        platform = links.filter(pk=link_id).values_list("platform", flat=True).first()
        if platform is None:
            return RefreshOutcome(link_id=link_id, status="skipped", error="link no longer exists")
        return RefreshOutcome(
            link_id=link_id,
            status="skipped",
            platform=platform,
            error="not fetched (demo data, no public API, removed creator, or fetching stopped)",
        )

    bucket = bucket_start(now)
    latest = link.latest_snapshot
    if latest is not None and latest.source == SnapshotSource.API and latest.captured_at == bucket:
        # A redelivered or repeated task in the same bucket: the work is done, spare the host.
        _link_mark_done(link)
        return RefreshOutcome(
            link_id=link_id,
            status="unchanged",
            platform=link.platform,
            snapshot_id=latest.pk,
            measurements=_measurements_of(latest),
        )

    try:
        result = _fetch(link, now=now, adapter=adapter, client=client)
    except RateLimitWait as exc:
        # The client takes a token per request for the host it calls; an empty bucket is a
        # deferral, not the link's failure.
        return _record_temporary(link, exc, now=now, final_attempt=False, count_failure=False)
    except FetchError as exc:
        if exc.permanent:
            return _record_failure(link, exc, now=now)
        return _record_temporary(link, exc, now=now, final_attempt=final_attempt)
    duplicate = link_same_account(link=link, external_id=result.external_id)
    if duplicate is not None:
        return _record_failure(link, _same_account_error(duplicate), now=now)
    try:
        return _record_success(link, result, now=now, bucket=bucket)
    except IntegrityError:
        # A concurrent refresh gave another link this account's id first (unique per platform).
        link = PlatformLink.objects.select_related("creator", "latest_snapshot").get(pk=link_id)
        duplicate = link_same_account(link=link, external_id=result.external_id)
        if duplicate is None:
            raise
        return _record_failure(link, _same_account_error(duplicate), now=now)


def _same_account_error(other: PlatformLink) -> FetchError:
    return FetchError(f"same account as {other.url}; merge or remove one", permanent=True)


def conditional_validators(link: PlatformLink, *, now: dt.datetime) -> tuple[str, str]:
    """The (etag, last_modified) to send, or blanks to ask for the whole document again.

    A 304 stores no snapshot, yet "posts in the last N days" moves every day while the feed
    stays the same: answered by 304 for weeks, a link's latest measurement would slide out of
    the scoring window and its creator fall to the median. So the validators are sent only
    while the latest fetched snapshot is younger than one refresh interval; after that the
    fetch is unconditional and yields a fresh measurement."""
    latest = link.latest_snapshot
    if (
        latest is None
        or latest.source != SnapshotSource.API
        or now - latest.captured_at > fetch_interval()
    ):
        return "", ""
    return link.etag, link.last_modified


def _fetch(
    link: PlatformLink,
    *,
    now: dt.datetime,
    adapter: Adapter | None,
    client: httpx.Client | None,
) -> FetchResult:
    etag, last_modified = conditional_validators(link, now=now)
    ref = LinkRef(
        platform=link.platform,
        url=link.url,
        handle=link.handle,
        external_id=link.external_id,
        etag=etag,
        last_modified=last_modified,
    )
    if adapter is None:
        try:
            adapter = get_adapter(link.platform)
        except (LookupError, NotImplementedError) as exc:
            problem = f"no fetcher for {link.platform} links: {exc}"
            raise FetchError(problem, permanent=True) from exc
    try:
        with nullcontext(client) if client is not None else build_client(rate_limit=True) as http:
            return adapter.fetch(ref, http, window_days=settings.SCORING_WINDOW_DAYS)
    except FetchError:
        raise
    except (httpx.HTTPError, SoftTimeLimitExceeded, TimeoutError) as exc:
        raise FetchError(f"network problem: {exc or type(exc).__name__}", permanent=False) from exc


def _record_success(
    link: PlatformLink, result: FetchResult, *, now: dt.datetime, bucket: dt.datetime
) -> RefreshOutcome:
    snapshot: StatsSnapshot | None = None
    status: Status = "not_modified" if result.not_modified else "ok"
    with transaction.atomic():
        if not result.not_modified:
            snapshot, created = _snapshot_for_bucket(link, result, bucket=bucket)
            if not created:
                status = "unchanged"
        link.fetch_state = FetchState.OK
        link.last_fetched_at = now
        link.next_fetch_at = now + fetch_interval()
        link.enqueued_at = None
        link.consecutive_failures = 0
        link.first_failure_at = None
        link.last_error = ""
        link.is_public = link.is_public and result.is_public
        if result.handle:
            link.handle = result.handle[:200]
        if result.external_id:
            link.external_id = result.external_id[:200]
        if result.etag or result.last_modified or not result.not_modified:
            link.etag = result.etag[:200]
            link.last_modified = result.last_modified[:100]
        changed = [*FETCH_FIELDS, "is_public", "handle", "external_id"]
        latest = link.latest_snapshot
        if snapshot is not None and (latest is None or latest.captured_at <= snapshot.captured_at):
            link.latest_snapshot = snapshot
            changed.append("latest_snapshot")
        link.save(update_fields=changed)
        # In the same transaction, so a refresh costs one commit (a disk flush), not two; in a
        # savepoint of its own, so a failing recompute leaves the snapshot stored and the
        # daily recompute_scores task catches up.
        try:
            with transaction.atomic():
                creator_recompute_score(creator_id=link.creator_id)
        except Exception:
            logger.exception("score recompute failed for creator %s", link.creator_id)
    if result.avatar_url:
        avatars.avatar_refresh(creator_id=link.creator_id, url=result.avatar_url)
    shown = snapshot or link.latest_snapshot
    return RefreshOutcome(
        link_id=link.pk,
        status=status,
        platform=link.platform,
        snapshot_id=shown.pk if shown else None,
        measurements=_measurements_of(shown) if shown else result.measurements,
    )


def _snapshot_for_bucket(
    link: PlatformLink, result: FetchResult, *, bucket: dt.datetime
) -> tuple[StatsSnapshot, bool]:
    values = {name: getattr(result.measurements, name) for name in MEASUREMENTS}
    notes = "; ".join(result.notes)[:300]
    try:
        # The savepoint keeps the outer transaction usable if a concurrent run won the race.
        with transaction.atomic():
            snapshot = StatsSnapshot.objects.create(
                link=link,
                captured_at=bucket,
                source=SnapshotSource.API,
                notes=notes,
                lower_bounds=list(result.lower_bounds),
                **values,
            )
            return snapshot, True
    except IntegrityError:
        return StatsSnapshot.objects.get(link=link, captured_at=bucket), False


def _measurements_of(snapshot: StatsSnapshot) -> Measurements:
    return Measurements(**{name: getattr(snapshot, name) for name in MEASUREMENTS})


def _link_mark_done(link: PlatformLink) -> None:
    if link.enqueued_at is not None:
        PlatformLink.objects.filter(pk=link.pk).update(enqueued_at=None)


def _record_temporary(
    link: PlatformLink,
    exc: FetchError,
    *,
    now: dt.datetime,
    final_attempt: bool,
    count_failure: bool = True,
) -> RefreshOutcome:
    if final_attempt:
        return _record_failure(link, exc, now=now)
    wait = max(exc.retry_after or 0.0, 0.0)
    changed = ["fetch_state", "next_fetch_at"]
    link.next_fetch_at = now + dt.timedelta(seconds=wait) + RETRY_LEASE
    if count_failure:
        link.fetch_state = FetchState.RETRYING
        link.consecutive_failures += 1
        link.first_failure_at = link.first_failure_at or now
        link.last_error = _describe(exc)
        changed += ["consecutive_failures", "first_failure_at", "last_error"]
    link.save(update_fields=changed)
    return RefreshOutcome(
        link_id=link.pk,
        status="retry" if count_failure else "deferred",
        platform=link.platform,
        retry_after=exc.retry_after,
        error=_describe(exc),
    )


def link_defer(*, link_id: int, seconds: float, now: dt.datetime | None = None) -> None:
    """Leave a link to the dispatcher, due again in `seconds` (a wait too long for the broker)."""
    now = now or timezone.now()
    PlatformLink.objects.filter(pk=link_id).update(
        enqueued_at=None, next_fetch_at=now + dt.timedelta(seconds=seconds)
    )


def _record_failure(link: PlatformLink, exc: FetchError, *, now: dt.datetime) -> RefreshOutcome:
    link.consecutive_failures += 1
    link.first_failure_at = link.first_failure_at or now
    link.last_error = _describe(exc)
    link.enqueued_at = None
    if now - link.first_failure_at >= DISABLE_AFTER:
        link.fetch_state = FetchState.DISABLED
        link.next_fetch_at = None
    else:
        link.fetch_state = FetchState.FAILING
        wait = dt.timedelta(seconds=exc.retry_after or 0)
        link.next_fetch_at = now + max(failure_backoff(link.consecutive_failures), wait)
    link.save(
        update_fields=[
            "fetch_state",
            "consecutive_failures",
            "first_failure_at",
            "last_error",
            "enqueued_at",
            "next_fetch_at",
        ]
    )
    logger.info("link %s failed (%s): %s", link.pk, link.fetch_state, link.last_error)
    return RefreshOutcome(
        link_id=link.pk,
        status="disabled" if link.fetch_state == FetchState.DISABLED else "failed",
        platform=link.platform,
        retry_after=exc.retry_after,
        error=link.last_error,
    )


def _describe(exc: FetchError) -> str:
    kind = "permanent" if exc.permanent else "temporary"
    code = f" (HTTP {exc.status_code})" if exc.status_code else ""
    return f"{kind}{code}: {exc}"[:1000]
