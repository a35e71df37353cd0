"""The two statistics the score needs beyond its own rules (pure, standard library only)."""

from __future__ import annotations

import statistics
from collections.abc import Sequence


def median(values: Sequence[float]) -> float:
    """The median (the mean of the middle two for an even count); `values` must not be empty."""
    return statistics.median(values)


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    """Spearman rank correlation (ties share their average rank); None when it is undefined.

    Used by `manage.py score_correlation` to show that the score is not a follower count in
    disguise (docs/scoring.md publishes the figure). Undefined with fewer than two pairs or when
    either side has no spread."""
    if len(xs) != len(ys):
        raise ValueError("both sequences must have the same length")
    if len(xs) < 2 or len(set(xs)) < 2 or len(set(ys)) < 2:
        return None
    return statistics.correlation(xs, ys, method="ranked")
