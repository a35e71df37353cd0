"""Spearman rank correlation with average ranks for ties."""

from __future__ import annotations

import pytest

from directory.scoring.stats import spearman


def test_perfect_agreement_and_reversal():
    assert spearman([1, 2, 3, 4], [10, 20, 30, 400]) == pytest.approx(1.0)
    assert spearman([1, 2, 3, 4], [4, 3, 2, 1]) == pytest.approx(-1.0)


def test_ties_use_the_pearson_correlation_of_average_ranks():
    # Ranks x: 1, 2.5, 2.5, 4; ranks y: 1, 2, 4, 3 -> cov 3.0, var 4.5 and 5 -> 0.6325
    assert spearman([1, 2, 2, 3], [1, 2, 4, 3]) == pytest.approx(3.0 / (4.5 * 5) ** 0.5)


def test_undefined_without_spread_or_data():
    assert spearman([1], [2]) is None
    assert spearman([3, 3, 3], [1, 2, 3]) is None
    with pytest.raises(ValueError, match="same length"):
        spearman([1, 2], [1])
