"""Probable headache types from the answers (ICHD-3 rules), and properties of assess."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from directory.services.questionnaire.clinical import (
    CLINICAL_TYPES,
    CONFIDENCE_WEIGHTS,
    LEVEL_MESSAGES,
    RED_FLAGS,
    TREATMENT_FAMILIES,
    assess,
    probable_types,
    to_api_dict,
    triage,
)

MIGRAINE = {
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
    "restless": False,
    "autonomic_signs": [],
    "attack_frequency": "lt_every_other_day",
}
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
    "restless": False,
    "autonomic_signs": [],
    "attack_frequency": "lt_every_other_day",
}
CLUSTER = {
    "days_per_month": 12,
    "frequent_for": "3_12m",
    "lifetime_attacks": "10_plus",
    "duration": "30m_3h",
    "side": "one",
    "around_eye_or_temple": True,
    "quality": ["stabbing"],
    "severity": "extreme",
    "worse_with_activity": False,
    "nausea": "none",
    "vomiting": False,
    "light_sensitive": True,
    "sound_sensitive": True,
    "restless": True,
    "autonomic_signs": ["red_watery_eye", "nasal"],
    "attack_frequency": "every_other_day_to_8_daily",
}
# Both sides, pressing and throbbing, moderate: meets the pain criterion of both
# migraine and tension-type; light sensitivity alone meets neither's symptom rule.
MIXED = {
    **TENSION,
    "duration": "4h_3d",
    "quality": ["throbbing", "pressing"],
    "severity": "moderate",
    "light_sensitive": True,
}
# Chronic migraine whose pain also fits chronic tension-type (mild nausea alone allowed).
DAILY_MIXED = {
    "days_per_month": 20,
    "frequent_for": "gt_1y",
    "lifetime_attacks": "10_plus",
    "duration": "4h_3d",
    "side": "one",
    "quality": ["throbbing", "pressing"],
    "severity": "moderate",
    "worse_with_activity": False,
    "nausea": "mild",
    "vomiting": False,
    "light_sensitive": False,
    "sound_sensitive": False,
}
AURA = {
    "present": True,
    "symptoms": ["visual", "sensory"],
    "spreads_gradually": True,
    "succession": True,
    "lasts_5_60_min": True,
    "one_sided": True,
    "positive": True,
    "headache_within_60_min": True,
    "episodes": "2_plus",
    "doctor_checked": True,
}
NECK = {
    "pain_with_headache": True,
    "began_with_neck_problem": True,
    "provoked_by_movement_or_posture": True,
    "provoked_by_pressure": False,
    "improved_with_neck": "not_applicable",
    "clinician_found_disorder": "no",
}
MEDICINES_FEW = {
    "simple_analgesics": "1_4",
    "triptans": "0",
    "combination": "0",
    "opioids": "0",
    "ergots": "0",
    "for_3_months_or_more": True,
    "triptan_relieves": "never_tried",
    "migraine_like_days": "0_7",
}


def patient(headache=None, *, aura=None, neck=None, medication=None, diagnosed=None, age=38):
    answers = {"age": age}
    for key, value in (
        ("headache", headache),
        ("aura", aura),
        ("neck", neck),
        ("medication", medication),
        ("diagnosed_types", diagnosed),
    ):
        if value is not None:
            answers[key] = value
    return answers


def without(section, *keys):
    return {k: v for k, v in section.items() if k not in keys}


def listing(answers):
    return [(p.type, p.confidence, p.doctor_confirmed) for p in probable_types(answers)]


L, P = "likely", "possible"

VIGNETTES = [
    # migraine without aura
    pytest.param(patient(MIGRAINE), [("migraine_without_aura", L, False)], id="classic-migraine-without-aura"),
    pytest.param(
        patient(without(MIGRAINE, "duration")),
        [("migraine_without_aura", P, False)],
        id="migraine-duration-not-answered-possible",
    ),
    pytest.param(
        patient({**MIGRAINE, "duration": "3h_4h"}),
        [("migraine_without_aura", P, False)],
        id="migraine-attacks-3-to-4-hours-fall-short-possible",
    ),
    pytest.param(
        patient({**MIGRAINE, "lifetime_attacks": "2_4"}),
        [("migraine_without_aura", P, False)],
        id="only-three-attacks-so-far-possible",
    ),
    pytest.param(
        patient(without(MIGRAINE, "lifetime_attacks", "duration")), [], id="two-criteria-unknown-unclear-not-listed"
    ),
    pytest.param(
        patient({**MIGRAINE, "side": "varies", "quality": ["stabbing"], "worse_with_activity": False}),
        [("migraine_without_aura", P, False)],
        id="side-varies-is-not-one-sided",
    ),
    pytest.param(
        patient({**MIGRAINE, "nausea": "none", "light_sensitive": False}),
        [("migraine_without_aura", P, False)],
        id="no-nausea-only-sound-sensitive-possible",
    ),
    pytest.param(
        patient({**MIGRAINE, "nausea": "none", "vomiting": True, "light_sensitive": False}),
        [("migraine_without_aura", L, False)],
        id="vomiting-alone-meets-symptom-rule",
    ),
    # migraine with aura
    pytest.param(
        patient(MIGRAINE, aura=AURA),
        [("migraine_without_aura", L, False), ("migraine_with_aura", L, False)],
        id="checked-aura-and-migraine-attacks-both-likely",
    ),
    pytest.param(
        patient(MIGRAINE, aura={**AURA, "doctor_checked": False}),
        [("migraine_without_aura", L, False), ("migraine_with_aura", P, False)],
        id="aura-never-checked-capped-possible",
    ),
    pytest.param(
        patient(aura=without(AURA, "doctor_checked")),
        [("migraine_with_aura", P, False)],
        id="aura-check-unknown-capped-possible",
    ),
    pytest.param(
        patient(aura={**AURA, "symptoms": ["visual", "motor"]}),
        [("migraine_with_aura", P, False)],
        id="aura-with-weakness-not-typical-possible",
    ),
    pytest.param(
        patient(aura={**AURA, "episodes": "once"}),
        [("migraine_with_aura", P, False)],
        id="single-aura-episode-possible",
    ),
    pytest.param(
        patient(
            aura={
                **AURA,
                "episodes": "once",
                "spreads_gradually": False,
                "succession": False,
                "lasts_5_60_min": False,
                "one_sided": False,
                "doctor_checked": False,
            }
        ),
        [],
        id="single-unchecked-aura-few-features-unclear",
    ),
    pytest.param(
        patient(TENSION, aura=AURA),
        [("tension_type_frequent", L, False), ("migraine_with_aura", L, False)],
        id="aura-kept-beside-definite-tension-type",
    ),
    # chronic migraine
    pytest.param(
        patient({**MIGRAINE, "days_per_month": 20}, medication={**MEDICINES_FEW, "migraine_like_days": "15_plus"}),
        [("chronic_migraine", L, False)],
        id="chronic-migraine-replaces-episodic-code",
    ),
    pytest.param(
        patient(DAILY_MIXED, medication={**MEDICINES_FEW, "migraine_like_days": "8_14"}),
        [("chronic_migraine", L, False)],
        id="chronic-migraine-replaces-tension",
    ),
    pytest.param(
        patient(
            {**MIGRAINE, "days_per_month": 20, "frequent_for": "lt_3m"},
            medication={**MEDICINES_FEW, "migraine_like_days": "15_plus"},
        ),
        [("migraine_without_aura", L, False)],
        id="daily-migraine-under-3-months-stays-episodic",
    ),
    pytest.param(
        patient(
            {**MIGRAINE, "days_per_month": 20, "duration": "constant"},
            medication={**MEDICINES_FEW, "migraine_like_days": "8_14"},
        ),
        [("chronic_migraine", L, False)],
        id="chronic-migraine-attacks-blend-constant",
    ),
    pytest.param(
        patient(
            {**MIGRAINE, "days_per_month": 20},
            medication={
                "simple_analgesics": "0",
                "triptans": "10_14",
                "combination": "0",
                "opioids": "0",
                "ergots": "0",
                "for_3_months_or_more": False,
                "triptan_relieves": "yes",
                "migraine_like_days": "unsure",
            },
        ),
        [("chronic_migraine", L, False), ("medication_overuse", P, False)],
        id="triptan-relief-counts-as-migraine-days",
    ),
    pytest.param(
        patient(DAILY_MIXED, medication=MEDICINES_FEW),
        [("tension_type_chronic", L, False), ("migraine_without_aura", L, False)],
        id="definite-migraine-and-definite-tension-both-listed",
    ),
    # tension-type
    pytest.param(
        patient({**TENSION, "days_per_month": 0}),
        [("tension_type_infrequent", L, False)],
        id="tension-type-infrequent-likely",
    ),
    pytest.param(patient(TENSION), [("tension_type_frequent", L, False)], id="tension-type-frequent-office-worker"),
    pytest.param(
        patient({**TENSION, "days_per_month": 1}),
        [("tension_type_frequent", L, False)],
        id="tension-one-day-a-month-is-frequent",
    ),
    pytest.param(
        patient({**TENSION, "days_per_month": 14}),
        [("tension_type_frequent", L, False)],
        id="tension-fourteen-days-still-frequent",
    ),
    pytest.param(
        patient({**TENSION, "days_per_month": 15}),
        [("tension_type_chronic", L, False)],
        id="tension-fifteen-days-for-a-year-chronic",
    ),
    pytest.param(
        patient({**TENSION, "days_per_month": 25, "duration": "constant", "nausea": "mild"}),
        [("tension_type_chronic", L, False)],
        id="tension-type-chronic-constant-mild-nausea",
    ),
    pytest.param(
        patient({**TENSION, "nausea": "mild"}),
        [("tension_type_frequent", P, False)],
        id="episodic-tension-with-nausea-possible",
    ),
    pytest.param(
        patient({**TENSION, "lifetime_attacks": "5_9"}),
        [("tension_type_frequent", P, False)],
        id="tension-fewer-than-10-episodes-possible",
    ),
    pytest.param(
        patient(without(TENSION, "days_per_month")),
        [("tension_type_frequent", P, False)],
        id="tension-days-unknown-read-as-frequent-possible",
    ),
    pytest.param(
        patient({**TENSION, "days_per_month": 20, "frequent_for": "lt_3m"}),
        [("tension_type_chronic", P, False)],
        id="daily-tension-under-3-months-possible",
    ),
    pytest.param(
        patient({**TENSION, "duration": "15_30m", "nausea": "mild"}), [], id="short-headaches-with-nausea-unclear"
    ),
    # tie-breaks between migraine and tension-type
    pytest.param(patient(MIXED), [("tension_type_frequent", L, False)], id="definite-tension-beats-possible-migraine"),
    pytest.param(
        patient({**MIXED, "lifetime_attacks": "5_9"}),
        [("migraine_without_aura", P, False)],
        id="both-probable-migraine-wins",
    ),
    pytest.param(
        patient({**MIXED, "nausea": "mild", "light_sensitive": False}),
        [("migraine_without_aura", L, False)],
        id="definite-migraine-beats-probable-tension",
    ),
    pytest.param(
        patient({**MIXED, "lifetime_attacks": "5_9"}, diagnosed=["tension_type"]),
        [("tension_type_frequent", P, True)],
        id="doctor-confirmed-tension-beats-possible-migraine",
    ),
    # cluster
    pytest.param(patient(CLUSTER), [("cluster", L, False)], id="cluster-episodic"),
    pytest.param(
        patient({**CLUSTER, "lifetime_attacks": "2_4"}),
        [("cluster", P, False)],
        id="cluster-fewer-than-5-attacks-possible",
    ),
    pytest.param(patient({**CLUSTER, "side": "varies"}), [("cluster", P, False)], id="cluster-side-varies-possible"),
    pytest.param(
        patient({**CLUSTER, "autonomic_signs": [], "restless": None}),
        [("migraine_without_aura", P, False), ("cluster", P, False)],
        id="cluster-signs-unknown-beside-possible-migraine",
    ),
    pytest.param(
        patient({**CLUSTER, "duration": "3h_4h", "lifetime_attacks": "2_4"}),
        [],
        id="long-attacks-and-few-unclear-not-cluster",
    ),
    # medication overuse
    pytest.param(
        patient(
            {**MIGRAINE, "days_per_month": 22},
            medication={**MEDICINES_FEW, "triptans": "15_plus", "migraine_like_days": "15_plus"},
        ),
        [("chronic_migraine", L, False), ("medication_overuse", P, False)],
        id="moh-beside-chronic-migraine",
    ),
    pytest.param(
        patient({**TENSION, "days_per_month": 26}, medication={**MEDICINES_FEW, "simple_analgesics": "15_plus"}),
        [("tension_type_chronic", L, False), ("medication_overuse", P, False)],
        id="moh-beside-chronic-tension-daily-painkillers",
    ),
    pytest.param(
        patient(
            {**TENSION, "days_per_month": 26},
            medication={**MEDICINES_FEW, "simple_analgesics": "5_9", "combination": "5_9"},
        ),
        [("tension_type_chronic", L, False), ("medication_overuse", P, False)],
        id="moh-several-classes-together",
    ),
    pytest.param(
        patient({**TENSION, "days_per_month": 26}, medication={**MEDICINES_FEW, "simple_analgesics": "10_14"}),
        [("tension_type_chronic", L, False)],
        id="painkillers-10-days-not-moh",
    ),
    pytest.param(
        patient(
            {**TENSION, "days_per_month": 26, "frequent_for": "lt_3m"},
            medication={**MEDICINES_FEW, "opioids": "10_14", "for_3_months_or_more": False},
        ),
        [("tension_type_chronic", P, False)],
        id="recent-overuse-two-criteria-short-unclear",
    ),
    # cervicogenic
    pytest.param(patient(neck=NECK), [("cervicogenic", P, False)], id="cervicogenic-possible-without-clinician"),
    pytest.param(
        patient(neck={**NECK, "clinician_found_disorder": "yes"}),
        [("cervicogenic", L, False)],
        id="cervicogenic-likely-with-clinician-finding",
    ),
    pytest.param(
        patient(neck={**NECK, "clinician_found_disorder": "unsure"}),
        [("cervicogenic", P, False)],
        id="cervicogenic-clinician-unsure-stays-possible",
    ),
    pytest.param(
        patient(
            neck={**NECK, "began_with_neck_problem": False, "provoked_by_pressure": True, "improved_with_neck": "no"}
        ),
        [],
        id="neck-provocation-alone-unclear",
    ),
    pytest.param(
        patient(
            neck={
                **NECK,
                "began_with_neck_problem": False,
                "improved_with_neck": "yes",
                "clinician_found_disorder": "yes",
            }
        ),
        [("cervicogenic", L, False)],
        id="cervicogenic-improves-with-neck-treatment",
    ),
    pytest.param(
        patient(TENSION, neck={**NECK, "clinician_found_disorder": "yes"}),
        [("tension_type_frequent", L, False), ("cervicogenic", L, False)],
        id="whiplash-cervicogenic-beside-tension",
    ),
    pytest.param(
        patient(MIGRAINE, neck={**NECK, "clinician_found_disorder": "yes"}),
        [("cervicogenic", L, False), ("migraine_without_aura", L, False)],
        id="cervicogenic-ranks-above-migraine-by-evidence",
    ),
    pytest.param(
        patient(MIGRAINE, neck=NECK),
        [("migraine_without_aura", L, False), ("cervicogenic", P, False)],
        id="possible-cervicogenic-after-likely-migraine",
    ),
    # doctor-confirmed
    pytest.param(
        patient(MIGRAINE, diagnosed=["migraine"]),
        [("migraine_without_aura", L, True)],
        id="doctor-confirmed-migraine-matches-answers",
    ),
    pytest.param(
        patient(diagnosed=["migraine"]), [("migraine_without_aura", P, True)], id="doctor-confirmed-migraine-no-details"
    ),
    pytest.param(
        patient(aura={"present": True, "symptoms": ["visual"]}, diagnosed=["migraine"]),
        [("migraine_with_aura", P, True)],
        id="doctor-confirmed-migraine-with-reported-aura",
    ),
    pytest.param(
        patient(DAILY_MIXED, medication={**MEDICINES_FEW, "migraine_like_days": "8_14"}, diagnosed=["tension_type"]),
        [("tension_type_chronic", L, True), ("chronic_migraine", L, False)],
        id="doctor-confirmed-tension-kept-beside-chronic-migraine",
    ),
    pytest.param(
        patient(diagnosed=["tension_type"]),
        [("tension_type_frequent", P, True)],
        id="doctor-confirmed-tension-days-unknown",
    ),
    pytest.param(
        patient({"days_per_month": 18}, diagnosed=["tension_type"]),
        [("tension_type_chronic", P, True)],
        id="doctor-confirmed-tension-subtype-from-days",
    ),
    pytest.param(patient(diagnosed=["cluster"]), [("cluster", P, True)], id="doctor-confirmed-cluster"),
    pytest.param(
        patient(diagnosed=["medication_overuse", "cervicogenic"]),
        [("cervicogenic", P, True), ("medication_overuse", P, True)],
        id="doctor-confirmed-overuse-and-neck",
    ),
    pytest.param(patient(diagnosed=["other"]), [], id="diagnosed-other-adds-nothing"),
    pytest.param(patient(), [], id="empty-answers-nothing-listed"),
]


@pytest.mark.parametrize("answers, expected", VIGNETTES)
def test_probable_types_vignette(answers, expected):
    assert listing(answers) == expected


# -- what each listed type carries ------------------------------------------------------


def test_listed_type_carries_code_tier_and_reasons():
    [migraine] = probable_types(patient(without(MIGRAINE, "duration")))
    assert (migraine.ichd3, migraine.evidence_tier, migraine.family) == ("1.1", "C", "migraine")
    assert migraine.reasons == (
        "Matches: 5 or more attacks.",
        "Not answered: attacks last 4 hours to 3 days.",
        "Matches: at least 2 of: one side, throbbing, moderate or worse, worse with everyday activity.",
        "Matches: nausea or vomiting, or both light and sound bother you.",
    )
    assert migraine.confidence_weight == 0.6
    assert migraine.evidence_weight == 0.7


def test_unchecked_aura_says_why_it_is_only_possible():
    [aura] = probable_types(patient(aura={**AURA, "doctor_checked": False}))
    assert aura.reasons[-1] == "Your aura has not been checked by a doctor yet, so this can only be 'possible'."
    assert all(r.startswith("Matches") for r in aura.reasons[:-1])


def test_doctor_confirmed_type_says_so_first_and_weighs_fully():
    [migraine] = probable_types(patient(diagnosed=["migraine"]))
    assert migraine.reasons[0] == "A doctor has diagnosed migraine."
    assert migraine.confidence_weight == 1.0


def test_failed_criterion_is_named():
    [migraine] = probable_types(patient({**MIGRAINE, "duration": "3h_4h"}))
    assert "Does not match: attacks last 4 hours to 3 days." in migraine.reasons


def test_headache_type_table_matches_spec():
    table = {t.id: (t.ichd3, t.family, t.evidence_tier, t.evidence_weight) for t in CLINICAL_TYPES.values()}
    assert table == {
        "migraine_without_aura": ("1.1", "migraine", "C", 0.7),
        "migraine_with_aura": ("1.2.1", "migraine", "C", 0.7),
        "chronic_migraine": ("1.3", "migraine", "C", 0.7),
        "tension_type_infrequent": ("2.1", "tension_type", "B", 1.0),
        "tension_type_frequent": ("2.2", "tension_type", "B", 1.0),
        "tension_type_chronic": ("2.3", "tension_type", "B", 1.0),
        "cluster": ("3.1", "cluster", "D", 0.0),
        "medication_overuse": ("8.2", "medication_overuse", "D", 0.0),
        "cervicogenic": ("11.2.1", "cervicogenic", "B", 1.0),
    }
    assert dict(CONFIDENCE_WEIGHTS) == {"doctor_confirmed": 1.0, "likely": 1.0, "possible": 0.6}


def test_tier_d_types_send_the_patient_to_a_doctor_first():
    for kind in CLINICAL_TYPES.values():
        mentions_doctor = "doctor or headache clinic first" in kind.evidence_summary
        assert mentions_doctor is (kind.evidence_tier == "D"), kind.id
        assert kind.name and kind.name == kind.name.lower()


def test_treatment_families_match_the_practitioner_vocabulary():
    from directory.vocabulary import HEADACHE_TYPES as PRACTITIONER_FAMILIES

    assert set(TREATMENT_FAMILIES) == {code for code, _ in PRACTITIONER_FAMILIES}
    assert {t.family for t in CLINICAL_TYPES.values()} == set(TREATMENT_FAMILIES)


# -- properties over random answers -----------------------------------------------------


def _some(values):
    return st.sampled_from(values)


def _subset(values):
    return st.lists(st.sampled_from(values), unique=True, max_size=len(values))


_YES_NO = st.booleans()
HEADACHE = st.fixed_dictionaries(
    {},
    optional={
        "days_per_month": st.integers(0, 31),
        "frequent_for": _some(["lt_3m", "3_12m", "gt_1y"]),
        "lifetime_attacks": _some(["1", "2_4", "5_9", "10_plus"]),
        "duration": _some(["lt_15m", "15_30m", "30m_3h", "3h_4h", "4h_3d", "3d_7d", "constant"]),
        "side": _some(["one", "both", "varies"]),
        "around_eye_or_temple": _YES_NO,
        "quality": _subset(["throbbing", "pressing", "stabbing", "other"]),
        "severity": _some(["mild", "moderate", "severe", "extreme"]),
        "worse_with_activity": _YES_NO,
        "nausea": _some(["none", "mild", "moderate"]),
        "vomiting": _YES_NO,
        "light_sensitive": _YES_NO,
        "sound_sensitive": _YES_NO,
        "restless": _YES_NO,
        "autonomic_signs": _subset(["red_watery_eye", "nasal", "eyelid_swelling", "facial_sweating", "ptosis_miosis"]),
        "attack_frequency": _some(["lt_every_other_day", "every_other_day_to_8_daily", "gt_8_daily"]),
    },
)
AURA_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        "present": _YES_NO,
        "symptoms": _subset(["visual", "sensory", "speech", "motor", "brainstem", "one_eye"]),
        **dict.fromkeys(
            (
                "spreads_gradually",
                "succession",
                "lasts_5_60_min",
                "one_sided",
                "positive",
                "headache_within_60_min",
                "doctor_checked",
            ),
            _YES_NO,
        ),
        "episodes": _some(["once", "2_plus"]),
    },
)
NECK_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(
            (
                "pain_with_headache",
                "began_with_neck_problem",
                "provoked_by_movement_or_posture",
                "provoked_by_pressure",
            ),
            _YES_NO,
        ),
        "improved_with_neck": _some(["yes", "no", "not_applicable"]),
        "clinician_found_disorder": _some(["yes", "no", "unsure"]),
    },
)
_DAYS = _some(["0", "1_4", "5_9", "10_14", "15_plus"])
MEDICATION_ANSWERS = st.fixed_dictionaries(
    {},
    optional={
        **dict.fromkeys(("simple_analgesics", "triptans", "combination", "opioids", "ergots"), _DAYS),
        "for_3_months_or_more": _YES_NO,
        "triptan_relieves": _some(["yes", "no", "never_tried"]),
        "migraine_like_days": _some(["0_7", "8_14", "15_plus", "unsure"]),
    },
)
ANSWERS = st.fixed_dictionaries(
    {"age": st.integers(0, 120)},
    optional={
        "diagnosed_types": _subset(
            ["migraine", "tension_type", "cluster", "cervicogenic", "medication_overuse", "other"]
        ),
        "red_flags": st.dictionaries(_some([f.id for f in RED_FLAGS]), _some(["yes", "no", "unsure"])),
        "headache": HEADACHE,
        "aura": AURA_ANSWERS,
        "neck": NECK_ANSWERS,
        "medication": MEDICATION_ANSWERS,
        "needling_safety": _subset(
            [
                "blood_thinners",
                "pregnancy",
                "needle_fear",
                "implanted_device",
                "metal_allergy",
                "immunosuppressed",
                "lymphoedema",
                "epilepsy",
            ]
        ),
    },
)
EMERGENCY_FLAGS = [f.id for f in RED_FLAGS if f.level == "emergency"]

# No example database: the suite must not write files into the shared tree.
PROPERTIES = settings(
    max_examples=200, deadline=None, database=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTIES
@given(ANSWERS)
def test_assess_never_raises_and_lists_only_likely_or_possible(answers):
    result = assess(answers)
    body = to_api_dict(result)
    json.dumps(body)
    assert set(body) == {"triage", "stop", "emergency_number", "probable_types", "disclaimer"}
    assert (body["stop"] is None) is (not result.triage.stop)
    assert body["triage"]["level"] in LEVEL_MESSAGES
    types = [p.type for p in result.probable_types]
    assert len(types) == len(set(types))
    for listed in result.probable_types:
        assert listed.confidence in ("likely", "possible")
        assert listed.type in CLINICAL_TYPES
        assert listed.reasons


@PROPERTIES
@given(ANSWERS, st.data())
def test_any_emergency_flag_yes_or_unsure_stops_everything(answers, data):
    flag_id = data.draw(_some(EMERGENCY_FLAGS))
    answers = {**answers, "red_flags": {**answers.get("red_flags", {}), flag_id: data.draw(_some(["yes", "unsure"]))}}
    result = assess(answers)
    assert result.triage.level == "emergency"
    assert result.triage.stop is True
    assert flag_id in result.triage.flags
    assert result.probable_types == ()
    assert to_api_dict(result)["probable_types"] == []


@PROPERTIES
@given(ANSWERS)
def test_assessment_is_deterministic(answers):
    first = assess(answers)
    assert assess(copy.deepcopy(answers)) == first
    flags = answers.get("red_flags", {})
    reordered = {**answers, "red_flags": dict(reversed(list(flags.items())))}
    assert assess(reordered) == first


@PROPERTIES
@given(ANSWERS)
def test_stop_follows_level_and_age(answers):
    result = triage(answers)
    assert result.stop is (result.level in ("emergency", "today") or answers["age"] < 18)
    if not result.stop:
        assert assess(answers).probable_types == tuple(probable_types(answers))


@PROPERTIES
@given(ANSWERS)
def test_caps_and_ordering_hold(answers):
    listed = probable_types(answers)
    aura = answers.get("aura", {})
    neck = answers.get("neck", {})
    for p in listed:
        if p.type == "medication_overuse":
            assert p.confidence == "possible"
        if p.type == "migraine_with_aura" and p.confidence == "likely":
            assert aura.get("doctor_checked") is True
        if p.type == "cervicogenic" and p.confidence == "likely":
            assert neck.get("clinician_found_disorder") == "yes"
    ranks = [0 if p.doctor_confirmed or p.confidence == "likely" else 1 for p in listed]
    assert ranks == sorted(ranks)
    tension = [p for p in listed if p.family == "tension_type"]
    assert len(tension) <= 1
    migraine = [p for p in listed if p.type in ("migraine_without_aura", "chronic_migraine")]
    if tension and migraine:
        # Listed together only when neither is merely probable.
        assert all(p.doctor_confirmed or p.confidence == "likely" for p in tension + migraine)
