"""The country at a point: the nearest gazetteer city within 100 km, for the emergency number."""

import pytest
from sqlalchemy import event

from directory.extensions import db
from directory.models import Place
from directory.services.core.text import fold
from directory.services.geo.geocoding import country_at
from directory.services.geo.points import Point

# (kind, name, country, latitude, longitude)
PLACES = [
    ("city", "Geneva", "CH", 46.20222, 6.14569),
    ("city", "Annemasse", "FR", 46.19439, 6.23775),
    ("city", "Waiyevo", "FJ", -16.79, 179.98),
    ("city", "Apia", "WS", -13.83333, -171.76666),
    # A ZIP code row is not a city: it must not decide the country.
    ("postal_code", "Point Roberts", "US", 48.98, -123.07),
]


@pytest.fixture
def gazetteer(app):
    with app.app_context():
        for kind, name, country, latitude, longitude in PLACES:
            db.session.add(
                Place(
                    kind=kind,
                    name=name,
                    search_key=fold(name),
                    country=country,
                    latitude=latitude,
                    longitude=longitude,
                    population=10_000,
                )
            )
        db.session.commit()
    return app


@pytest.mark.parametrize(
    ("latitude", "longitude", "country"),
    [
        pytest.param(46.20, 6.15, "CH", id="in-geneva"),
        # 1.5 km from Annemasse, 5.7 km from Geneva: the nearest wins.
        pytest.param(46.19, 6.22, "FR", id="nearest-city-across-the-border"),
        # 0.9 degrees of latitude north of Geneva is about 100.1 km: just out of reach.
        pytest.param(47.10222, 6.14569, None, id="just-beyond-100-km"),
        # 0.89 degrees is about 99 km: just in reach.
        pytest.param(47.09222, 6.14569, "CH", id="just-within-100-km"),
        # 0.2 degrees east of Waiyevo (179.98 E), across the antimeridian: the box is split in two.
        pytest.param(-16.79, -179.82, "FJ", id="across-the-antimeridian"),
        pytest.param(48.98, -123.07, None, id="postal-codes-do-not-count"),
        pytest.param(0.0, -30.0, None, id="open-ocean"),
    ],
)
def test_the_country_at_a_point_is_the_nearest_city_s_within_100_km(gazetteer, latitude, longitude, country):
    with gazetteer.app_context():
        assert country_at(Point(latitude, longitude)) == country


def test_a_smaller_reach_can_be_asked_for(gazetteer):
    with gazetteer.app_context():
        assert country_at(Point(46.19, 6.22), within_km=1.0) is None
        assert country_at(Point(46.19, 6.22), within_km=2.0) == "FR"


def _latitude_bands(app, point: Point) -> list:
    """The height in degrees of each latitude band country_at reads for this point, then the country."""
    bands: list[float] = []

    def record(conn, cursor, statement, parameters, *args):
        if "FROM place" in statement:
            if isinstance(parameters, dict):  # PostgreSQL: named parameters
                bands.append(parameters["max_lat"] - parameters["min_lat"])
            else:  # SQLite: kind, then the latitude bounds
                bands.append(parameters[2] - parameters[1])

    with app.app_context():
        engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            country = country_at(point)
        finally:
            event.remove(engine, "before_cursor_execute", record)
    bands.append(country)
    return bands


def test_a_point_near_a_city_reads_only_a_narrow_band_of_the_gazetteer(gazetteer):
    # In Geneva: one narrow band (about 0.2 degrees), not the 1.8 degrees of a 100 km circle.
    *bands, country = _latitude_bands(gazetteer, Point(46.20, 6.15))
    assert country == "CH" and len(bands) == 1 and bands[0] < 0.3
    # 50 km from Geneva, no city within 10 km: the wide band too, and the same answer as before.
    *bands, country = _latitude_bands(gazetteer, Point(46.65, 6.14569))
    assert country == "CH" and len(bands) == 2 and bands[1] > 1.7


def test_a_point_s_country_is_looked_up_once_per_process(gazetteer, monkeypatch):
    # Every questionnaire page asks for the patient's point: the second time, no query.
    assert _latitude_bands(gazetteer, Point(46.20, 6.15)) == [pytest.approx(0.18, abs=0.01), "CH"]
    assert _latitude_bands(gazetteer, Point(46.20, 6.15)) == ["CH"]
    # Another point, or another reach, is another question.
    assert _latitude_bands(gazetteer, Point(46.19, 6.22))[-1] == "FR"
    with gazetteer.app_context():
        assert country_at(Point(46.20, 6.15), within_km=0.1) is None  # Geneva lies 0.4 km away
    # Kept bounded: when full, the store starts again.
    monkeypatch.setattr("directory.services.geo.geocoding.COUNTRIES_KEPT", 3)
    with gazetteer.app_context():
        country_at(Point(0.0, -30.0))
    assert len(_latitude_bands(gazetteer, Point(46.20, 6.15))) == 2
