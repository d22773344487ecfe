"""Rank practitioners for a patient's questionnaire answers, with the reasons in plain words.

Hard filters first (reachable, accepting new patients, verified, listed); then one weighted
score computed by the database from parts between 0 and 1, so that only the best few rows
come back. Weights live in config (MATCH_WEIGHTS); a part the patient expressed no wish
about is left out of the score altogether.
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Date,
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.orm import InstrumentedAttribute

from directory import vocabulary
from directory.extensions import db
from directory.models import OutcomeSummary, SearchListing, TherapistProfile
from directory.services.core.text import N_, escape_like, gettext, ngettext, number_label
from directory.services.geo import geocoding, places
from directory.services.geo.points import (
    EARTH_RADIUS_KM,
    Point,
    distance_km,
    localized_distance,
)
from directory.services.outcomes import public as outcomes
from directory.services.questionnaire import clinical
from directory.services.search import listing, ratings
from directory.services.search.nearby import (
    circle_values,
    float_param,
    haversine_limit,
    in_boxes,
    nearness,
    origin_values,
)


def _t(text: str, **values: object) -> str:
    """A reason in the page's language (English outside a request, and for the API without Accept-Language)."""
    return str(gettext(text, **values))


def distance_reason(km: float, *, unit: str = "km", far: bool = False) -> str:
    """The distance reason: "4.2 km away", or, beyond the distance asked, that the practitioner sees by video."""
    if far:
        return _t(
            "%(distance)s away, further than you asked, but offers a video first consultation",
            distance=localized_distance(km, unit),
        )
    return _t("%(distance)s away", distance=localized_distance(km, unit))


GENDER_WORDS = {"woman": N_("a woman"), "man": N_("a man"), "nonbinary": N_("non-binary")}
NO_PLACE_MESSAGE = "Tell us where you are: a town, city or ZIP code, or use your location."


@dataclass(frozen=True)
class Match:
    profile: TherapistProfile
    score: float
    distance_km: float | None
    verified: bool
    reasons: tuple[str, ...]
    rating: float | None
    headache_types: tuple[str, ...]
    consultation_modes: tuple[str, ...]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class MatchResult:
    place_label: str | None
    problem: str | None
    candidates: tuple[geocoding.Location, ...]
    matches: list[Match]


@dataclass(frozen=True)
class _Wishes:
    """What the answers ask of a practitioner, ready for SQL."""

    point: Point
    max_km: float
    video_km: float
    first_consultation: str
    family_weights: dict[str, float]
    languages: tuple[str, ...]
    gender: str | None
    availability: tuple[str, ...]
    accessibility: tuple[str, ...]
    max_fee: float | None
    insurance: str | None


def match(
    answers: dict[str, Any], assessment: clinical.Assessment, limit: int = 20, today: date | None = None
) -> MatchResult:
    """The best `limit` practitioners for these answers; none when triage stops the questionnaire."""
    if assessment.triage.stop:
        return MatchResult(None, None, (), [])
    preferences = answers.get("preferences") or {}
    place = _place(preferences)
    if isinstance(place, MatchResult):
        return place
    point, label = place
    wishes = _wishes(point, preferences, assessment)
    return MatchResult(label, None, (), _ranked(wishes, limit, today or date.today()))


def patient_country(preferences: dict[str, Any]) -> str | None:
    """The country of the patient's searched place or coordinates; None when it cannot be told."""
    # The stop page and the emergency number must never fail on a place: an unusable one has no country.
    return _resolve(preferences).country


def _place(preferences: dict[str, Any]) -> tuple[Point, str] | MatchResult:
    place = _resolve(preferences)
    if place.location is None:
        return MatchResult(None, place.problem, place.candidates, [])
    return place.location.point, place.location.label


def _resolve(preferences: dict[str, Any]) -> places.ResolvedPlace:
    """The answers' place: their coordinates when both are given, else the typed location."""
    return places.resolve_place(
        preferences.get("location"),
        preferences.get("latitude"),
        preferences.get("longitude"),
        missing_message=NO_PLACE_MESSAGE,
    )


def _wishes(point: Point, preferences: dict[str, Any], assessment: clinical.Assessment) -> _Wishes:
    config = current_app.config
    family_weights: dict[str, float] = {}
    for probable in assessment.probable_types:
        meta = clinical.CLINICAL_TYPES[probable.type]
        confidence = clinical.CONFIDENCE_WEIGHTS[
            "doctor_confirmed" if probable.doctor_confirmed else probable.confidence
        ]
        weight = confidence * meta.evidence_weight
        family_weights[meta.family] = max(family_weights.get(meta.family, 0.0), weight)
    insurance = (preferences.get("insurance") or "").strip() or None
    return _Wishes(
        point=point,
        max_km=float(preferences.get("max_distance_km") or config["MATCH_DEFAULT_DISTANCE_KM"]),
        video_km=float(config["MATCH_VIDEO_DISTANCE_KM"]),
        first_consultation=preferences.get("first_consultation") or "either",
        family_weights={family: w for family, w in family_weights.items() if w > 0},
        languages=tuple(preferences.get("languages") or ()),
        gender=None
        if preferences.get("practitioner_gender") in (None, "no_preference")
        else preferences["practitioner_gender"],
        availability=tuple(preferences.get("availability") or ()),
        accessibility=tuple(preferences.get("accessibility") or ()),
        max_fee=preferences.get("max_fee"),
        insurance=insurance,
    )


class _Shape(NamedTuple):
    """What sets one ranking statement's SQL apart from another's; every value is a parameter (_values)."""

    families: int  # headache families the patient's probable types weigh
    languages: bool
    availability: int  # periods wished for
    accessibility: int  # features wished for
    gender: bool
    fee: bool
    insurance: str | None  # "self_pay", "insurer", or None
    video_reach: bool  # a video practitioner may be further away than the distance asked
    boxes: int  # bounding boxes of the circle the candidates are taken from


def _int(name: str) -> BindParameter[int]:
    return bindparam(name, type_=BigInteger)


def _bit_set(column: InstrumentedAttribute[int], bit: ColumnElement[int]) -> ColumnElement[float]:
    return case((column.op("&")(bit) != 0, 1.0), else_=0.0)


def _total(terms: Iterable[ColumnElement[float]]) -> ColumnElement[float]:
    """The SQL sum of score terms, started from an SQL 0.0 rather than Python's int 0."""
    return sum(terms, literal(0.0))


def _share(column: InstrumentedAttribute[int], name: str, count: int) -> ColumnElement[float]:
    """The share of the `count` wished bits (parameters name_0, name_1, ...) that the column's mask has."""
    return _total(_bit_set(column, _int(f"{name}_{i}")) for i in range(count)) / count


def _parts(shape: _Shape, near: ColumnElement[float]) -> dict[str, ColumnElement[float]]:
    """Each applicable part of the score as an SQL expression between 0 and 1 (near: the haversine term)."""
    parts: dict[str, ColumnElement[float]] = {}
    if shape.families:
        parts["headache_fit"] = _total(
            float_param(f"family_weight_{i}") * _bit_set(SearchListing.headache_mask, _int(f"family_{i}"))
            for i in range(shape.families)
        )
    # 1 - distance / max_km within the distance asked, else 0. The test is on the haversine term, which
    # grows with the distance, so that the distance (asin, sqrt) is only worked out where it counts.
    # No clamp of the term to 1 is needed: every candidate is within the reach (_reachable).
    distance = 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(near))
    parts["distance"] = case((near <= float_param("near_limit"), 1.0 - distance / float_param("max_km")), else_=0.0)
    parts["consultation_mode"] = _bit_set(SearchListing.mode_mask, _int("wanted_modes"))
    if shape.languages:
        parts["language"] = _bit_set(SearchListing.language_mask, _int("languages"))
    if shape.availability:
        parts["availability"] = _share(SearchListing.availability_mask, "period", shape.availability)
    if shape.accessibility:
        parts["accessibility"] = _share(SearchListing.access_mask, "access", shape.accessibility)
    if shape.gender:
        parts["gender"] = case((SearchListing.gender == bindparam("gender", type_=String), 1.0), else_=0.0)
    cost: list[ColumnElement[float]] = []
    if shape.fee:
        # As the search page's fee filter: the top of the range (fee_max) within the budget is a full match;
        # only its bottom within it, half (some sessions cost more); no fee given, half (ask the practice).
        max_fee = float_param("max_fee")
        cost.append(
            case(
                (SearchListing.fee_min.is_(None), 0.5),
                (SearchListing.fee_max <= max_fee, 1.0),
                (SearchListing.fee_min <= max_fee, 0.5),
                else_=0.0,
            )
        )
    if shape.insurance == "self_pay":
        cost.append(case((SearchListing.accepts_self_pay.is_(True), 1.0), else_=0.0))
    elif shape.insurance == "insurer":
        insurer = SearchListing.insurers.like(bindparam("insurer", type_=String), escape="\\")
        cost.append(case((insurer, 1.0), else_=0.0))
    if cost:
        parts["cost"] = _total(cost) / len(cost)
    years = bindparam("year", type_=Integer) - SearchListing.practising_since
    parts["experience"] = case(
        (SearchListing.practising_since.is_(None), 0.0), (years >= 20, 1.0), (years <= 0, 0.0), else_=years / 20.0
    )
    prior_weight = float_param("prior_weight")
    bayesian = (SearchListing.rating_total + prior_weight * float_param("prior_mean")) / (
        SearchListing.review_count + prior_weight
    )
    # Integer columns divided give Numeric in SQLAlchemy's typing; the database computes a float here.
    parts["rating"] = type_coerce((bayesian - 1.0) / 4.0, Float)
    return parts


def _reachable(shape: _Shape, near: ColumnElement[float]) -> ColumnElement[bool]:
    """Within the distance asked, or, offering a video first consultation, within the video distance.

    One circle of boxes and one distance test for each row: a video practitioner's limit is the
    further one. (Two circles joined by OR scanned the index twice and measured many rows twice.)
    """
    limit: ColumnElement[float] = float_param("near_limit")
    if shape.video_reach:
        # A video first consultation reaches further, but treatment itself is in person.
        offers_video = SearchListing.mode_mask.op("&")(listing.MODE_BITS["video"]) != 0
        limit = case((offers_video, float_param("reach_limit")), else_=limit)
    return and_(in_boxes("reach", shape.boxes), near <= limit)


# Scores are summed in floating point by the database: a far candidate's may exceed beyond_best by a rounding.
SCORE_MARGIN = 1e-6


class _Ranking(NamedTuple):
    statement: Select[int, float]
    # The most anyone beyond the distance asked can score: their distance part is 0, and every other part at most 1.
    beyond_best: float


@lru_cache(maxsize=256)
def _ranking(shape: _Shape, weights: tuple[tuple[str, int], ...]) -> _Ranking:
    """The ids and scores of the best `limit` candidates, built once for each shape and weights and kept.

    A ranking then only binds its values: building this expression took longer than running it.
    """
    weight = dict(weights)
    near = nearness()
    parts = _parts(shape, near)
    applicable = sum(weight[name] for name in parts)
    # The outcomes part counts only where the figures are shown (ranking_part is None otherwise): elsewhere it is
    # left out of the score altogether, as a part the patient expressed no wish about is.
    outcome_weight = weight.get("outcomes", 0)
    outcome_shown = case((OutcomeSummary.ranking_part.is_not(None), 1.0), else_=0.0)
    weighted = _total(weight[name] * expression for name, expression in parts.items())
    points = (weighted + outcome_weight * func.coalesce(OutcomeSummary.ranking_part, 0.0)) * 100.0
    denominator = applicable + outcome_weight * outcome_shown
    if applicable:
        score = (points / denominator).label("score")
    else:
        # Weights that leave nothing the patient asked about to score: 0 for everyone without outcome figures
        # (not a division by zero), and the nearest first, as in any tie.
        score = func.coalesce(points / func.nullif(denominator, 0), 0.0).label("score")
    # Every candidate is scored, so the ranking reads the covering index's columns only (insurers aside)
    # and brings back ids; the winners' rows come after. Ties go to the nearer: the haversine term orders
    # as the distance does.
    statement = (
        select(SearchListing.profile_id, score)
        .outerjoin(OutcomeSummary, OutcomeSummary.profile_id == SearchListing.profile_id)
        .where(
            _reachable(shape, near),
            SearchListing.verified_until >= bindparam("today", type_=Date),
            SearchListing.accepting_new_patients.is_(True),
        )
        .order_by(score.desc(), near, SearchListing.profile_id)
        .limit(bindparam("limit", type_=Integer))
    )
    # Over the weights applicable without outcome figures, or with them; no weight at all: no bound.
    beyond_best = max(
        100.0 * (total - weight["distance"]) / total if total else math.inf
        for total in (applicable, applicable + outcome_weight)
    )
    return _Ranking(statement, beyond_best)


def _values(wishes: _Wishes, today: date) -> tuple[_Shape, dict[str, Any]]:
    """The shape of the ranking statement for these wishes, and the values of its parameters."""
    total_weight = sum(wishes.family_weights.values())
    values: dict[str, Any] = {
        "near_limit": haversine_limit(wishes.max_km),
        "max_km": wishes.max_km,
        "wanted_modes": listing.mask(
            {"in_person": ("in_person",), "video": ("video",), "either": ("in_person", "video")}[
                wishes.first_consultation
            ],
            listing.MODE_BITS,
        ),
        "languages": listing.mask(wishes.languages, listing.LANGUAGE_BITS),
        "gender": wishes.gender,
        "max_fee": wishes.max_fee,
        "year": today.year,
        "today": today,
        "prior_mean": ratings.site_mean_rating(),
        "prior_weight": float(current_app.config["REVIEW_PRIOR_WEIGHT"]),
    }
    for i, (family, weight) in enumerate(wishes.family_weights.items()):
        values |= {f"family_{i}": listing.HEADACHE_BITS[family], f"family_weight_{i}": weight / total_weight}
    values |= {f"period_{i}": listing.PERIOD_BITS[code] for i, code in enumerate(wishes.availability)}
    values |= {f"access_{i}": listing.ACCESS_BITS[code] for i, code in enumerate(wishes.accessibility)}
    insurance = None
    if wishes.insurance:
        insurance = "self_pay" if vocabulary.is_self_pay(wishes.insurance) else "insurer"
        values["insurer"] = f"%{escape_like(wishes.insurance.lower())}%"
    video_reach = wishes.first_consultation in ("video", "either") and wishes.video_km > wishes.max_km
    boxes, reach_values = circle_values("reach", wishes.point, wishes.video_km if video_reach else wishes.max_km)
    values |= reach_values | origin_values(wishes.point)
    shape = _Shape(
        families=len(wishes.family_weights) if total_weight else 0,
        languages=bool(wishes.languages),
        availability=len(wishes.availability),
        accessibility=len(wishes.accessibility),
        gender=wishes.gender is not None,
        fee=wishes.max_fee is not None,
        insurance=insurance,
        video_reach=video_reach,
        boxes=boxes,
    )
    return shape, values


def _ranked(wishes: _Wishes, limit: int, today: date) -> list[Match]:
    weights = tuple(sorted(current_app.config["MATCH_WEIGHTS"].items()))
    shape, values = _values(wishes, today)
    ranked = None
    if shape.video_reach:
        # Within the distance asked first: a far smaller circle than the video distance's. When its last of a
        # full page scores above the best anyone further away could, nobody further away can enter the page.
        boxes, circle = circle_values("reach", wishes.point, wishes.max_km)
        near = _ranking(shape._replace(video_reach=False, boxes=boxes), weights)
        ranked = db.session.execute(near.statement, values | circle | {"limit": limit}).all()
        if len(ranked) < limit or ranked[-1].score <= near.beyond_best + SCORE_MARGIN:
            ranked = None
    if ranked is None:
        ranked = db.session.execute(_ranking(shape, weights).statement, values | {"limit": limit}).all()
    if not ranked:
        return []
    rows = {
        row.SearchListing.profile_id: row
        for row in db.session.execute(
            select(SearchListing, TherapistProfile, OutcomeSummary)
            .join(TherapistProfile, TherapistProfile.id == SearchListing.profile_id)
            .outerjoin(OutcomeSummary, OutcomeSummary.profile_id == SearchListing.profile_id)
            .where(SearchListing.profile_id.in_([profile_id for profile_id, _ in ranked]))
        )
    }
    prior_mean, prior_weight = values["prior_mean"], current_app.config["REVIEW_PRIOR_WEIGHT"]
    matches = []
    for profile_id, points in ranked:
        if profile_id not in rows:
            continue  # unlisted between the two statements (each sees the database as it is then)
        entry, profile, summary = rows[profile_id]
        # The listing's point: a listed profile always has one, and the ranking measured from it.
        km = distance_km(wishes.point, Point(entry.latitude, entry.longitude))
        rating = ratings.bayesian_average(entry.rating_total, entry.review_count, prior_mean, prior_weight)
        matches.append(
            Match(
                profile=profile,
                score=round(float(points), 1),
                distance_km=km,
                verified=True,
                reasons=reasons(wishes, entry, km, rating, today, outcomes.from_summary(summary)),
                rating=rating,
                headache_types=listing.codes(entry.headache_mask, listing.HEADACHE_BITS),
                consultation_modes=listing.codes(entry.mode_mask, listing.MODE_BITS),
                languages=listing.codes(entry.language_mask, listing.LANGUAGE_BITS),
            )
        )
    return matches


def reasons(
    wishes: _Wishes,
    entry: SearchListing,
    km: float,
    rating: float | None,
    today: date,
    figures: outcomes.PublicOutcomes | None = None,
) -> tuple[str, ...]:
    """Why a practitioner ranks where they do, in plain words, strongest first."""
    treated = [f for f in wishes.family_weights if entry.headache_mask & listing.HEADACHE_BITS[f]]
    said = [_t("treats %(family)s", family=_t(vocabulary.FAMILY_WORDS[family])) for family in treated]
    said += [
        _t("does not list %(family)s among what they treat", family=_t(vocabulary.FAMILY_WORDS[family]))
        for family in wishes.family_weights
        if family not in treated
    ]
    offers_video = bool(entry.mode_mask & listing.MODE_BITS["video"])
    if km <= wishes.max_km:
        said.append(distance_reason(km))
    else:
        said.append(distance_reason(km, far=True))
    if wishes.first_consultation in ("video", "either") and offers_video:
        said.append(_t("offers a video first consultation"))
    if wishes.first_consultation in ("in_person", "either") and entry.mode_mask & listing.MODE_BITS["in_person"]:
        said.append(_t("sees patients in person"))
    said.append(_t("verified certification"))
    spoken = [code for code in wishes.languages if entry.language_mask & listing.LANGUAGE_BITS[code]]
    if spoken:
        names = [vocabulary.label(vocabulary.LANGUAGES, code) for code in spoken]
        said.append(_t("speaks %(languages)s", languages=_t(" and ").join(names)))
    elif wishes.languages:
        said.append(_t("does not list your languages"))
    open_periods = [code for code in wishes.availability if entry.availability_mask & listing.PERIOD_BITS[code]]
    if open_periods:
        said.append(
            _t(
                "sees patients on %(periods)s",
                periods=", ".join(
                    vocabulary.label(vocabulary.AVAILABILITY_PERIODS, code).lower() for code in open_periods
                ),
            )
        )
    if wishes.gender and entry.gender == wishes.gender:
        said.append(
            _t("is %(gender)s practitioner, as you asked", gender=_t(GENDER_WORDS[wishes.gender]))
            if wishes.gender != "nonbinary"
            else _t("is non-binary, as you asked")
        )
    if wishes.max_fee is not None and entry.fee_min is not None and entry.fee_max is not None:
        if entry.fee_max <= wishes.max_fee:
            said.append(_t("fee within your budget"))
        elif entry.fee_min <= wishes.max_fee:
            said.append(_t("some sessions cost more than your budget"))
        else:
            said.append(_t("fee above your budget"))
    if wishes.insurance:
        if vocabulary.is_self_pay(wishes.insurance):
            said.append(_t("welcomes self-paying patients") if entry.accepts_self_pay else _t("does not list self-pay"))
        elif entry.insurers and wishes.insurance.lower() in entry.insurers:
            said.append(_t("accepts %(insurer)s", insurer=wishes.insurance))
    for code in wishes.accessibility:
        if entry.access_mask & listing.ACCESS_BITS[code]:
            said.append(vocabulary.label(vocabulary.ACCESSIBILITY_FEATURES, code).lower())
    if entry.practising_since and today.year - entry.practising_since >= 1:
        years = today.year - entry.practising_since
        said.append(str(ngettext("practicing for %(num)d year", "practicing for %(num)d years", years)))
    if rating is not None:
        said.append(
            str(
                ngettext(
                    "rated %(rating)s out of 5 from %(num)d review",
                    "rated %(rating)s out of 5 from %(num)d reviews",
                    entry.review_count,
                    rating=number_label(rating, decimals=1),
                )
            )
        )
    if figures is not None:
        said.append(outcomes.reason(figures))
    return tuple(said)
