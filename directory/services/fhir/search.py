"""Running a FHIR search: `near` through the site's nearby search, everything else by id over listed profiles."""

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import ColumnElement, SQLColumnExpression, exists, func, or_, select

from directory.extensions import db
from directory.models import TherapistProfile, profile_headache_type
from directory.services.core.text import escape_like
from directory.services.fhir import records
from directory.services.fhir.params import SearchRequest
from directory.services.search import nearby


@dataclass(frozen=True)
class SearchResult:
    """One page of a search: the practices' ids in order, their distances (km) for `near`, the count, what follows."""

    ids: list[int]
    distances_km: list[float] | None
    total: int
    total_is_capped: bool  # more match than `total`: counting stopped at SEARCH_COUNT_CAP
    has_next: bool
    hits: list[nearby.SearchHit] | None = None  # the nearby search's hits, for `near`


def page_practices(result: SearchResult, *, for_practitioner: bool) -> dict[int, records.Practice]:
    """The practices of a page of results, by id: after `near` from the search's own hits (no query but certifications)."""
    if result.hits is not None:
        return records.practices_from_hits(result.hits, for_practitioner=for_practitioner)
    return records.load_practices(result.ids, for_practitioner=for_practitioner)


def _starts_with(column: SQLColumnExpression[str | None], text: str) -> ColumnElement[bool]:
    # FHIR string search: case-insensitive, the value matching the start of the field.
    return func.lower(column).like(f"{escape_like(text.lower())}%", escape="\\")


def _word_starts_with(column: SQLColumnExpression[str], text: str) -> ColumnElement[bool]:
    # A name matches when any of its words starts with the value (FHIR: "any part of the name").
    pattern = escape_like(text.lower())
    lowered = func.lower(column)
    return or_(lowered.like(f"{pattern}%", escape="\\"), lowered.like(f"% {pattern}%", escape="\\"))


def _criteria(search: SearchRequest) -> list[ColumnElement[bool]]:
    criteria = [nearby.listed_clause()]
    if search.ids is not None:
        criteria.append(TherapistProfile.id.in_(search.ids))
    if search.practitioner_ids is not None:
        criteria.append(TherapistProfile.id.in_(search.practitioner_ids))
    if search.postal_code:
        criteria.append(_starts_with(TherapistProfile.postal_code, search.postal_code))
    if search.city:
        criteria.append(_starts_with(TherapistProfile.city, search.city))
    if search.state:
        criteria.append(_starts_with(TherapistProfile.region, search.state))
    if search.name:
        criteria.append(_word_starts_with(TherapistProfile.display_name, search.name))
    if search.new_patient is not None:
        criteria.append(TherapistProfile.accepting_new_patients.is_(search.new_patient))
    for code in search.specialties:
        criteria.append(
            exists().where(
                profile_headache_type.c.profile_id == TherapistProfile.id, profile_headache_type.c.code == code
            )
        )
    return criteria


def _by_id(search: SearchRequest) -> SearchResult:
    criteria = _criteria(search)
    offset = (search.page - 1) * search.count
    ids = list(
        db.session.scalars(
            select(TherapistProfile.id)
            .where(*criteria)
            .order_by(TherapistProfile.id)
            .limit(search.count)
            .offset(offset)
        )
    )
    total = db.session.scalar(select(func.count()).select_from(TherapistProfile).where(*criteria)) or 0
    return SearchResult(ids, None, total, False, offset + len(ids) < total)


def _near(search: SearchRequest) -> SearchResult:
    assert search.near is not None
    filters = nearby.SearchFilters(
        headache_types=search.specialties,
        verified_only=False,
        accepting_new_patients=search.new_patient is True,
    )
    page = nearby.nearby_practitioners(
        search.near.point,
        search.near.radius_km,
        filters,
        sort="distance",
        page=search.page,
        per_page=search.count,
        with_contact=True,
    )
    if page.total_is_capped:
        # Counting stopped at the cap: a full page may have more after it, up to the highest page.
        has_next = len(page.hits) == search.count and search.page < current_app.config["SEARCH_MAX_PAGE"]
    else:
        has_next = (search.page - 1) * search.count + len(page.hits) < page.total
    return SearchResult(
        [hit.profile.id for hit in page.hits],
        [hit.distance_km for hit in page.hits],
        page.total,
        page.total_is_capped,
        has_next,
        page.hits,
    )


def run_search(search: SearchRequest) -> SearchResult:
    """One page of the practices a search matches: nearest first for `near`, else by id.

    `near` goes through the site's nearby search (services.search.nearby), so its distances,
    order and visibility (published, of an active account) are the JSON API's; every type's
    resources for one practice share its id, so one list of ids serves them all.
    """
    if search.matches_nothing:
        return SearchResult([], [] if search.near else None, 0, False, False)
    if search.near is not None:
        return _near(search)
    return _by_id(search)
