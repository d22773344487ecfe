"""Matching, pinned further: how the headache fit weighs the probable types, who is reachable, the order, the limit.

Every expected figure is worked out by hand in a comment; none comes from the code under test.
"""

import dataclasses
import math
import random
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, event, select

from directory.extensions import db
from directory.models import SearchListing, TherapistProfile
from directory.services.questionnaire import clinical, matching
from directory.services.questionnaire.clinical import ProbableType
from directory.services.questionnaire.matching import MatchResult
from tests import factories

TODAY = date(2026, 11, 22)
MIDTOWN = {"latitude": 40.7549, "longitude": -73.9840}
# Nothing alarming, no headache answers: the probable types are set by hand in each test.
CALM = {"age": 34, "red_flags": {flag.id: "no" for flag in clinical.RED_FLAGS}}
# One degree of latitude on the database's sphere: R·π/180 = 6371.0088 × 0.01745329 = 111.1951 km.
KM_PER_DEGREE = 111.1951


def probable(type_id: str, confidence: str = clinical.LIKELY, doctor_confirmed: bool = False) -> ProbableType:
    return ProbableType(type_id, "", confidence, doctor_confirmed, "")


def run(preferences: dict | None = None, types: tuple[ProbableType, ...] = (), limit: int = 20, today: date = TODAY):
    return run_at({**MIDTOWN, **(preferences or {})}, types, limit=limit, today=today)


def run_at(preferences: dict, types: tuple[ProbableType, ...] = (), **options):
    """match() for these preferences alone (no MIDTOWN added), with the probable types given."""
    data = {**CALM, "preferences": preferences}
    assessment = dataclasses.replace(clinical.assess(data), probable_types=types)
    return matching.match(data, assessment, **options)


def weigh_only(app, **weights):
    """Every weight 0 but these: the score is then 100 × the weighted mean of the named parts."""
    app.config["MATCH_WEIGHTS"] = dict.fromkeys(app.config["MATCH_WEIGHTS"], 0) | weights


def names(result) -> list[str]:
    return [m.profile.display_name for m in result.matches]


def scores(result) -> dict[str, float]:
    return {m.profile.display_name: m.score for m in result.matches}


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def four_treating(ctx):
    """Practitioners here treating migraine, tension-type headache, both, or neither."""
    factories.make_profile(display_name="Migraine", headache_types=("migraine",), verified=True)
    factories.make_profile(display_name="Tension", headache_types=("tension_type",), verified=True)
    factories.make_profile(display_name="Both", headache_types=("migraine", "tension_type"), verified=True)
    factories.make_profile(display_name="Neck", headache_types=("cervicogenic",), verified=True)


# -- the headache fit: each family weighs confidence × evidence, the best type of a family counts --


def test_headache_fit_weighs_confidence_times_evidence_and_keeps_the_best_type_of_a_family(app, four_treating):
    weigh_only(app, headache_fit=1)
    types = (
        probable("migraine_without_aura"),  # likely 1.0 × evidence 0.7 = 0.7
        probable("migraine_with_aura", clinical.POSSIBLE),  # 0.6 × 0.7 = 0.42: migraine keeps 0.7
        probable("tension_type_frequent", clinical.POSSIBLE),  # 0.6 × 1.0 = 0.6
    )
    # Migraine 0.7 / (0.7 + 0.6) = 0.53846; tension 0.6 / 1.3 = 0.46154.
    assert scores(run(types=types)) == {"Both": 100.0, "Migraine": 53.8, "Tension": 46.2, "Neck": 0.0}


def test_a_doctor_confirmed_type_counts_in_full_whatever_the_answers_say(app, four_treating):
    weigh_only(app, headache_fit=1)
    types = (
        probable("migraine_without_aura"),  # 0.7
        probable("tension_type_frequent", clinical.POSSIBLE, doctor_confirmed=True),  # confirmed 1.0 × 1.0 = 1.0
    )
    # Migraine 0.7 / 1.7 = 0.41176; tension 1.0 / 1.7 = 0.58824.
    assert scores(run(types=types)) == {"Both": 100.0, "Tension": 58.8, "Migraine": 41.2, "Neck": 0.0}


def test_a_type_without_needling_evidence_is_neither_scored_nor_mentioned(app, ctx):
    weigh_only(app, headache_fit=1, distance=1)
    factories.make_profile(display_name="Migraine", headache_types=("migraine",), verified=True)
    with_cluster = run(types=(probable("migraine_without_aura"), probable("cluster")))  # cluster: evidence 0.0
    assert with_cluster.matches[0].reasons[:2] == ("treats migraine", "under 1 km away")
    # Cluster alone leaves no headache fit to weigh: the score is the distance part alone, 100 here.
    cluster_only = run(types=(probable("cluster"),))
    assert scores(cluster_only) == {"Migraine": 100.0}
    assert cluster_only.matches[0].reasons[0] == "under 1 km away"


# -- the gender wish ------------------------------------------------------------------------


@pytest.mark.parametrize("wish", [{"practitioner_gender": "no_preference"}, {"practitioner_gender": None}, {}])
def test_no_gender_preference_leaves_gender_out_of_the_score(app, ctx, wish):
    weigh_only(app, gender=1, distance=1)
    factories.make_profile(display_name="Woman here", gender="woman", verified=True)
    assert scores(run(wish)) == {"Woman here": 100.0}  # a gender part would make it (0 + 1) / 2 = 50


# -- insurers are matched as written --------------------------------------------------------


def test_an_underscore_in_an_insurer_is_a_character_not_a_wildcard(app, ctx):
    weigh_only(app, cost=1)
    factories.make_profile(display_name="Underscore", insurance_accepted="Blue_Cross", verified=True)
    factories.make_profile(display_name="Letter", insurance_accepted="BlueXCross", verified=True)
    result = run({"insurance": "Blue_Cross"})
    assert scores(result) == {"Underscore": 100.0, "Letter": 0.0}
    assert "accepts Blue_Cross" in result.matches[0].reasons


def test_an_insurer_outside_ascii_is_matched_in_any_case(app, ctx):
    weigh_only(app, cost=1)
    factories.make_profile(display_name="Lists it", insurance_accepted="Allianz Österreich", verified=True)
    factories.make_profile(display_name="Does not", insurance_accepted="Allianz", verified=True)
    assert scores(run({"insurance": "ÖSTERREICH"})) == {"Lists it": 100.0, "Does not": 0.0}


# -- who is reachable -----------------------------------------------------------------------


def test_the_travel_distance_is_a_circle_not_its_bounding_box(ctx):
    # Within 10 km the box reaches 0.0899° of latitude and 0.1188° of longitude (0.0899° / cos 40.75°).
    # Distances by hand (haversine, R = 6371.0088 km), each point inside the box:
    factories.make_profile(display_name="9.9 km", latitude=40.8179, longitude=-73.9010, verified=True)
    factories.make_profile(display_name="10.1 km", latitude=40.8192, longitude=-73.8992, verified=True)
    factories.make_profile(display_name="Corner, 12.5 km", latitude=40.8349, longitude=-73.8790, verified=True)
    assert names(run({"max_distance_km": 10, "first_consultation": "in_person"})) == ["9.9 km"]
    assert names(run({"max_distance_km": 13, "first_consultation": "in_person"})) == [
        "9.9 km",
        "10.1 km",
        "Corner, 12.5 km",
    ]


def test_a_practitioner_exactly_at_the_travel_distance_is_reachable(ctx):
    # The antipode of (0, 0) is (0, 180): its haversine term is sin²(90°) = 1.0 exactly, and so is the
    # limit of any distance of at least half the globe (R·π = 20015.11 km).
    factories.make_profile(display_name="Antipode", latitude=0.0, longitude=180.0, verified=True)
    result = run({"latitude": 0.0, "longitude": 0.0, "max_distance_km": 20016, "first_consultation": "in_person"})
    assert names(result) == ["Antipode"]


def test_a_video_first_consultation_reaches_to_the_video_distance_and_no_further(ctx):
    # Due north of MIDTOWN: 149 km = 1.3400° and 151 km = 1.3580° (149 / 111.1951, 151 / 111.1951).
    near, far = 40.7549 + 1.3400, 40.7549 + 1.3580
    factories.make_profile(display_name="Video, 149 km", latitude=near, modes=("video",), verified=True)
    factories.make_profile(display_name="Video, 151 km", latitude=far, modes=("video",), verified=True)
    factories.make_profile(display_name="In person, 149 km", latitude=near, verified=True)
    result = run({"max_distance_km": 25, "first_consultation": "either"})
    assert names(result) == ["Video, 149 km"]
    assert result.matches[0].reasons[0] == (
        "149 km away, further than you asked, but offers a video first consultation"
    )
    assert names(run({"max_distance_km": 25, "first_consultation": "video"})) == ["Video, 149 km"]
    assert names(run({"max_distance_km": 25, "first_consultation": "in_person"})) == []
    # Asking for more than the video distance: everyone within it is reachable, in person or not.
    assert sorted(names(run({"max_distance_km": 152, "first_consultation": "in_person"}))) == [
        "In person, 149 km",
        "Video, 149 km",
        "Video, 151 km",
    ]


def test_nobody_further_away_is_missed_when_the_near_ones_fit_less(app, ctx):
    # Those within the distance asked are ranked first; the video distance's wider circle is only skipped
    # when the last of a full page beats the best anyone further could score. Distance and gender weigh 1
    # each: beyond 25 km the distance part is 0, so at most (0 + 1) / 2 = 50.
    weigh_only(app, distance=1, gender=1)
    north = 40.7549 + 0.1 / KM_PER_DEGREE  # 0.1 km: distance part 1 - 0.1 / 25 = 0.996
    factories.make_profile(display_name="Near, a man", latitude=north, gender="man", verified=True)
    far = 40.7549 + 100 / KM_PER_DEGREE
    factories.make_profile(display_name="Far, a woman", latitude=far, gender="woman", modes=("video",), verified=True)
    wishes = {"max_distance_km": 25, "first_consultation": "either"}
    # Near: (0.996 + 0) / 2 = 49.8, just below 50: the far one, (0 + 1) / 2 = 50, is looked for and ranks first.
    assert scores(run({**wishes, "practitioner_gender": "woman"}, limit=1)) == {"Far, a woman": 50.0}
    # Near: (0.996 + 1) / 2 = 99.8, above 50: the page of one is theirs.
    assert scores(run({**wishes, "practitioner_gender": "man"}, limit=1)) == {"Near, a man": 99.8}
    assert scores(run({**wishes, "practitioner_gender": "woman"})) == {"Far, a woman": 50.0, "Near, a man": 49.8}


def test_a_certification_counts_on_its_last_day(ctx):
    last_day = factories.make_profile(display_name="Expires today")
    factories.make_certification(last_day, expires_on=TODAY)
    expired = factories.make_profile(display_name="Expired yesterday")
    factories.make_certification(expired, expires_on=TODAY - timedelta(days=1))
    result = run()
    assert names(result) == ["Expires today"]
    assert result.matches[0].verified is True
    assert names(run(today=TODAY + timedelta(days=1))) == []


# -- order and limit ------------------------------------------------------------------------


def test_equal_scores_rank_the_nearer_first(app, ctx):
    weigh_only(app, headache_fit=1)
    # Created first (the lower id), but further: 0.05° north is 5.6 km, 0.01° is 1.1 km.
    factories.make_profile(display_name="Further", latitude=40.8049, headache_types=("migraine",), verified=True)
    factories.make_profile(display_name="Nearer", latitude=40.7649, headache_types=("migraine",), verified=True)
    result = run(types=(probable("migraine_without_aura"),))
    assert scores(result) == {"Nearer": 100.0, "Further": 100.0}
    assert names(result) == ["Nearer", "Further"]


def test_the_limit_keeps_the_best(app, ctx):
    weigh_only(app, distance=1)
    for i in range(3):
        factories.make_profile(display_name=f"{i} km north", latitude=40.7549 + i / KM_PER_DEGREE, verified=True)
    assert names(run(limit=2)) == ["0 km north", "1 km north"]
    assert names(run(limit=1)) == ["0 km north"]


def test_a_practitioner_unlisted_between_the_ranking_and_its_rows_is_left_out(app, ctx):
    # The ranking brings ids, a second statement their rows: someone unpublished in between (another
    # request's commit) is missing from the second, and the others still come back in order.
    weigh_only(app, distance=1)
    for i in range(3):
        factories.make_profile(display_name=f"{i} km north", latitude=40.7549 + i / KM_PER_DEGREE, verified=True)
    gone = db.session.scalar(
        select(SearchListing.profile_id).join(TherapistProfile).where(TherapistProfile.display_name == "1 km north")
    )
    unlisted = []

    def unlist_before_the_rows(state):
        entities = {column["name"] for column in getattr(state.statement, "column_descriptions", ())}
        if not unlisted and {"SearchListing", "TherapistProfile"} <= entities:
            unlisted.append(gone)
            state.session.execute(delete(SearchListing).where(SearchListing.profile_id == gone))

    event.listen(db.session, "do_orm_execute", unlist_before_the_rows)
    try:
        assert names(run()) == ["0 km north", "2 km north"]
    finally:
        event.remove(db.session, "do_orm_execute", unlist_before_the_rows)
    assert unlisted == [gone]


def test_rankings_of_the_same_shape_each_bind_their_own_place_and_wishes(app, ctx):
    # The ranking statement is built once for each shape of wishes and kept: only the values change.
    weigh_only(app, distance=1, gender=1)
    factories.make_profile(display_name="Midtown", gender="man", verified=True)
    factories.make_profile(display_name="Albany", latitude=42.6526, longitude=-73.7562, gender="woman", verified=True)
    albany = {"latitude": 42.6526, "longitude": -73.7562}
    assert scores(run({"practitioner_gender": "man"})) == {"Midtown": 100.0}
    assert scores(run_at({**albany, "practitioner_gender": "man"})) == {"Albany": 50.0}
    assert scores(run_at({**albany, "practitioner_gender": "woman"})) == {"Albany": 100.0}
    assert scores(run({"practitioner_gender": "woman"})) == {"Midtown": 50.0}


# -- reasons at the edges ------------------------------------------------------------------------


def test_an_in_person_practitioner_is_not_said_to_offer_video(ctx):
    factories.make_profile(display_name="In person only", verified=True)
    assert run({"first_consultation": "either"}).matches[0].reasons == (
        "under 1 km away",
        "sees patients in person",
        "verified certification",
    )
    assert run({"first_consultation": "video"}).matches[0].reasons == ("under 1 km away", "verified certification")


def test_a_practitioner_exactly_at_the_distance_asked_is_within_it(ctx):
    # The antipode is geopy's R·π away: 6371.009 km × π = 20015.115070354455 km as a double. Asking for
    # exactly that distance, the practitioner is within it, not "further than you asked".
    factories.make_profile(display_name="Antipode", latitude=0.0, longitude=180.0, verified=True)
    preferences = {"latitude": 0.0, "longitude": 0.0, "first_consultation": "in_person"}
    result = run({**preferences, "max_distance_km": 20015.115070354455})
    assert result.matches[0].reasons == ("20,015 km away", "sees patients in person", "verified certification")


# -- where the patient is, and what the result says besides the matches -------------------------


def test_coordinates_are_the_patients_location(ctx):
    factories.make_profile(display_name="Here", verified=True)
    result = run()
    assert (result.place_label, result.problem, result.candidates, names(result)) == (
        "your location",
        None,
        (),
        ["Here"],
    )


@pytest.mark.parametrize("half", [{"latitude": 40.7549}, {"longitude": -73.9840}])
def test_half_a_coordinate_pair_falls_back_to_the_place_typed(ctx, places, half):
    factories.make_profile(display_name="Midtown", verified=True)  # 5.0 km from the gazetteer's New York
    result = run_at({**half, "location": "New York"}, today=TODAY)
    assert (result.place_label, result.problem, result.candidates) == ("New York, NY, US", None, ())
    assert names(result) == ["Midtown"]


def test_no_place_at_all_asks_for_one(ctx):
    assert run_at({}, today=TODAY) == MatchResult(
        None, "Tell us where you are: a town, city or ZIP code, or use your location.", (), []
    )
    assert run_at({"location": "", "latitude": 40.7549}, today=TODAY).problem.startswith("Tell us where you are")


def test_a_place_that_cannot_be_looked_up_says_why(ctx):
    assert run_at({"location": "Boul\x07der"}, today=TODAY) == MatchResult(
        None, "That place contains invisible control characters: type it again without them.", (), []
    )


def test_an_ambiguous_place_offers_the_candidates(ctx, places):
    result = run_at({"location": "Springfield"}, today=TODAY)
    assert result.problem == (
        'Several places are called Springfield. Choose one, or add the state or country, e.g. "Springfield, MO".'
    )
    assert [c.label for c in result.candidates] == [
        "Springfield, MO, US (population 170,000)",
        "Springfield, MA, US (population 154,000)",
        "Springfield, IL, US (population 114,000)",
    ]
    assert (result.place_label, result.matches) == (None, [])


def test_an_emergency_gives_an_empty_result_and_no_problem(ctx):
    factories.make_profile(display_name="Here", verified=True)
    data = {**CALM, "red_flags": {**CALM["red_flags"], "thunderclap": "yes"}, "preferences": MIDTOWN}
    assert matching.match(data, clinical.assess(data), today=TODAY) == MatchResult(None, None, (), [])


def test_twenty_matches_by_default(ctx):
    for i in range(21):
        factories.make_profile(display_name=f"P{i:02d}", verified=True)
    data = {**CALM, "preferences": MIDTOWN}
    assert names(matching.match(data, clinical.assess(data), today=TODAY)) == [f"P{i:02d}" for i in range(20)]


def test_the_day_given_is_the_day_matched_on(ctx):
    # In 2090, a practitioner practising since 2080 has 10 years; whatever the clock says.
    factories.make_profile(display_name="Since 2080", practising_since=2080, verified=True)
    (match,) = run(today=date(2090, 6, 1)).matches
    assert match.reasons[-1] == "practicing for 10 years"


def test_without_a_day_today_is_matched_on(ctx):
    factories.make_profile(display_name="Three years", practising_since=date.today().year - 3, verified=True)
    data = {**CALM, "preferences": MIDTOWN}
    (match,) = matching.match(data, clinical.assess(data)).matches
    assert match.reasons[-1] == "practicing for 3 years"
    assert match.distance_km == pytest.approx(0.0, abs=1e-9)


# -- the shortcut against the whole circle --------------------------------------------------------


def test_ranking_within_the_distance_first_changes_no_ranking(ctx, monkeypatch):
    # A random directory around midtown, and random patients: each page must be the one the whole video
    # circle gives (the shortcut is turned off by a margin no score can clear). About a quarter of the patients
    # here are settled by the shortcut.
    rng = random.Random(14)
    for i in range(200):
        spread = 0.3 if i % 2 else 1.8  # half within about 35 km, half out to the video distance and beyond
        factories.make_profile(
            display_name=f"P{i}",
            latitude=40.7549 + rng.uniform(-spread, spread),
            longitude=-73.9840 + rng.uniform(-spread, spread) * 1.3,
            headache_types=tuple(rng.sample(("migraine", "tension_type", "cervicogenic"), rng.randint(1, 3))),
            modes=tuple(rng.sample(("in_person", "video", "home_visit"), rng.randint(1, 3))),
            languages=tuple(rng.sample(("en", "es", "de"), rng.randint(1, 2))),
            accessibility=tuple(rng.sample(("step_free", "parking"), rng.randint(0, 2))),
            slots=((rng.randint(0, 6), 9 * 60, 17 * 60),),
            gender=rng.choice(("woman", "man", None)),
            fee_min=rng.choice((None, 60, 90)),
            fee_max=rng.choice((None, 120)),
            practising_since=rng.choice((None, 1995, 2015, 2025)),
            verified=rng.random() < 0.9,
        )
    types = (probable("migraine_without_aura"), probable("tension_type_frequent", clinical.POSSIBLE))
    for _ in range(40):
        preferences = {
            "max_distance_km": rng.choice((10, 25, 50, 100)),
            "first_consultation": rng.choice(("either", "video", "in_person")),
            "languages": rng.sample(["en", "es", "de"], rng.randint(0, 2)),
            "availability": rng.sample(["weekday_morning", "weekday_evening", "weekend"], rng.randint(0, 2)),
            "accessibility": rng.sample(["step_free", "parking"], rng.randint(0, 1)),
            "practitioner_gender": rng.choice(("woman", "man", "no_preference")),
            "max_fee": rng.choice((None, 80, 150)),
        }
        limit = rng.choice((1, 5, 20))
        shortcut = run(preferences, types, limit=limit)
        with monkeypatch.context() as whole:
            whole.setattr(matching, "SCORE_MARGIN", math.inf)
            assert run(preferences, types, limit=limit) == shortcut, preferences
