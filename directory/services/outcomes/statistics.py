"""The figures' statistics as pure functions: medians and their interval, the Wilson interval, shrinkage, the
expected value for a mix of patients, and the label (docs/outcomes.md says why each was chosen).

Plain formulas from the standard library; tests/unit/test_outcomes_statistics.py checks them against scipy.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import NormalDist, median

CONFIDENCE = 0.95
_Z = NormalDist().inv_cdf(1 - (1 - CONFIDENCE) / 2)  # 1.959964...


@dataclass(frozen=True)
class Estimate:
    """A figure with its 95 % interval."""

    value: float
    low: float
    high: float


def _binomial_half_cdf(k: int, n: int) -> float:
    """P(X <= k) for X ~ Binomial(n, 1/2)."""
    return sum(math.comb(n, i) for i in range(k + 1)) / (1 << n)


def median_rank(n: int, confidence: float = CONFIDENCE) -> int:
    """The 1-based rank k of the lower end of the distribution-free interval for the median: [x(k), x(n-k+1)].

    The largest k with P(X <= k - 1) <= (1 - confidence) / 2 for X ~ Binomial(n, 1/2); the interval then covers the
    median with probability at least `confidence`, whatever the distribution. Raises ValueError when n is too small.
    """
    tail = (1 - confidence) / 2
    k = 0
    while k < n and _binomial_half_cdf(k, n) <= tail:
        k += 1
    if k == 0:
        raise ValueError(f"{n} values are too few for a {confidence:.0%} interval of the median")
    return k


def median_interval(values: Sequence[float], confidence: float = CONFIDENCE) -> Estimate:
    """The sample median with its distribution-free (order-statistic, binomial) interval; raises ValueError."""
    ordered = sorted(values)
    k = median_rank(len(ordered), confidence)
    return Estimate(median(ordered), ordered[k - 1], ordered[len(ordered) - k])


def wilson_interval(successes: int, n: int, confidence: float = CONFIDENCE) -> Estimate:
    """The share successes / n with its Wilson score interval; raises ValueError for n = 0."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError("a share needs 0 <= successes <= n and n > 0")
    z = _Z if confidence == CONFIDENCE else NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    share = successes / n
    denominator = 1 + z * z / n
    centre = (share + z * z / (2 * n)) / denominator
    half = z / denominator * math.sqrt(share * (1 - share) / n + z * z / (4 * n * n))
    return Estimate(share, max(0.0, centre - half), min(1.0, centre + half))


def shrink(value: float, n: int, prior: float, prior_weight: float) -> float:
    """(n x + m C) / (n + m): the rating's Bayesian average, with the prior C counted as m patients."""
    return (n * value + prior_weight * prior) / (n + prior_weight)


def shrink_estimate(estimate: Estimate, n: int, prior: float, prior_weight: float) -> Estimate:
    """The figure and both ends of its interval moved toward the prior by the same weights."""
    return Estimate(*(shrink(v, n, prior, prior_weight) for v in (estimate.value, estimate.low, estimate.high)))


def expected_for_mix(mix: Mapping[str, int], site: Mapping[str, float | None], fallback: float) -> float:
    """The site-wide value within each stratum, weighted by how many of the practitioner's patients are in it.

    A stratum without a site-wide value (possible only between refreshes) takes the fallback, the site-wide value
    over all strata. Raises ValueError for an empty mix.
    """
    total = sum(mix.values())
    if total <= 0:
        raise ValueError("an empty mix has no expected value")
    weighted = 0.0
    for stratum, count in mix.items():
        value = site.get(stratum)
        weighted += count * (fallback if value is None else value)
    return weighted / total


def label(change: Estimate, expected_change: float, share: Estimate, expected_share: float) -> str:
    """better_than_expected or worse_than_expected only when an interval excludes its expected value, and the two
    figures do not point opposite ways; otherwise as_expected. Fewer headache days (a lower change) is better."""
    better = share.low > expected_share or change.high < expected_change
    worse = share.high < expected_share or change.low > expected_change
    if better and not worse:
        return "better_than_expected"
    if worse and not better:
        return "worse_than_expected"
    return "as_expected"


# How far the shrunk responder share may sit from the expected one before the ranking part is 0 or 1.
RANKING_SPAN = 0.25


def ranking_part(share: float, expected_share: float) -> float:
    """The matching part between 0 and 1: 0.5 at the expected share, 1 a quarter (25 points) or more above it."""
    return min(1.0, max(0.0, 0.5 + (share - expected_share) / (2 * RANKING_SPAN)))
