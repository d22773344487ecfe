"""Matching: hard filters, the weighted score, stable order and reasons in words."""
from datetime import date

import pytest

from directory.services import clinical, matching
from tests import factories

TODAY = date(2026, 11, 22)
MIDTOWN = {"latitude": 40.7549, "longitude": -73.9840}
# A textbook migraine without aura, nothing alarming.
MIGRAINE = {
    "age": 34,
    "red_flags": {flag.id: "no" for flag in clinical.RED_FLAGS},
    "headache": {
        "days_per_month": 4, "frequent_for": "gt_1y", "lifetime_attacks": "10_plus", "duration": "4h_3d",
        "side": "one", "quality": ["throbbing"], "severity": "severe", "worse_with_activity": True,
        "nausea": "moderate", "vomiting": False, "light_sensitive": True, "sound_sensitive": True,
    },
}


def answers(**preferences) -> dict:
    return {**MIGRAINE, "preferences": {**MIDTOWN, **preferences}}


def run(data: dict, limit: int = 20):
    return matching.match(data, clinical.assess(data), limit=limit, today=TODAY)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def names(result) -> list[str]:
    return [m.profile.display_name for m in result.matches]


def test_the_fitting_practitioner_ranks_first_with_reasons(ctx):
    factories.make_profile(display_name="Treats migraine", latitude=40.7600, headache_types=("migraine",), languages=("en", "es"), verified=True)
    factories.make_profile(display_name="Neck only", latitude=40.7550, headache_types=("cervicogenic",), verified=True)
    result = run(answers(languages=["es"]))
    assert names(result) == ["Treats migraine", "Neck only"]
    best = result.matches[0]
    assert best.reasons[:2] == ("treats migraine", "under 1 km away")
    assert "speaks Spanish" in best.reasons and "verified certification" in best.reasons
    assert "does not list migraine among what they treat" in result.matches[1].reasons
    assert 0 <= result.matches[1].score < best.score <= 100


def test_hard_filters(ctx):
    factories.make_profile(display_name="Fits", verified=True)
    factories.make_profile(display_name="Unverified")
    factories.make_profile(display_name="Full", verified=True, accepting_new_patients=False)
    factories.make_profile(display_name="Far", latitude=42.36, longitude=-71.06, verified=True)  # Boston
    factories.make_profile(display_name="Draft", verified=True, published=False)
    assert names(run(answers())) == ["Fits"]


def test_video_first_consultation_reaches_further(ctx):
    factories.make_profile(display_name="Philadelphia video", latitude=39.95, longitude=-75.17, modes=("video",), verified=True)
    factories.make_profile(display_name="Philadelphia in person", latitude=39.95, longitude=-75.16, verified=True)
    assert names(run(answers(first_consultation="in_person"))) == []
    result = run(answers(first_consultation="video"))
    assert names(result) == ["Philadelphia video"]
    assert any("offers a video first consultation" in reason for reason in result.matches[0].reasons)


def test_an_emergency_answer_gives_no_practitioners(ctx):
    factories.make_profile(display_name="Fits", verified=True)
    data = answers()
    data["red_flags"] = {**data["red_flags"], "thunderclap": "yes"}
    result = run(data)
    assert result.matches == [] and result.place_label is None


def test_preferences_each_move_the_rank(ctx):
    base = {"verified": True, "headache_types": ("migraine",)}
    factories.make_profile(display_name="Plain", latitude=40.7550, **base)
    factories.make_profile(display_name="Evening woman", latitude=40.7600, gender="woman", slots=((1, 17 * 60, 20 * 60),), **base)
    assert names(run(answers())) == ["Plain", "Evening woman"]
    assert names(run(answers(practitioner_gender="woman", availability=["weekday_evening"]))) == ["Evening woman", "Plain"]


def test_budget_and_insurance(ctx):
    factories.make_profile(display_name="Cheap", latitude=40.7600, fee_min=60, verified=True, headache_types=("migraine",), insurance_accepted="Aetna")
    factories.make_profile(display_name="Dear", latitude=40.7550, fee_min=200, verified=True, headache_types=("migraine",))
    result = run(answers(max_fee=100, insurance="Aetna"))
    assert names(result) == ["Cheap", "Dear"]
    assert "fee within your budget" in result.matches[0].reasons and "accepts Aetna" in result.matches[0].reasons
    assert "fee above your budget" in result.matches[1].reasons


def test_location_problems_are_reported(ctx):
    result = run({**MIGRAINE, "preferences": {"location": "Nowhere-ville-qq"}})
    assert result.problem and result.matches == []
    assert run({**MIGRAINE, "preferences": {}}).problem.startswith("Tell us where you are")


def test_ties_keep_a_stable_order(ctx):
    ids = [factories.make_profile(display_name=f"Same {i}", verified=True).id for i in range(3)]
    assert [m.profile.id for m in run(answers()).matches] == ids


def test_the_weights_come_from_config(app):
    with app.app_context():
        factories.make_profile(display_name="Near, no migraine", latitude=40.7550, headache_types=("cervicogenic",), verified=True)
        factories.make_profile(display_name="Further, migraine", latitude=40.8500, headache_types=("migraine",), verified=True)
        assert names(run(answers()))[0] == "Further, migraine"
        app.config["MATCH_WEIGHTS"] = {**app.config["MATCH_WEIGHTS"], "headache_fit": 0, "distance": 100}
        assert names(run(answers()))[0] == "Near, no migraine"
