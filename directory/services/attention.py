"""Links a moderator should look at, and the moderator's "retry now".

A link of a real (non-demo) creator needs attention when fetching has stopped (DISABLED: it
failed permanently for 30 days), when it is FAILING, or when it keeps failing temporarily
(RETRYING after more than `RETRYING_ATTENTION_AFTER` failures in a row). Its `last_error` says
why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from directory.models import FetchState, PlatformLink
from directory.services.enqueue import links_send_now
from directory.services.refresh import is_fetchable

RETRYING_ATTENTION_AFTER = 3

# Demo links are never fetched, so whatever their state says, nothing there needs a moderator.
NEEDS_ATTENTION = (
    Q(fetch_state__in=[FetchState.DISABLED, FetchState.FAILING])
    | Q(fetch_state=FetchState.RETRYING, consecutive_failures__gt=RETRYING_ATTENTION_AFTER)
) & Q(creator__is_demo=False)


def links_needing_attention() -> QuerySet[PlatformLink]:
    """Links a moderator should look at (see the module docstring)."""
    return PlatformLink.objects.filter(NEEDS_ATTENTION)


@dataclass(frozen=True, slots=True)
class RetryOutcome:
    """What "Retry now" did: sent to the workers, left for the dispatcher, or skipped."""

    sent: int
    unsent: int
    skipped: int


def links_retry_now(*, links: Iterable[PlatformLink]) -> RetryOutcome:
    """Make each fetchable link due now and send it to the workers at once.

    Links the refresh never fetches (no public API, MANUAL, demo data or reserved example
    domains, creators removed at their own request) are skipped. A DISABLED link becomes
    FAILING so the refresh will run; its failure history is kept, so a link that still fails
    is surfaced again rather than getting another 30 days of attempts.

    The state changes commit before anything is sent, and the send happens here rather than
    after some outer commit, so the outcome says truthfully how many the broker took. When it
    is down the links stay due and un-marked: the dispatcher sends them on its next run.
    """
    retry_ids: list[int] = []
    skipped = 0
    now = timezone.now()
    with transaction.atomic():
        for link in links:
            # DISABLED is exactly what "retry now" lifts; every other reason to skip stands.
            if not is_fetchable(link, allow_disabled=True):
                skipped += 1
                continue
            changes: dict[str, object] = {"next_fetch_at": now, "enqueued_at": None}
            if link.fetch_state == FetchState.DISABLED:
                changes["fetch_state"] = FetchState.FAILING
            PlatformLink.objects.filter(pk=link.pk).update(**changes)
            retry_ids.append(link.pk)
    sent = links_send_now(link_ids=retry_ids)
    return RetryOutcome(sent=sent, unsent=len(retry_ids) - sent, skipped=skipped)
