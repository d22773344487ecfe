"""Questionnaire pages look each thing up once per request, and each patient sees their own answers."""

import pytest

from directory.extensions import db
from tests.integration.test_questionnaire import (  # noqa: F401  (fixtures)
    PREFERENCES,
    RESULTS,
    STEP,
    answer_all,
    checked,
    places,
    practitioners,
)
from tests.sql import sent_statements


@pytest.fixture
def statements(app):
    """The SQL statements the app sends, collected while the test runs."""
    with app.app_context():
        engine = db.engine
    with sent_statements(engine=engine) as sent:
        yield sent


def test_results_page_looks_the_place_up_once(app, client, practitioners, statements):  # noqa: F811
    app.config["RATING_MEAN_CACHE_SECONDS"] = 300  # as in production
    answer_all(client)
    with client.session_transaction() as session:
        session.pop("distance_unit")  # as for answers saved before the unit was kept: it comes from the country
    client.get(RESULTS)
    statements.clear()
    page = client.get(RESULTS).get_data(as_text=True)
    assert "near Boulder, CO, US" in page and "Lucia Migraña" in page
    # The emergency number and the distance unit both need the country: one lookup serves both.
    assert len([sql for sql in statements if "FROM place" in sql]) == 2  # the emergency country, the ranking's place


def test_each_patient_sees_their_own_choices_on_a_step(app, practitioners):  # noqa: F811
    first, second = app.test_client(), app.test_client()
    answer_all(first, preferences={**PREFERENCES, "first_consultation": "video", "languages": ["es"]})
    answer_all(second, preferences={**PREFERENCES, "first_consultation": "in_person", "languages": ["en", "fr"]})
    first_page = first.get(STEP.format(6)).get_data(as_text=True)
    second_page = second.get(STEP.format(6)).get_data(as_text=True)
    assert checked("video").search(first_page) and not checked("in_person").search(first_page)
    assert checked("in_person").search(second_page) and not checked("video").search(second_page)
    assert checked("es").search(first_page) and not checked("en").search(first_page)
    assert (
        checked("en").search(second_page)
        and checked("fr").search(second_page)
        and not checked("es").search(second_page)
    )
