"""A misspelt place gets a "Did you mean ...?" from the gazetteer."""

import html

import pytest

from directory.extensions import db
from directory.models import Place
from directory.services.geo.geocoding import suggest_spelling


@pytest.fixture
def gazetteer(app, places):
    with app.app_context():
        for name, region, country, lat, lon, population in (
            ("Boulder", "CO", "US", 40.01499, -105.27055, 108_000),
            ("Boulder City", "NV", "US", 35.97859, -114.83249, 16_000),
            ("Boulder", "MT", "US", 46.2366, -112.1208, 1_200),
            ("Madrid", None, "ES", 40.4165, -3.70256, 3_255_944),
        ):
            db.session.add(
                Place(
                    kind="city",
                    name=name,
                    search_key=name.lower(),
                    region=region,
                    country=country,
                    latitude=lat,
                    longitude=lon,
                    population=population,
                )
            )
        db.session.commit()


@pytest.mark.parametrize(
    ("typed", "suggested"),
    [
        ("Bouldr, CO", "Boulder, CO"),
        ("bouldr,co", "Boulder,co"),
        ("Boulderr", "Boulder"),
        ("Madird, Spain", "Madrid, Spain"),
        ("Sprngfield, IL", "Springfield, IL"),
        ("New Yrok", "New York"),
    ],
)
def test_a_near_miss_is_corrected(app, gazetteer, typed, suggested):
    with app.app_context():
        assert suggest_spelling(typed) == suggested


@pytest.mark.parametrize(
    "typed",
    ["Boulder, CO", "Xyzzyville", "Bouldr, TX", "Bouldr, Atlantis", "10001", "Bo", "40.0, -105.2", ""],
)
def test_no_suggestion_for_what_is_found_far_off_or_not_a_name(app, gazetteer, typed):
    with app.app_context():
        assert suggest_spelling(typed) is None


def test_the_more_populous_of_equally_close_names_is_offered(app, gazetteer):
    with app.app_context():
        # "Bouldr" is as close to Boulder, CO as to Boulder, MT: both are "Boulder".
        assert suggest_spelling("Bouldr, US") == "Boulder, US"


def test_the_search_page_offers_the_corrected_place(client, gazetteer):
    response = client.get("/search", query_string={"q": "Bouldr, CO", "radius": "30"})
    page = html.unescape(response.get_data(as_text=True))
    assert response.status_code == 400
    assert "No place by that name was found." in page
    assert 'Did you mean <a href="/search?q=Boulder,+CO&radius=30">Boulder, CO</a>?' in page
    followed = client.get("/search?q=Boulder,+CO&radius=30")
    assert followed.status_code == 200
    assert "within 30 miles of Boulder, CO, US" in html.unescape(followed.get_data(as_text=True))


def test_no_suggestion_when_nothing_is_close(client, gazetteer):
    page = client.get("/search", query_string={"q": "Xyzzyville"}).get_data(as_text=True)
    assert "Did you mean" not in page


# Miles or km: by the searched place's country, switchable and remembered.


def test_miles_by_default_in_the_us_and_km_elsewhere(client, gazetteer):
    us = html.unescape(client.get("/search?q=Boulder,+CO").get_data(as_text=True))
    assert "within 15 miles of Boulder, CO, US" in us
    assert '<option selected value="mi">miles</option>' in us
    spain = html.unescape(client.get("/search?q=Madrid,+Spain").get_data(as_text=True))
    assert "within 25 km of Madrid, Spain" in spain


def test_a_chosen_unit_is_remembered_for_the_next_search_and_the_questionnaire(client, gazetteer):
    page = html.unescape(client.get("/search?q=Boulder,+CO&radius=30&unit=km").get_data(as_text=True))
    assert "within 30 km of Boulder, CO, US" in page
    again = html.unescape(client.get("/search?q=Boulder,+CO").get_data(as_text=True))
    assert "within 25 km of Boulder, CO, US" in again
    with client.session_transaction() as session:
        assert session["distance_unit"] == "km"


def test_a_unit_sent_back_as_shown_is_not_a_choice(client, gazetteer):
    # The Boulder page showed miles; searching Madrid from that form sends them back unchanged.
    page = html.unescape(client.get("/search?q=Madrid,+Spain&unit=mi&unit_shown=mi").get_data(as_text=True))
    assert "within 25 km of Madrid, Spain" in page
    with client.session_transaction() as session:
        assert "distance_unit" not in session
    # Changed on the form: a choice, kept.
    page = html.unescape(client.get("/search?q=Madrid,+Spain&unit=mi&unit_shown=km").get_data(as_text=True))
    assert "within 15 miles of Madrid, Spain" in page
    with client.session_transaction() as session:
        assert session["distance_unit"] == "mi"


def test_the_empty_search_form_shows_the_remembered_unit(client, gazetteer):
    assert '<option selected value="mi">miles</option>' in client.get("/search").get_data(as_text=True)
    client.get("/search?q=Boulder,+CO&unit=km")
    page = client.get("/search").get_data(as_text=True)
    assert '<option selected value="km">km</option>' in page and 'name="unit_shown" value="km"' in page
