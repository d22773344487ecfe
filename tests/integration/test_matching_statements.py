"""The ranking statement is built once per shape of answers; each patient's own answers are its parameters."""
from datetime import date

import pytest
from sqlalchemy import event

from directory.extensions import db
from directory.services import clinical, matching
from tests import factories
from tests.integration.test_matching import MIGRAINE, answers

TODAY = date(2026, 11, 22)
BOSTON = {"latitude": 42.3601, "longitude": -71.0589}


def run(data: dict):
    return matching.match(data, clinical.assess(data), today=TODAY)


@pytest.fixture
def statements(app):
    """The SQL statements sent while the test runs, inside an app context."""
    sent: list[str] = []

    def collect(conn, cursor, statement, *args):
        sent.append(statement)

    with app.app_context():
        app.config["RATING_MEAN_CACHE_SECONDS"] = 300  # as in production
        event.listen(db.engine, "before_cursor_execute", collect)
        yield sent
        event.remove(db.engine, "before_cursor_execute", collect)


def names(result) -> list[str]:
    return [m.profile.display_name for m in result.matches]


def test_a_ranking_takes_two_queries_once_the_site_mean_is_cached(statements):
    factories.make_profile(display_name="Midtown", verified=True, headache_types=("migraine",))
    run(answers())
    statements.clear()
    assert names(run(answers(languages=["es"], max_fee=100))) == ["Midtown"]
    assert len(statements) == 2  # the ranked listings, then their profiles


def test_patients_of_one_shape_share_the_statement_and_get_their_own_answers(statements):
    factories.make_profile(display_name="Midtown", verified=True, headache_types=("migraine",), fee_min=60, gender="woman")
    factories.make_profile(display_name="Boston", verified=True, headache_types=("migraine",), fee_min=200, gender="man",
                           latitude=BOSTON["latitude"], longitude=BOSTON["longitude"])
    matching._ranking_statement.cache_clear()
    midtown = run(answers(max_fee=100, practitioner_gender="woman"))
    boston = run({**MIGRAINE, "preferences": {**BOSTON, "max_fee": 150, "practitioner_gender": "man"}})
    assert matching._ranking_statement.cache_info().misses == 1
    assert names(midtown) == ["Midtown"] and names(boston) == ["Boston"]
    assert "fee within your budget" in midtown.matches[0].reasons
    assert "fee above your budget" in boston.matches[0].reasons
    assert "is a man practitioner, as you asked" in boston.matches[0].reasons
    # Another shape (no budget) builds its own statement and still ranks the nearest first.
    assert names(run({**MIGRAINE, "preferences": {**BOSTON}})) == ["Boston"]
    assert matching._ranking_statement.cache_info().misses == 2


def test_insurers_are_matched_as_typed_not_as_patterns(statements):
    factories.make_profile(display_name="Aetna", verified=True, headache_types=("migraine",), insurance_accepted="Aetna")
    factories.make_profile(display_name="Percent", verified=True, headache_types=("migraine",), insurance_accepted="50% plan",
                           latitude=40.7600)
    assert "accepts Aetna" in run(answers(insurance="Aetna")).matches[0].reasons
    ranked = run(answers(insurance="50%"))
    assert names(ranked)[0] == "Percent" and "accepts 50%" in ranked.matches[0].reasons
    assert "accepts 50%" not in ranked.matches[1].reasons
