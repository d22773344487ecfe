"""Rank practitioners for a patient's questionnaire answers, with the reasons in plain words.

Hard filters first (reachable, accepting new patients, verified, listed); then one weighted
score computed by the database from parts between 0 and 1, so that only the best few rows
come back. Weights live in config (MATCH_WEIGHTS); a part the patient expressed no wish
about is left out of the score altogether.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, Float, and_, case, func, literal, or_, select, type_coerce
from sqlalchemy.orm import InstrumentedAttribute

from directory import vocabulary
from directory.extensions import db
from directory.models import OutcomeSummary, SearchListing, TherapistProfile
from directory.services.core.text import N_, escape_like, gettext, ngettext, number_label
from directory.services.geo import geocoding, places
from directory.services.geo.points import (
    EARTH_RADIUS_KM,
    Point,
    bounding_box,
    distance_km,
    localized_distance,
)
from directory.services.outcomes import public as outcomes
from directory.services.questionnaire import clinical
from directory.services.search import listing, ratings
from directory.services.search.nearby import haversine_limit, haversine_term


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


def _bit_set(column: InstrumentedAttribute[int], bit: int) -> ColumnElement[float]:
    return case((column.op("&")(bit) != 0, 1.0), else_=0.0)


def _total(terms: Iterable[ColumnElement[float]]) -> ColumnElement[float]:
    """The SQL sum of score terms, started from an SQL 0.0 rather than Python's int 0."""
    return sum(terms, literal(0.0))


def _parts(wishes: _Wishes, distance: ColumnElement[float], today: date) -> dict[str, ColumnElement[float]]:
    """Each applicable part of the score as an SQL expression between 0 and 1."""
    parts: dict[str, ColumnElement[float]] = {}
    total_weight = sum(wishes.family_weights.values())
    if total_weight:
        parts["headache_fit"] = _total(
            (weight / total_weight) * _bit_set(SearchListing.headache_mask, listing.HEADACHE_BITS[family])
            for family, weight in wishes.family_weights.items()
        )
    parts["distance"] = case((distance <= wishes.max_km, 1.0 - distance / wishes.max_km), else_=0.0)
    wanted_modes = {"in_person": ("in_person",), "video": ("video",), "either": ("in_person", "video")}[
        wishes.first_consultation
    ]
    parts["consultation_mode"] = _bit_set(SearchListing.mode_mask, listing.mask(wanted_modes, listing.MODE_BITS))
    if wishes.languages:
        parts["language"] = _bit_set(SearchListing.language_mask, listing.mask(wishes.languages, listing.LANGUAGE_BITS))
    if wishes.availability:
        parts["availability"] = _total(
            _bit_set(SearchListing.availability_mask, listing.PERIOD_BITS[code]) for code in wishes.availability
        ) / len(wishes.availability)
    if wishes.accessibility:
        parts["accessibility"] = _total(
            _bit_set(SearchListing.access_mask, listing.ACCESS_BITS[code]) for code in wishes.accessibility
        ) / len(wishes.accessibility)
    if wishes.gender:
        parts["gender"] = case((SearchListing.gender == wishes.gender, 1.0), else_=0.0)
    cost: list[ColumnElement[float]] = []
    if wishes.max_fee is not None:
        # As the search page's fee filter: the top of the range (fee_max) within the budget is a full match;
        # only its bottom within it, half (some sessions cost more); no fee given, half (ask the practice).
        cost.append(
            case(
                (SearchListing.fee_min.is_(None), 0.5),
                (SearchListing.fee_max <= wishes.max_fee, 1.0),
                (SearchListing.fee_min <= wishes.max_fee, 0.5),
                else_=0.0,
            )
        )
    if wishes.insurance:
        cost.append(case((_accepts(wishes.insurance), 1.0), else_=0.0))
    if cost:
        parts["cost"] = _total(cost) / len(cost)
    years = today.year - SearchListing.practising_since
    parts["experience"] = case(
        (SearchListing.practising_since.is_(None), 0.0), (years >= 20, 1.0), (years <= 0, 0.0), else_=years / 20.0
    )
    prior_mean = ratings.site_mean_rating()
    prior_weight: float = current_app.config["REVIEW_PRIOR_WEIGHT"]
    bayesian = (SearchListing.rating_total + prior_weight * prior_mean) / (SearchListing.review_count + prior_weight)
    # Integer columns divided give Numeric in SQLAlchemy's typing; the database computes a float here.
    parts["rating"] = type_coerce((bayesian - 1.0) / 4.0, Float)
    return parts


def _accepts(insurance: str) -> ColumnElement[bool]:
    if vocabulary.is_self_pay(insurance):
        return SearchListing.accepts_self_pay.is_(True)
    return SearchListing.insurers.like(f"%{escape_like(insurance.lower())}%", escape="\\")


def _reachable(wishes: _Wishes) -> ColumnElement[bool]:
    def within(km: float) -> ColumnElement[bool]:
        boxes = bounding_box(wishes.point, km)
        box = or_(
            *(
                and_(
                    SearchListing.latitude.between(b.min_lat, b.max_lat),
                    SearchListing.longitude.between(b.min_lon, b.max_lon),
                )
                for b in boxes
            )
        )
        return and_(box, haversine_term(wishes.point) <= haversine_limit(km))

    if wishes.first_consultation in ("video", "either") and wishes.video_km > wishes.max_km:
        # A video first consultation reaches further, but treatment itself is in person.
        video = SearchListing.mode_mask.op("&")(listing.MODE_BITS["video"]) != 0
        return or_(within(wishes.max_km), and_(within(wishes.video_km), video))
    return within(wishes.max_km)


def _ranked(wishes: _Wishes, limit: int, today: date) -> list[Match]:
    weights = current_app.config["MATCH_WEIGHTS"]
    nearness = haversine_term(wishes.point)
    distance = 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(case((nearness > 1.0, 1.0), else_=nearness)))
    parts = _parts(wishes, distance, today)
    applicable = sum(weights[name] for name in parts)
    # The outcomes part counts only where the figures are shown (ranking_part is None otherwise): elsewhere it is
    # left out of the score altogether, as a part the patient expressed no wish about is.
    outcome_weight = weights.get("outcomes", 0)
    outcome_shown = case((OutcomeSummary.ranking_part.is_not(None), 1.0), else_=0.0)
    weighted = _total(weights[name] * expression for name, expression in parts.items())
    score = (
        (weighted + outcome_weight * func.coalesce(OutcomeSummary.ranking_part, 0.0))
        * 100.0
        / (applicable + outcome_weight * outcome_shown)
    )
    rows = db.session.execute(
        select(SearchListing, score.label("score"))
        .outerjoin(OutcomeSummary, OutcomeSummary.profile_id == SearchListing.profile_id)
        .where(
            _reachable(wishes),
            SearchListing.verified_until >= today,
            SearchListing.accepting_new_patients.is_(True),
        )
        .order_by(score.desc(), distance, SearchListing.profile_id)
        .limit(limit)
    ).all()
    if not rows:
        return []
    profiles = {
        profile.id: profile
        for profile in db.session.scalars(
            select(TherapistProfile).where(TherapistProfile.id.in_([r.SearchListing.profile_id for r in rows]))
        )
    }
    summaries = {
        summary.profile_id: summary
        for summary in db.session.scalars(select(OutcomeSummary).where(OutcomeSummary.profile_id.in_(list(profiles))))
    }
    prior_mean, prior_weight = ratings.site_mean_rating(), current_app.config["REVIEW_PRIOR_WEIGHT"]
    matches = []
    for row in rows:
        entry, profile = row.SearchListing, profiles[row.SearchListing.profile_id]
        # The listing's point: a listed profile always has one, and the ranking measured from it.
        km = distance_km(wishes.point, Point(entry.latitude, entry.longitude))
        rating = ratings.bayesian_average(entry.rating_total, entry.review_count, prior_mean, prior_weight)
        matches.append(
            Match(
                profile=profile,
                score=round(float(row.score), 1),
                distance_km=km,
                verified=True,
                reasons=reasons(wishes, entry, km, rating, today, outcomes.from_summary(summaries.get(profile.id))),
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
