"""Matching: hard filters, the weighted score, stable order and reasons in words."""

from datetime import date

import pytest

from directory.extensions import db
from directory.models import Place
from directory.services.geo import geocoding
from directory.services.questionnaire import clinical, matching
from tests import factories

TODAY = date(2026, 11, 22)
MIDTOWN = {"latitude": 40.7549, "longitude": -73.9840}
# A textbook migraine without aura, nothing alarming.
MIGRAINE = {
    "age": 34,
    "red_flags": {flag.id: "no" for flag in clinical.RED_FLAGS},
    "headache": {
        "days_per_month": 4,
        "frequent_for": "gt_1y",
        "lifetime_attacks": "10_plus",
        "duration": "4h_3d",
        "side": "one",
        "quality": ["throbbing"],
        "severity": "severe",
        "worse_with_activity": True,
        "nausea": "moderate",
        "vomiting": False,
        "light_sensitive": True,
        "sound_sensitive": True,
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
    factories.make_profile(
        display_name="Treats migraine",
        latitude=40.7600,
        headache_types=("migraine",),
        languages=("en", "es"),
        verified=True,
    )
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
    factories.make_profile(
        display_name="Philadelphia video", latitude=39.95, longitude=-75.17, modes=("video",), verified=True
    )
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
    factories.make_profile(
        display_name="Evening woman", latitude=40.7600, gender="woman", slots=((1, 17 * 60, 20 * 60),), **base
    )
    assert names(run(answers())) == ["Plain", "Evening woman"]
    assert names(run(answers(practitioner_gender="woman", availability=["weekday_evening"]))) == [
        "Evening woman",
        "Plain",
    ]


def test_budget_and_insurance(ctx):
    factories.make_profile(
        display_name="Cheap",
        latitude=40.7600,
        fee_min=60,
        verified=True,
        headache_types=("migraine",),
        insurance_accepted="Aetna",
    )
    factories.make_profile(
        display_name="Dear", latitude=40.7550, fee_min=200, verified=True, headache_types=("migraine",)
    )
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
        factories.make_profile(
            display_name="Near, no migraine", latitude=40.7550, headache_types=("cervicogenic",), verified=True
        )
        factories.make_profile(
            display_name="Further, migraine", latitude=40.8500, headache_types=("migraine",), verified=True
        )
        assert names(run(answers()))[0] == "Further, migraine"
        app.config["MATCH_WEIGHTS"] = {**app.config["MATCH_WEIGHTS"], "headache_fit": 0, "distance": 100}
        assert names(run(answers()))[0] == "Near, no migraine"


# -- each part of the score, alone (the other weights set to 0), with values worked out by hand --

# 10 km and 40 km due north of MIDTOWN on the database's sphere (R = 6371.0088 km): 10 / R rad = 0.0899321°.
NORTH_10_KM = 40.8448321
NORTH_40_KM = 41.1146290


def weigh_only(app, **weights):
    """Every weight 0 but these: the score is then 100 × the weighted mean of the named parts."""
    app.config["MATCH_WEIGHTS"] = dict.fromkeys(app.config["MATCH_WEIGHTS"], 0) | weights


def scores(result) -> dict[str, float]:
    return {m.profile.display_name: m.score for m in result.matches}


def test_distance_part_falls_from_100_here_to_0_at_the_limit(app, ctx):
    weigh_only(app, distance=1)
    factories.make_profile(display_name="Here", verified=True)
    factories.make_profile(display_name="10 km", latitude=NORTH_10_KM, verified=True)
    result = run(answers(max_distance_km=25, first_consultation="in_person"))
    assert scores(result) == {"Here": 100.0, "10 km": 60.0}  # 1 - 10/25 = 0.6
    assert result.matches[1].reasons[1] == "10 km away"
    assert scores(run(answers(max_distance_km=20, first_consultation="in_person"))) == {"Here": 100.0, "10 km": 50.0}


def test_a_video_practitioner_beyond_the_distance_scores_0_for_it_and_says_so(app, ctx):
    weigh_only(app, distance=1)
    factories.make_profile(display_name="40 km, video", latitude=NORTH_40_KM, modes=("video",), verified=True)
    result = run(answers(max_distance_km=25, first_consultation="either"))
    assert scores(result) == {"40 km, video": 0.0}
    assert result.matches[0].reasons[1] == "40 km away, further than you asked, but offers a video first consultation"
    assert result.matches[0].distance_km == pytest.approx(40, abs=0.2)  # geopy's ellipsoid, not the sphere


@pytest.mark.parametrize(
    ("practising_since", "score"),
    [(2000, 100.0), (2006, 100.0), (2016, 50.0), (2021, 25.0), (2025, 5.0), (2026, 0.0), (2030, 0.0), (None, 0.0)],
)
def test_experience_part_grows_by_5_a_year_up_to_20_years(app, ctx, practising_since, score):
    weigh_only(app, experience=1)
    factories.make_profile(display_name="P", practising_since=practising_since, verified=True)
    assert scores(run(answers())) == {"P": score}  # TODAY is in 2026: (2026 - since) / 20, within 0 and 1


def test_rating_part_is_the_bayesian_average_on_the_1_to_5_scale(app, ctx):
    weigh_only(app, rating=1)
    # Site mean C = (50 + 10 + 3) / (10 + 10 + 1) = 3.0; m = 10.
    factories.make_profile(display_name="Loved", review_count=10, rating_total=50, verified=True)  # (50+30)/20 = 4.0
    factories.make_profile(display_name="Disliked", review_count=10, rating_total=10, verified=True)  # (10+30)/20 = 2.0
    factories.make_profile(display_name="One 3-star", review_count=1, rating_total=3, verified=True)  # (3+30)/11 = 3.0
    factories.make_profile(display_name="Unrated", verified=True)  # the prior alone: 3.0
    result = run(answers())
    assert scores(result) == {"Loved": 75.0, "One 3-star": 50.0, "Unrated": 50.0, "Disliked": 25.0}  # (R - 1) / 4
    assert [m.rating for m in result.matches] == [4.0, 3.0, None, 2.0]
    assert result.matches[0].reasons[-1] == "rated 4.0 out of 5 from 10 reviews"
    assert result.matches[1].reasons[-1] == "rated 3.0 out of 5 from 1 review"
    assert not any(reason.startswith("rated") for reason in result.matches[2].reasons)


def test_the_rating_reason_keeps_its_one_decimal_in_spanish(app, ctx):
    from flask_babel import force_locale

    factories.make_profile(display_name="Loved", review_count=10, rating_total=50, verified=True)  # (50+30)/20 = 4.0
    factories.make_profile(display_name="Disliked", review_count=10, rating_total=10, verified=True)  # 2.0
    with force_locale("es"):
        result = run(answers())
    assert result.matches[0].reasons[-1] == "valoración de 4,0 de 5 según 10 opiniones"


@pytest.mark.parametrize("insurance", ["self_pay", "Self-Pay", "selfpay", "self pay"])
def test_cost_part_self_pay(app, ctx, insurance):
    weigh_only(app, cost=1)
    factories.make_profile(display_name="Takes self-pay", verified=True)
    factories.make_profile(
        display_name="Insurers only", accepts_self_pay=False, insurance_accepted="Aetna", verified=True
    )
    assert scores(run(answers(insurance=insurance))) == {"Takes self-pay": 100.0, "Insurers only": 0.0}


def test_the_budget_compares_the_top_of_the_fee_range_as_the_fee_filter_does(app, ctx):
    weigh_only(app, cost=1)
    # Budget 150: $100-150 is within it; $130-180 only partly (half the cost part); $160-200 not at all.
    factories.make_profile(display_name="Within", fee_min=100, fee_max=150, verified=True)
    factories.make_profile(display_name="Partly", fee_min=130, fee_max=180, verified=True)
    factories.make_profile(display_name="Above", fee_min=160, fee_max=200, verified=True)
    factories.make_profile(display_name="From the budget up", fee_min=150, fee_max=200, verified=True)
    factories.make_profile(display_name="No fee given", fee_min=None, fee_max=None, verified=True)
    result = run(answers(max_fee=150))
    assert scores(result) == {
        "Within": 100.0,
        "Partly": 50.0,
        "From the budget up": 50.0,
        "No fee given": 50.0,
        "Above": 0.0,
    }
    reasons = {m.profile.display_name: m.reasons for m in result.matches}
    assert "fee within your budget" in reasons["Within"]
    assert "some sessions cost more than your budget" in reasons["Partly"]
    assert "some sessions cost more than your budget" in reasons["From the budget up"]
    # No budget given: nothing said about fees (weighed by distance, the one part that is then left).
    weigh_only(app, distance=1)
    assert not any("budget" in r for m in run(answers()).matches for r in m.reasons)
    assert "fee above your budget" in reasons["Above"]
    assert not any("budget" in reason for reason in reasons["No fee given"])


def test_cost_part_is_the_mean_of_budget_and_insurance(app, ctx):
    weigh_only(app, cost=1)
    factories.make_profile(display_name="At budget, self-pay", fee_min=100, verified=True)
    factories.make_profile(display_name="No fee given, self-pay", verified=True)
    factories.make_profile(display_name="At budget, insurers only", fee_min=100, accepts_self_pay=False, verified=True)
    factories.make_profile(
        display_name="Over budget, insurers only", fee_min=101, accepts_self_pay=False, verified=True
    )
    result = run(answers(max_fee=100, insurance="self_pay"))
    assert scores(result) == {
        "At budget, self-pay": 100.0,
        "No fee given, self-pay": 75.0,
        "At budget, insurers only": 50.0,
        "Over budget, insurers only": 0.0,
    }
    reasons = {m.profile.display_name: m.reasons for m in result.matches}
    assert (
        "fee within your budget" in reasons["At budget, insurers only"]
        and "does not list self-pay" in reasons["At budget, insurers only"]
    )
    assert "fee above your budget" in reasons["Over budget, insurers only"]
    assert not any(reason.startswith("fee") for reason in reasons["No fee given, self-pay"])
    assert scores(run(answers(max_fee=100))) == {
        "At budget, self-pay": 100.0,
        "No fee given, self-pay": 50.0,
        "At budget, insurers only": 100.0,
        "Over budget, insurers only": 0.0,
    }


def test_an_insurer_is_matched_in_any_case_within_the_listed_ones(app, ctx):
    weigh_only(app, cost=1)
    factories.make_profile(display_name="Lists it", insurance_accepted="Cigna, Aetna Choice", verified=True)
    factories.make_profile(display_name="Does not", insurance_accepted="Cigna", verified=True)
    result = run(answers(insurance="aetna"))
    assert scores(result) == {"Lists it": 100.0, "Does not": 0.0}
    assert "accepts aetna" in result.matches[0].reasons
    assert not any(reason.startswith("accepts") for reason in result.matches[1].reasons)


def test_headache_mode_gender_parts(app, ctx):
    factories.make_profile(
        display_name="Migraine, in person, woman", headache_types=("migraine",), gender="woman", verified=True
    )
    factories.make_profile(
        display_name="Neck, video, man", headache_types=("cervicogenic",), modes=("video",), gender="man", verified=True
    )
    weigh_only(app, headache_fit=1)
    assert scores(run(answers())) == {"Migraine, in person, woman": 100.0, "Neck, video, man": 0.0}
    weigh_only(app, consultation_mode=1)
    assert scores(run(answers(first_consultation="in_person"))) == {
        "Migraine, in person, woman": 100.0,
        "Neck, video, man": 0.0,
    }
    assert scores(run(answers(first_consultation="video"))) == {
        "Neck, video, man": 100.0,
        "Migraine, in person, woman": 0.0,
    }
    assert scores(run(answers(first_consultation="either"))) == {
        "Migraine, in person, woman": 100.0,
        "Neck, video, man": 100.0,
    }
    weigh_only(app, gender=1)
    assert scores(run(answers(practitioner_gender="man"))) == {
        "Neck, video, man": 100.0,
        "Migraine, in person, woman": 0.0,
    }


def test_availability_and_accessibility_parts_are_the_share_of_wishes_met(app, ctx):
    factories.make_profile(
        display_name="Both",
        slots=((1, 17 * 60, 20 * 60), (5, 10 * 60, 12 * 60)),
        accessibility=("step_free", "parking"),
        verified=True,
    )
    factories.make_profile(
        display_name="One", slots=((1, 17 * 60, 20 * 60),), accessibility=("step_free",), verified=True
    )
    factories.make_profile(display_name="None", verified=True)
    weigh_only(app, availability=1)
    assert scores(run(answers(availability=["weekday_evening", "weekend"]))) == {
        "Both": 100.0,
        "One": 50.0,
        "None": 0.0,
    }
    weigh_only(app, accessibility=1)
    assert scores(run(answers(accessibility=["step_free", "parking"]))) == {"Both": 100.0, "One": 50.0, "None": 0.0}


def test_language_part_and_unexpressed_wishes_do_not_dilute_the_score(app, ctx):
    weigh_only(app, distance=1, language=3)
    factories.make_profile(display_name="Here, English", verified=True)
    assert scores(run(answers())) == {"Here, English": 100.0}  # no language wished: the part is left out
    assert scores(run(answers(languages=["fr"]))) == {"Here, English": 25.0}  # (3 × 0 + 1 × 1) / 4
    assert scores(run(answers(languages=["fr", "en"]))) == {"Here, English": 100.0}  # any of them


def test_the_parts_are_weighted(app, ctx):
    weigh_only(app, distance=1, experience=3)
    factories.make_profile(display_name="10 km, 10 years", latitude=NORTH_10_KM, practising_since=2016, verified=True)
    assert scores(run(answers(max_distance_km=25))) == {"10 km, 10 years": 52.5}  # (1 × 0.6 + 3 × 0.5) / 4


# -- the reasons, word for word ----------------------------------------------------------


def test_every_reason_in_words_and_in_order(ctx):
    factories.make_profile(
        display_name="Full",
        headache_types=("migraine",),
        modes=("in_person", "video"),
        languages=("en", "es"),
        accessibility=("step_free", "hearing_loop"),
        slots=((1, 17 * 60, 20 * 60),),
        gender="woman",
        fee_min=80,
        practising_since=2016,
        review_count=1,
        rating_total=5,
        verified=True,
    )
    factories.make_profile(
        display_name="Sparse",
        latitude=NORTH_10_KM,
        headache_types=("cervicogenic",),
        modes=("video",),
        gender="man",
        fee_min=150,
        accepts_self_pay=False,
        practising_since=2026,
        verified=True,
    )
    result = run(
        answers(
            first_consultation="either",
            languages=["es", "fr"],
            practitioner_gender="woman",
            availability=["weekday_evening", "weekend"],
            accessibility=["step_free", "parking"],
            max_fee=100,
            insurance="self_pay",
        )
    )
    assert names(result) == ["Full", "Sparse"]
    assert result.matches[0].reasons == (
        "treats migraine",
        "under 1 km away",
        "offers a video first consultation",
        "sees patients in person",
        "verified certification",
        "speaks Spanish",
        "sees patients on weekday evenings",
        "is a woman practitioner, as you asked",
        "fee within your budget",
        "welcomes self-paying patients",
        "step-free access",
        "practicing for 10 years",
        "rated 5.0 out of 5 from 1 review",  # the only review on the site: C = 5.0
    )
    assert result.matches[1].reasons == (
        "does not list migraine among what they treat",
        "10 km away",
        "offers a video first consultation",
        "verified certification",
        "does not list your languages",
        "fee above your budget",
        "does not list self-pay",
    )
    assert [m.verified for m in result.matches] == [True, True]
    assert result.matches[0].headache_types == ("migraine",) and result.matches[1].consultation_modes == ("video",)
    assert result.matches[0].languages == ("en", "es")


def test_an_in_person_wish_names_no_video_and_both_languages_spoken_are_named(ctx):
    factories.make_profile(
        display_name="Both modes",
        modes=("in_person", "video"),
        languages=("en", "es"),
        slots=((0, 9 * 60, 11 * 60), (2, 13 * 60, 15 * 60)),
        practising_since=2025,
        verified=True,
    )
    result = run(
        answers(
            first_consultation="in_person",
            languages=["es", "en"],
            availability=["weekday_morning", "weekday_afternoon", "weekend"],
        )
    )
    assert result.matches[0].reasons[1:] == (
        "under 1 km away",
        "sees patients in person",
        "verified certification",
        "speaks Spanish and English",
        "sees patients on weekday mornings, weekday afternoons",
        "practicing for 1 year",
    )
    assert "offers a video first consultation" in run(answers(first_consultation="video")).matches[0].reasons


@pytest.mark.parametrize(
    ("gender", "reason"),
    [
        ("woman", "is a woman practitioner, as you asked"),
        ("man", "is a man practitioner, as you asked"),
        ("nonbinary", "is non-binary, as you asked"),
    ],
)
def test_the_gender_asked_for_is_said(ctx, gender, reason):
    factories.make_profile(display_name="P", gender=gender, verified=True)
    assert reason in run(answers(practitioner_gender=gender)).matches[0].reasons
    assert not any(r.startswith("is ") for r in run(answers(practitioner_gender="no_preference")).matches[0].reasons)


# -- the patient's country, for the emergency number ----------------------------------------


@pytest.fixture
def two_cities(ctx):
    for name, country, latitude, longitude in (
        ("Boulder", "US", 40.01499, -105.27055),
        ("London", "GB", 51.50853, -0.12574),
    ):
        db.session.add(
            Place(
                kind="city",
                name=name,
                search_key=name.lower(),
                country=country,
                latitude=latitude,
                longitude=longitude,
                population=100_000,
            )
        )
    db.session.commit()


def test_patient_country_from_coordinates_or_the_place_typed(two_cities):
    assert matching.patient_country({"latitude": 51.5, "longitude": -0.1}) == "GB"
    assert (
        matching.patient_country({"latitude": 51.5, "longitude": -0.1, "location": "Boulder"}) == "GB"
    )  # coordinates first
    assert matching.patient_country({"latitude": 51.5, "location": "Boulder"}) == "US"  # half a point is no point
    assert matching.patient_country({"longitude": -0.1, "location": "Boulder"}) == "US"
    assert matching.patient_country({"location": "Boulder"}) == "US"
    assert matching.patient_country({"location": "Qqqzzz-town"}) is None
    assert matching.patient_country({"latitude": 0.0, "longitude": -30.0}) is None  # mid-Atlantic
    assert matching.patient_country({"location": ""}) is None and matching.patient_country({}) is None
    with pytest.raises(geocoding.GeocodingError):
        geocoding.geocode("Boul\x07der")
    assert matching.patient_country({"location": "Boul\x07der"}) is None  # a query that cannot be looked up


@pytest.mark.parametrize("weights", [{}, {"cost": 5}], ids=["every-weight-0", "only-a-part-nobody-asked-about"])
def test_weights_that_leave_nothing_to_score_rank_everyone_at_0_nearest_first(app, ctx, weights):
    # No part the patient asked about carries any weight: every score is 0 (not a division by zero), ties nearest first.
    weigh_only(app, **weights)
    factories.make_profile(display_name="10 km", latitude=NORTH_10_KM, verified=True)
    factories.make_profile(display_name="Here", verified=True)
    result = run(answers(max_distance_km=25, first_consultation="in_person"))
    assert [(m.profile.display_name, m.score) for m in result.matches] == [("Here", 0.0), ("10 km", 0.0)]
