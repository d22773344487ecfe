"""Nearby search: practitioners by place, distance and what patients filter on."""
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, and_, case, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from directory import vocabulary
from directory.extensions import db
from directory.models import (
    AvailabilitySlot,
    Certification,
    CertificationStatus,
    TherapistProfile,
    User,
    profile_accessibility,
    profile_consultation_mode,
    profile_headache_type,
    profile_language,
)
from directory.services import ratings
from directory.services.geo import EARTH_RADIUS_KM, Point, bounding_box
from directory.services.text import fold

SORTS = ("distance", "rating", "experience")
PERIODS = {code: (days, start, end) for code, _, days, start, end in vocabulary.AVAILABILITY_PERIODS}


@dataclass(frozen=True)
class SearchFilters:
    """What a patient narrows the search by; empty means no restriction."""

    headache_types: tuple[str, ...] = ()  # treats all of these
    verified_only: bool = True
    modes: tuple[str, ...] = ()  # offers any of these
    languages: tuple[str, ...] = ()  # speaks any of these
    accepting_new_patients: bool = False
    availability: tuple[str, ...] = ()  # open in any of these periods
    max_fee: int | None = None
    insurance: str | None = None
    accessibility: tuple[str, ...] = ()  # has all of these
    gender: str | None = None


@dataclass(frozen=True)
class SearchHit:
    profile: TherapistProfile
    distance_km: float
    verified: bool
    rating: float | None


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    filters: SearchFilters = field(default_factory=SearchFilters)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def verified_clause(today: date) -> ColumnElement[bool]:
    """True for a profile holding a verified certification that has not expired by `today`.

    Expiry is enforced here, so it holds whether or not the expiry command has run.
    """
    return exists().where(
        Certification.profile_id == TherapistProfile.id,
        Certification.status == CertificationStatus.VERIFIED,
        or_(Certification.expires_on.is_(None), Certification.expires_on >= today),
    )


def listed_clause() -> ColumnElement[bool]:
    """Profiles the public may see: published, of an active (not suspended) therapist."""
    return and_(TherapistProfile.published.is_(True), exists().where(User.id == TherapistProfile.user_id, User.active.is_(True)))


def great_circle_km(point: Point) -> ColumnElement[float]:
    """The haversine great-circle distance from `point`, computed by the database."""
    lat0, lon0 = func.radians(point.latitude), func.radians(point.longitude)
    lat, lon = func.radians(TherapistProfile.latitude), func.radians(TherapistProfile.longitude)
    half_dlat = func.sin((lat - lat0) / 2)
    half_dlon = func.sin((lon - lon0) / 2)
    a = half_dlat * half_dlat + func.cos(lat0) * func.cos(lat) * half_dlon * half_dlon
    # Rounding can push `a` a hair above 1, outside asin's domain.
    return 2 * EARTH_RADIUS_KM * func.asin(func.sqrt(case((a > 1.0, 1.0), else_=a)))


def _in_boxes(point: Point, radius_km: float) -> ColumnElement[bool]:
    boxes = bounding_box(point, radius_km)
    return or_(
        *(
            and_(
                TherapistProfile.latitude.between(box.min_lat, box.max_lat),
                TherapistProfile.longitude.between(box.min_lon, box.max_lon),
            )
            for box in boxes
        )
    )


def _has(table, codes) -> ColumnElement[bool]:
    return exists().where(table.c.profile_id == TherapistProfile.id, table.c.code.in_(codes))


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_clauses(filters: SearchFilters, today: date) -> list[ColumnElement[bool]]:
    """SQL conditions for the filters (each list value is its own EXISTS on an indexed table)."""
    clauses: list[ColumnElement[bool]] = [listed_clause()]
    if filters.verified_only:
        clauses.append(verified_clause(today))
    clauses += [_has(profile_headache_type, [code]) for code in filters.headache_types]
    clauses += [_has(profile_accessibility, [code]) for code in filters.accessibility]
    if filters.modes:
        clauses.append(_has(profile_consultation_mode, filters.modes))
    if filters.languages:
        clauses.append(_has(profile_language, filters.languages))
    if filters.availability:
        clauses.append(_available_in(filters.availability))
    if filters.accepting_new_patients:
        clauses.append(TherapistProfile.accepting_new_patients.is_(True))
    if filters.max_fee is not None:
        clauses.append(TherapistProfile.fee_min <= filters.max_fee)
    if filters.gender:
        clauses.append(TherapistProfile.gender == filters.gender)
    if filters.insurance:
        clauses.append(_accepts_insurance(filters.insurance))
    return clauses


def _available_in(periods) -> ColumnElement[bool]:
    windows = []
    for code in periods:
        days, start, end = PERIODS[code]
        windows.append(
            and_(AvailabilitySlot.weekday.in_(days), AvailabilitySlot.start_minute < end, AvailabilitySlot.end_minute > start)
        )
    return exists().where(AvailabilitySlot.profile_id == TherapistProfile.id, or_(*windows))


def _accepts_insurance(insurance: str) -> ColumnElement[bool]:
    wanted = fold(insurance)
    if wanted in ("self pay", "selfpay", "self_pay", "none"):
        return TherapistProfile.accepts_self_pay.is_(True)
    if not wanted:
        return false()
    pattern = f"%{_escape_like(insurance.strip().lower())}%"
    return func.lower(TherapistProfile.insurance_accepted).like(pattern, escape="\\")


def _order(sort: str, columns, prior_mean: float, prior_weight: float):
    distance, profile_id = columns.distance_km, columns.id
    if sort == "rating":
        bayesian = (columns.rating_total + prior_weight * prior_mean) / (columns.review_count + prior_weight)
        return (bayesian.desc(), distance, profile_id)
    if sort == "experience":
        return (columns.practising_since.asc().nulls_last(), distance, profile_id)
    return (distance, profile_id)


def nearby_practitioners(
    point: Point,
    radius_km: float,
    filters: SearchFilters = SearchFilters(),
    sort: str = "distance",
    page: int = 1,
    per_page: int = 20,
    today: date | None = None,
) -> SearchPage:
    """One page of listed practitioners within `radius_km` of `point`, filtered and sorted.

    The bounding boxes narrow the candidates through the latitude/longitude index; the
    database then computes exact great-circle distances for those candidates only.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    today = today or date.today()
    prior_mean = ratings.site_mean_rating()
    prior_weight = current_app.config["REVIEW_PRIOR_WEIGHT"]
    distance = great_circle_km(point)
    candidates = (
        select(
            TherapistProfile.id,
            distance.label("distance_km"),
            verified_clause(today).label("verified"),
            TherapistProfile.rating_total,
            TherapistProfile.review_count,
            TherapistProfile.practising_since,
        )
        .where(_in_boxes(point, radius_km), *filter_clauses(filters, today))
        .subquery()
    )
    rows = db.session.execute(
        select(candidates.c.id, candidates.c.distance_km, candidates.c.verified, func.count().over().label("total"))
        .where(candidates.c.distance_km <= radius_km)
        .order_by(*_order(sort, candidates.c, prior_mean, prior_weight))
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if rows:
        total = rows[0].total
    else:
        total = db.session.scalar(select(func.count()).select_from(candidates).where(candidates.c.distance_km <= radius_km))
    return SearchPage(_load_hits(rows, prior_mean, prior_weight), total, page, per_page, filters)


def _load_hits(rows, prior_mean: float, prior_weight: float) -> list[SearchHit]:
    if not rows:
        return []
    profiles = db.session.scalars(
        select(TherapistProfile)
        .where(TherapistProfile.id.in_([row.id for row in rows]))
        .options(
            selectinload(TherapistProfile.headache_types),
            selectinload(TherapistProfile.consultation_modes),
            selectinload(TherapistProfile.languages),
        )
    )
    by_id = {profile.id: profile for profile in profiles}
    return [
        SearchHit(
            profile=by_id[row.id],
            distance_km=float(row.distance_km),
            verified=bool(row.verified),
            rating=ratings.bayesian_average(by_id[row.id].rating_total, by_id[row.id].review_count, prior_mean, prior_weight),
        )
        for row in rows
    ]


def is_verified(profile: TherapistProfile, today: date | None = None) -> bool:
    """Whether a profile holds a verified, unexpired certification today."""
    today = today or date.today()
    return any(certification.counts_on(today) for certification in profile.certifications)
