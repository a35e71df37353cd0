"""Scoring the creators an import adds, from the document, before their rows are written.

A creator written and then scored is written twice: `COPY`, then an `UPDATE` of the score
columns that touches every index of the creator table again. When every creator of a document
is new, the import instead scores them from the cleaned document and writes each row once, its
score included, with its first history point.

What goes into the score is what `creators_rescore` would read once the rows are written, so it
stores the same values (tests/directory/test_import_scores.py holds the two equal):

- the links and snapshots are those `score_inputs.creator_inputs` would load: public links; of
  a link with snapshots in the window `[now - SCORING_WINDOW_DAYS, now]` those snapshots (the
  rules pick from them, and the newest `last_post_at` among them is the link's), otherwise its
  latest snapshot whenever it was captured. Times are taken in UTC, as the database returns them
  (the breakdown shows them);
- the statistics are those `creators_rescore` computes: the median over the creators already
  stored (a creator not yet scored has no measured score, so the new ones never count), and
  priors over the stored links *and* the document's approved creators' public links, each
  with its latest snapshot when fresh (what `score_stats` selects once they are written);
- afterwards the median is taken again over the scores now stored, as `creators_rescore` does.

The rules themselves stay in directory/scoring/; this module only builds their input.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from directory.models import MEASUREMENT_FIELDS, Creator, CreatorStatus, PlatformLink, ScoreHistory
from directory.scoring import SCORING_VERSION, CreatorInput, LinkInput, SnapshotInput
from directory.services.bulk_sql import rows_copy
from directory.services.score_stats import (
    PRIOR_FIELDS,
    DirectoryStats,
    PriorRow,
    directory_median_and_count,
    scoring_stats_compute,
    scoring_stats_store,
)
from directory.services.scores import configured_weights, new_creator_score

from .import_validation import CleanCreator, CleanLink, CleanSnapshot

_LINK_PUBLIC_DEFAULT = PlatformLink._meta.get_field("is_public").get_default()


def _utc(value: dt.datetime | None) -> dt.datetime | None:
    return None if value is None else value.astimezone(dt.UTC)


def _is_public(link: CleanLink) -> bool:
    return link.fields.get("is_public", _LINK_PUBLIC_DEFAULT)


def _snapshot_input(platform: str, snap: CleanSnapshot) -> SnapshotInput:
    values = {name: snap.values[name] for name in MEASUREMENT_FIELDS}
    values["last_post_at"] = _utc(values["last_post_at"])
    return SnapshotInput(
        platform=platform, source=snap.source, captured_at=_utc(snap.captured_at), **values
    )


def _newest_per_source(snapshots: list[CleanSnapshot]) -> list[CleanSnapshot]:
    newest: dict[str, CleanSnapshot] = {}
    for snap in snapshots:
        if snap.source not in newest or snap.captured_at > newest[snap.source].captured_at:
            newest[snap.source] = snap
    return list(newest.values())


@dataclass(frozen=True, slots=True)
class NewCreatorScorer:
    """Scores a document's new creators with the statistics fixed before anything is written."""

    now: dt.datetime
    stats: DirectoryStats
    weights: dict[str, float]
    window_days: int

    @classmethod
    def prepare(
        cls, creators: list[CleanCreator], by_slug: dict[str, Creator], *, now: dt.datetime
    ) -> NewCreatorScorer:
        """Take the statistics now, before any of `creators` (all new) is written."""
        window_days: int = settings.SCORING_WINDOW_DAYS
        cutoff = now - dt.timedelta(days=window_days)

        def latest_fresh() -> Iterator[PriorRow]:
            for clean in creators:
                if by_slug[clean.slug].status != CreatorStatus.APPROVED:
                    continue
                for link in clean.links:
                    if not _is_public(link) or not link.snapshots:
                        continue
                    # (link, captured_at) is unique: the latest snapshot is the newest one.
                    latest = max(link.snapshots, key=lambda s: s.captured_at)
                    if cutoff <= latest.captured_at <= now:
                        yield PriorRow(link.platform, *(latest.values[n] for n in PRIOR_FIELDS))

        stats = scoring_stats_compute(now=now, window_days=window_days, also_latest=latest_fresh())
        return cls(now, stats, configured_weights(), window_days)

    def creator_input(
        self, clean: CleanCreator, creator: Creator, links: dict[str, PlatformLink]
    ) -> CreatorInput:
        cutoff = self.now - dt.timedelta(days=self.window_days)
        # Outside a break the rules take a link's newest fresh snapshot of its most trusted
        # source, so the newest of each source is enough (score_inputs selects the same); a
        # break may pick an older, richer one, so every fresh snapshot goes in.
        on_break = creator.on_break_until is not None and creator.on_break_until > self.now
        inputs = []
        for clean_link in clean.links:
            if not _is_public(clean_link):
                continue
            snaps = clean_link.snapshots
            window = [s for s in snaps if cutoff <= s.captured_at <= self.now]
            if window:
                posts = [s.values["last_post_at"] for s in window if s.values["last_post_at"]]
                last_post = max(posts) if posts else None
                picked = window if on_break else _newest_per_source(window)
            elif snaps:
                picked = [max(snaps, key=lambda s: s.captured_at)]
                last_post = picked[0].values["last_post_at"]
            else:
                picked, last_post = [], None
            link = links[clean_link.url]
            inputs.append(
                LinkInput(
                    link.pk,
                    link.platform,
                    tuple(
                        sorted(
                            (_snapshot_input(link.platform, s) for s in picked),
                            key=lambda s: s.captured_at,
                        )
                    ),
                    last_post_at=_utc(last_post),
                )
            )
        inputs.sort(key=lambda ln: ln.link_id)
        return CreatorInput(
            links=tuple(inputs),
            on_break_until=creator.on_break_until,
            previous_activity=creator.score_activity,
        )

    def score(
        self,
        creators: list[CleanCreator],
        by_slug: dict[str, Creator],
        links: dict[str, PlatformLink],
    ) -> None:
        """Set every creator's score fields, and write their history points (the creator rows
        themselves are written after, by the caller: their foreign keys are checked at commit)."""
        today = timezone.localdate(self.now)

        def history() -> Iterator[tuple]:
            for clean in creators:
                creator = by_slug[clean.slug]
                result, values = new_creator_score(
                    self.creator_input(clean, creator, links),
                    now=self.now,
                    stats=self.stats,
                    weights=self.weights,
                )
                for name, value in values.items():
                    setattr(creator, name, value)
                yield (creator.pk, today, result.score, result.confidence, SCORING_VERSION)

        rows_copy(ScoreHistory, ("creator_id", "date", "score", "confidence", "version"), history())

    def store_stats(self) -> None:
        """As `creators_rescore` ends: the median again, over the measured scores now stored."""
        median, count = directory_median_and_count()
        scoring_stats_store(
            stats=DirectoryStats(median, self.stats.priors, count),
            now=self.now,
            window_days=self.window_days,
        )
