"""Review ratings: the Bayesian average that profiles show and search ranks by."""

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from flask import current_app
from sqlalchemy import Row, func, select

from directory.extensions import db
from directory.models import VISIBLE_REVIEW_STATUSES, Review, TherapistProfile

# Used before any review exists anywhere: the middle of the 1-5 scale.
NEUTRAL_MEAN = 3.0

_mean_cache: dict[str, tuple[float, float]] = {}


@dataclass(frozen=True)
class RatingSummary:
    count: int
    mean: float | None
    score: float | None  # the Bayesian average
    distribution: dict[int, int]


def bayesian_average(total: int, count: int, prior_mean: float, prior_weight: float) -> float | None:
    """(v / (v + m)) * R + (m / (v + m)) * C, with R = total / v; None without reviews."""
    if count == 0:
        return None
    return (total + prior_weight * prior_mean) / (count + prior_weight)


def site_mean_rating() -> float:
    """The mean of every published rating on the site (C), cached briefly per process."""
    key = str(db.engine.url)
    ttl = current_app.config["RATING_MEAN_CACHE_SECONDS"]
    cached = _mean_cache.get(key)
    if cached and ttl and time.monotonic() - cached[1] < ttl:
        return cached[0]
    # Both sums are NULL only when there is no profile at all: then count is falsy and the mean neutral.
    total, count = db.session.execute(
        select(func.sum(TherapistProfile.rating_total), func.sum(TherapistProfile.review_count))
    ).one()
    mean = total / count if count else NEUTRAL_MEAN
    _mean_cache[key] = (mean, time.monotonic())
    return mean


def summary(profile: TherapistProfile, ratings: list[int] | None = None) -> RatingSummary:
    """Count, mean, Bayesian score and the 1-5 distribution of a profile's published reviews.

    `ratings`: the ratings of all of them, when the caller has loaded them already (no query then).
    """
    rows: Sequence[tuple[int, int]] | Sequence[Row[int, int]]
    if ratings is not None:
        rows = list(Counter(ratings).items())
    else:
        rows = db.session.execute(
            select(Review.rating, func.count())
            .where(Review.profile_id == profile.id, Review.status.in_(VISIBLE_REVIEW_STATUSES))
            .group_by(Review.rating)
        ).all()
    distribution = dict.fromkeys(range(5, 0, -1), 0)
    distribution.update(dict(rows))
    count = sum(distribution.values())
    total = sum(stars * n for stars, n in distribution.items())
    return RatingSummary(
        count=count,
        mean=total / count if count else None,
        score=bayesian_average(total, count, site_mean_rating(), current_app.config["REVIEW_PRIOR_WEIGHT"]),
        distribution=distribution,
    )
