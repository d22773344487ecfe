"""Time zones: a practice's zone from its coordinates (offline), and times shown in it."""

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from timezonefinder import TimezoneFinder

from directory.services.core.text import gettext, long_day_label

UTC_ZONE = ZoneInfo("UTC")


@lru_cache(maxsize=1)
def _finder() -> TimezoneFinder:
    # Loads the boundary data once per process (about 30 ms).
    return TimezoneFinder()


@lru_cache(maxsize=4096)
def zone_at(latitude: float | None, longitude: float | None) -> ZoneInfo:
    """The IANA time zone at a point; UTC without coordinates or where no zone is known (the open sea)."""
    if latitude is None or longitude is None:
        return UTC_ZONE
    name = _finder().timezone_at(lat=latitude, lng=longitude)
    return ZoneInfo(name) if name else UTC_ZONE


def local_label(moment: datetime, zone: ZoneInfo) -> str:
    """An aware moment as a person reads it in a zone: "Tuesday, December 8, 2026, 09:30 (New York time)"."""
    local = moment.astimezone(zone)
    place = zone.key.rsplit("/", 1)[-1].replace("_", " ")
    return str(
        gettext("%(day)s, %(time)s (%(place)s time)", day=long_day_label(local), time=f"{local:%H:%M}", place=place)
    )
