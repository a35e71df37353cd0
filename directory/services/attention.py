"""Links a moderator should look at, and the moderator's "retry now".

A link of a real (non-demo) creator needs attention when fetching has stopped (DISABLED: it
failed permanently for 30 days), when it is FAILING, or when it keeps failing temporarily
(RETRYING after more than `RETRYING_ATTENTION_AFTER` failures in a row). Its `last_error` says
why.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from directory.models import FetchState, PlatformLink
from directory.services.enqueue import links_send_now

RETRYING_ATTENTION_AFTER = 3

# Demo links are never fetched, so whatever their state says, nothing there needs a moderator.
NEEDS_ATTENTION = (
    Q(fetch_state__in=[FetchState.DISABLED, FetchState.FAILING])
    | Q(fetch_state=FetchState.RETRYING, consecutive_failures__gt=RETRYING_ATTENTION_AFTER)
) & Q(creator__is_demo=False)


@dataclass(frozen=True, slots=True)
class RetryOutcome:
    """What "Retry now" did: sent to the workers, left for the dispatcher, or skipped."""

    sent: int
    unsent: int
    skipped: int


def links_retry_now(*, links: QuerySet[PlatformLink]) -> RetryOutcome:
    """Make each fetchable link due now and send it to the workers at once.

    Links the refresh never fetches (`PlatformLink.objects.fetchable()`: no public API, MANUAL,
    demo data, creators removed at their own request) are skipped; DISABLED is exactly what
    "retry now" lifts. A DISABLED link becomes FAILING so the refresh will run; its failure
    history is kept, so a link that still fails is surfaced again rather than getting another
    30 days of attempts.

    The state changes commit before anything is sent, and the send happens here rather than
    after some outer commit, so the outcome says truthfully how many the broker took. When it
    is down the links stay due and un-marked: the dispatcher sends them on its next run.
    """
    now = timezone.now()
    with transaction.atomic():
        chosen = list(links.fetchable(allow_disabled=True).values_list("pk", flat=True))
        skipped = links.count() - len(chosen)
        retry = PlatformLink.objects.filter(pk__in=chosen)
        retry.filter(fetch_state=FetchState.DISABLED).update(fetch_state=FetchState.FAILING)
        retry.update(next_fetch_at=now, enqueued_at=None)
    sent = links_send_now(link_ids=chosen)
    return RetryOutcome(sent=sent, unsent=len(chosen) - sent, skipped=skipped)
