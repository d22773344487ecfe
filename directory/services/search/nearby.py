"""Nearby search: practitioners by place, distance and what patients filter on."""

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import (
    BigInteger,
    BindParameter,
    ColumnCollection,
    ColumnElement,
    Date,
    Float,
    Integer,
    Row,
    Select,
    SQLColumnExpression,
    String,
    and_,
    bindparam,
    exists,
    false,
    func,
    or_,
    select,
)

from directory.extensions import db
from directory.models import SearchListing, TherapistProfile, User
from directory.services.core.text import escape_like, fold
from directory.services.geo.points import EARTH_RADIUS_KM, Point, bounding_box, distance_km
from directory.services.search import listing, openings, ratings
from directory.vocabulary import is_self_pay

# A statement, and its rows, of columns chosen at run time.
_AnySelect = Select[*tuple[Any, ...]]
_AnyRow = Row[*tuple[Any, ...]]

SORTS = ("distance", "rating", "experience")
# Nearest-first search tries circles this many times smaller than the radius first, smallest first.
INNER_RADIUS_DIVISORS = (32, 8)
RADIAN = math.pi / 180
HALF_RADIAN = RADIAN / 2


@dataclass(frozen=True)
class SearchFilters:
    """What a patient narrows the search by; empty means no restriction."""

    headache_types: tuple[str, ...] = ()  # treats all of these
    verified_only: bool = True
    modes: tuple[str, ...] = ()  # offers any of these
    languages: tuple[str, ...] = ()  # speaks any of these
    accepting_new_patients: bool = False
    availability: tuple[str, ...] = ()  # open in any of these periods
    max_fee: int | None = None  # the most a session may cost: the top of the practitioner's fee range
    insurance: str | None = None
    accessibility: tuple[str, ...] = ()  # has all of these
    gender: str | None = None


# Searches with no filter share this one (frozen) value as their default.
NO_FILTERS = SearchFilters()


class ResultProfile(NamedTuple):
    """The profile columns a search result shows: its card and its API summary."""

    id: int
    slug: str
    display_name: str
    profession: str | None
    clinic_name: str | None
    city: str | None
    country: str | None
    latitude: float
    longitude: float
    accepting_new_patients: bool
    fee_min: int | None
    fee_max: int | None
    currency: str
    review_count: int
    photo_id: int | None


RESULT_COLUMNS = tuple(getattr(TherapistProfile, name) for name in ResultProfile._fields)


class ContactColumns(NamedTuple):
    """Profile columns a result card does not show, which a caller may ask the search to bring (the FHIR resources)."""

    street: str | None
    region: str | None
    postal_code: str | None
    phone: str | None
    website: str | None
    gender: str | None


CONTACT_COLUMNS = tuple(getattr(TherapistProfile, name).label(f"contact_{name}") for name in ContactColumns._fields)


@dataclass(frozen=True)
class SearchHit:
    """One result: the profile's columns it shows, and what search knows about it (codes, not objects)."""

    profile: ResultProfile
    distance_km: float
    verified: bool
    rating: float | None  # the Bayesian score that "best rated" ranks by
    average: float | None  # the plain mean of the published ratings, which the card shows
    headache_types: tuple[str, ...]
    consultation_modes: tuple[str, ...]
    languages: tuple[str, ...]
    # The weekly openings, (weekday, start minute, end minute) in the practice's local time.
    openings: tuple[tuple[int, int, int], ...] = ()
    contact: ContactColumns | None = None  # when the search was asked for it (with_contact)


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


def listed_clause() -> ColumnElement[bool]:
    """Profiles the public may see: published, of an active (not suspended) therapist."""
    return and_(
        TherapistProfile.published.is_(True), exists().where(User.id == TherapistProfile.user_id, User.active.is_(True))
    )


def nearness() -> ColumnElement[float]:
    """The haversine term `a` of the distance from the point that origin_values() binds, computed by the database.

    Distance is 2R·asin(√a), which grows with `a`: filtering and ordering by `a` gives the
    same result as by distance, without asin and sqrt on every candidate.
    """
    # sin((φ - φ0) / 2) as sin(φ° · π/360 - φ0 / 2): plain float arithmetic, the same in every engine.
    half_dlat = func.sin(SearchListing.latitude * HALF_RADIAN - float_param("half_lat0"))
    half_dlon = func.sin(SearchListing.longitude * HALF_RADIAN - float_param("half_lon0"))
    term: ColumnElement[float] = (
        half_dlat * half_dlat
        + float_param("cos_lat0") * func.cos(SearchListing.latitude * RADIAN) * half_dlon * half_dlon
    )
    return term


def origin_values(point: Point) -> dict[str, float]:
    """The parameters of nearness() from `point`."""
    lat0, lon0 = math.radians(point.latitude), math.radians(point.longitude)
    return {"half_lat0": lat0 / 2, "half_lon0": lon0 / 2, "cos_lat0": math.cos(lat0)}


def haversine_limit(radius_km: float) -> float:
    """The largest haversine term within `radius_km`."""
    return math.sin(min(radius_km / EARTH_RADIUS_KM, math.pi) / 2) ** 2


def float_param(name: str) -> BindParameter[float]:
    """A float bind parameter of this name (the shared statements bind every value)."""
    return bindparam(name, type_=Float)


def in_boxes(circle: str, boxes: int) -> ColumnElement[bool]:
    """Inside the bounding boxes of a circle, whose latitude bands and corners circle_values() binds.

    The bands come first, as in the index: for each band, one short range of longitudes is read.
    """
    return or_(
        *(
            and_(
                SearchListing.lat_band.in_(bindparam(f"{circle}_bands_{i}", expanding=True, type_=Integer)),
                SearchListing.latitude.between(
                    float_param(f"{circle}_min_lat_{i}"), float_param(f"{circle}_max_lat_{i}")
                ),
                SearchListing.longitude.between(
                    float_param(f"{circle}_min_lon_{i}"), float_param(f"{circle}_max_lon_{i}")
                ),
            )
            for i in range(boxes)
        )
    )


def circle_values(name: str, point: Point, radius_km: float) -> tuple[int, dict[str, Any]]:
    """How many bounding boxes a circle needs, and the values of its parameters (its boxes, its nearness limit)."""
    values: dict[str, Any] = {f"{name}_limit": haversine_limit(radius_km)}
    boxes = bounding_box(point, radius_km)
    for i, box in enumerate(boxes):
        values[f"{name}_bands_{i}"] = box.latitude_bands
        values |= {f"{name}_min_lat_{i}": box.min_lat, f"{name}_max_lat_{i}": box.max_lat}
        values |= {f"{name}_min_lon_{i}": box.min_lon, f"{name}_max_lon_{i}": box.max_lon}
    return len(boxes), values


# The filters on sets of codes: the listing's bit mask, its bits, and whether a practitioner needs
# all the wanted codes or any of them.
_MASK_FILTERS = {
    "headache_types": (SearchListing.headache_mask, listing.HEADACHE_BITS, all),
    "accessibility": (SearchListing.access_mask, listing.ACCESS_BITS, all),
    "modes": (SearchListing.mode_mask, listing.MODE_BITS, any),
    "languages": (SearchListing.language_mask, listing.LANGUAGE_BITS, any),
    "availability": (SearchListing.availability_mask, listing.PERIOD_BITS, any),
}


def _conditions(filters: SearchFilters) -> tuple[tuple[str, ...], dict[str, object]]:
    """The names of the conditions the filters set, and the values of their parameters."""
    names: list[str] = []
    values: dict[str, object] = {}

    def wants(name: str, **name_values: object) -> None:
        names.append(name)
        values.update(name_values)

    if filters.verified_only:
        wants("verified")
    for name, (column, bits, _) in _MASK_FILTERS.items():
        if codes := getattr(filters, name):
            wants(name, **{column.key: listing.mask(codes, bits)})
    if filters.accepting_new_patients:
        wants("accepting_new_patients")
    if filters.max_fee is not None:
        wants("max_fee", max_fee=filters.max_fee)
    if filters.gender:
        wants("gender", gender=filters.gender)
    if filters.insurance:
        if is_self_pay(filters.insurance):
            wants("self_pay")
        elif fold(filters.insurance):
            wants("insurer", insurer=f"%{escape_like(filters.insurance.strip().lower())}%")
        else:
            wants("nothing")
    return tuple(names), values


def _condition(name: str) -> ColumnElement[bool]:
    """One filter's SQL condition on the search listing, its value a parameter."""
    if name in _MASK_FILTERS:
        column, _, needs = _MASK_FILTERS[name]
        wanted = bindparam(column.key, type_=BigInteger)
        return column.op("&")(wanted) == wanted if needs is all else column.op("&")(wanted) != 0
    match name:
        case "verified":
            return SearchListing.verified_until >= bindparam("today", type_=Date)
        case "accepting_new_patients":
            return SearchListing.accepting_new_patients.is_(True)
        case "max_fee":
            # The top of the range, so that no session costs more than the limit; no fee given: not listed.
            return SearchListing.fee_max <= bindparam("max_fee", type_=Integer)
        case "gender":
            return SearchListing.gender == bindparam("gender", type_=String)
        case "self_pay":
            return SearchListing.accepts_self_pay.is_(True)
        case "insurer":
            return SearchListing.insurers.like(bindparam("insurer", type_=String), escape="\\")
        case _:
            return false()


def _order(sort: str, columns: ColumnCollection[str, Any]) -> tuple[ColumnElement[Any], ...]:
    distance, profile_id = columns.nearness, columns.profile_id
    if sort == "rating":
        prior_weight = float_param("prior_weight")
        bayesian = (columns.rating_total + prior_weight * float_param("prior_mean")) / (
            columns.review_count + prior_weight
        )
        return (bayesian.desc(), distance, profile_id)
    if sort == "experience":
        return (columns.practising_since.asc().nulls_last(), distance, profile_id)
    return (distance, profile_id)


class _Shape(NamedTuple):
    """What sets one search statement's SQL apart from another's; every value is a parameter."""

    sort: str
    conditions: tuple[str, ...]
    page_boxes: int  # bounding boxes of the circle the page is taken from
    total_boxes: int  # bounding boxes of the whole radius, when the statement counts too; else 0
    with_contact: bool = False  # the rows bring CONTACT_COLUMNS too


def _within(circle: str, boxes: int, conditions: tuple[str, ...], *columns: SQLColumnExpression[Any]) -> _AnySelect:
    """Listings inside a circle that meet the conditions, with their nearness and `columns`."""
    clauses = [_condition(name) for name in conditions]
    # The boxes narrow through the covering index; nearness, computed once a candidate, rounds them to a circle.
    in_box = (
        select(SearchListing.profile_id, nearness().label("nearness"), *columns)
        .where(in_boxes(circle, boxes), *clauses)
        .subquery()
    )
    return select(in_box).where(in_box.c.nearness <= float_param(f"{circle}_limit"))


@lru_cache(maxsize=256)
def _capped_count(conditions: tuple[str, ...], boxes: int) -> Select[int]:
    """How many listings match in the whole radius, counted no further than count_limit."""
    matching = _within("total", boxes, conditions).limit(bindparam("count_limit", type_=Integer))
    return select(func.count()).select_from(matching.subquery())


@lru_cache(maxsize=256)
def _page_statement(shape: _Shape) -> _AnySelect:
    """One page of results with the profile columns they show, and the capped total when asked.

    Built once for each shape and kept: a search only binds its values, which spares building
    a large expression tree on every request.
    """
    candidates = _within(
        "page",
        shape.page_boxes,
        shape.conditions,
        (SearchListing.verified_until >= bindparam("today", type_=Date)).label("verified"),
        SearchListing.headache_mask,
        SearchListing.mode_mask,
        SearchListing.language_mask,
        SearchListing.rating_total,
        SearchListing.review_count,
        SearchListing.practising_since,
    )
    rows = (
        candidates.order_by(*_order(shape.sort, candidates.selected_columns))
        .limit(bindparam("per_page", type_=Integer))
        .offset(bindparam("offset", type_=Integer))
        .subquery()
    )
    columns = [
        *RESULT_COLUMNS,
        rows.c.verified,
        rows.c.headache_mask,
        rows.c.mode_mask,
        rows.c.language_mask,
        rows.c.rating_total,
        openings.openings_column(TherapistProfile.id),
    ]
    if shape.with_contact:
        columns.extend(CONTACT_COLUMNS)
    if shape.total_boxes:
        columns.append(_capped_count(shape.conditions, shape.total_boxes).scalar_subquery().label("capped_total"))
    statement = select(*columns).join(rows, TherapistProfile.id == rows.c.profile_id)
    return statement.order_by(*_order(shape.sort, rows.c))


def nearby_practitioners(
    point: Point,
    radius_km: float,
    filters: SearchFilters = NO_FILTERS,
    sort: str = "distance",
    page: int = 1,
    per_page: int = 20,
    today: date | None = None,
    with_contact: bool = False,
) -> SearchPage:
    """One page of listed practitioners within `radius_km` of `point`, filtered and sorted.

    The bounding boxes narrow the candidates through the listing's covering index; the database
    then keeps and orders them by great-circle nearness; geopy gives the page's distances. One
    statement usually brings the page, its profiles and the (capped) total together.
    """
    if sort not in SORTS:
        raise ValueError(f"sort must be one of {', '.join(SORTS)}")
    prior_mean = ratings.site_mean_rating()
    prior_weight = current_app.config["REVIEW_PRIOR_WEIGHT"]
    cap = current_app.config["SEARCH_COUNT_CAP"]
    conditions, values = _conditions(filters)
    total_boxes, total_values = circle_values("total", point, radius_km)
    values |= total_values | origin_values(point)
    values |= {"today": today or date.today(), "prior_mean": prior_mean, "prior_weight": prior_weight}
    values |= {"per_page": per_page, "offset": (page - 1) * per_page, "count_limit": cap + 1}

    def page_within(km: float, with_total: bool) -> Sequence[_AnyRow]:
        page_boxes, page_values = circle_values("page", point, km)
        statement = _page_statement(
            _Shape(sort, conditions, page_boxes, total_boxes if with_total else 0, with_contact)
        )
        return db.session.execute(statement, values | page_values).all()

    rows: Sequence[_AnyRow] = []
    total: int | None = None
    # Nearest first: when a small circle already fills the page, nothing outside it can be
    # nearer, so a dense city need not sort every match of the whole radius. The next circle
    # out is tried only where the whole radius holds more than the cap; elsewhere the whole
    # radius has few enough to sort.
    inner = [km for km in (radius_km / divisor for divisor in INNER_RADIUS_DIVISORS) if km >= 1]
    for km in inner if sort == "distance" else ():
        rows = page_within(km, with_total=total is None)
        if total is None and rows:
            total = rows[0].capped_total
        if len(rows) >= per_page or total is None or total <= cap:
            break
    if len(rows) < per_page:
        rows = page_within(radius_km, with_total=total is None)
    if total is None:
        total = (
            rows[0].capped_total
            if rows
            else (0 if page == 1 else db.session.scalar(_capped_count(conditions, total_boxes), values))
        )
    hits = [_hit(point, row, prior_mean, prior_weight, with_contact) for row in rows]
    return SearchPage(hits, min(total, cap), page, per_page, filters, total > cap)


def _hit(point: Point, row: _AnyRow, prior_mean: float, prior_weight: float, with_contact: bool) -> SearchHit:
    profile = ResultProfile._make(row[: len(ResultProfile._fields)])
    return SearchHit(
        profile=profile,
        distance_km=distance_km(point, Point(profile.latitude, profile.longitude)),
        verified=bool(row.verified),
        rating=ratings.bayesian_average(row.rating_total, profile.review_count, prior_mean, prior_weight),
        average=row.rating_total / profile.review_count if profile.review_count else None,
        headache_types=listing.codes(row.headache_mask, listing.HEADACHE_BITS),
        consultation_modes=listing.codes(row.mode_mask, listing.MODE_BITS),
        languages=listing.codes(row.language_mask, listing.LANGUAGE_BITS),
        openings=openings.decode_openings(row.openings),
        contact=ContactColumns._make(getattr(row, column.name) for column in CONTACT_COLUMNS) if with_contact else None,
    )
