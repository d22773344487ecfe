"""Resolve where a visitor wants to search: coordinates, or a typed place, into one point or the places it could mean.

The search page, the JSON API and questionnaire matching all ask this one function, so
they treat ambiguity, unknown places and a geocoder outage alike; each caller words the
answer for its own page or response.
"""

from dataclasses import dataclass, field
from enum import StrEnum
from functools import cached_property

from directory.services.geo import geocoding
from directory.services.geo.geocoding import Location
from directory.services.geo.points import Point

# What coordinates are called when the caller has no better name (the browser's location button).
COORDINATES_LABEL = "your location"
MISSING_MESSAGE = "Enter a town, city or ZIP code, or use your location."


class PlaceStatus(StrEnum):
    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"  # the online geocoder did not answer
    UNUSABLE = "unusable"  # the text cannot be looked up at all (too long, control characters, blank)
    MISSING = "missing"  # neither text nor coordinates


@dataclass(frozen=True)
class ResolvedPlace:
    """The place to search near (location), or the places a name could mean (candidates), or why neither (problem).

    `problem` is for the user and is set for every status but FOUND (for AMBIGUOUS it asks
    which place was meant).
    """

    status: PlaceStatus
    location: Location | None = None
    candidates: tuple[Location, ...] = ()
    problem: str = ""
    # Given coordinates: their country costs a query, so it is looked up only when asked for.
    country_unknown: bool = field(default=False, repr=False)

    @property
    def found(self) -> bool:
        """Whether there is one place to search near."""
        return self.location is not None

    @cached_property
    def country(self) -> str | None:
        """The found place's country (ISO code); for given coordinates, the nearest gazetteer city's; else None."""
        if self.location is None:
            return None
        if self.country_unknown:
            return geocoding.country_at(self.location.point)
        return self.location.country

    @property
    def candidates_country(self) -> str | None:
        """The one country every candidate lies in, None when they span several (or there are none)."""
        countries = {candidate.country for candidate in self.candidates}
        return countries.pop() if len(countries) == 1 else None


_FROM_GEOCODER = {
    geocoding.GeocodeStatus.FOUND: PlaceStatus.FOUND,
    geocoding.GeocodeStatus.AMBIGUOUS: PlaceStatus.AMBIGUOUS,
    geocoding.GeocodeStatus.NOT_FOUND: PlaceStatus.NOT_FOUND,
    geocoding.GeocodeStatus.UNAVAILABLE: PlaceStatus.UNAVAILABLE,
}


def resolve_place(
    query: str | None,
    latitude: float | None = None,
    longitude: float | None = None,
    *,
    label: str | None = None,
    missing_message: str = MISSING_MESSAGE,
) -> ResolvedPlace:
    """The place to search near: the coordinates when both are given (named `label`, else "your location"), else the typed query.

    A chosen candidate comes back as its coordinates. Never raises for what a user gave:
    unusable text, unknown places, out-of-range coordinates and geocoder outages are a
    status with a `problem`; None or "" for the query with no coordinates is MISSING
    with `missing_message`.
    """
    if latitude is not None and longitude is not None:
        try:
            point = Point(latitude, longitude)
        except ValueError:
            return ResolvedPlace(PlaceStatus.NOT_FOUND, problem=geocoding.COORDINATES_RANGE_MESSAGE)
        location = Location(label or COORDINATES_LABEL, point, "coordinates")
        return ResolvedPlace(PlaceStatus.FOUND, location=location, country_unknown=True)
    if not query:
        return ResolvedPlace(PlaceStatus.MISSING, problem=missing_message)
    try:
        result = geocoding.geocode(query)
    except geocoding.GeocodingError as error:
        return ResolvedPlace(PlaceStatus.UNUSABLE, problem=error.args[0])  # a Said keeps its values
    if result.location is not None:
        return ResolvedPlace(PlaceStatus.FOUND, location=result.location)
    return ResolvedPlace(
        _FROM_GEOCODER[result.status],
        candidates=result.candidates,
        problem=result.message or geocoding.NOT_FOUND_MESSAGE,
    )
