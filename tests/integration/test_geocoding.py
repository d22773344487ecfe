"""Geocoding: the offline gazetteer, hostile input, and the cached, rate-limited Nominatim backend."""

import pytest
from geopy.exc import GeocoderServiceError, GeocoderTimedOut, GeocoderUnavailable
from geopy.geocoders import Nominatim
from geopy.location import Location as GeopyLocation
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from config import TestingConfig
from directory.extensions import db
from directory.models import GeocodeCache, Place
from directory.services.core.text import fold
from directory.services.geo import geocoding
from directory.services.geo.geocoding import (
    COORDINATES_RANGE_MESSAGE,
    FOREIGN_POSTAL_CODE_MESSAGE,
    NOT_FOUND_MESSAGE,
    UNAVAILABLE_MESSAGE,
    UNKNOWN_QUALIFIER_MESSAGE,
    GeocodeStatus,
    GeocodingError,
    Location,
    geocode,
)
from directory.services.geo.points import Point

# (kind, name, postal code, region, country, latitude, longitude, population)
PLACES = [
    ("city", "Boulder", None, "CO", "US", 40.01499, -105.27055, 106_803),
    ("postal_code", "Boulder", "80302", "CO", "US", 40.0172, -105.2851, 0),
    ("postal_code", "Boulder", "80301", "CO", "US", 40.0497, -105.2143, 0),
    ("postal_code", "Boulder", "59632", "MT", "US", 46.2366, -112.1208, 0),
    ("city", "New York City", None, "NY", "US", 40.71427, -74.00597, 8_804_190),
    ("postal_code", "New York", "10001", "NY", "US", 40.7506, -73.9972, 0),
    ("postal_code", "New York", "10002", "NY", "US", 40.7157, -73.9863, 0),
    ("city", "Springfield", None, "IL", "US", 39.80172, -89.64371, 114_394),
    ("city", "Springfield", None, "MA", "US", 42.10148, -72.58981, 154_341),
    ("city", "Springfield", None, "MO", "US", 37.21533, -93.29824, 170_188),
    ("city", "Paris", None, "11", "FR", 48.85341, 2.3488, 2_138_551),
    ("city", "Paris", None, "TX", "US", 33.66094, -95.55551, 24_782),
    ("city", "London", None, "ENG", "GB", 51.50853, -0.12574, 8_961_989),
    ("city", "London", None, "08", "CA", 42.98339, -81.23304, 422_324),
    ("city", "Madrid", None, "29", "ES", 40.4165, -3.70256, 3_255_944),
    ("city", "Madrid", None, "25", "CO", 4.73245, -74.26419, 135_000),
    ("city", "Zürich", None, "ZH", "CH", 47.36667, 8.55, 341_730),
    ("city", "São Paulo", None, "27", "BR", -23.5475, -46.63611, 10_021_295),
    ("city", "Tbilisi", None, "TB", "GE", 41.69411, 44.83368, 1_049_498),
    # Towns too small for the city list, known only from their ZIP codes.
    ("postal_code", "Estes Park", "80511", "CO", "US", 40.3772, -105.5217, 0),
    ("postal_code", "Estes Park", "80517", "CO", "US", 40.3703, -105.5481, 0),
    ("postal_code", "Nederland", "80466", "CO", "US", 39.9614, -105.5108, 0),
    ("postal_code", "Nederland", "77627", "TX", "US", 29.9744, -93.9924, 0),
]


@pytest.fixture
def places(app):
    """The app with a small gazetteer."""
    with app.app_context():
        for kind, name, postal_code, region, country, latitude, longitude, population in PLACES:
            db.session.add(
                Place(
                    kind=kind,
                    name=name,
                    search_key=fold(name),
                    postal_code=postal_code,
                    region=region,
                    country=country,
                    latitude=latitude,
                    longitude=longitude,
                    population=population,
                )
            )
        db.session.commit()
    return app


def lookup(app, query: str):
    with app.app_context():
        return geocode(query)


def place_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Place))


# Accepted forms -------------------------------------------------------------------------------

BOULDER = Location("Boulder, CO, US", Point(40.01499, -105.27055), "city", "US", 106_803)
ZIP_80302 = Location("80302 Boulder, CO", Point(40.0172, -105.2851), "postal_code", "US")
ZIP_10001 = Location("10001 New York, NY", Point(40.7506, -73.9972), "postal_code", "US")
SPRINGFIELD_IL = Location("Springfield, IL, US", Point(39.80172, -89.64371), "city", "US", 114_394)
PARIS_FR = Location("Paris, France", Point(48.85341, 2.3488), "city", "FR", 2_138_551)
PARIS_TX = Location("Paris, TX, US", Point(33.66094, -95.55551), "city", "US", 24_782)
LONDON_GB = Location("London, United Kingdom", Point(51.50853, -0.12574), "city", "GB", 8_961_989)
LONDON_CA = Location("London, Canada", Point(42.98339, -81.23304), "city", "CA", 422_324)
MADRID_ES = Location("Madrid, Spain", Point(40.4165, -3.70256), "city", "ES", 3_255_944)
MADRID_CO = Location("Madrid, Colombia", Point(4.73245, -74.26419), "city", "CO", 135_000)
ZURICH = Location("Zürich, Switzerland", Point(47.36667, 8.55), "city", "CH", 341_730)
SAO_PAULO = Location("São Paulo, Brazil", Point(-23.5475, -46.63611), "city", "BR", 10_021_295)
NEW_YORK_CITY = Location("New York City, NY, US", Point(40.71427, -74.00597), "city", "US", 8_804_190)
TBILISI = Location("Tbilisi, Georgia", Point(41.69411, 44.83368), "city", "GE", 1_049_498)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("80302", ZIP_80302),
        ("80302-1234", ZIP_80302),
        ("80302 1234", ZIP_80302),
        ("  80302  ", ZIP_80302),
        ("１０００１", ZIP_10001),
        ("Boulder, CO", BOULDER),
        ("Boulder, Colorado", BOULDER),
        ("boulder,co", BOULDER),
        ("BOULDER , co", BOULDER),
        ("Boulder, CO, US", BOULDER),
        ("Boulder, Colorado, United States", BOULDER),
        ("Boulder, US", BOULDER),
        ("Boulder, U.S.A.", BOULDER),
        ("Boulder", BOULDER),
        ("Boulder CO", BOULDER),
        ("Boulder,", BOULDER),
        ("Springfield, IL", SPRINGFIELD_IL),
        ("Springfield, Illinois", SPRINGFIELD_IL),
        ("springfield, il, usa", SPRINGFIELD_IL),
        ("Paris", PARIS_FR),
        ("Paris, France", PARIS_FR),
        ("Paris, FR", PARIS_FR),
        ("Paris France", PARIS_FR),
        ("Paris, TX", PARIS_TX),
        ("Paris, Texas", PARIS_TX),
        ("Paris, US", PARIS_TX),
        ("London", LONDON_GB),
        ("London, GB", LONDON_GB),
        ("London, UK", LONDON_GB),
        ("London, U.K.", LONDON_GB),
        ("London, United Kingdom", LONDON_GB),
        ("London, England", LONDON_GB),
        ("London, Canada", LONDON_CA),
        ("London, CA", LONDON_CA),
        ("London, ON, Canada", LONDON_CA),
        ("Madrid", MADRID_ES),
        ("Madrid, Spain", MADRID_ES),
        ("Madrid, ESP", MADRID_ES),
        ("Madrid, CO", MADRID_CO),
        ("Madrid, Colombia", MADRID_CO),
        ("Zürich", ZURICH),
        ("Zurich", ZURICH),
        ("ZÜRICH, Switzerland", ZURICH),
        ("Zu\u0308rich", ZURICH),
        ("São Paulo", SAO_PAULO),
        ("Sao Paulo, Brazil", SAO_PAULO),
        ("New York City", NEW_YORK_CITY),
        ("Tbilisi, Georgia", TBILISI),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_gazetteer_finds_the_place(places, query, expected):
    result = lookup(places, query)
    assert result.status is GeocodeStatus.FOUND, result.message
    assert result.found
    assert result.location == expected
    assert result.candidates == ()


@pytest.mark.parametrize(
    ("query", "label", "latitude", "longitude", "country"),
    [
        ("40.7, -73.9", "40.7, -73.9", 40.7, -73.9, "US"),
        ("40.7,-73.9", "40.7, -73.9", 40.7, -73.9, "US"),
        ("-33.8688 , 151.2093", "-33.8688, 151.2093", -33.8688, 151.2093, None),
        ("+90, -180", "90, -180", 90.0, -180.0, None),
        ("0, 0", "0, 0", 0.0, 0.0, None),
        ("40.712345678, -74.0060001", "40.71235, -74.006", 40.712345678, -74.0060001, "US"),
        ("４０.７， -７３.９", "40.7, -73.9", 40.7, -73.9, "US"),
    ],
    ids=["with-space", "no-space", "southern-eastern", "extremes", "null-island", "many-decimals", "full-width"],
)
def test_coordinates_are_taken_as_they_are(places, query, label, latitude, longitude, country):
    # The country is that of a gazetteer city within 100 km (New York here), else unknown.
    result = lookup(places, query)
    assert result.location == Location(label, Point(latitude, longitude), "coordinates", country)


@pytest.mark.parametrize(
    "query",
    ["91, 0", "-90.5, 10", "0, 180.01", "10, -200", "80302, 1234"],
    ids=["latitude-above-90", "latitude-below-90", "longitude-above-180", "longitude-below-180", "zip-with-comma"],
)
def test_coordinates_out_of_range_are_not_found_with_the_ranges(places, query):
    result = lookup(places, query)
    assert (result.status, result.message) == (GeocodeStatus.NOT_FOUND, COORDINATES_RANGE_MESSAGE)


@pytest.mark.parametrize(
    ("query", "label", "latitude", "longitude"),
    [
        ("Estes Park, CO", "Estes Park, CO, US", 40.37375, -105.5349),
        ("Estes Park, Colorado", "Estes Park, CO, US", 40.37375, -105.5349),
        ("Estes Park", "Estes Park, CO, US", 40.37375, -105.5349),
        ("Estes Park, US", "Estes Park, CO, US", 40.37375, -105.5349),
        ("Nederland, CO", "Nederland, CO, US", 39.9614, -105.5108),
        ("Nederland TX", "Nederland, TX, US", 29.9744, -93.9924),
        ("New York", "New York, NY, US", 40.73315, -73.99175),
        ("New York, NY", "New York, NY, US", 40.73315, -73.99175),
        ("Boulder, MT", "Boulder, MT, US", 46.2366, -112.1208),
    ],
    ids=[
        "state-code",
        "state-name",
        "bare",
        "country",
        "single-zip",
        "no-comma",
        "bare-averaged",
        "city-list-has-another-name",
        "town-sharing-a-city-name",
    ],
)
def test_small_us_towns_resolve_from_their_zip_codes_at_the_mean_position(places, query, label, latitude, longitude):
    result = lookup(places, query)
    assert result.status is GeocodeStatus.FOUND, result.message
    assert result.location.label == label
    assert result.location.kind == "city"
    assert result.location.point.latitude == pytest.approx(latitude)
    assert result.location.point.longitude == pytest.approx(longitude)


# Ambiguity ------------------------------------------------------------------------------------


def test_springfield_is_ambiguous_and_lists_the_candidates_largest_first(places):
    result = lookup(places, "Springfield")
    assert result.status is GeocodeStatus.AMBIGUOUS
    assert not result.found
    assert result.location is None
    assert [(c.label, c.point) for c in result.candidates] == [
        ("Springfield, MO, US (population 170,000)", Point(37.21533, -93.29824)),
        ("Springfield, MA, US (population 154,000)", Point(42.10148, -72.58981)),
        ("Springfield, IL, US (population 114,000)", Point(39.80172, -89.64371)),
    ]
    assert result.message == (
        'Several places are called Springfield. Choose one, or add the state or country, e.g. "Springfield, MO".'
    )
    # Once chosen, a place goes by its plain name.
    assert [c.search_label for c in result.candidates] == [
        "Springfield, MO, US",
        "Springfield, MA, US",
        "Springfield, IL, US",
    ]


# Other names of large cities ----------------------------------------------------------------

# (kind, name, search key, postal code, region, country, latitude, longitude, population)
OTHER_NAMES = [
    ("city", "Köln", "koln", None, "07", "DE", 50.93333, 6.95, 1_024_621),
    ("other_name", "Köln", "cologne", None, "07", "DE", 50.93333, 6.95, 1_024_621),
    ("postal_code", "Cologne", "cologne", "55322", "MN", "US", 44.7716, -93.7836, 0),
    ("city", "Frankfurt am Main", "frankfurt am main", None, "05", "DE", 50.11552, 8.68417, 650_000),
    ("other_name", "Frankfurt am Main", "frankfurt", None, "05", "DE", 50.11552, 8.68417, 650_000),
    # Made up: another name that a city's own name elsewhere already bears, and one two cities share.
    ("other_name", "Lundenwic", "london", None, "ENG", "GB", 51.5, -0.1, 90_000_000),
    ("other_name", "Alphaville", "twinton", None, "01", "FR", 45.0, 1.0, 200_000),
    ("other_name", "Betaburg", "twinton", None, "02", "DE", 50.0, 9.0, 190_000),
]


@pytest.fixture
def other_names(places):
    with places.app_context():
        for kind, name, key, postal_code, region, country, latitude, longitude, population in OTHER_NAMES:
            db.session.add(
                Place(
                    kind=kind,
                    name=name,
                    search_key=key,
                    postal_code=postal_code,
                    region=region,
                    country=country,
                    latitude=latitude,
                    longitude=longitude,
                    population=population,
                )
            )
        db.session.commit()
    return places


@pytest.mark.parametrize("query", ["Cologne, Germany", "Cologne, DE", "Cologne Germany", "cologne,  germany"])
def test_a_large_city_is_found_by_another_of_its_names(other_names, query):
    result = lookup(other_names, query)
    assert result.status is GeocodeStatus.FOUND, result.message
    assert (result.location.label, result.location.point) == ("Köln, Germany", Point(50.93333, 6.95))


def test_a_bare_other_name_finds_its_city_when_nothing_bears_it_as_its_own(other_names):
    assert lookup(other_names, "Frankfurt").location.label == "Frankfurt am Main, Germany"


def test_a_place_s_own_name_wins_over_another_city_s_other_name(other_names):
    # Cologne, Minnesota is called Cologne; the German city only goes by it.
    assert lookup(other_names, "Cologne").location.label == "Cologne, MN, US"
    assert lookup(other_names, "London").location.label == "London, United Kingdom"


def test_cities_sharing_another_name_are_offered_as_a_choice(other_names):
    result = lookup(other_names, "Twinton")
    assert result.status is GeocodeStatus.AMBIGUOUS
    assert [c.label for c in result.candidates] == [
        "Alphaville, France (population 200,000)",
        "Betaburg, Germany (population 190,000)",
    ]
    assert result.message.startswith("Several places go by that name. Choose one,")


def test_a_country_with_several_matches_is_ambiguous(places):
    result = lookup(places, "Springfield, US")
    assert result.status is GeocodeStatus.AMBIGUOUS
    assert len(result.candidates) == 3


def test_towns_known_only_by_zip_code_are_ambiguous_without_a_state(places):
    result = lookup(places, "Nederland")
    assert result.status is GeocodeStatus.AMBIGUOUS
    assert [c.label for c in result.candidates] == ["Nederland, CO, US", "Nederland, TX, US"]
    assert result.message.endswith('e.g. "Nederland, CO".')


def test_a_place_ten_times_larger_than_the_next_wins(app):
    with app.app_context():
        for region, population in (("AA", 100_000), ("BB", 10_000), ("CC", 9_999)):
            db.session.add(
                Place(
                    kind="city",
                    name="Twin",
                    search_key="twin",
                    region=region,
                    country="US",
                    latitude=1.0,
                    longitude=1.0,
                    population=population,
                )
            )
        db.session.commit()
    assert lookup(app, "Twin").location.label == "Twin, AA, US"
    assert lookup(app, "Twin, US").location.label == "Twin, AA, US"


def test_a_place_less_than_ten_times_larger_than_the_next_is_ambiguous(app):
    with app.app_context():
        for region, population in (("AA", 99_999), ("BB", 10_000)):
            db.session.add(
                Place(
                    kind="city",
                    name="Twin",
                    search_key="twin",
                    region=region,
                    country="US",
                    latitude=1.0,
                    longitude=1.0,
                    population=population,
                )
            )
        db.session.commit()
    result = lookup(app, "Twin")
    assert [c.label for c in result.candidates] == [
        "Twin, AA, US (population 100,000)",
        "Twin, BB, US (population 10,000)",
    ]


def test_ambiguity_lists_at_most_eight_candidates_and_keeps_their_labels_distinct(app):
    with app.app_context():
        for n in range(10):
            # Same name, country and rounded population: only the coordinates tell them apart.
            db.session.add(
                Place(
                    kind="city",
                    name="Santa Rosa",
                    search_key="santa rosa",
                    region=f"{n:02d}",
                    country="PH",
                    latitude=10.0 + n,
                    longitude=120.5,
                    population=20_000 + n,
                )
            )
        db.session.commit()
    result = lookup(app, "Santa Rosa")
    assert result.status is GeocodeStatus.AMBIGUOUS
    assert len(result.candidates) == 8
    assert result.candidates[0].label == "Santa Rosa, Philippines (population 20,000) near 19, 120.5"
    assert result.candidates[-1].label == "Santa Rosa, Philippines (population 20,000) near 12, 120.5"
    assert len({c.label for c in result.candidates}) == 8
    assert result.candidates[0].search_label == "Santa Rosa, Philippines near 19, 120.5"


# Not found ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("Atlantis", NOT_FOUND_MESSAGE),
        ("Boulder, Spain", NOT_FOUND_MESSAGE),
        ("Boulder, CO, Spain", NOT_FOUND_MESSAGE),
        ("Paris, CA", NOT_FOUND_MESSAGE),
        ("Boulder, Narnia", UNKNOWN_QUALIFIER_MESSAGE),
        ("Boulder, ZZ, US", UNKNOWN_QUALIFIER_MESSAGE),
        ("Boulder, CO, Narnia", UNKNOWN_QUALIFIER_MESSAGE),
        ("Boulder, CO, US, Earth", NOT_FOUND_MESSAGE),
        ("SW1A 1AA", FOREIGN_POSTAL_CODE_MESSAGE),
        ("M5V 2T6", FOREIGN_POSTAL_CODE_MESSAGE),
        ("1010", FOREIGN_POSTAL_CODE_MESSAGE),
        ("01310-100", FOREIGN_POSTAL_CODE_MESSAGE),
        ("28013", "28013 is not a US ZIP code we know. " + FOREIGN_POSTAL_CODE_MESSAGE),
        ("99999-1234", "99999 is not a US ZIP code we know. " + FOREIGN_POSTAL_CODE_MESSAGE),
        ("１００１０", "10010 is not a US ZIP code we know. " + FOREIGN_POSTAL_CODE_MESSAGE),
        ("40.7 -73.9", NOT_FOUND_MESSAGE),
    ],
    ids=[
        "unknown-city",
        "known-city-wrong-country",
        "wrong-country-after-state",
        "no-paris-in-california-or-canada",
        "unknown-qualifier",
        "unknown-us-state",
        "unknown-country",
        "four-parts",
        "uk-postcode",
        "canadian-postcode",
        "austrian-postcode",
        "brazilian-postcode",
        "unknown-5-digit-code",
        "unknown-zip-plus-4",
        "full-width-unknown-zip",
        "coordinates-without-comma",
    ],
)
def test_unknown_places_say_which_forms_work(places, query, message):
    result = lookup(places, query)
    assert result.status is GeocodeStatus.NOT_FOUND
    assert result.message == message
    assert (result.location, result.candidates) == (None, ())


def test_not_found_message_names_every_accepted_form():
    for example in ('"80302"', '"Boulder, CO"', '"Madrid, Spain"', '"40.7, -73.9"'):
        assert example in NOT_FOUND_MESSAGE


def test_an_empty_gazetteer_finds_nothing(app):
    assert lookup(app, "Boulder").status is GeocodeStatus.NOT_FOUND
    assert lookup(app, "80302").status is GeocodeStatus.NOT_FOUND


# Hostile and odd input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "Enter a place"),
        ("   \t ", "Enter a place"),
        ("x" * 201, "at most 200 characters"),
        ("Boulder " * 1250, "at most 200 characters"),
        ("\ufdfa" * 12, "at most 200 characters"),
        ("Boulder\x00", "control characters"),
        ("Boul\nder", "control characters"),
        ("Boulder,\tCO", "control characters"),
        ("Boulder\x1b[31m", "control characters"),
        ("Boulder\x7f", "control characters"),
        ("\ud800Boulder", "control characters"),
    ],
    ids=[
        "empty",
        "whitespace",
        "201-characters",
        "10000-characters",
        "expands-past-200-under-nfkc",
        "nul",
        "newline",
        "tab",
        "ansi-escape",
        "delete",
        "lone-surrogate",
    ],
)
def test_unusable_input_raises_a_user_facing_error(places, query, message):
    with pytest.raises(GeocodingError, match=message):
        lookup(places, query)


def test_geocoding_error_is_a_value_error():
    assert issubclass(GeocodingError, ValueError)


@pytest.mark.parametrize(
    "query",
    [
        "🏔️",
        "🤕🤕🤕",
        "👨‍👩‍👧",
        "'; DROP TABLE place; --",
        "Boulder'); DELETE FROM place WHERE ('1'='1",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "%",
        "_",
        "%ould%",
        "B_ulder",
        "서울",
        "東京",
        "Москва",
        "\u202eredluoB",
        "x" * 200,
        ",,,",
        "., -",
        "{{ 7 * 7 }}",
        "../../etc/passwd",
    ],
    ids=[
        "mountain-emoji",
        "emoji-only",
        "zwj-emoji",
        "sql-drop",
        "sql-delete",
        "sql-or",
        "html-script",
        "html-img",
        "like-percent",
        "like-underscore",
        "like-pattern",
        "like-single-character",
        "hangul",
        "kanji",
        "cyrillic",
        "rtl-override",
        "exactly-200-characters",
        "only-commas",
        "only-punctuation",
        "template",
        "path",
    ],
)
def test_hostile_input_is_simply_not_found(places, query):
    before = place_count(places)
    result = lookup(places, query)
    assert result.status is GeocodeStatus.NOT_FOUND
    assert result.message == NOT_FOUND_MESSAGE
    assert place_count(places) == before


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("🏔️ Boulder", BOULDER),
        ("Boulder 🏔️, CO", BOULDER),
        ("Ｂｏｕｌｄｅｒ， ＣＯ", BOULDER),
        ("São Paulo 🇧🇷", SAO_PAULO),
        ("%boulder%", BOULDER),
    ],
    ids=["emoji-before", "emoji-inside", "full-width-letters", "flag", "percent-signs-are-punctuation"],
)
def test_decoration_around_a_real_name_is_ignored(places, query, expected):
    assert lookup(places, query).location == expected


def test_lookups_use_indexed_equality_not_pattern_scans(places):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with places.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        for query in ("Boulder", "Springfield, IL", "London, UK", "80302", "Estes Park, CO", "Nederland", "%"):
            lookup(places, query)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    place_queries = [s for s in statements if "FROM place" in s]
    assert place_queries
    for statement in place_queries:
        assert "LIKE" not in statement.upper()
        assert "lower(" not in statement.lower()
        assert "place.search_key = " in statement or "place.postal_code = " in statement


@pytest.mark.parametrize(
    "query",
    # "CO" is Colorado and Colombia, "IL" Illinois and Israel: both are looked at, in the one query.
    [
        "Boulder",
        "Boulder, CO",
        "Madrid, CO",
        "Springfield, IL",
        "Estes Park, CO",
        "Nederland",
        "Paris, France",
        "80302",
    ],
)
def test_a_place_takes_one_query(places, query):
    statements = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with places.app_context():
        engine = db.engine
    lookup(places, query)  # warm
    event.listen(engine, "before_cursor_execute", record)
    try:
        result = lookup(places, query)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert result.status in (GeocodeStatus.FOUND, GeocodeStatus.AMBIGUOUS)
    assert len(statements) == 1


# Nominatim ------------------------------------------------------------------------------------


class NominatimConfig(TestingConfig):
    GEOCODER = "nominatim"
    NOMINATIM_USER_AGENT = "needle-and-nerve-tests"


class FakeNominatim:
    """Answers like geopy's Nominatim.geocode, from a dict; records every question."""

    def __init__(self, answers=None, error=None):
        self.answers = answers or {}
        self.error = error
        self.calls = []

    def geocode(self, query, **options):
        self.calls.append((query, options))
        if self.error is not None:
            raise self.error
        return self.answers.get(query)


BOULDER_ADDRESS = "Boulder, Boulder County, Colorado, United States"


@pytest.fixture
def online(make_app, monkeypatch):
    """An app using Nominatim, a fake in its place, and a fake clock for the rate limiter."""
    app = make_app(NominatimConfig)
    with app.app_context():
        for kind, name, postal_code, region, country, latitude, longitude, population in PLACES[:3]:
            db.session.add(
                Place(
                    kind=kind,
                    name=name,
                    search_key=fold(name),
                    postal_code=postal_code,
                    region=region,
                    country=country,
                    latitude=latitude,
                    longitude=longitude,
                    population=population,
                )
            )
        db.session.commit()
    fake = FakeNominatim(
        {
            "Boulder, CO": GeopyLocation(BOULDER_ADDRESS, (40.0149856, -105.270545), {}),
            "Zürich": GeopyLocation("Zürich, Bezirk Zürich, Zürich, Schweiz", (47.3744489, 8.5410422), {}),
            "SW1A 1AA": GeopyLocation("London, SW1A 1AA, United Kingdom", (51.501009, -0.141588), {}),
        }
    )
    monkeypatch.setattr(geocoding, "make_nominatim", lambda: fake)
    clock = {"now": 1000.0, "sleeps": []}

    def sleep(seconds):
        clock["sleeps"].append(seconds)
        clock["now"] += seconds

    limiter = geocoding.nominatim_limiter
    monkeypatch.setattr(limiter, "_clock", lambda: clock["now"])
    monkeypatch.setattr(limiter, "_sleep", sleep)
    monkeypatch.setattr(limiter, "_last_call", None)
    app.fake, app.clock = fake, clock
    return app


def cached(app) -> list[tuple]:
    with app.app_context():
        rows = db.session.scalars(select(GeocodeCache).order_by(GeocodeCache.id))
        return [(row.query, row.found, row.label, row.latitude, row.longitude) for row in rows]


def test_nominatim_answer_is_returned_and_cached(online):
    result = lookup(online, "Boulder, CO")
    assert result.location == Location(BOULDER_ADDRESS, Point(40.0149856, -105.270545), "address")
    assert online.fake.calls == [("Boulder, CO", {"exactly_one": True, "language": "en"})]
    assert cached(online) == [("boulder co", True, BOULDER_ADDRESS, 40.0149856, -105.270545)]


def test_a_second_identical_query_is_answered_from_the_cache(online):
    first = lookup(online, "Boulder, CO")
    second = lookup(online, "Boulder, CO")
    folded_variant = lookup(online, "  boulder co ")
    assert first == second == folded_variant
    assert len(online.fake.calls) == 1
    assert len(cached(online)) == 1


def pending_place() -> Place:
    """A change the caller has made and not yet committed."""
    place = Place(kind="city", name="Pending", search_key="pending", country="US", latitude=1.0, longitude=2.0)
    db.session.add(place)
    return place


def test_caching_an_answer_neither_commits_nor_flushes_the_caller_s_changes(online):
    with online.app_context():
        place = pending_place()
        assert geocode("Boulder, CO").found and len(online.fake.calls) == 1
        assert place in db.session.new  # still the caller's to commit or drop
        db.session.rollback()
    assert place_count(online) == 3
    assert cached(online) == [("boulder co", True, BOULDER_ADDRESS, 40.0149856, -105.270545)]


class RacingNominatim(FakeNominatim):
    """While Nominatim answers, another worker caches the same query first."""

    def geocode(self, query, **options):
        with Session(db.engine) as session, session.begin():
            session.add(GeocodeCache(query=fold(query), found=False))
        return super().geocode(query, **options)


def test_a_query_another_worker_cached_meanwhile_leaves_the_caller_s_changes_alone(online, monkeypatch):
    # Only PostgreSQL tells the old behaviour apart: SQLite's in-memory test database gives every
    # session the same connection, so there the old code's autoflushed changes went out with the other commit.
    racing = RacingNominatim(online.fake.answers)
    monkeypatch.setattr(geocoding, "make_nominatim", lambda: racing)
    with online.app_context():
        pending_place()
        assert geocode("Boulder, CO").location.label == BOULDER_ADDRESS
        db.session.commit()
    assert place_count(online) == 4
    assert cached(online) == [("boulder co", False, None, None, None)]  # the first row stored wins


def test_not_found_answers_are_cached_too(online):
    first = lookup(online, "Atlantis")
    second = lookup(online, "ATLANTIS")
    assert first.status is second.status is GeocodeStatus.NOT_FOUND
    assert first.message == NOT_FOUND_MESSAGE
    assert len(online.fake.calls) == 1
    assert cached(online) == [("atlantis", False, None, None, None)]


def test_accented_queries_share_the_folded_cache_entry(online):
    assert lookup(online, "Zürich").location.label == "Zürich, Bezirk Zürich, Zürich, Schweiz"
    assert lookup(online, "Zurich").location.point == Point(47.3744489, 8.5410422)
    assert [call[0] for call in online.fake.calls] == ["Zürich"]


def test_nominatim_handles_foreign_postal_codes(online):
    assert lookup(online, "SW1A 1AA").location.label == "London, SW1A 1AA, United Kingdom"


@pytest.mark.parametrize(
    ("query", "label"),
    [("80302", "80302 Boulder, CO"), ("80302-1234", "80302 Boulder, CO"), ("40.7, -73.9", "40.7, -73.9")],
    ids=["zip", "zip-plus-4", "coordinates"],
)
def test_zip_codes_and_coordinates_are_answered_offline_first(online, query, label):
    assert lookup(online, query).location.label == label
    assert online.fake.calls == []
    assert cached(online) == []


def test_an_unknown_zip_code_falls_back_to_nominatim(online):
    result = lookup(online, "28013")
    assert result.status is GeocodeStatus.NOT_FOUND
    assert [call[0] for call in online.fake.calls] == ["28013"]


def test_out_of_range_coordinates_are_not_sent_to_nominatim(online):
    assert lookup(online, "91, 0").message == COORDINATES_RANGE_MESSAGE
    assert online.fake.calls == []


@pytest.mark.parametrize(
    "error",
    [GeocoderUnavailable("down"), GeocoderTimedOut("slow"), GeocoderServiceError("HTTP 503")],
    ids=["unavailable", "timed-out", "service-error"],
)
def test_network_errors_become_an_unavailable_result_and_are_not_cached(online, error):
    online.fake.error = error
    result = lookup(online, "Boulder, CO")
    assert result.status is GeocodeStatus.UNAVAILABLE
    assert result.message == UNAVAILABLE_MESSAGE
    assert cached(online) == []
    online.fake.error = None
    assert lookup(online, "Boulder, CO").found
    assert len(online.fake.calls) == 2  # no retry inside one request; asked again next time


def test_requests_are_spaced_one_second_apart_across_queries(online):
    lookup(online, "Boulder, CO")
    lookup(online, "Atlantis")
    lookup(online, "Atlantis")  # cached: no request, no wait
    online.clock["now"] += 5.0
    lookup(online, "Zürich")  # long after the last request: no wait
    assert online.clock["sleeps"] == [1.0]
    assert len(online.fake.calls) == 3


@pytest.mark.parametrize("query", ["🏔️", "'; --", "<>"], ids=["emoji", "sql-punctuation", "html-brackets"])
def test_queries_that_fold_to_nothing_are_not_sent(online, query):
    assert lookup(online, query).message == NOT_FOUND_MESSAGE
    assert online.fake.calls == []


def test_hostile_text_is_sent_as_text_and_cached_safely(online):
    query = "'; DROP TABLE geocode_cache; --"
    assert lookup(online, query).status is GeocodeStatus.NOT_FOUND
    assert cached(online) == [("drop table geocode_cache", False, None, None, None)]


def test_queries_too_long_to_cache_are_still_answered(online):
    query = "한" * 120  # Hangul syllables fold to three letters each: longer than the cache key column
    assert len(fold(query)) > 300
    assert lookup(online, query).status is GeocodeStatus.NOT_FOUND
    assert len(online.fake.calls) == 1
    assert cached(online) == []


def test_unusable_input_raises_before_asking_nominatim(online):
    with pytest.raises(GeocodingError):
        lookup(online, "x" * 10_000)
    assert online.fake.calls == []


def test_the_real_client_uses_the_configured_user_agent_and_a_timeout(make_app):
    app = make_app(NominatimConfig, reset=False)
    with app.app_context():
        client = geocoding.make_nominatim()
    assert isinstance(client, Nominatim)
    assert client.headers["User-Agent"] == "needle-and-nerve-tests"
    assert client.timeout == geocoding.NOMINATIM_TIMEOUT_SECONDS


def test_one_process_wide_limiter_allows_one_request_a_second_without_retries():
    limiter = geocoding.nominatim_limiter
    assert limiter.min_delay_seconds == 1
    assert limiter.max_retries == 0
    assert limiter.swallow_exceptions is False
