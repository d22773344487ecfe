"""Rank practitioners for a patient's questionnaire answers, with the reasons in plain words.

Hard filters first (reachable, accepting new patients, verified, listed); then one weighted
score computed by the database from parts between 0 and 1, so that only the best few rows
come back. Weights live in config (MATCH_WEIGHTS); a part the patient expressed no wish
about is left out of the score altogether.
"""
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from flask import current_app
from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnElement,
    Date,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    func,
    or_,
    select,
)

from directory import vocabulary
from directory.extensions import db
from directory.models import SearchListing, TherapistProfile
from directory.services import clinical, geocoding, listing, ratings
from directory.services.geo import EARTH_RADIUS_KM, Point, distance_km, format_distance
from directory.services.search import _circle, _float, _haversine, _in_boxes, _origin
from directory.services.text import escape_like

SELF_PAY = "self_pay"
FAMILY_WORDS = {
    "migraine": "migraine",
    "tension_type": "tension-type headache",
    "cervicogenic": "headache from the neck",
    "cluster": "cluster headache",
    "medication_overuse": "medication-overuse headache",
}
GENDER_WORDS = {"woman": "a woman", "man": "a man", "nonbinary": "non-binary"}


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


def match(answers: dict, assessment: clinical.Assessment, limit: int = 20, today: date | None = None) -> MatchResult:
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


def patient_country(preferences: dict) -> str | None:
    """The country of the patient's searched place or coordinates; None when it cannot be told."""
    if preferences.get("latitude") is not None and preferences.get("longitude") is not None:
        return geocoding.country_at(Point(preferences["latitude"], preferences["longitude"]))
    if not preferences.get("location"):
        return None
    try:
        result = geocoding.geocode(preferences["location"])
    except geocoding.GeocodingError:
        # The stop page and the emergency number must never fail on a place: say none.
        return None
    return result.location.country if result.location else None


def _place(preferences: dict):
    if preferences.get("latitude") is not None and preferences.get("longitude") is not None:
        return Point(preferences["latitude"], preferences["longitude"]), "your location"
    if not preferences.get("location"):
        return MatchResult(None, "Tell us where you are: a town, city or ZIP code, or use your location.", (), [])
    try:
        result = geocoding.geocode(preferences["location"])
    except geocoding.GeocodingError as error:
        return MatchResult(None, str(error), (), [])
    if result.location:
        return result.location.point, result.location.label
    return MatchResult(None, result.message, result.candidates, [])


def _wishes(point: Point, preferences: dict, assessment: clinical.Assessment) -> _Wishes:
    config = current_app.config
    family_weights: dict[str, float] = {}
    for probable in assessment.probable_types:
        meta = clinical.HEADACHE_TYPES[probable.type]
        confidence = clinical.CONFIDENCE_WEIGHTS["doctor_confirmed" if probable.doctor_confirmed else probable.confidence]
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
        gender=None if preferences.get("practitioner_gender") in (None, "no_preference") else preferences["practitioner_gender"],
        availability=tuple(preferences.get("availability") or ()),
        accessibility=tuple(preferences.get("accessibility") or ()),
        max_fee=preferences.get("max_fee"),
        insurance=insurance,
    )


class _RankShape(NamedTuple):
    """What sets one ranking statement's SQL apart from another's; every other value is a parameter."""

    families: tuple[str, ...]  # in the order of their weights, as the score adds them up
    languages: bool
    availability: int  # how many periods the patient named
    accessibility: int
    gender: bool
    max_fee: bool
    insurance: str | None  # None, "self_pay" or "insurer"
    video_reach: bool  # a video first consultation reaches further than the in-person distance
    near_boxes: int
    video_boxes: int
    weights: tuple[tuple[str, float], ...]


def _bit_set(column: ColumnElement[int], bit: int | BindParameter[int]) -> ColumnElement[float]:
    return case((column.op("&")(bit) != 0, 1.0), else_=0.0)


def _mask(name: str) -> BindParameter[int]:
    return bindparam(name, type_=BigInteger)


def _parts(shape: _RankShape, distance: ColumnElement[float]) -> dict[str, ColumnElement[float]]:
    """Each applicable part of the score as an SQL expression between 0 and 1, its values parameters."""
    parts: dict[str, ColumnElement[float]] = {}
    if shape.families:
        parts["headache_fit"] = sum(
            _float(f"family_share_{i}") * _bit_set(SearchListing.headache_mask, listing.HEADACHE_BITS[family])
            for i, family in enumerate(shape.families)
        )
    max_km = _float("max_km")
    parts["distance"] = case((distance <= max_km, 1.0 - distance / max_km), else_=0.0)
    parts["consultation_mode"] = _bit_set(SearchListing.mode_mask, _mask("wanted_modes"))
    if shape.languages:
        parts["language"] = _bit_set(SearchListing.language_mask, _mask("languages"))
    if shape.availability:
        parts["availability"] = sum(
            _bit_set(SearchListing.availability_mask, _mask(f"period_{i}")) for i in range(shape.availability)
        ) / shape.availability
    if shape.accessibility:
        parts["accessibility"] = sum(
            _bit_set(SearchListing.access_mask, _mask(f"access_{i}")) for i in range(shape.accessibility)
        ) / shape.accessibility
    if shape.gender:
        parts["gender"] = case((SearchListing.gender == bindparam("gender", type_=String), 1.0), else_=0.0)
    cost = []
    if shape.max_fee:
        max_fee = _float("max_fee")
        cost.append(case((SearchListing.fee_min.is_(None), 0.5), (SearchListing.fee_min <= max_fee, 1.0), else_=0.0))
    if shape.insurance == SELF_PAY:
        cost.append(case((SearchListing.accepts_self_pay.is_(True), 1.0), else_=0.0))
    elif shape.insurance:
        accepts = SearchListing.insurers.like(bindparam("insurer", type_=String), escape="\\")
        cost.append(case((accepts, 1.0), else_=0.0))
    if cost:
        parts["cost"] = sum(cost) / len(cost)
    years = bindparam("this_year", type_=Integer) - SearchListing.practising_since
    parts["experience"] = case(
        (SearchListing.practising_since.is_(None), 0.0), (years >= 20, 1.0), (years <= 0, 0.0), else_=years / 20.0
    )
    prior_weight = _float("prior_weight")
    bayesian = (SearchListing.rating_total + prior_weight * _float("prior_mean")) / (SearchListing.review_count + prior_weight)
    parts["rating"] = (bayesian - 1.0) / 4.0
    return parts


def _is_self_pay(insurance: str) -> bool:
    return insurance == SELF_PAY or insurance.lower().replace("-", " ") in ("self pay", "selfpay")


def _reachable(shape: _RankShape, nearness: ColumnElement[float]) -> ColumnElement[bool]:
    near = and_(_in_boxes("near", shape.near_boxes), nearness <= _float("near_limit"))
    if shape.video_reach:
        # A video first consultation reaches further, but treatment itself is in person.
        video = SearchListing.mode_mask.op("&")(listing.MODE_BITS["video"]) != 0
        return or_(near, and_(_in_boxes("video", shape.video_boxes), nearness <= _float("video_limit"), video))
    return near


@lru_cache(maxsize=256)
def _ranking_statement(shape: _RankShape) -> Select:
    """The best listings for one shape of answers, with their score and distance, built once and bound per call."""
    weights = dict(shape.weights)
    nearness = _haversine(_float("half_lat0"), _float("half_lon0"), _float("cos_lat0"))
    distance = 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(case((nearness > 1.0, 1.0), else_=nearness)))
    parts = _parts(shape, distance)
    applicable = sum(weights[name] for name in parts)
    score = sum(weights[name] * expression for name, expression in parts.items()) * (100.0 / applicable)
    return (
        select(SearchListing, score.label("score"), distance.label("distance_km"))
        .where(
            _reachable(shape, nearness),
            SearchListing.verified_until >= bindparam("today", type_=Date),
            SearchListing.accepting_new_patients.is_(True),
        )
        .order_by(score.desc(), distance, SearchListing.profile_id)
        .limit(bindparam("limit", type_=Integer))
    )


@lru_cache(maxsize=1)
def _profiles_statement() -> Select:
    """The profiles of the ranked listings, built once."""
    return select(TherapistProfile).where(TherapistProfile.id.in_(bindparam("ids", expanding=True)))


def _ranking(wishes: _Wishes, limit: int, today: date) -> tuple[_RankShape, dict[str, object]]:
    """The shape of the ranking statement for these wishes, and the values of its parameters."""
    total_weight = sum(wishes.family_weights.values())
    values: dict[str, object] = {
        f"family_share_{i}": weight / total_weight for i, weight in enumerate(wishes.family_weights.values())
    }
    wanted_modes = {"in_person": ("in_person",), "video": ("video",), "either": ("in_person", "video")}[wishes.first_consultation]
    values |= {
        **_origin(wishes.point),
        "max_km": wishes.max_km,
        "wanted_modes": listing.mask(wanted_modes, listing.MODE_BITS),
        "this_year": today.year,
        "prior_mean": ratings.site_mean_rating(),
        "prior_weight": current_app.config["REVIEW_PRIOR_WEIGHT"],
        "today": today,
        "limit": limit,
    }
    if wishes.languages:
        values["languages"] = listing.mask(wishes.languages, listing.LANGUAGE_BITS)
    values |= {f"period_{i}": listing.PERIOD_BITS[code] for i, code in enumerate(wishes.availability)}
    values |= {f"access_{i}": listing.ACCESS_BITS[code] for i, code in enumerate(wishes.accessibility)}
    if wishes.gender:
        values["gender"] = wishes.gender
    if wishes.max_fee is not None:
        values["max_fee"] = wishes.max_fee
    insurance = None
    if wishes.insurance:
        insurance = SELF_PAY if _is_self_pay(wishes.insurance) else "insurer"
        if insurance == "insurer":
            values["insurer"] = f"%{escape_like(wishes.insurance.lower())}%"
    near_boxes, near_values = _circle("near", wishes.point, wishes.max_km)
    values |= near_values
    video_reach = wishes.first_consultation in ("video", "either") and wishes.video_km > wishes.max_km
    video_boxes = 0
    if video_reach:
        video_boxes, video_values = _circle("video", wishes.point, wishes.video_km)
        values |= video_values
    shape = _RankShape(
        families=tuple(wishes.family_weights),
        languages=bool(wishes.languages),
        availability=len(wishes.availability),
        accessibility=len(wishes.accessibility),
        gender=bool(wishes.gender),
        max_fee=wishes.max_fee is not None,
        insurance=insurance,
        video_reach=video_reach,
        near_boxes=near_boxes,
        video_boxes=video_boxes,
        weights=tuple(current_app.config["MATCH_WEIGHTS"].items()),
    )
    return shape, values


def _ranked(wishes: _Wishes, limit: int, today: date) -> list[Match]:
    shape, values = _ranking(wishes, limit, today)
    rows = db.session.execute(_ranking_statement(shape), values).all()
    if not rows:
        return []
    ids = [row.SearchListing.profile_id for row in rows]
    profiles = {profile.id: profile for profile in db.session.scalars(_profiles_statement(), {"ids": ids})}
    prior_mean, prior_weight = values["prior_mean"], values["prior_weight"]
    matches = []
    for row in rows:
        entry, profile = row.SearchListing, profiles[row.SearchListing.profile_id]
        km = distance_km(wishes.point, Point(profile.latitude, profile.longitude))
        rating = ratings.bayesian_average(entry.rating_total, entry.review_count, prior_mean, prior_weight)
        matches.append(
            Match(
                profile=profile,
                score=round(float(row.score), 1),
                distance_km=km,
                verified=True,
                reasons=reasons(wishes, entry, profile, km, rating, today),
                rating=rating,
                headache_types=listing.codes(entry.headache_mask, listing.HEADACHE_BITS),
                consultation_modes=listing.codes(entry.mode_mask, listing.MODE_BITS),
                languages=listing.codes(entry.language_mask, listing.LANGUAGE_BITS),
            )
        )
    return matches


def reasons(wishes: _Wishes, entry: SearchListing, profile: TherapistProfile, km: float, rating: float | None, today: date) -> tuple[str, ...]:
    """Why a practitioner ranks where they do, in plain words, strongest first."""
    said: list[str] = []
    treated = [f for f in wishes.family_weights if entry.headache_mask & listing.HEADACHE_BITS[f]]
    said += [f"treats {FAMILY_WORDS[family]}" for family in treated]
    said += [f"does not list {FAMILY_WORDS[family]} among what they treat" for family in wishes.family_weights if family not in treated]
    offers_video = bool(entry.mode_mask & listing.MODE_BITS["video"])
    if km <= wishes.max_km:
        said.append(f"{format_distance(km)} away")
    else:
        said.append(f"{format_distance(km)} away, further than you asked, but offers a video first consultation")
    if wishes.first_consultation in ("video", "either") and offers_video:
        said.append("offers a video first consultation")
    if wishes.first_consultation in ("in_person", "either") and entry.mode_mask & listing.MODE_BITS["in_person"]:
        said.append("sees patients in person")
    said.append("verified certification")
    spoken = [code for code in wishes.languages if entry.language_mask & listing.LANGUAGE_BITS[code]]
    if spoken:
        said.append("speaks " + " and ".join(vocabulary.label(vocabulary.LANGUAGES, code) for code in spoken))
    elif wishes.languages:
        said.append("does not list your languages")
    open_periods = [code for code in wishes.availability if entry.availability_mask & listing.PERIOD_BITS[code]]
    if open_periods:
        said.append("sees patients on " + ", ".join(vocabulary.label(vocabulary.AVAILABILITY_PERIODS, code).lower() for code in open_periods))
    if wishes.gender and entry.gender == wishes.gender:
        said.append(f"is {GENDER_WORDS[wishes.gender]} practitioner, as you asked" if wishes.gender != "nonbinary" else "is non-binary, as you asked")
    if wishes.max_fee is not None and entry.fee_min is not None:
        said.append("fee within your budget" if entry.fee_min <= wishes.max_fee else "fee above your budget")
    if wishes.insurance:
        if wishes.insurance == SELF_PAY:
            said.append("welcomes self-paying patients" if entry.accepts_self_pay else "does not list self-pay")
        elif entry.insurers and wishes.insurance.lower() in entry.insurers:
            said.append(f"accepts {wishes.insurance}")
    for code in wishes.accessibility:
        if entry.access_mask & listing.ACCESS_BITS[code]:
            said.append(vocabulary.label(vocabulary.ACCESSIBILITY_FEATURES, code).lower())
    if entry.practising_since and today.year - entry.practising_since >= 1:
        said.append(f"practising for {today.year - entry.practising_since} years")
    if rating is not None:
        said.append(f"rated {rating:.1f} out of 5 from {entry.review_count} review{'' if entry.review_count == 1 else 's'}")
    return tuple(said)
