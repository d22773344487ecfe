"""POST /api/v1/assessments and /api/v1/matches: the answer and response formats of docs/clinical-rules.md."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.extensions import db
from directory.models import Place
from directory.services.core.text import fold
from directory.services.questionnaire import clinical
from tests import factories
from tests.unit.test_answer_schema import valid_answers

# The spec's example, answered "no" to fever and located by coordinates (no gazetteer needed).
EXAMPLE = {
    **factories.CLINICAL_EXAMPLE_ANSWERS,
    "red_flags": {"thunderclap": "no", "fever": "no"},
    "preferences": {
        **{k: v for k, v in factories.CLINICAL_EXAMPLE_ANSWERS["preferences"].items() if k != "location"},
        "latitude": 40.0150,
        "longitude": -105.2705,
    },
}


def test_assessment_of_the_documented_example(client):
    response = client.post("/api/v1/assessments", json=EXAMPLE)
    body = response.get_json()
    assert response.status_code == 200
    assert body["triage"] == {"level": "none", "flags": [], "message": clinical.LEVEL_MESSAGES["none"]}
    assert body["stop"] is None
    # No gazetteer is loaded here, so the country at the example's coordinates is unknown.
    assert body["emergency_number"] is None
    # Attacks with and without aura both meet their criteria; a doctor diagnosed migraine.
    assert body["probable_types"] == [
        {
            "type": "migraine_without_aura",
            "ichd3": "1.1",
            "confidence": "likely",
            "doctor_confirmed": True,
            "evidence_tier": "C",
        },
        {
            "type": "migraine_with_aura",
            "ichd3": "1.2.1",
            "confidence": "likely",
            "doctor_confirmed": True,
            "evidence_tier": "C",
        },
    ]
    assert body["disclaimer"] == clinical.DISCLAIMER
    assert set(body) == {"triage", "stop", "emergency_number", "probable_types", "disclaimer"}


def test_matches_rank_practitioners_with_reasons(app, client):
    with app.app_context():
        factories.make_profile(
            display_name="Boulder migraine",
            latitude=40.02,
            longitude=-105.27,
            verified=True,
            headache_types=("migraine",),
            languages=("es",),
            modes=("in_person", "video"),
        )
        factories.make_profile(
            display_name="Boulder neck",
            latitude=40.01,
            longitude=-105.28,
            verified=True,
            headache_types=("cervicogenic",),
        )
    body = client.post("/api/v1/matches", json=EXAMPLE).get_json()
    assert [p["name"] for p in body["practitioners"]] == ["Boulder migraine", "Boulder neck"]
    first = body["practitioners"][0]
    assert {"treats migraine", "speaks Spanish", "verified certification", "offers a video first consultation"} <= set(
        first["reasons"]
    )
    assert first["distance_km"] == pytest.approx(0.6, abs=0.2)
    assert first["profile_url"].startswith("http") and 0 <= first["score"] <= 100


@pytest.mark.parametrize("flag", [f.id for f in clinical.RED_FLAGS if f.level in ("emergency", "today")])
def test_stopping_flags_give_the_message_and_no_practitioners(app, client, flag):
    with app.app_context():
        factories.make_profile(latitude=40.02, longitude=-105.27, verified=True)
    body = client.post("/api/v1/matches", json={**EXAMPLE, "red_flags": {flag: "yes"}}).get_json()
    level = {f.id: f.level for f in clinical.RED_FLAGS}[flag]
    assert body["practitioners"] == []
    assert body["triage"]["flags"] == [{"id": flag, "level": level, "source": "answered"}]
    assert body["stop"] == {"reason": level, "message": clinical.LEVEL_MESSAGES[level]}
    assert body["probable_types"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**EXAMPLE, "colour": "blue"}, "colour"),
        ({**EXAMPLE, "headache": {"duration": "forever"}}, "headache.duration"),
        ({**EXAMPLE, "age": "34"}, "age"),
        ({**EXAMPLE, "red_flags": {"sneezing": "yes"}}, "red_flags.sneezing"),
        ({"headache": {}}, "age"),
        ({**EXAMPLE, "preferences": {"latitude": 40.0}}, "preferences.longitude"),
    ],
)
@pytest.mark.parametrize("endpoint", ["/api/v1/assessments", "/api/v1/matches"])
def test_bad_answers_are_problem_details_naming_the_field(client, endpoint, body, field):
    response = client.post(endpoint, json=body)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert field in [error["field"] for error in response.get_json()["errors"]]


@pytest.mark.parametrize("data", ["not json", "[]", "42", ""])
def test_a_body_that_is_not_an_object_is_refused(client, data):
    response = client.post("/api/v1/matches", data=data, content_type="application/json")
    assert response.status_code == 400
    assert "JSON object" in response.get_json()["detail"]


def test_an_unknown_place_is_a_problem_naming_the_location(client):
    body = {**EXAMPLE, "preferences": {"location": "Qqqzzz-town"}}
    response = client.post("/api/v1/matches", json=body)
    assert response.status_code == 400
    assert response.get_json()["errors"][0]["field"] == "preferences.location"


EMERGENCY_FLAGS = [f.id for f in clinical.RED_FLAGS if f.level == "emergency"]


def test_random_answers_never_fail_and_an_emergency_flag_always_empties_the_list(app, client):
    """Property: any valid answers get a 200 or a clear 400; any emergency flag means no practitioners."""
    with app.app_context():
        factories.make_profile(latitude=40.0, longitude=-105.0, verified=True)

    @given(data=valid_answers(), flag=st.sampled_from(EMERGENCY_FLAGS), answer=st.sampled_from(["yes", "unsure"]))
    @settings(
        max_examples=150,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture],
    )
    def check(data, flag, answer):
        response = client.post("/api/v1/matches", json=data)
        assert response.status_code in (200, 400), response.get_data(as_text=True)
        data = {**data, "red_flags": {**(data.get("red_flags") or {}), flag: answer}}
        body = client.post("/api/v1/matches", json=data).get_json()
        assert body["triage"]["level"] == "emergency"
        assert body["practitioners"] == [] and body["probable_types"] == []

    check()


# -- the revised answer: flag objects, stop, emergency number --------------------------

PLACES = [
    ("Boulder", "CO", "US", 40.01499, -105.27055),
    ("London", "ENG", "GB", 51.50853, -0.12574),
    ("Madrid", "29", "ES", 40.4165, -3.70256),
    ("Sydney", "02", "AU", -33.86785, 151.20732),
    ("Auckland", "E7", "NZ", -36.84853, 174.76349),
    ("Dublin", "L", "IE", 53.33306, -6.24889),
    ("Tbilisi", "TB", "GE", 41.69411, 44.83368),
]


@pytest.fixture
def gazetteer(app):
    with app.app_context():
        for name, region, country, latitude, longitude in PLACES:
            db.session.add(
                Place(
                    kind="city",
                    name=name,
                    search_key=fold(name),
                    region=region,
                    country=country,
                    latitude=latitude,
                    longitude=longitude,
                    population=100_000,
                )
            )
        db.session.commit()
    return app


def _with_place(**place):
    return {
        **EXAMPLE,
        "preferences": {
            **{k: v for k, v in EXAMPLE["preferences"].items() if k not in ("latitude", "longitude")},
            **place,
        },
    }


@pytest.mark.parametrize(
    ("place", "number"),
    [
        pytest.param({"location": "Boulder, CO"}, "911", id="us-by-name"),
        pytest.param({"location": "London, UK"}, "999", id="gb-by-name"),
        pytest.param({"location": "Madrid, Spain"}, "112", id="es-by-name"),
        pytest.param({"location": "Dublin, Ireland"}, "112", id="ie-by-name"),
        pytest.param({"latitude": -33.9, "longitude": 151.1}, "000", id="au-by-coordinates"),
        pytest.param({"latitude": -36.9, "longitude": 174.8}, "111", id="nz-by-coordinates"),
        pytest.param({"latitude": 40.0, "longitude": -105.3}, "911", id="us-by-coordinates"),
        # Tbilisi is in the gazetteer but Georgia is not in the table: the general list applies.
        pytest.param({"location": "Tbilisi, Georgia"}, None, id="country-outside-the-table"),
        pytest.param({"latitude": 0.0, "longitude": -30.0}, None, id="mid-atlantic-no-country"),
        pytest.param({"location": "Qqqzzz-town"}, None, id="unknown-place"),
        pytest.param({}, None, id="no-place-at-all"),
    ],
)
def test_the_emergency_number_is_that_of_the_patient_s_country(gazetteer, client, place, number):
    response = client.post("/api/v1/assessments", json=_with_place(**place))
    assert response.status_code == 200
    assert response.get_json()["emergency_number"] == number


def test_a_stop_with_a_place_that_cannot_be_found_still_answers_without_practitioners(gazetteer, client):
    body = {**_with_place(location="Qqqzzz-town"), "red_flags": {"thunderclap": "unsure"}}
    response = client.post("/api/v1/matches", json=body)
    assert response.status_code == 200
    answer = response.get_json()
    assert answer["stop"] == {"reason": "emergency", "message": clinical.LEVEL_MESSAGES["emergency"]}
    assert answer["triage"]["flags"] == [{"id": "thunderclap", "level": "emergency", "source": "unsure"}]
    assert answer["emergency_number"] is None and answer["practitioners"] == []


def test_a_stop_names_the_emergency_number_of_the_searched_place(gazetteer, client):
    body = {**_with_place(location="London, UK"), "red_flags": {"pregnancy_severe": "yes"}}
    answer = client.post("/api/v1/matches", json=body).get_json()
    assert answer["stop"]["reason"] == "emergency"
    assert answer["emergency_number"] == "999"
    assert answer["practitioners"] == []


def test_under_18_stops_matches_with_its_own_reason(app, client):
    with app.app_context():
        factories.make_profile(latitude=40.02, longitude=-105.27, verified=True)
    answer = client.post("/api/v1/matches", json={**EXAMPLE, "age": 16}).get_json()
    assert answer["stop"] == {"reason": "under_18", "message": clinical.UNDER_18_MESSAGE}
    assert answer["triage"]["level"] == "none"
    assert answer["practitioners"] == [] and answer["probable_types"] == []


def test_an_emergency_beats_under_18_as_the_stop_reason(client):
    answer = client.post(
        "/api/v1/assessments", json={**EXAMPLE, "age": 15, "red_flags": {"fever_meningism": "yes"}}
    ).get_json()
    assert answer["stop"] == {"reason": "emergency", "message": clinical.LEVEL_MESSAGES["emergency"]}


def test_derived_and_unsure_flags_carry_their_source_and_level(app, client):
    with app.app_context():
        factories.make_profile(
            display_name="Boulder migraine",
            latitude=40.02,
            longitude=-105.27,
            verified=True,
            headache_types=("migraine",),
        )
    body = {
        **EXAMPLE,
        "red_flags": {"cancer_history": "unsure", "weight_loss": "yes"},
        "aura": {**EXAMPLE["aura"], "doctor_checked": False},
        "medication": {**EXAMPLE["medication"], "triptans": "10_14"},
    }
    answer = client.post("/api/v1/matches", json=body).get_json()
    assert answer["triage"]["level"] == "soon" and answer["stop"] is None
    assert answer["triage"]["flags"] == [
        {"id": "weight_loss", "level": "soon", "source": "answered"},
        {"id": "cancer_history", "level": "soon", "source": "unsure"},
        {"id": "medication_overuse", "level": "soon", "source": "derived"},
        {"id": "aura_unchecked", "level": "soon", "source": "derived"},
    ]
    assert [p["name"] for p in answer["practitioners"]] == ["Boulder migraine"]


def test_a_first_unchecked_motor_aura_is_an_emergency_through_the_api(client):
    body = {
        **EXAMPLE,
        "diagnosed_types": [],
        "aura": {**EXAMPLE["aura"], "symptoms": ["motor"], "episodes": "once", "doctor_checked": False},
    }
    answer = client.post("/api/v1/matches", json=body).get_json()
    assert answer["triage"]["flags"] == [
        {"id": "aura_unchecked", "level": "soon", "source": "derived"},
        {"id": "aura_atypical", "level": "emergency", "source": "derived"},
    ]
    assert answer["stop"]["reason"] == "emergency" and answer["practitioners"] == []


def test_the_pregnancy_gateway_is_an_accepted_red_flag_that_raises_nothing(client):
    answer = client.post("/api/v1/assessments", json={**EXAMPLE, "red_flags": {"pregnancy": "yes"}}).get_json()
    assert answer["triage"]["flags"] == [] and answer["stop"] is None


def test_pregnancy_severe_without_the_gateway_is_still_an_emergency(client):
    answer = client.post("/api/v1/assessments", json={**EXAMPLE, "red_flags": {"pregnancy_severe": "yes"}}).get_json()
    assert answer["triage"]["flags"] == [{"id": "pregnancy_severe", "level": "emergency", "source": "answered"}]
    assert answer["stop"]["reason"] == "emergency"


def test_the_openapi_document_shows_stop_flag_objects_and_the_emergency_number(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assessment = schemas["AssessmentOut"]["properties"]
    assert {"stop", "emergency_number", "triage", "probable_types", "disclaimer"} <= set(assessment)
    assert set(schemas["MatchesOut"]["properties"]) == set(assessment) | {"practitioners"}
    assert set(schemas["AssessmentOut.StopOut"]["properties"]["reason"]["enum"]) == {"emergency", "today", "under_18"}
    flag = schemas["AssessmentOut.FlagOut"]["properties"]
    assert set(flag) == {"id", "level", "source"}
    assert set(flag["source"]["enum"]) == {"answered", "unsure", "derived"}
    assert "pregnancy" in schemas["Answers"]["properties"]["red_flags"]["anyOf"][0]["propertyNames"]["enum"]
    assert "pregnancy" not in flag["id"]["enum"]
