"""Links that keep failing, seen from the moderator's side: which creators have lost every
link, what kind of error a link has, and "mark unsupported" for a link no adapter can read.

`last_error` is written by the refresh service as `permanent (HTTP 404): …` or
`temporary: …`, so its kind and status code can be filtered on without parsing JSON.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from directory.models import AuditAction, Creator, CreatorStatus, FetchState, PlatformLink
from directory.services.audit import audit_record

if TYPE_CHECKING:
    from accounts.models import User

FAILED_FOR = dt.timedelta(days=30)

# Error types a moderator can filter links by: (value, label, condition on PlatformLink).
ERROR_TYPES: tuple[tuple[str, str, Q], ...] = (
    ("permanent", _("Permanent (the platform says no)"), Q(last_error__startswith="permanent")),
    ("temporary", _("Temporary"), Q(last_error__startswith="temporary")),
    (
        "gone",
        _("Not found or gone (HTTP 404/410)"),
        Q(last_error__contains="(HTTP 404)") | Q(last_error__contains="(HTTP 410)"),
    ),
    (
        "refused",
        _("Refused (HTTP 401/403)"),
        Q(last_error__contains="(HTTP 401)") | Q(last_error__contains="(HTTP 403)"),
    ),
    ("rate_limited", _("Rate limited (HTTP 429)"), Q(last_error__contains="(HTTP 429)")),
    ("server", _("Platform error (HTTP 5xx)"), Q(last_error__regex=r"\(HTTP 5[0-9][0-9]\)")),
    (
        "network",
        _("No answer (network, timeout)"),
        Q(last_error__startswith="temporary:"),
    ),
)


def _failed_long(now: dt.datetime) -> Q:
    return Q(links__fetch_state=FetchState.DISABLED) | Q(
        links__fetch_state__in=[FetchState.FAILING, FetchState.RETRYING],
        links__first_failure_at__lte=now - FAILED_FOR,
    )


def creators_all_links_failing(*, now: dt.datetime | None = None) -> QuerySet[Creator]:
    """Listed, non-demo creators with at least one link, every one failing for 30 days."""
    now = now or timezone.now()
    return (
        Creator.objects.filter(status=CreatorStatus.APPROVED, is_demo=False)
        .annotate(
            link_count=Count("links", distinct=True),
            failed_count=Count("links", filter=_failed_long(now), distinct=True),
        )
        .filter(link_count__gt=0, failed_count=F("link_count"))
    )


def links_mark_unsupported(*, links: QuerySet[PlatformLink], moderator: User | None) -> int:
    """Stop fetching links no adapter can read; their stats come from the owner or moderators.

    Each change is audited on its creator (a link's fetching is part of what the public sees).
    """
    changed = 0
    with transaction.atomic():
        for link in links.select_for_update().select_related("creator"):
            if link.fetch_state == FetchState.MANUAL:
                continue
            before = link.fetch_state
            link.fetch_state = FetchState.MANUAL
            link.next_fetch_at = None
            link.enqueued_at = None
            link.save(update_fields=["fetch_state", "next_fetch_at", "enqueued_at"])
            audit_record(
                creator=link.creator,
                actor=moderator,
                action=AuditAction.LINK_UNSUPPORTED,
                changes={f"fetch state of {link.url}": [before, FetchState.MANUAL]},
            )
            changed += 1
    return changed
