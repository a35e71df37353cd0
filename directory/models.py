"""Creators, their platform links, and the append-only statistics snapshots behind the score.

Public reads go through QuerySet methods (`Creator.objects.listed()`), so that a status that must
stay private (pending, rejected, hidden, removed) cannot leak through a view
that forgot a filter.
"""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .measurements import COUNT_FIELDS, MEASUREMENT_FIELDS  # noqa: F401 - re-exported
from .models_history import ScoreHistory, SnapshotSource, StatsSnapshot  # noqa: F401 - re-exported
from .platforms.registry import PLATFORMS, PLATFORMS_WITHOUT_API  # noqa: F401 - re-exported
from .platforms.urls import MAX_URL_LENGTH
from .scoring import break_active, break_ends_at
from .scoring.explain import breakdown_for_display


class Topic(models.Model):
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class Language(models.Model):
    """A language a creator publishes in, keyed by its ISO 639-1 (or BCP 47 primary) code."""

    code = models.CharField(_("code"), max_length=10, primary_key=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self) -> str:
        return self.name


class CreatorType(models.TextChoices):
    LIVED_EXPERIENCE = "lived_experience", _("Lived experience")
    PEER_SUPPORTER = "peer_supporter", _("Peer supporter")
    PROFESSIONAL = "professional", _("Licensed professional")
    ORGANISATION = "organisation", _("Organisation")


class CreatorStatus(models.TextChoices):
    PENDING = "pending", _("Pending review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    HIDDEN = "hidden", _("Hidden")
    REMOVED = "removed", _("Removed at the creator's request")


class CreatorQuerySet(models.QuerySet["Creator"]):
    def listed(self) -> CreatorQuerySet:
        """Creators the public may see: approved ones only."""
        return self.filter(status=CreatorStatus.APPROVED)

    def with_listing_data(self) -> CreatorQuerySet:
        """Everything a list card or API list item shows, in a constant number of queries."""
        return self.prefetch_related(*listing_prefetches())


def listing_prefetches() -> list[str | models.Prefetch]:
    """The related rows a list card or API list item shows (see `with_listing_data()`); also for
    `prefetch_related_objects()` on only the creators whose cached card is missing."""
    return [
        "topics",
        "languages",
        models.Prefetch(
            "links",
            queryset=PlatformLink.objects.public().select_related("latest_snapshot"),
            to_attr="public_links",
        ),
    ]


class Creator(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True)
    bio = models.CharField(_("short bio"), max_length=300, blank=True)
    about = models.TextField(_("about"), blank=True)
    creator_type = models.CharField(
        _("creator type"),
        max_length=20,
        choices=CreatorType.choices,
        default=CreatorType.LIVED_EXPERIENCE,
    )
    topics = models.ManyToManyField(Topic, blank=True, related_name="creators")
    languages = models.ManyToManyField(Language, blank=True, related_name="creators")
    country = CountryField(_("country"), blank=True)
    content_notes = models.CharField(
        _("content notes"),
        max_length=300,
        blank=True,
        help_text=_(
            "Subjects a visitor may want warning of before reading, e.g. 'discusses grief'."
        ),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=CreatorStatus.choices, default=CreatorStatus.PENDING
    )
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Fictional creator created by seed_demo.")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_creators",
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claimed_creators",
    )
    on_break_until = models.DateTimeField(
        _("taking a break until"),
        null=True,
        blank=True,
        help_text=_(
            "While set and in the future, the activity score does not decay (max 6 months)."
        ),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Denormalised by the scoring service for fast listing; never edited by hand.
    interactivity_score = models.FloatField(_("interactivity score"), null=True, blank=True)
    score_confidence = models.FloatField(_("score confidence"), null=True, blank=True)
    score_breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True)
    score_version = models.CharField(_("scoring version"), max_length=20, blank=True)
    score_updated_at = models.DateTimeField(_("score updated"), null=True, blank=True)
    score_week_delta = models.FloatField(_("score change over a week"), null=True, blank=True)
    # What the next recompute reads back (never parsed out of the display breakdown).
    score_raw = models.FloatField(
        _("measured score"),
        null=True,
        blank=True,
        help_text=_("Before shrinkage toward the median; the directory median is taken of it."),
    )
    score_activity = models.FloatField(
        _("activity component"),
        null=True,
        blank=True,
        help_text=_("Held at this value while the creator is on a break."),
    )
    score_on_break = models.BooleanField(_("scored as on a break"), default=False)
    stats_stale = models.BooleanField(_("stats out of date"), default=False)
    followers_total = models.BigIntegerField(_("total followers"), null=True, blank=True)
    last_active_at = models.DateTimeField(_("last active"), null=True, blank=True)

    # Moderation (directory/services/moderation.py). `version` goes up with every decision and
    # every change to public fields, so a moderator acting on what they saw is refused cleanly
    # when someone else acted first.
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    licence_verified_at = models.DateTimeField(
        _("licence checked by a moderator"), null=True, blank=True, editable=False
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )

    objects = CreatorQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("creator")
        verbose_name_plural = _("creators")
        # SQLite sorts NULLs lowest, so these DESC indexes serve "NULLS LAST" there; on
        # PostgreSQL migration 0003 adds matching "DESC NULLS LAST" indexes.
        indexes = [
            models.Index(fields=["-interactivity_score", "name"], name="creator_score_idx"),
            models.Index(fields=["-followers_total", "name"], name="creator_followers_idx"),
            models.Index(fields=["-last_active_at", "name"], name="creator_active_idx"),
            models.Index(fields=["status", "-created_at"], name="creator_status_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(interactivity_score__isnull=True)
                | Q(interactivity_score__gte=0, interactivity_score__lte=100),
                name="creator_score_0_100",
            ),
            models.CheckConstraint(
                condition=Q(followers_total__isnull=True) | Q(followers_total__gte=0),
                name="creator_followers_non_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:creator_detail", kwargs={"slug": self.slug})

    @property
    def is_on_break(self) -> bool:
        """Taking a break now, by the scoring rule (`directory.scoring.break_active`).

        The last post is `last_active_at`, which the score recompute stores from the same
        snapshots the score read, so the card, the profile, the API and the score agree."""
        return break_active(
            until=self.on_break_until, last_post_at=self.last_active_at, now=timezone.now()
        )

    @property
    def score_why(self) -> str:
        """The score's one-line reason for list cards ('' before the first score)."""
        return breakdown_for_display(self.score_breakdown)["why"]

    @property
    def break_ends_at(self) -> dt.datetime | None:
        """When the current break ends: the date set, or six months after the last post."""
        return break_ends_at(until=self.on_break_until, last_post_at=self.last_active_at)


# The choices come from the one platform table, which also names each platform's adapter and
# URL normaliser (and so which platforms have no public API): see directory.platforms.registry.
Platform = models.TextChoices(
    "Platform", [(name.upper(), (name, entry.label)) for name, entry in PLATFORMS.items()]
)


class FetchState(models.TextChoices):
    NEW = "new", _("Not fetched yet")
    OK = "ok", _("Fetched")
    RETRYING = "retrying", _("Temporary failure, retrying")
    FAILING = "failing", _("Failing")
    DISABLED = "disabled", _("Fetching stopped")
    MANUAL = "manual", _("No public API (self-reported or moderator-entered)")


# Domains reserved for documentation (RFC 2606 / RFC 6761): demo data lives there, and a link
# on one of them is never fetched. Matched on the stored (normalised) URL's host.
RESERVED_TLDS = ("example", "test", "invalid")
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")
_RESERVED_HOST = (
    r"^https?://([^/?#]*\.)?("
    + "|".join(re.escape(domain) for domain in RESERVED_DOMAINS)
    + r"|[^/?#]*\.("
    + "|".join(RESERVED_TLDS)
    + r"))\.?(:[0-9]+)?([/?#]|$)"
)
# A link enqueued this long ago without finishing lost its message (broker down, purged queue).
STALE_ENQUEUE = dt.timedelta(hours=3)
NEVER_FETCHED = "demo data: never fetched"


class PlatformLinkQuerySet(models.QuerySet["PlatformLink"]):
    def public(self) -> PlatformLinkQuerySet:
        """Links that may be shown: the account has not opted out of being indexed."""
        return self.filter(is_public=True)

    def fetchable(self, *, allow_disabled: bool = False) -> PlatformLinkQuerySet:
        """Links the refresh may fetch: the one rule for refresh, dispatch, "retry now" and import.

        Never fetched: platforms without a public API, MANUAL links, DISABLED ones (unless
        `allow_disabled`, a moderator's "retry now"), demo creators, links on reserved example
        domains, and the links of creators removed at their own request (we stop collecting)."""
        stopped = (
            [FetchState.MANUAL] if allow_disabled else [FetchState.DISABLED, FetchState.MANUAL]
        )
        return (
            self.exclude(fetch_state__in=stopped)
            .exclude(platform__in=PLATFORMS_WITHOUT_API)
            .exclude(creator__is_demo=True)
            .exclude(creator__status=CreatorStatus.REMOVED)
            .exclude(url__iregex=_RESERVED_HOST)
        )

    def dispatchable(self, now: dt.datetime) -> PlatformLinkQuerySet:
        """Fetchable links to enqueue now: due and not in flight, or enqueued long ago and never
        finished (their message was lost)."""
        stale = now - STALE_ENQUEUE
        due = Q(next_fetch_at__isnull=True) | Q(next_fetch_at__lte=now)
        not_in_flight = Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale)
        return self.fetchable().filter((due & not_in_flight) | Q(enqueued_at__lt=stale))

    def mark_never_fetched(self) -> None:
        """Give new links the refresh will never fetch (see `fetchable()`) a state saying so.

        MANUAL for platforms without a public API, DISABLED for demo creators' links; demo links
        also say why in `last_error`, so the admin does not show "not fetched yet" forever."""
        # The same links less those fetchable: `self.fetchable()`, not every link's, so the
        # cost follows the links marked, not the size of the table; and read once, not once
        # per update (the rule tests every URL against a regex).
        never = self.exclude(pk__in=self.fetchable(allow_disabled=True).values("pk"))
        rows = list(never.order_by().values_list("pk", "platform", "creator__is_demo"))
        manual = [pk for pk, platform, _demo in rows if platform in PLATFORMS_WITHOUT_API]
        disabled = [
            pk for pk, platform, demo in rows if demo and platform not in PLATFORMS_WITHOUT_API
        ]
        demo = [pk for pk, _platform, is_demo in rows if is_demo]
        links = self.model.objects
        for ids, values in (
            (manual, {"fetch_state": FetchState.MANUAL}),
            (disabled, {"fetch_state": FetchState.DISABLED}),
            (demo, {"last_error": NEVER_FETCHED}),
        ):
            if ids:
                links.filter(pk__in=ids).update(**values)


class PlatformLink(models.Model):
    creator = models.ForeignKey(Creator, on_delete=models.CASCADE, related_name="links")
    platform = models.CharField(_("platform"), max_length=12, choices=Platform.choices)
    url = models.URLField(
        _("URL"),
        max_length=MAX_URL_LENGTH,
        help_text=_("Normalised: the same account has one URL."),
    )
    handle = models.CharField(_("handle"), max_length=200, blank=True)
    external_id = models.CharField(
        _("stable external id"),
        max_length=200,
        blank=True,
        help_text=_(
            "Mastodon account URI, Bluesky DID, YouTube channel id, WordPress.com site ID."
        ),
    )
    verified = models.BooleanField(_("verified"), default=False)
    is_public = models.BooleanField(
        _("shown publicly"),
        default=True,
        help_text=_(
            "False when the account asks not to be indexed (Mastodon noindex, Bluesky label)."
        ),
    )

    fetch_state = models.CharField(
        _("fetch state"), max_length=10, choices=FetchState.choices, default=FetchState.NEW
    )
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    next_fetch_at = models.DateTimeField(_("next fetch due"), null=True, blank=True)
    enqueued_at = models.DateTimeField(_("enqueued"), null=True, blank=True)
    consecutive_failures = models.PositiveIntegerField(_("consecutive failures"), default=0)
    first_failure_at = models.DateTimeField(_("failing since"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    etag = models.CharField(max_length=200, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)
    latest_snapshot = models.ForeignKey(
        "StatsSnapshot",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = PlatformLinkQuerySet.as_manager()

    class Meta:
        ordering = ["platform", "url"]
        verbose_name = _("platform link")
        verbose_name_plural = _("platform links")
        constraints = [
            models.UniqueConstraint(fields=["platform", "url"], name="link_unique_platform_url"),
            # The same account pasted under two URLs (a YouTube @handle and its channel page, a
            # Bluesky handle and its DID) resolves to one stable id: it may be listed once.
            models.UniqueConstraint(
                fields=["platform", "external_id"],
                condition=~Q(external_id=""),
                name="link_unique_external_id",
                violation_error_code="duplicate_account",
                violation_error_message=_(
                    "Another link is already this account (the same stable external id): "
                    "merge or remove one."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["next_fetch_at"], name="link_next_fetch_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_platform_display()}: {self.url}"

    @property
    def has_public_api(self) -> bool:
        return self.platform not in PLATFORMS_WITHOUT_API


# Submissions, contact and removal (directory/submission_models.py), re-exported for callers.
# Moderation's own models live in their own module; imported here so Django registers them.
from .models_avatars import CreatorAvatar  # noqa: E402, F401 - registered with the app
from .models_moderation import (  # noqa: E402, F401
    AuditAction,
    AuditEntry,
    Report,
    ReportOutcome,
    ReportReason,
    ReportStatus,
)
from .models_scoring import ScoringStats  # noqa: E402, F401 - registered with the app
from .submission_models import (  # noqa: E402, F401
    ContactMessage,
    OutgoingEmail,
    RejectionReason,
    RemovalRequest,
    Submission,
    SubmissionRelationship,
    SubmissionStatus,
    Tombstone,
    TombstoneKind,
)
