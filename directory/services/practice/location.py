"""Placing a practice on the map: geocoding its address, or the coordinates the therapist gave."""

from dataclasses import dataclass
from typing import Protocol

from directory.services.core.text import gettext
from directory.services.geo import geocoding
from directory.services.geo.points import Point
from directory.services.practice.errors import ProfileError

# Coordinates closer than this (about 1 cm) are the same point: a form round trip is not a move.
_SAME_POINT_DEGREES = 1e-7


ADDRESS_FIELDS = ("street", "city", "region", "postal_code", "country")


class PracticeAddress(Protocol):
    """Where a practice is, as a saved profile or the profile editor holds it."""

    @property
    def street(self) -> str | None: ...
    @property
    def city(self) -> str | None: ...
    @property
    def region(self) -> str | None: ...
    @property
    def postal_code(self) -> str | None: ...
    @property
    def country(self) -> str | None: ...
    @property
    def latitude(self) -> float | None: ...
    @property
    def longitude(self) -> float | None: ...


@dataclass(frozen=True)
class LocationNote:
    """What saving did to the practice's position, and what to tell the therapist.

    status: "found" (the address itself), "approximate" (a postal code or town center),
    "manual" (coordinates the therapist gave), "unchanged", "not_found" or "missing".
    """

    status: str
    message: str = ""
    label: str | None = None

    @property
    def needs_attention(self) -> bool:
        """Whether the therapist should look at the pin (or type coordinates) now."""
        return self.status in ("approximate", "not_found", "missing")


@dataclass(frozen=True)
class AddressMatch:
    """Where an address was found; exact when the geocoder placed the address itself."""

    location: geocoding.Location
    query: str
    exact: bool
    ambiguous: bool = False


def address_queries(
    street: str | None, city: str | None, region: str | None, postal_code: str | None, country: str | None
) -> list[str]:
    """What to ask the geocoder, most precise first: the whole address, then the postal code,
    then the town with its region, then the town with its country."""
    parts = {
        name: (value or "").strip()
        for name, value in (
            ("street", street),
            ("city", city),
            ("region", region),
            ("postal_code", postal_code),
            ("country", country),
        )
    }
    region_and_code = " ".join(part for part in (parts["region"], parts["postal_code"]) if part)
    queries = [", ".join(part for part in (parts["street"], parts["city"], region_and_code, parts["country"]) if part)]
    if parts["postal_code"]:
        us = parts["country"].upper() in ("", "US")
        queries.append(parts["postal_code"] if us else f"{parts['postal_code']}, {parts['country']}")
    if parts["city"] and parts["region"]:
        queries.append(f"{parts['city']}, {parts['region']}")
    if parts["city"] and parts["country"]:
        queries.append(f"{parts['city']}, {parts['country']}")
    elif parts["city"]:
        queries.append(parts["city"])
    return list(dict.fromkeys(query for query in queries if query))


def locate_address(
    street: str | None, city: str | None, region: str | None, postal_code: str | None, country: str | None
) -> AddressMatch | None:
    """The first place the geocoder finds for the address or, failing that, its postal code or town."""
    for query in address_queries(street, city, region, postal_code, country):
        try:
            result = geocoding.geocode(query)
        except geocoding.GeocodingError:
            continue  # too long or unreadable: try the shorter forms
        if result.location is not None:
            return AddressMatch(result.location, query, exact=result.location.kind == "address")
        if result.candidates:
            return AddressMatch(result.candidates[0], query, exact=False, ambiguous=True)
    return None


def _address(source: PracticeAddress) -> tuple[str, ...]:
    return tuple((getattr(source, name) or "").strip().casefold() for name in ADDRESS_FIELDS)


def _same_point(a: Point, b: Point) -> bool:
    return abs(a.latitude - b.latitude) < _SAME_POINT_DEGREES and abs(a.longitude - b.longitude) < _SAME_POINT_DEGREES


def _point(latitude: float | None, longitude: float | None) -> Point | None:
    if latitude is None or longitude is None:
        return None
    try:
        return Point(float(latitude), float(longitude))
    except (TypeError, ValueError):
        raise ProfileError(
            gettext("Latitude must be between -90 and 90 and longitude between -180 and 180."), "latitude"
        ) from None


def locate_practice(profile: PracticeAddress | None, data: PracticeAddress) -> tuple[Point | None, LocationNote]:
    """The position to store and what to say about it."""
    stored = _point(profile.latitude, profile.longitude) if profile else None
    given = _point(data.latitude, data.longitude)
    if given is not None and (stored is None or not _same_point(stored, given)):
        return given, LocationNote("manual", gettext("Your practice is placed at the coordinates you gave."))
    address_changed = profile is None or _address(profile) != _address(data)
    if given is not None and not address_changed:
        return stored, LocationNote("unchanged")
    has_address = any((getattr(data, name) or "").strip() for name in ("street", "city", "region", "postal_code"))
    if not has_address:
        return given, LocationNote(
            "missing" if given is None else "unchanged",
            gettext("Add the practice address, or place the pin on the map, so that patients nearby can find you.")
            if given is None
            else "",
        )
    match = locate_address(data.street, data.city, data.region, data.postal_code, data.country)
    if match is None:
        typed = ", ".join(part for part in (data.street, data.city, data.region, data.postal_code) if part)
        return given, LocationNote(
            "not_found",
            gettext(
                "We could not find “%(address)s” on the map. Your address is saved: place the pin on the map or "
                "type the latitude and longitude, then save again.",
                address=typed,
            ),
        )
    label = match.location.label
    if match.exact:
        message = gettext(
            "We placed the pin at %(place)s. Check it on the map; if it is not quite at your door, drag it and save.",
            place=label,
        )
        return match.location.point, LocationNote("found", message, label)
    if match.ambiguous:
        message = gettext(
            "Several places match your address; we used %(place)s. Check the pin on the map, move it if needed and save.",
            place=label,
        )
    else:
        message = gettext(
            "We could only place the pin at the center of %(place)s. Drag it to your practice, "
            "or type its coordinates, and save, so that distances are right.",
            place=label,
        )
    return match.location.point, LocationNote("approximate", message, label)
