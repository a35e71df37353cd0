"""What the score reads and returns: frozen dataclasses, no ORM (see directory/scoring/)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from directory.measurements import COUNT_FIELDS, Measurements

DEFAULT_WINDOW_DAYS = 90
DEFAULT_CONVERSATION_PRIOR = 0.3  # a platform's median conversation until enough are measured
SOURCES = ("api", "moderator", "self_reported")
SOURCE_TRUST = MappingProxyType({"api": 1.0, "moderator": 0.9, "self_reported": 0.85})


@dataclass(frozen=True, slots=True, kw_only=True)
class SnapshotInput(Measurements):
    """One snapshot's measurements (None means unknown, never zero) and where they came from."""

    platform: str
    source: str
    captured_at: dt.datetime

    def __post_init__(self) -> None:
        if self.source not in SOURCES:
            raise ValueError(f"unknown snapshot source {self.source!r}; expected one of {SOURCES}")
        for name in COUNT_FIELDS:
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must not be negative (got {value})")
        if self.window_days == 0:
            raise ValueError("window_days must be positive when given")


@dataclass(frozen=True, slots=True)
class LinkInput:
    link_id: int
    platform: str
    snapshots: tuple[SnapshotInput, ...] = ()
    # The newest `last_post_at` of the link's snapshots in the window, when the caller passes
    # only the snapshots the rules can pick (the recompute does, to load a few rows per link,
    # not every snapshot of the window); `last_active` takes it into account.
    last_post_at: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class CreatorInput:
    links: tuple[LinkInput, ...] = ()
    on_break_until: dt.datetime | None = None
    previous_activity: float | None = None  # last stored activity component, held on a break


@dataclass(frozen=True, slots=True)
class ScoreResult:
    score: float
    raw_score: float | None  # the measured score before shrinkage (the directory median's input)
    confidence: float
    stale: bool
    on_break: bool
    activity: float | None  # the activity component, held as `previous_activity` on a break
    breakdown: dict[str, Any]
    followers_total: int | None
    last_active_at: dt.datetime | None


@dataclass(frozen=True, slots=True)
class LinkEvidence:
    """What one link contributes (internal, but handy in tests and the explanations)."""

    link_id: int
    platform: str
    snapshot: SnapshotInput
    fresh: bool
    evidence: float  # posts + commented posts, decayed when stale
    weight: float  # combination weight: (evidence + 1) x trust (x decay)
    trust: float
    # The snapshot's unshrunk conversation value (`comment_part`), worked out once: the pools
    # of the creator and of the link's own score both read it.
    conversation_part: float | None
    components: dict[str, float | None] = field(default_factory=dict)
    quiet: bool = False  # a measured window with no posts, outside a break
    conversation_prior: float = DEFAULT_CONVERSATION_PRIOR  # the platform's median conversation
    weeks: float = DEFAULT_WINDOW_DAYS / 7  # length of the window the snapshot measured
    activity_held: bool = False  # on a break: activity is the last stored value, not measured
