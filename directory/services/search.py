"""Nearby search: practitioners by place, distance and what patients filter on."""
import math
from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import selectinload

from directory.extensions import db
from directory.models import Certification, CertificationStatus, SearchListing, TherapistProfile, User
from directory.services import listing, ratings
from directory.services.geo import EARTH_RADIUS_KM, Point, bounding_box, distance_km
from directory.services.text import escape_like, fold

SORTS = ("distance", "rating", "experience")
# Nearest-first search tries a circle this many times smaller first.
INNER_RADIUS_DIVISOR = 8


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
    """One result: the profile's own columns, and what search knows about it (codes, not objects)."""

    profile: TherapistProfile
    distance_km: float
    verified: bool
    rating: float | None
    headache_types: tuple[str, ...]
    consultation_modes: tuple[str, ...]
    languages: tuple[str, ...]


@dataclass(frozen=True)
class SearchPage:
    hits: list[SearchHit]
    total: int
    page: int
    per_page: int
    filters: SearchFilters = field(default_factory=SearchFilters)
    # True when more matched than the count went up to (SEARCH_COUNT_CAP): total is then a floor.
    total_is_capped: bool = False

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


def haversine_term(point: Point) -> ColumnElement[float]:
    """The haversine term `a` of the distance from `point`, computed by the database.

    Distance is 2R·asin(√a), which grows with `a`: filtering and ordering by `a` gives the
    same result as by distance, without asin and sqrt on every candidate.
    """
    lat0, lon0 = math.radians(point.latitude), math.radians(point.longitude)
    lat, lon = func.radians(SearchListing.latitude), func.radians(SearchListing.longitude)
    half_dlat = func.sin((lat - lat0) / 2)
    half_dlon = func.sin((lon - lon0) / 2)
    return half_dlat * half_dlat + math.cos(lat0) * func.cos(lat) * half_dlon * half_dlon


def haversine_limit(radius_km: float) -> float:
    """The largest haversine term within `radius_km`."""
    return math.sin(min(radius_km / EARTH_RADIUS_KM, math.pi) / 2) ** 2


def _in_boxes(point: Point, radius_km: float) -> ColumnElement[bool]:
    boxes = bounding_box(point, radius_km)
    return or_(
        *(
            and_(
                SearchListing.latitude.between(box.min_lat, box.max_lat),
                SearchListing.longitude.between(box.min_lon, box.max_lon),
            )
            for box in boxes
        )
    )


def _has_all(column, bits: dict[str, int], codes) -> ColumnElement[bool]:
    wanted = listing.mask(codes, bits)
    return column.op("&")(wanted) == wanted


def _has_any(column, bits: dict[str, int], codes) -> ColumnElement[bool]:
    return column.op("&")(listing.mask(codes, bits)) != 0


def filter_clauses(filters: SearchFilters, today: date) -> list[ColumnElement[bool]]:
    """SQL conditions on the search listing for the filters."""
    clauses: list[ColumnElement[bool]] = []
    if filters.verified_only:
        clauses.append(SearchListing.verified_until >= today)
    if filters.headache_types:
        clauses.append(_has_all(SearchListing.headache_mask, listing.HEADACHE_BITS, filters.headache_types))
    if filters.accessibility:
        clauses.append(_has_all(SearchListing.access_mask, listing.ACCESS_BITS, filters.accessibility))
    if filters.modes:
        clauses.append(_has_any(SearchListing.mode_mask, listing.MODE_BITS, filters.modes))
    if filters.languages:
        clauses.append(_has_any(SearchListing.language_mask, listing.LANGUAGE_BITS, filters.languages))
    if filters.availability:
        clauses.append(_has_any(SearchListing.availability_mask, listing.PERIOD_BITS, filters.availability))
    if filters.accepting_new_patients:
        clauses.append(SearchListing.accepting_new_patients.is_(True))
    if filters.max_fee is not None:
        clauses.append(SearchListing.fee_min <= filters.max_fee)
    if filters.gender:
        clauses.append(SearchListing.gender == filters.gender)
    if filters.insurance:
        clauses.append(_accepts_insurance(filters.insurance))
    return clauses


def _accepts_insurance(insurance: str) -> ColumnElement[bool]:
    wanted = fold(insurance)
    if wanted in ("self pay", "selfpay", "self_pay", "none"):
        return SearchListing.accepts_self_pay.is_(True)
    if not wanted:
        return false()
    return SearchListing.insurers.like(f"%{escape_like(insurance.strip().lower())}%", escape="\\")


def _order(sort: str, columns, prior_mean: float, prior_weight: float):
    distance, profile_id = columns.nearness, columns.profile_id
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

    The bounding boxes narrow the candidates through the listing's covering index; the database
    then keeps and orders them by great-circle nearness; geopy gives the page's distances.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    today = today or date.today()
    prior_mean = ratings.site_mean_rating()
    prior_weight = current_app.config["REVIEW_PRIOR_WEIGHT"]
    clauses = filter_clauses(filters, today)

    def page_within(km: float):
        candidates = _candidates(point, km, clauses, today)
        return db.session.execute(
            select(candidates)
            .order_by(*_order(sort, candidates.c, prior_mean, prior_weight))
            .limit(per_page)
            .offset((page - 1) * per_page)
        ).all()

    rows = None
    inner_km = radius_km / INNER_RADIUS_DIVISOR
    if sort == "distance" and inner_km >= 1:
        # Nearest first: when a small circle already fills the page, nothing outside it can be
        # nearer, so a dense city need not sort every match of the whole radius.
        rows = page_within(inner_km)
        if len(rows) < per_page:
            rows = None
    if rows is None:
        rows = page_within(radius_km)
    total, capped = _count_within(point, radius_km, clauses, today, current_app.config["SEARCH_COUNT_CAP"])
    return SearchPage(_hits(point, rows, prior_mean, prior_weight), total, page, per_page, filters, capped)


def _candidates(point: Point, radius_km: float, clauses, today: date):
    return (
        select(
            SearchListing.profile_id,
            haversine_term(point).label("nearness"),
            (SearchListing.verified_until >= today).label("verified"),
            SearchListing.headache_mask,
            SearchListing.mode_mask,
            SearchListing.language_mask,
            SearchListing.rating_total,
            SearchListing.review_count,
            SearchListing.practising_since,
        )
        .where(_in_boxes(point, radius_km), *clauses, haversine_term(point) <= haversine_limit(radius_km))
        .subquery()
    )


def _count_within(point: Point, radius_km: float, clauses, today: date, cap: int) -> tuple[int, bool]:
    """How many match within the radius, counting no further than `cap` (True when there are more)."""
    matches = select(SearchListing.profile_id).where(
        _in_boxes(point, radius_km), *clauses, haversine_term(point) <= haversine_limit(radius_km)
    )
    count = db.session.scalar(select(func.count()).select_from(matches.limit(cap + 1).subquery()))
    return min(count, cap), count > cap


def _hits(point: Point, rows, prior_mean: float, prior_weight: float) -> list[SearchHit]:
    if not rows:
        return []
    profiles = db.session.scalars(select(TherapistProfile).where(TherapistProfile.id.in_([row.profile_id for row in rows])))
    by_id = {profile.id: profile for profile in profiles}
    return [
        SearchHit(
            profile=by_id[row.profile_id],
            distance_km=distance_km(point, Point(by_id[row.profile_id].latitude, by_id[row.profile_id].longitude)),
            verified=bool(row.verified),
            rating=ratings.bayesian_average(row.rating_total, row.review_count, prior_mean, prior_weight),
            headache_types=listing.codes(row.headache_mask, listing.HEADACHE_BITS),
            consultation_modes=listing.codes(row.mode_mask, listing.MODE_BITS),
            languages=listing.codes(row.language_mask, listing.LANGUAGE_BITS),
        )
        for row in rows
    ]


# Everything a public profile page shows, loaded in one go.
PUBLIC_PAGE_LOADS = (
    selectinload(TherapistProfile.headache_types),
    selectinload(TherapistProfile.consultation_modes),
    selectinload(TherapistProfile.languages),
    selectinload(TherapistProfile.accessibility),
    selectinload(TherapistProfile.availability),
    selectinload(TherapistProfile.certifications),
)


def public_profile(*criteria: ColumnElement[bool]) -> TherapistProfile | None:
    """The listed profile that meets the criteria (by slug or id), ready for its public page."""
    return db.session.scalar(select(TherapistProfile).where(*criteria, listed_clause()).options(*PUBLIC_PAGE_LOADS))


def is_verified(profile: TherapistProfile, today: date | None = None) -> bool:
    """Whether a profile holds a verified, unexpired certification today."""
    today = today or date.today()
    return any(certification.counts_on(today) for certification in profile.certifications)
