"""The revised rules of issue 12, one behaviour each: unsure in every tier, the pregnancy gateway,
derived flags and their levels, stop reasons, and ICHD-3 tension-type. Expected values are
worked out by hand from docs/clinical-rules.md."""

import pytest

from directory.services.questionnaire.clinical import (
    DERIVED_FLAGS,
    RED_FLAGS,
    RaisedFlag,
    probable_types,
    red_flags_to_ask,
    triage,
)
from directory.services.questionnaire.clinical.readers import at_most, overuse_threshold

L, P = "likely", "possible"


def patient(age=40, **sections):
    return {"age": age, **sections}


def raised(answers):
    return [(f.id, f.level, f.source) for f in triage(answers).raised]


# -- unsure counts as yes, and says what the patient was unsure about ---------------------


def test_an_unsure_soon_flag_is_raised_with_its_label():
    result = triage(patient(red_flags={"weight_loss": "unsure"}))
    assert result.level == "soon"
    assert result.raised == (RaisedFlag("weight_loss", "soon", "unsure", "weight loss or night sweats"),)
    assert result.unsure_labels == ("weight loss or night sweats",)


def test_only_unsure_answers_are_named_as_unsure():
    result = triage(patient(red_flags={"cancer_history": "unsure", "weight_loss": "yes", "progressive": "no"}))
    assert raised(patient(red_flags={"cancer_history": "unsure", "weight_loss": "yes"})) == [
        ("weight_loss", "soon", "answered"),
        ("cancer_history", "soon", "unsure"),
    ]
    assert result.unsure_labels == ("having had cancer",)


def test_no_unsure_answer_names_nothing():
    assert triage(patient(red_flags={"fever": "yes"})).unsure_labels == ()


def test_every_raisable_flag_has_a_short_plain_label():
    for flag in [f for f in RED_FLAGS if f.level != "none"] + list(DERIVED_FLAGS):
        assert flag.label and len(flag.label) <= 80 and not flag.label.endswith("?"), flag.id


# -- the pregnancy gateway ----------------------------------------------------------------


@pytest.mark.parametrize("answer", ["yes", "unsure", "no"])
def test_the_pregnancy_gateway_raises_nothing_by_itself(answer):
    result = triage(patient(red_flags={"pregnancy": answer}))
    assert (result.level, result.flags, result.stop) == ("none", (), False)


@pytest.mark.parametrize(
    ("gateway", "asked"),
    [
        ("yes", {"pregnancy_new", "pregnancy_severe"}),
        ("unsure", {"pregnancy_new", "pregnancy_severe"}),
        ("no", set()),
        (None, set()),
    ],
)
def test_both_pregnancy_questions_follow_a_yes_or_unsure_gateway(gateway, asked):
    answers = {} if gateway is None else {"pregnancy": gateway}
    shown = {f.id for f in red_flags_to_ask(30, answers)}
    assert "pregnancy" in shown
    assert shown & {"pregnancy_new", "pregnancy_severe"} == asked


def test_pregnancy_severe_is_asked_even_when_the_headache_is_not_new():
    shown = {f.id for f in red_flags_to_ask(30, {"pregnancy": "yes", "pregnancy_new": "no"})}
    assert "pregnancy_severe" in shown


def test_a_familiar_headache_with_pre_eclampsia_signs_is_an_emergency():
    answers = patient(age=32, red_flags={"pregnancy": "yes", "pregnancy_new": "no", "pregnancy_severe": "yes"})
    assert raised(answers) == [("pregnancy_severe", "emergency", "answered")]
    assert triage(answers).stop_reason == "emergency"


def test_pregnancy_severe_without_the_gateway_still_counts():
    assert raised(patient(red_flags={"pregnancy_severe": "unsure"})) == [("pregnancy_severe", "emergency", "unsure")]


def test_the_pregnancy_new_question_no_longer_asks_about_pregnancy_itself():
    question = {f.id: f.question for f in RED_FLAGS}["pregnancy_new"]
    assert question == (
        "During this pregnancy or since the birth, is this headache new or different from your usual ones?"
    )


# -- medication overuse from the medicine answers (ICHD-3 8.2 thresholds) ------------------

NONE_TAKEN = {"simple_analgesics": "0", "triptans": "0", "combination": "0", "opioids": "0", "ergots": "0"}


@pytest.mark.parametrize(
    ("medicines", "met"),
    [
        pytest.param({"simple_analgesics": "15_plus"}, True, id="simple-15-days"),
        pytest.param({"simple_analgesics": "10_14"}, False, id="simple-10-days-alone-is-not-enough"),
        pytest.param({"triptans": "10_14"}, True, id="triptans-10-days"),
        pytest.param({"combination": "10_14"}, True, id="combination-10-days"),
        pytest.param({"opioids": "10_14"}, True, id="opioids-10-days"),
        pytest.param({"ergots": "15_plus"}, True, id="ergots-15-days"),
        pytest.param({"triptans": "5_9"}, False, id="triptans-5-days"),
        pytest.param({"simple_analgesics": "5_9", "triptans": "5_9"}, True, id="two-classes-10-days"),
        # 5 + 1 + 1 + 1 + 1 = 9 days at the bins' lower bounds: one short of 10.
        pytest.param(
            {"simple_analgesics": "5_9", "triptans": "1_4", "combination": "1_4", "opioids": "1_4", "ergots": "1_4"},
            False,
            id="five-classes-9-days",
        ),
        pytest.param({"simple_analgesics": "1_4", "triptans": "1_4"}, False, id="two-classes-2-days"),
        pytest.param({}, False, id="nothing-taken"),
    ],
)
def test_overuse_is_derived_from_the_medicine_days(medicines, met):
    medication = {**NONE_TAKEN, **medicines}
    assert overuse_threshold(medication) is met
    expected = [("medication_overuse", "soon", "derived")] if met else []
    assert raised(patient(medication=medication)) == expected


def test_unanswered_medicines_leave_overuse_unknown_until_a_threshold_is_met():
    assert overuse_threshold({"simple_analgesics": "5_9"}) is None
    assert overuse_threshold({"triptans": "10_14"}) is True
    assert raised(patient(medication={"simple_analgesics": "5_9"})) == []


def test_asked_and_derived_overuse_is_one_flag_that_the_patient_answered():
    medication = {**NONE_TAKEN, "triptans": "15_plus"}
    assert raised(patient(red_flags={"medication_overuse": "yes"}, medication=medication)) == [
        ("medication_overuse", "soon", "answered")
    ]


def test_derived_overuse_outranks_an_unsure_answer():
    medication = {**NONE_TAKEN, "triptans": "15_plus"}
    result = triage(patient(red_flags={"medication_overuse": "unsure"}, medication=medication))
    assert [(f.id, f.source) for f in result.raised] == [("medication_overuse", "derived")]
    assert result.unsure_labels == ()


def test_the_asked_overuse_flag_stands_without_the_medicine_answers():
    assert raised(patient(red_flags={"medication_overuse": "yes"})) == [("medication_overuse", "soon", "answered")]


# -- aura flags and the levels of an atypical aura -----------------------------------------


def _aura(**changes):
    return {"present": True, "symptoms": ["visual"], "episodes": "2_plus", "doctor_checked": True, **changes}


@pytest.mark.parametrize(
    ("aura", "expected", "stop_reason"),
    [
        pytest.param(
            _aura(symptoms=["motor"], episodes="once", doctor_checked=False),
            [("aura_unchecked", "soon", "derived"), ("aura_atypical", "emergency", "derived")],
            "emergency",
            id="first-unchecked-motor-aura-emergency",
        ),
        pytest.param(
            _aura(symptoms=["brainstem"], episodes="2_plus", doctor_checked=False),
            [("aura_unchecked", "soon", "derived"), ("aura_atypical", "today", "derived")],
            "today",
            id="recurring-unchecked-brainstem-aura-today",
        ),
        pytest.param(
            _aura(symptoms=["one_eye"], episodes=None, doctor_checked=False),
            [("aura_unchecked", "soon", "derived"), ("aura_atypical", "emergency", "derived")],
            "emergency",
            id="unchecked-one-eye-aura-unknown-count-emergency",
        ),
        pytest.param(
            _aura(symptoms=["visual", "motor"], episodes="2_plus", doctor_checked=None),
            [("aura_unchecked", "soon", "derived"), ("aura_atypical", "today", "derived")],
            "today",
            id="check-unknown-counts-as-unchecked",
        ),
        pytest.param(
            _aura(symptoms=["motor"], episodes="once", doctor_checked=True),
            [("aura_atypical", "soon", "derived")],
            None,
            id="checked-first-motor-aura-soon",
        ),
        pytest.param(
            _aura(episodes="once", doctor_checked=False),
            [("aura_unchecked", "soon", "derived")],
            None,
            id="first-typical-unchecked-aura-soon",
        ),
        pytest.param(
            _aura(present=None, symptoms=["motor"], episodes="once", doctor_checked=False),
            [("aura_unchecked", "soon", "derived"), ("aura_atypical", "emergency", "derived")],
            "emergency",
            id="symptoms-without-present-count-as-an-aura",
        ),
        pytest.param(
            _aura(present=False, symptoms=["motor"], episodes="once", doctor_checked=False),
            [],
            None,
            id="no-aura-no-flags",
        ),
    ],
)
def test_aura_flags_and_their_levels(aura, expected, stop_reason):
    result = triage(patient(aura={k: v for k, v in aura.items() if v is not None}))
    assert [(f.id, f.level, f.source) for f in result.raised] == expected
    assert result.stop_reason == stop_reason
    assert result.stop is (stop_reason is not None)


# -- stop reasons -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "red_flags", "level", "reason"),
    [
        pytest.param(15, {"thunderclap": "yes"}, "emergency", "emergency", id="emergency-beats-under-18"),
        pytest.param(16, {"fever": "yes"}, "today", "today", id="today-beats-under-18"),
        pytest.param(17, {"cancer_history": "yes"}, "soon", "under_18", id="under-18-with-a-soon-flag"),
        pytest.param(17, {}, "none", "under_18", id="under-18-alone"),
        pytest.param(18, {"cancer_history": "yes"}, "soon", None, id="adult-soon-goes-on"),
        pytest.param(40, {"fever": "unsure"}, "today", "today", id="adult-unsure-today-stops"),
        pytest.param(40, {}, "none", None, id="adult-no-flags"),
    ],
)
def test_the_stop_reason_is_the_strongest_reason_to_stop(age, red_flags, level, reason):
    result = triage(patient(age=age, red_flags=red_flags))
    assert (result.level, result.stop_reason, result.stop) == (level, reason, reason is not None)


# -- tension-type as ICHD-3 has it ----------------------------------------------------------

# Frequent episodic tension-type meeting every criterion: 8 days a month for over a year.
TENSION = {
    "days_per_month": 8,
    "frequent_for": "gt_1y",
    "lifetime_attacks": "10_plus",
    "duration": "30m_3h",
    "side": "both",
    "quality": ["pressing"],
    "severity": "mild",
    "worse_with_activity": False,
    "nausea": "none",
    "vomiting": False,
    "light_sensitive": False,
    "sound_sensitive": False,
}


def types_of(headache):
    return [(p.type, p.confidence) for p in probable_types({"age": 40, "headache": headache})]


@pytest.mark.parametrize(
    ("frequent_for", "expected"),
    [
        ("gt_1y", [("tension_type_frequent", L)]),
        ("3_12m", [("tension_type_frequent", L)]),
        ("lt_3m", [("tension_type_frequent", P)]),
        (None, [("tension_type_frequent", P)]),
    ],
)
def test_frequent_tension_type_needs_more_than_3_months(frequent_for, expected):
    headache = {k: v for k, v in {**TENSION, "frequent_for": frequent_for}.items() if v is not None}
    assert types_of(headache) == expected


def test_infrequent_tension_type_needs_no_three_months():
    assert types_of({**TENSION, "days_per_month": 0, "frequent_for": "lt_3m"}) == [("tension_type_infrequent", L)]


CHRONIC_TENSION = {**TENSION, "days_per_month": 20}


@pytest.mark.parametrize(
    ("features", "expected"),
    [
        pytest.param({}, L, id="no-features"),
        pytest.param({"light_sensitive": True}, L, id="light-alone"),
        pytest.param({"sound_sensitive": True}, L, id="sound-alone"),
        pytest.param({"nausea": "mild"}, L, id="mild-nausea-alone"),
        pytest.param({"light_sensitive": True, "sound_sensitive": True}, P, id="light-and-sound"),
        pytest.param({"light_sensitive": True, "nausea": "mild"}, P, id="light-and-mild-nausea"),
        pytest.param({"sound_sensitive": True, "nausea": "mild"}, P, id="sound-and-mild-nausea"),
        pytest.param({"nausea": "moderate"}, P, id="moderate-nausea"),
        pytest.param({"vomiting": True}, P, id="vomiting"),
    ],
)
def test_chronic_tension_type_allows_at_most_one_of_light_sound_and_mild_nausea(features, expected):
    assert types_of({**CHRONIC_TENSION, **features}) == [("tension_type_chronic", expected)]


@pytest.mark.parametrize(
    ("features", "expected"),
    [
        pytest.param({"light_sensitive": True}, L, id="light-alone"),
        pytest.param({"sound_sensitive": True}, L, id="sound-alone"),
        pytest.param({"light_sensitive": True, "sound_sensitive": True}, P, id="light-and-sound"),
        pytest.param({"nausea": "mild"}, P, id="any-nausea"),
    ],
)
def test_episodic_tension_type_allows_one_of_light_or_sound_and_no_nausea(features, expected):
    assert types_of({**TENSION, **features}) == [("tension_type_frequent", expected)]


# Pain with exactly two tension-type features: each one listed here is needed.
@pytest.mark.parametrize(
    ("pain", "expected"),
    [
        pytest.param(
            {"side": "both", "quality": ["other"], "severity": "severe", "worse_with_activity": False},
            L,
            id="both-sides-counts",
        ),
        pytest.param(
            {"side": "one", "quality": ["pressing"], "severity": "moderate", "worse_with_activity": True},
            L,
            id="moderate-counts",
        ),
        pytest.param(
            {"side": "one", "quality": ["pressing"], "severity": "mild", "worse_with_activity": True},
            L,
            id="mild-counts",
        ),
        pytest.param(
            {"side": "varies", "quality": ["pressing"], "severity": "severe", "worse_with_activity": True},
            P,
            id="pressing-alone-is-one",
        ),
        pytest.param(
            {"side": "one", "quality": ["other"], "severity": "severe", "worse_with_activity": False},
            P,
            id="not-worse-alone-is-one",
        ),
    ],
)
def test_tension_type_pain_needs_two_of_its_four_features(pain, expected):
    assert types_of({**TENSION, **pain}) == [("tension_type_frequent", expected)]


# -- three-valued "at most" ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ((False, False, False), True),
        ((True, False, False), True),
        ((True, True, False), False),
        ((True, None, False), None),
        ((None, False, False), True),
        ((None, None, False), None),
        ((True, True, None), False),
    ],
)
def test_at_most_one_with_unknowns(values, expected):
    assert at_most(1, values) is expected


# -- pinned by mutation testing -------------------------------------------------------------


def test_derived_flags_carry_their_labels():
    aura = {"present": True, "symptoms": ["motor"], "episodes": "2_plus", "doctor_checked": False}
    result = triage(patient(aura=aura, medication={**NONE_TAKEN, "opioids": "10_14"}))
    assert result.raised == (
        RaisedFlag("medication_overuse", "soon", "derived", "taking headache medicines on 10 or more days a month"),
        RaisedFlag("aura_unchecked", "soon", "derived", "an aura no doctor has checked"),
        RaisedFlag(
            "aura_atypical", "today", "derived", "weakness, dizziness or loss of sight in one eye during an aura"
        ),
    )


@pytest.mark.parametrize(
    ("stored", "level", "ids"),
    [
        pytest.param(
            [
                {"id": "fever", "level": "today", "source": "unsure"},
                {"id": "cancer_history", "level": "soon", "source": "answered"},
                {"id": "aura_atypical", "level": "soon", "source": "derived"},
            ],
            "soon",
            ["cancer_history", "aura_atypical"],
            id="flag-objects",
        ),
        # Answers stored before flags became objects: bare ids at their table level.
        pytest.param(
            ["fever", "cancer_history", "aura_unchecked"],
            "soon",
            ["cancer_history", "aura_unchecked"],
            id="bare-ids-stored-earlier",
        ),
        pytest.param(["fever", "no_such_flag"], "today", ["fever"], id="unknown-bare-id-ignored"),
        pytest.param(None, "soon", [], id="nothing-stored"),
        pytest.param([42, {"id": "fever", "level": "today"}], "today", ["fever"], id="other-values-ignored"),
        pytest.param(
            [{"level": "soon"}, {"id": None, "level": "soon"}, {"id": "cancer_history", "level": "soon"}],
            "soon",
            ["cancer_history"],
            id="flag-object-without-id-ignored",
        ),
    ],
)
def test_stored_flags_are_read_at_a_level(stored, level, ids):
    from directory.services.questionnaire.clinical import flag_ids_at_level

    assert flag_ids_at_level(stored, level) == ids


AURA_FEATURES = ("spreads_gradually", "succession", "lasts_5_60_min", "one_sided", "positive", "headache_within_60_min")


def _aura_with_features(*present):
    features = {key: key in present for key in AURA_FEATURES}
    return {"present": True, "symptoms": ["visual"], "episodes": "2_plus", "doctor_checked": True, **features}


def _aura_types(aura):
    return [(p.type, p.confidence) for p in probable_types({"age": 40, "aura": aura})]


@pytest.mark.parametrize(
    "features",
    [AURA_FEATURES[0:3], AURA_FEATURES[3:6], AURA_FEATURES[1:4]],
    ids=["first-three", "last-three", "middle-three"],
)
def test_three_of_the_six_aura_features_are_enough(features):
    assert _aura_types(_aura_with_features(*features)) == [("migraine_with_aura", L)]


def test_two_of_the_six_aura_features_are_not_enough():
    aura = _aura_with_features("spreads_gradually", "positive")
    [listed] = probable_types({"age": 40, "aura": aura})
    assert (listed.type, listed.confidence) == ("migraine_with_aura", P)
    assert "Does not match: at least 3 of the 6 usual aura features." in listed.reasons


def test_a_doctor_confirmed_type_the_answers_do_not_show_keeps_its_reasons():
    headache = {**TENSION, "attack_frequency": "lt_every_other_day"}
    listed = {p.type: p for p in probable_types({"age": 40, "headache": headache, "diagnosed_types": ["cluster"]})}
    cluster = listed["cluster"]
    assert (cluster.confidence, cluster.doctor_confirmed) == (P, True)
    assert cluster.reasons[0] == "A doctor has diagnosed cluster headache."
    assert "Matches: 5 or more attacks." in cluster.reasons
    assert "Does not match: from one attack every other day up to 8 a day." in cluster.reasons


# Migraine pain with exactly two features, severe and worse with activity, and sickness only
# from moderate nausea: each of those answers is needed for "likely".
TWO_FEATURE_MIGRAINE = {
    "lifetime_attacks": "10_plus",
    "duration": "4h_3d",
    "side": "both",
    "quality": ["pressing"],
    "severity": "severe",
    "worse_with_activity": True,
    "nausea": "moderate",
    "vomiting": False,
    "light_sensitive": False,
    "sound_sensitive": False,
}


def test_worse_with_activity_and_moderate_nausea_count_for_migraine():
    assert types_of(TWO_FEATURE_MIGRAINE) == [("migraine_without_aura", L)]


def test_same_side_signs_alone_meet_the_cluster_criterion():
    headache = {
        "lifetime_attacks": "10_plus",
        "duration": "30m_3h",
        "side": "one",
        "around_eye_or_temple": True,
        "severity": "extreme",
        "quality": ["stabbing"],
        "worse_with_activity": False,
        "nausea": "none",
        "vomiting": False,
        "light_sensitive": False,
        "sound_sensitive": False,
        "restless": False,
        "autonomic_signs": ["ptosis_miosis"],
        "attack_frequency": "every_other_day_to_8_daily",
    }
    assert types_of(headache) == [("cluster", L)]


# Daily migraine-like headache, constant, attack count unknown: migraine without aura is
# unclear (two criteria unmet), so chronic migraine stands alone.
DAILY_CONSTANT = {
    "days_per_month": 20,
    "frequent_for": "gt_1y",
    "duration": "constant",
    "side": "one",
    "quality": ["throbbing"],
    "severity": "severe",
    "worse_with_activity": True,
    "nausea": "moderate",
    "vomiting": False,
    "light_sensitive": True,
    "sound_sensitive": True,
}


def _chronic(headache, medication, aura=None):
    answers = {"age": 40, "headache": headache, "medication": medication}
    if aura is not None:
        answers["aura"] = aura
    return {p.type: p for p in probable_types(answers)}.get("chronic_migraine")


def test_a_likely_chronic_migraine_without_an_episodic_migraine_listed():
    answers = {"age": 40, "headache": DAILY_CONSTANT, "medication": {"migraine_like_days": "15_plus"}}
    assert [(p.type, p.confidence) for p in probable_types(answers)] == [("chronic_migraine", L)]


_CM_DAYS = "migraine-like days (or days a triptan helps) on 8 or more days a month."


@pytest.mark.parametrize(
    ("medication", "confidence", "reason"),
    [
        pytest.param(
            {"triptans": "15_plus", "triptan_relieves": "yes", "migraine_like_days": "unsure"},
            L,
            "Matches: " + _CM_DAYS,
            id="helpful-triptan-15-days",
        ),
        pytest.param(
            {"triptans": "15_plus", "triptan_relieves": "no", "migraine_like_days": "0_7"},
            P,
            "Does not match: " + _CM_DAYS,
            id="unhelpful-triptan-few-migraine-days",
        ),
        pytest.param(
            {"triptans": "5_9", "triptan_relieves": "yes", "migraine_like_days": "unsure"},
            P,
            "Not answered: " + _CM_DAYS,
            id="helpful-triptan-few-days-unsure",
        ),
    ],
)
def test_migraine_like_days_or_triptan_relief_for_chronic_migraine(medication, confidence, reason):
    listed = _chronic(DAILY_CONSTANT, medication)
    assert listed.confidence == confidence
    assert reason in listed.reasons


_CM_FEATURES = "the headaches have migraine features."
TYPICAL_AURA_ANSWERS = {
    "present": True,
    "symptoms": ["visual"],
    "spreads_gradually": True,
    "succession": True,
    "lasts_5_60_min": True,
    "episodes": "2_plus",
    "doctor_checked": True,
}


@pytest.mark.parametrize(
    ("headache", "aura", "confidence", "reason"),
    [
        pytest.param({"duration": "30m_3h"}, None, P, "Does not match: " + _CM_FEATURES, id="short-attacks"),
        pytest.param(
            {"side": "both", "quality": ["pressing"], "severity": "mild", "worse_with_activity": False},
            None,
            P,
            "Does not match: " + _CM_FEATURES,
            id="tension-like-pain",
        ),
        pytest.param(
            {"nausea": "none", "light_sensitive": False},
            None,
            P,
            "Does not match: " + _CM_FEATURES,
            id="no-migraine-symptoms",
        ),
        pytest.param(
            {"duration": "30m_3h"},
            TYPICAL_AURA_ANSWERS,
            L,
            "Matches: " + _CM_FEATURES,
            id="typical-aura-features-instead",
        ),
        pytest.param(
            {"duration": "30m_3h"},
            {**TYPICAL_AURA_ANSWERS, "symptoms": ["visual", "motor"]},
            P,
            "Does not match: " + _CM_FEATURES,
            id="atypical-aura-does-not-count",
        ),
        pytest.param(
            {"duration": "30m_3h"},
            {
                **TYPICAL_AURA_ANSWERS,
                "succession": False,
                "lasts_5_60_min": False,
                "one_sided": False,
                "positive": False,
                "headache_within_60_min": False,
            },
            P,
            "Does not match: " + _CM_FEATURES,
            id="aura-with-one-feature-does-not-count",
        ),
    ],
)
def test_chronic_migraine_needs_migraine_features_from_the_headache_or_the_aura(headache, aura, confidence, reason):
    listed = _chronic({**DAILY_CONSTANT, **headache}, {"migraine_like_days": "15_plus"}, aura)
    assert listed.confidence == confidence
    assert reason in listed.reasons


@pytest.mark.parametrize(
    ("call", "expected"),
    [
        (lambda r: r.at_least(2, (True, None, False)), None),
        (lambda r: r.at_least(2, (True, False, False)), False),
        (lambda r: r.at_least(3, (True, None, False)), False),
        (lambda r: r.any_of(False, False), False),
        (lambda r: r.any_of(False, None), None),
        (lambda r: r.any_of(True, None), True),
        (lambda r: r.negate(None), None),
        (lambda r: r.negate(False), True),
        (lambda r: r.boolean("yes"), None),
        (lambda r: r.days_per_month({"days_per_month": True}), None),
        (lambda r: r.days_per_month({"days_per_month": "5"}), None),
        (lambda r: r.days_per_month({"days_per_month": 5}), 5),
    ],
    ids=[
        "at-least-undecided",
        "at-least-short",
        "at-least-out-of-reach",
        "any-all-false",
        "any-unknown",
        "any-one-true",
        "not-unknown",
        "not-false",
        "boolean-text",
        "days-boolean",
        "days-text",
        "days-number",
    ],
)
def test_three_valued_readers(call, expected):
    from directory.services.questionnaire.clinical import readers

    assert call(readers) is expected or call(readers) == expected
