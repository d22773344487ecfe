"""Points, distances, bounding boxes and the FHIR `near` parameter: pure functions, no database."""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from flask_babel.speaklater import LazyString
from geopy.distance import EARTH_RADIUS, geodesic

from directory.services.core.text import N_, Said, gettext, number_label

# The mean Earth radius (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088
KM_PER_MILE = 1.609344
# Where people measure road distances in miles; km everywhere else.
MILES_COUNTRIES = frozenset({"US", "GB"})
# The session key of the unit a visitor chose, shared by the search page and the questionnaire.
UNIT_SESSION_KEY = "distance_unit"
# Half the Earth's circumference, rounded down: no two points are further apart than this.
MAX_NEAR_DISTANCE_KM = 20000.0
DISTANCE_UNITS = ("km", "mi")

# Boxes are widened by this much (about 0.1 mm) so that rounding never drops a point on the edge.
_MARGIN_DEGREES = 1e-9
# A plain decimal: no exponent, no underscores, no "nan" or "inf" (all of which float() accepts).
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")
# FHIR units are UCUM codes: "km", and "[mi_i]" for the international mile; "mi" as people write it.
_NEAR_UNITS = {"km": 1.0, "mi": KM_PER_MILE, "[mi_i]": KM_PER_MILE}


class InvalidNear(ValueError):
    """A FHIR `near` search value that cannot be used; the message says why."""


@dataclass(frozen=True)
class Point:
    """A position in decimal degrees (WGS 84); invalid coordinates cannot be built."""

    latitude: float
    longitude: float

    def __post_init__(self) -> None:
        for value in (self.latitude, self.longitude):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ValueError(N_("Coordinates must be finite numbers."))
        if not -90.0 <= self.latitude <= 90.0:
            raise ValueError(N_("Latitude must be between -90 and 90."))
        if not -180.0 <= self.longitude <= 180.0:
            raise ValueError(N_("Longitude must be between -180 and 180."))

    @property
    def as_tuple(self) -> tuple[float, float]:
        """(latitude, longitude), the order geopy expects."""
        return (self.latitude, self.longitude)


@dataclass(frozen=True)
class Box:
    """A latitude/longitude rectangle that never crosses the antimeridian (min_lon <= max_lon)."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, point: Point) -> bool:
        """Whether the point lies inside or on the edge of the rectangle."""
        return self.min_lat <= point.latitude <= self.max_lat and self.min_lon <= point.longitude <= self.max_lon

    @property
    def latitude_bands(self) -> list[int]:
        """Every latitude band the rectangle touches, south to north."""
        return list(range(latitude_band(self.min_lat), latitude_band(self.max_lat) + 1))


# Search indexes listings by strips of latitude this many to a degree (a quarter degree: about 28 km).
LATITUDE_BANDS_PER_DEGREE = 4


def latitude_band(latitude: float) -> int:
    """The strip of latitude a point lies in: 0 from the south pole, 720 at the north pole.

    Monotonic, so a point between two latitudes has a band between theirs: a box's bands hold
    every point inside it, as long as the listing's bands are worked out by this same arithmetic
    (services.search.listing here; migration 0013 in SQL, with the same doubles).
    """
    return math.floor((latitude + 90.0) * LATITUDE_BANDS_PER_DEGREE)


def make_point(latitude: float | str, longitude: float | str) -> Point:
    """A Point from numbers or numeric strings; raises ValueError for out-of-range, NaN or infinite values."""
    try:
        lat, lon = float(latitude), float(longitude)
    except (TypeError, ValueError):
        raise ValueError("Coordinates must be numbers.") from None
    return Point(lat, lon)


def bounding_box(point: Point, radius_km: float) -> list[Box]:
    """The one or two rectangles that hold every point within radius_km (split at the antimeridian).

    Follows J. Matuschek, "Finding Points Within a Distance of a Latitude/Longitude Using
    Bounding Coordinates". Raises ValueError for a negative or non-finite radius.
    """
    if not math.isfinite(radius_km) or radius_km < 0:
        raise ValueError("The radius must be a finite, non-negative number of kilometres.")
    angular = radius_km / EARTH_RADIUS_KM
    angular_degrees = math.degrees(angular) + _MARGIN_DEGREES
    min_lat, max_lat = point.latitude - angular_degrees, point.latitude + angular_degrees
    if min_lat <= -90.0 or max_lat >= 90.0:
        # The circle reaches a pole: every meridian passes through it.
        return [Box(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)]
    ratio = math.sin(angular) / math.cos(math.radians(point.latitude))
    delta_lon = math.degrees(math.asin(min(1.0, ratio))) + _MARGIN_DEGREES
    return _split_at_antimeridian(min_lat, max_lat, point.longitude, delta_lon)


def _split_at_antimeridian(min_lat: float, max_lat: float, longitude: float, delta_lon: float) -> list[Box]:
    """One box, or two when the longitude range runs past +180 or -180."""
    min_lon, max_lon = longitude - delta_lon, longitude + delta_lon
    if min_lon < -180.0:
        return [Box(min_lat, max_lat, min_lon + 360.0, 180.0), Box(min_lat, max_lat, -180.0, max_lon)]
    if max_lon > 180.0:
        return [Box(min_lat, max_lat, min_lon, 180.0), Box(min_lat, max_lat, -180.0, max_lon - 360.0)]
    return [Box(min_lat, max_lat, min_lon, max_lon)]


# geopy's great-circle radius (geopy is untyped).
GREAT_CIRCLE_RADIUS_KM: float = EARTH_RADIUS


def distance_km(a: Point, b: Point) -> float:
    """The great-circle distance in km: fast, for ranking many candidates.

    geopy's great_circle formula and radius, without building its objects (which cost a twentieth
    of a search page): the same figures.
    """
    lat1, lat2 = math.radians(a.latitude), math.radians(b.latitude)
    sin_lat1, cos_lat1, sin_lat2, cos_lat2 = math.sin(lat1), math.cos(lat1), math.sin(lat2), math.cos(lat2)
    delta_lng = math.radians(b.longitude) - math.radians(a.longitude)
    cos_delta_lng, sin_delta_lng = math.cos(delta_lng), math.sin(delta_lng)
    angle = math.atan2(
        math.sqrt((cos_lat2 * sin_delta_lng) ** 2 + (cos_lat1 * sin_lat2 - sin_lat1 * cos_lat2 * cos_delta_lng) ** 2),
        sin_lat1 * sin_lat2 + cos_lat1 * cos_lat2 * cos_delta_lng,
    )
    return GREAT_CIRCLE_RADIUS_KM * angle


def distances_km_from(origin: Point) -> Callable[[float, float], float]:
    """distance_km from origin as a function of a latitude and a longitude: the same figures, for scanning many rows.

    The origin's sines and cosines are worked out once, and no Point is built per row.
    """
    lat1 = math.radians(origin.latitude)
    sin_lat1, cos_lat1 = math.sin(lat1), math.cos(lat1)
    lng1 = math.radians(origin.longitude)

    def distance_to(latitude: float, longitude: float) -> float:
        lat2 = math.radians(latitude)
        sin_lat2, cos_lat2 = math.sin(lat2), math.cos(lat2)
        delta_lng = math.radians(longitude) - lng1
        cos_delta_lng, sin_delta_lng = math.cos(delta_lng), math.sin(delta_lng)
        angle = math.atan2(
            math.sqrt(
                (cos_lat2 * sin_delta_lng) ** 2 + (cos_lat1 * sin_lat2 - sin_lat1 * cos_lat2 * cos_delta_lng) ** 2
            ),
            sin_lat1 * sin_lat2 + cos_lat1 * cos_lat2 * cos_delta_lng,
        )
        return GREAT_CIRCLE_RADIUS_KM * angle

    return distance_to


def precise_distance_km(a: Point, b: Point) -> float:
    """The geodesic (WGS 84 ellipsoid) distance in km: for distances shown to people."""
    return float(geodesic(a.as_tuple, b.as_tuple).km)


def km_to_miles(km: float) -> float:
    """Kilometres to international miles."""
    return km / KM_PER_MILE


def miles_to_km(miles: float) -> float:
    """International miles to kilometres."""
    return miles * KM_PER_MILE


def _rounded(km: float, unit: str) -> tuple[float, int | None] | None:
    """A distance in the unit as people say it: None under 1, else (number, decimals); raises ValueError.

    Tenths below 10, whole numbers from 10 (half up, unlike round()): 0.96 -> 1, 2.46 -> 2.5, 12.5 -> 13.
    """
    if unit not in DISTANCE_UNITS:
        raise ValueError(f"The unit must be one of {', '.join(DISTANCE_UNITS)}.")
    if not math.isfinite(km) or km < 0:
        raise ValueError("A distance must be a finite, non-negative number.")
    value = km_to_miles(km) if unit == "mi" else km
    if value < 1:
        return None
    tenths = math.floor(value * 10 + 0.5)
    if tenths < 100:
        return (tenths // 10, None) if tenths % 10 == 0 else (tenths / 10, 1)
    return math.floor(value + 0.5), None


def format_distance(km: float, unit: str = "km") -> str:
    """A distance for people, in English ("under 1 km", "2.5 mi", "12 km"); raises ValueError for a bad unit or value."""
    rounded = _rounded(km, unit)
    if rounded is None:
        return f"under 1 {unit}"
    number, decimals = rounded
    return f"{number:,.{decimals}f} {unit}" if decimals else f"{number:,} {unit}"


def localized_distance(km: float, unit: str) -> str:
    """format_distance's rounding ("under 1 km", "2.5 mi", "12 km") with the page's words and separators."""
    rounded = _rounded(km, unit)
    if rounded is None:
        return str(gettext("under 1 %(unit)s", unit=unit))
    number, decimals = rounded
    return f"{number_label(number, decimals=decimals)} {unit}"


def parse_fhir_near(value: str, *, default_radius_km: float) -> tuple[Point, float]:
    """The point and radius (km) of a FHIR R4 `near` value "LAT|LON[|DISTANCE[|UNIT]]"; raises InvalidNear.

    Units are "km" (the default) or miles as "mi" or UCUM "[mi_i]", in any case; a missing
    or empty distance means default_radius_km.
    """
    parts = [part.strip() for part in value.split("|")]
    if not 2 <= len(parts) <= 4:
        raise InvalidNear(N_("near must look like latitude|longitude|distance|unit, e.g. 40.7|-73.9|10|km."))
    latitude = _near_number(parts[0], N_("near: the latitude must be a decimal number."))
    longitude = _near_number(parts[1], N_("near: the longitude must be a decimal number."))
    try:
        point = Point(latitude, longitude)
    except ValueError as error:
        raise InvalidNear(Said(N_("near: %(problem)s"), problem=LazyString(gettext, error.args[0]))) from None
    distance = parts[2] if len(parts) > 2 else ""
    unit = (parts[3] if len(parts) > 3 else "").lower() or "km"
    if unit not in _NEAR_UNITS:
        raise InvalidNear(N_("near: the unit must be km or mi."))
    radius_km = (
        default_radius_km
        if distance == ""
        else _near_number(distance, N_("near: the distance must be a decimal number.")) * _NEAR_UNITS[unit]
    )
    if radius_km < 0:
        raise InvalidNear(N_("near: the distance cannot be negative."))
    if radius_km > MAX_NEAR_DISTANCE_KM:
        raise InvalidNear(Said(N_("near: the distance can be at most %(max)s km."), max=f"{MAX_NEAR_DISTANCE_KM:,.0f}"))
    return point, radius_km


def _near_number(text: str, refusal: str) -> float:
    """A plain decimal from one part of a `near` value; raises InvalidNear with the refusal."""
    if not _DECIMAL.fullmatch(text):
        raise InvalidNear(refusal)
    return float(text)


def usual_unit(country: str | None) -> str:
    """ "mi" in the US and the UK, and where the country is not known; "km" elsewhere."""
    return "km" if country and country not in MILES_COUNTRIES else "mi"
