"""POST /api/v1/assessments and /api/v1/matches: exactly CLINICAL.md section 5."""
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.services import clinical
from tests import factories
from tests.unit.test_answer_schema import valid_answers

EXAMPLE = {
    "age": 34,
    "diagnosed_types": ["migraine"],
    "red_flags": {"thunderclap": "no", "fever": "no"},
    "headache": {
        "days_per_month": 6, "frequent_for": "gt_1y", "lifetime_attacks": "10_plus", "duration": "4h_3d",
        "side": "one", "around_eye_or_temple": False, "quality": ["throbbing"], "severity": "severe",
        "worse_with_activity": True, "nausea": "moderate", "vomiting": False, "light_sensitive": True,
        "sound_sensitive": True, "restless": False, "autonomic_signs": [], "attack_frequency": "lt_every_other_day",
    },
    "aura": {
        "present": True, "symptoms": ["visual"], "spreads_gradually": True, "succession": False, "lasts_5_60_min": True,
        "one_sided": True, "positive": True, "headache_within_60_min": True, "episodes": "2_plus", "doctor_checked": True,
    },
    "neck": {"pain_with_headache": False, "began_with_neck_problem": False, "provoked_by_movement_or_posture": False,
             "provoked_by_pressure": False, "improved_with_neck": "not_applicable", "clinician_found_disorder": "no"},
    "medication": {"simple_analgesics": "1_4", "triptans": "0", "combination": "0", "opioids": "0", "ergots": "0",
                   "for_3_months_or_more": True, "triptan_relieves": "never_tried", "migraine_like_days": "0_7"},
    "needling_safety": ["needle_fear"],
    "preferences": {"latitude": 40.0150, "longitude": -105.2705, "max_distance_km": 25, "first_consultation": "either",
                    "languages": ["en", "es"], "practitioner_gender": "no_preference", "availability": ["weekday_evening"],
                    "max_fee": 120, "insurance": "self_pay", "accessibility": ["step_free"]},
}


def test_assessment_of_the_documented_example(client):
    response = client.post("/api/v1/assessments", json=EXAMPLE)
    body = response.get_json()
    assert response.status_code == 200
    assert body["triage"] == {"level": "none", "flags": [], "message": clinical.LEVEL_MESSAGES["none"]}
    # Attacks with and without aura both meet their criteria; a doctor diagnosed migraine.
    assert body["probable_types"] == [
        {"type": "migraine_without_aura", "ichd3": "1.1", "confidence": "likely", "doctor_confirmed": True, "evidence_tier": "C"},
        {"type": "migraine_with_aura", "ichd3": "1.2.1", "confidence": "likely", "doctor_confirmed": True, "evidence_tier": "C"},
    ]
    assert body["disclaimer"] == clinical.DISCLAIMER
    assert set(body) == {"triage", "probable_types", "disclaimer"}


def test_matches_rank_practitioners_with_reasons(app, client):
    with app.app_context():
        factories.make_profile(display_name="Boulder migraine", latitude=40.02, longitude=-105.27, verified=True,
                               headache_types=("migraine",), languages=("es",), modes=("in_person", "video"))
        factories.make_profile(display_name="Boulder neck", latitude=40.01, longitude=-105.28, verified=True,
                               headache_types=("cervicogenic",))
    body = client.post("/api/v1/matches", json=EXAMPLE).get_json()
    assert [p["name"] for p in body["practitioners"]] == ["Boulder migraine", "Boulder neck"]
    first = body["practitioners"][0]
    assert {"treats migraine", "speaks Spanish", "verified certification", "offers a video first consultation"} <= set(first["reasons"])
    assert first["distance_km"] == pytest.approx(0.6, abs=0.2)
    assert first["profile_url"].startswith("http") and 0 <= first["score"] <= 100


@pytest.mark.parametrize("flag", [f.id for f in clinical.RED_FLAGS if f.level in ("emergency", "today")])
def test_stopping_flags_give_the_message_and_no_practitioners(app, client, flag):
    with app.app_context():
        factories.make_profile(latitude=40.02, longitude=-105.27, verified=True)
    body = client.post("/api/v1/matches", json={**EXAMPLE, "red_flags": {flag: "yes"}}).get_json()
    assert body["practitioners"] == []
    assert body["triage"]["level"] in ("emergency", "today") and body["triage"]["message"]
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
    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    def check(data, flag, answer):
        response = client.post("/api/v1/matches", json=data)
        assert response.status_code in (200, 400), response.get_data(as_text=True)
        data = {**data, "red_flags": {**(data.get("red_flags") or {}), flag: answer}}
        body = client.post("/api/v1/matches", json=data).get_json()
        assert body["triage"]["level"] == "emergency"
        assert body["practitioners"] == [] and body["probable_types"] == []

    check()
