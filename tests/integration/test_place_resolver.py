"""The one place resolver (services.geo.places) and what its three callers make of each answer."""

import html
import re

import pytest
from geopy.exc import GeocoderUnavailable
from sqlalchemy import select

from directory.extensions import db
from directory.models import GeocodeCache, Place
from directory.services.core.text import fold
from directory.services.geo import geocoding
from directory.services.geo.geocoding import COORDINATES_RANGE_MESSAGE, NOT_FOUND_MESSAGE, UNAVAILABLE_MESSAGE
from directory.services.geo.places import MISSING_MESSAGE, PlaceStatus, resolve_place
from directory.services.geo.points import Point
from directory.services.questionnaire import clinical, matching
from tests import factories
from tests.integration.test_api_questionnaire import _with_place
from tests.integration.test_geocoding import online  # noqa: F401  (a fixture)
from tests.integration.test_matching import MIGRAINE
from tests.sql import sent_statements


@pytest.fixture
def ctx(app, places):
    """An app context over the shared small gazetteer (New York with 10001, three Springfields)."""
    with app.app_context():
        yield


@pytest.fixture
def place_queries(app):
    """The statements that read the gazetteer, collected while the test runs."""
    with app.app_context():
        engine = db.engine
    with sent_statements("FROM place", engine) as sent:
        yield sent


def test_a_typed_place_is_found_with_its_label_point_and_country(ctx):
    place = resolve_place("10001")
    assert place.status is PlaceStatus.FOUND and place.found
    assert place.location.label == "10001 New York, NY"
    assert place.location.point == Point(40.7506, -73.9972)
    assert place.country == "US"
    assert place.candidates == () and place.problem == ""


def test_an_ambiguous_name_gives_the_candidates_largest_first_and_asks_which(ctx):
    place = resolve_place("Springfield")
    assert place.status is PlaceStatus.AMBIGUOUS and not place.found and place.location is None
    assert [c.label.split(" (")[0] for c in place.candidates] == [
        "Springfield, MO, US",
        "Springfield, MA, US",
        "Springfield, IL, US",
    ]
    assert place.problem == geocoding.geocode("Springfield").message and "Springfield" in place.problem
    assert place.country is None
    assert place.candidates_country == "US"


def test_candidates_in_several_countries_share_no_country(ctx):
    for country, population in (("AR", 1_300_000), ("ES", 325_000)):
        db.session.add(
            Place(
                kind="city",
                name="Cordoba",
                search_key=fold("Cordoba"),
                region="01",
                country=country,
                latitude=-31.4 if country == "AR" else 37.9,
                longitude=-64.2 if country == "AR" else -4.8,
                population=population,
            )
        )
    db.session.commit()
    place = resolve_place("Cordoba")
    assert place.status is PlaceStatus.AMBIGUOUS and len(place.candidates) == 2
    assert place.candidates_country is None


def test_an_unknown_place_is_not_found_with_the_forms_that_work(ctx):
    place = resolve_place("Nowhere-ville-qq")
    assert place.status is PlaceStatus.NOT_FOUND and not place.found
    assert place.problem == NOT_FOUND_MESSAGE
    assert place.candidates == () and place.country is None


def test_coordinates_are_used_as_given_and_called_your_location(ctx):
    place = resolve_place(None, 40.7484, -73.9857)
    assert place.status is PlaceStatus.FOUND
    assert place.location.point == Point(40.7484, -73.9857)
    assert place.location.label == "your location" and place.location.kind == "coordinates"


def test_coordinates_win_over_the_text_which_only_names_them(ctx):
    # A chosen candidate comes back as its coordinates, with its label as the text.
    place = resolve_place("Springfield", 42.1015, -72.5898, label="Springfield, MA, US")
    assert place.status is PlaceStatus.FOUND
    assert place.location.point == Point(42.1015, -72.5898)
    assert place.location.label == "Springfield, MA, US"


def test_the_country_of_coordinates_is_looked_up_only_when_asked_and_once(app, places, place_queries):
    with app.app_context():
        place = resolve_place(None, 40.7484, -73.9857)
        assert place_queries == []
        assert place.country == "US"
        assert place.country == "US"
    assert len(place_queries) == 1


def test_one_coordinate_alone_is_ignored_for_the_text(ctx):
    assert resolve_place("10001", 40.0, None).location.label == "10001 New York, NY"
    assert resolve_place(None, None, -73.0).status is PlaceStatus.MISSING


def test_out_of_range_coordinates_are_not_found_rather_than_raising(ctx):
    place = resolve_place(None, 95.0, 0.0)
    assert place.status is PlaceStatus.NOT_FOUND and place.problem == COORDINATES_RANGE_MESSAGE


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("   ", "Enter a place: a ZIP code, a city or coordinates."),
        ("a" * 300, "That is too long for a place: use at most 200 characters."),
        ("New\x07York", "That place contains invisible control characters: type it again without them."),
    ],
    ids=["blank", "too-long", "control"],
)
def test_text_that_cannot_be_looked_up_is_unusable_with_the_reason(ctx, query, message):
    place = resolve_place(query)
    assert place.status is PlaceStatus.UNUSABLE and place.problem == message


@pytest.mark.parametrize("query", [None, ""])
def test_no_text_and_no_coordinates_is_missing_in_the_caller_s_words(ctx, query):
    assert resolve_place(query).status is PlaceStatus.MISSING
    assert resolve_place(query).problem == MISSING_MESSAGE
    assert resolve_place(query, missing_message="Where are you?").problem == "Where are you?"


def test_a_geocoder_outage_is_unavailable_with_advice_and_nothing_is_cached(online):  # noqa: F811
    online.fake.error = GeocoderUnavailable("down")
    with online.app_context():
        place = resolve_place("Zürich")
        assert place.status is PlaceStatus.UNAVAILABLE and not place.found
        assert place.problem == UNAVAILABLE_MESSAGE
        assert db.session.scalars(select(GeocodeCache)).all() == []


# The search page: its own words for no place, and a chosen candidate searched as its coordinates.


@pytest.mark.parametrize("query", ["", "   "], ids=["empty", "blank"])
def test_the_search_page_asks_for_a_place_when_the_text_is_blank(client, places, query):
    response = client.get("/search", query_string={"q": query, "radius": "30"})
    assert response.status_code == 400
    assert MISSING_MESSAGE in html.unescape(response.get_data(as_text=True))


def test_a_candidate_chosen_on_the_search_page_is_searched_under_its_plain_name(app, client, places):
    with app.app_context():
        factories.make_profile(display_name="Ozark needling", latitude=37.21, longitude=-93.29, verified=True)
    page = client.get("/search?q=Springfield&radius=40").get_data(as_text=True)
    link = html.unescape(re.search(r'<ul class="candidates">\s*<li><a href="([^"]+)"', page).group(1))
    assert "lat=37.2153" in link and "lon=-93.2982" in link
    response = client.get(link)
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 200
    # The list tells the Springfields apart by population; the box and the heading carry the name alone.
    assert "within 40 miles of Springfield, MO, US</h2>" in page and "Ozark needling" in page
    assert "(population" not in page
    assert 'value="Springfield, MO, US"' in page


# What each caller makes of an outage: its own status code and shape, the same advice.


def test_an_outage_on_the_search_page_is_a_400_with_the_advice_by_the_field(online):  # noqa: F811
    online.fake.error = GeocoderUnavailable("down")
    response = online.test_client().get("/search?q=Z%C3%BCrich")
    assert response.status_code == 400
    page = html.unescape(response.get_data(as_text=True))
    assert 'id="q-error"' in page and UNAVAILABLE_MESSAGE in page


def test_an_outage_in_the_api_search_is_a_problem_naming_the_location(online):  # noqa: F811
    online.fake.error = GeocoderUnavailable("down")
    response = online.test_client().get("/api/v1/practitioners?location=Z%C3%BCrich")
    assert response.status_code == 400
    body = response.get_json()
    assert body["detail"] == UNAVAILABLE_MESSAGE
    assert body["errors"] == [{"field": "location", "message": UNAVAILABLE_MESSAGE}]
    assert "candidates" not in body


def test_an_outage_in_matching_is_a_place_problem_and_no_emergency_country(online):  # noqa: F811
    online.fake.error = GeocoderUnavailable("down")
    data = {**MIGRAINE, "preferences": {"location": "Zürich"}}
    with online.app_context():
        result = matching.match(data, clinical.assess(data))
        assert result.problem == UNAVAILABLE_MESSAGE and result.candidates == () and result.matches == []
        assert matching.patient_country({"location": "Zürich"}) is None
    response = online.test_client().post("/api/v1/matches", json=_with_place(location="Zürich"))
    assert response.status_code == 400
    body = response.get_json()
    assert body["title"] == "Place not usable" and body["detail"] == UNAVAILABLE_MESSAGE
    assert body["errors"] == [{"field": "preferences.location", "message": UNAVAILABLE_MESSAGE}]


def test_an_ambiguous_place_gives_the_api_no_emergency_number(client, places):
    # Kept as it was: the questionnaire's pages name the number all candidates share (911 for
    # Springfield, tests/integration/test_questionnaire.py); the API's assessment says none.
    response = client.post("/api/v1/assessments", json=_with_place(location="Springfield"))
    assert response.status_code == 200
    assert response.get_json()["emergency_number"] is None


def test_matching_searches_near_the_answers_coordinates_called_your_location(ctx):
    data = {**MIGRAINE, "preferences": {"latitude": 40.7484, "longitude": -73.9857}}
    result = matching.match(data, clinical.assess(data))
    assert result.problem is None and result.place_label == "your location"


def test_matching_without_a_place_asks_in_its_own_words(ctx):
    result = matching.match({**MIGRAINE, "preferences": {}}, clinical.assess(MIGRAINE))
    assert result.problem == matching.NO_PLACE_MESSAGE != MISSING_MESSAGE
