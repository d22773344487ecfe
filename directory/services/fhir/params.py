"""Reading a FHIR search's parameters: which are supported for each type, and what each value means.

Strict, as `Prefer: handling=strict` asks: a parameter this server does not support is an
error, not silently ignored, so that a client never takes an unfiltered answer for a filtered one.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

from directory.services.fhir import codes
from directory.services.geo.points import InvalidNear, Point, km_to_miles, parse_fhir_near

RESOURCE_TYPES = ("Practitioner", "PractitionerRole", "Location", "Organization")
# Every type's parameters, beside the common ones.
COMMON_PARAMETERS = ("_id", "_count", "_page", "_format")
TYPE_PARAMETERS = {
    "Location": ("near", "address-postalcode", "address-city", "address-state"),
    "PractitionerRole": ("location.near", "specialty", "practitioner", "new-patient", "_include"),
    "Practitioner": ("name",),
    "Organization": (),
}
INCLUDES = ("PractitionerRole:practitioner", "PractitionerRole:location", "PractitionerRole:organization")
# What `near` may be combined with: the nearby search filters on these (and pages), nothing else.
NEAR_COMPANIONS = frozenset({"_count", "_page", "_format", "specialty", "new-patient", "_include"})
REPEATABLE = frozenset({"specialty", "_include"})
JSON_FORMATS = frozenset({"json", "application/json", "application/fhir+json"})
# Ids are the profiles' database ids (PostgreSQL integers).
MAX_ID = 2**31 - 1
MAX_VALUE_LENGTH = 200
_ID = re.compile(r"[0-9]{1,10}")
_COUNT = re.compile(r"[0-9]{1,6}")


class InvalidSearch(ValueError):
    """A search the server cannot run as asked; the message says which parameter and why."""


@dataclass(frozen=True)
class Near:
    """A `near` (or `location.near`) point and radius, and the unit the client measures in."""

    point: Point
    radius_km: float
    unit: str  # "km" or "mi"

    def distance(self, km: float) -> float:
        """A distance in the client's unit."""
        return km_to_miles(km) if self.unit == "mi" else km


@dataclass(frozen=True)
class SearchRequest:
    """A search of one resource type, its parameters read and checked."""

    resource_type: str
    count: int
    page: int = 1
    near: Near | None = None
    ids: tuple[int, ...] | None = None  # _id: any of these (an id no profile can have is dropped)
    postal_code: str | None = None
    city: str | None = None
    state: str | None = None
    name: str | None = None
    specialties: tuple[str, ...] = ()  # treats all of these families
    practitioner_ids: tuple[int, ...] | None = None
    new_patient: bool | None = None
    includes: tuple[str, ...] = ()  # in INCLUDES order
    # A value that matches nothing (a code or system this directory does not use): the answer is empty.
    matches_nothing: bool = False
    given: tuple[tuple[str, str], ...] = ()  # the parameters as sent, but _page, for paging links


def resource_id(text: str) -> int | None:
    """The profile id a resource id names, None when no profile can have it (ids are written without leading zeros)."""
    if _ID.fullmatch(text) and int(text) <= MAX_ID and str(int(text)) == text:
        return int(text)
    return None


def _ids(values: str, prefix: str = "") -> tuple[int, ...]:
    found = []
    for value in values.split(","):
        value = value.strip()
        if prefix:
            value = value.removeprefix(prefix)
        if (number := resource_id(value)) is not None:
            found.append(number)
    return tuple(found)


def _string(name: str, value: str) -> str:
    text = value.strip()
    if not text:
        raise InvalidSearch(f"Parameter '{name}' has no value.")
    return text


def _near(name: str, value: str, default_radius_km: float, max_radius_km: float) -> Near:
    try:
        point, radius_km = parse_fhir_near(value, default_radius_km=default_radius_km)
    except InvalidNear as error:
        raise InvalidSearch(f"Parameter '{name}': {error}") from None
    if radius_km > max_radius_km:
        raise InvalidSearch(f"Parameter '{name}': the distance can be at most {max_radius_km:g} km.")
    parts = value.split("|")
    unit = parts[3].strip().lower() if len(parts) > 3 else ""
    return Near(point, radius_km, "mi" if unit in ("mi", "[mi_i]") else "km")


def _specialty(value: str, base: str) -> str | None:
    """The headache family of a `specialty` token ([system|]code), None when it names none of ours."""
    if "," in value:
        raise InvalidSearch(
            "Parameter 'specialty': give one code per parameter (repeat the parameter to ask for several)."
        )
    system, bar, code = value.rpartition("|")
    if bar and system and system != codes.site_url(base, codes.HEADACHE_FAMILY):
        return None
    code = code.strip()
    if not code:
        raise InvalidSearch("Parameter 'specialty' has no code.")
    return code if code in codes.HEADACHE_NAMES else None


def _boolean(name: str, value: str) -> bool:
    if value.strip().lower() not in ("true", "false"):
        raise InvalidSearch(f"Parameter '{name}' must be true or false.")
    return value.strip().lower() == "true"


def parse_search(
    resource_type: str,
    parameters: Iterable[tuple[str, str]],
    *,
    base: str,
    page: int,
    default_count: int,
    max_count: int,
    max_page: int,
    default_radius_km: float,
    max_radius_km: float,
) -> SearchRequest:
    """The search of `resource_type` that the query string's (name, value) pairs ask for; raises InvalidSearch.

    `page` is the page the paging token named (1 without one); the token itself is read by the caller.
    """
    allowed = (*COMMON_PARAMETERS, *TYPE_PARAMETERS[resource_type])
    values: dict[str, list[str]] = {}
    for name, value in parameters:
        if "\x00" in name or "\x00" in value:
            # PostgreSQL can neither store nor compare a NUL: refused here, as the JSON API refuses it.
            raise InvalidSearch("The query string contains a NUL character, which no parameter accepts.")
        if name not in allowed:
            known = ", ".join(allowed)
            raise InvalidSearch(f"Parameter '{name}' is not supported for {resource_type} (supported: {known}).")
        if len(value) > MAX_VALUE_LENGTH:
            raise InvalidSearch(f"Parameter '{name}' is longer than {MAX_VALUE_LENGTH} characters.")
        if name in values and name not in REPEATABLE:
            raise InvalidSearch(f"Parameter '{name}' may be given only once.")
        values.setdefault(name, []).append(value)

    def one(name: str) -> str | None:
        return values[name][0] if name in values else None

    count = default_count
    if (text := one("_count")) is not None:
        if not _COUNT.fullmatch(text.strip()):
            raise InvalidSearch(f"Parameter '_count' must be a whole number from 1 to {max_count}.")
        count = int(text)
        if not 1 <= count <= max_count:
            raise InvalidSearch(f"Parameter '_count' must be from 1 to {max_count}.")
    if page > max_page:
        raise InvalidSearch(f"Paging goes up to page {max_page}.")
    if (text := one("_format")) is not None and text.strip().lower() not in JSON_FORMATS:
        raise InvalidSearch("Parameter '_format': this server answers JSON only (application/fhir+json).")

    near_name = "near" if resource_type == "Location" else "location.near"
    near = None
    if (text := one(near_name)) is not None:
        near = _near(near_name, text, default_radius_km, max_radius_km)
        others = sorted(set(values) - NEAR_COMPANIONS - {near_name})
        if others:
            raise InvalidSearch(f"Parameter '{near_name}' cannot be combined with {', '.join(others)}.")

    ids = _ids(_string("_id", text)) if (text := one("_id")) is not None else None
    practitioner_ids = (
        _ids(_string("practitioner", text), "Practitioner/") if (text := one("practitioner")) is not None else None
    )
    new_patient = _boolean("new-patient", text) if (text := one("new-patient")) is not None else None
    if near is not None and new_patient is False:
        raise InvalidSearch(f"Parameter 'new-patient' can only be true with '{near_name}'.")

    matches_nothing = False
    specialties: list[str] = []
    for value in values.get("specialty", ()):
        code = _specialty(_string("specialty", value), base)
        if code is None:
            matches_nothing = True
        elif code not in specialties:
            specialties.append(code)

    includes: set[str] = set()
    for value in values.get("_include", ()):
        value = value.strip()
        if value == "PractitionerRole:*":
            includes.update(INCLUDES)
        elif value in INCLUDES:
            includes.add(value)
        else:
            raise InvalidSearch(f"Parameter '_include' must be one of {', '.join(INCLUDES)} (or PractitionerRole:*).")

    def text_of(name: str) -> str | None:
        value = one(name)
        return None if value is None else _string(name, value)

    return SearchRequest(
        resource_type=resource_type,
        count=count,
        page=page,
        near=near,
        ids=ids,
        postal_code=text_of("address-postalcode"),
        city=text_of("address-city"),
        state=text_of("address-state"),
        name=text_of("name"),
        specialties=tuple(specialties),
        practitioner_ids=practitioner_ids,
        new_patient=new_patient,
        includes=tuple(include for include in INCLUDES if include in includes),
        matches_nothing=matches_nothing,
        given=tuple((name, value) for name, found in values.items() if name != "_page" for value in found),
    )
