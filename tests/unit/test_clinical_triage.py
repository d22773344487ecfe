"""Red-flag triage: every flag's level, unsure answers, strongest wins, age, aura and medicine rules."""

import pytest

from directory.services.questionnaire import clinical
from directory.services.questionnaire.clinical import (
    DISCLAIMER,
    LEVEL_MESSAGES,
    MEDICATION_OVERUSE_ADVICE,
    RED_FLAGS,
    UNDER_18_MESSAGE,
    assess,
    red_flags_to_ask,
    to_api_dict,
    triage,
)

# docs/clinical-rules.md "Red flags", written out again so a changed level in the module fails here.
SPEC_LEVELS = {
    "fever_meningism": "emergency",
    "fever": "today",
    "weight_loss": "soon",
    "cancer_history": "soon",
    "neuro_deficit": "emergency",
    "thunderclap": "emergency",
    "onset_after_50": "soon",
    "giant_cell_arteritis": "today",
    "gca_vision": "emergency",
    "new_or_changed": "soon",
    "positional": "soon",
    "valsalva": "soon",
    "papilledema_told": "today",
    "papilledema_symptoms": "soon",
    "progressive": "soon",
    "pregnancy": "none",
    "pregnancy_new": "today",
    "pregnancy_severe": "emergency",
    "painful_red_eye": "emergency",
    "head_injury": "soon",
    "head_injury_acute": "emergency",
    "immunosuppressed": "soon",
    "immunosuppressed_fever": "today",
    "medication_overuse": "soon",
    "new_medicine": "soon",
}

CLASSIC_MIGRAINE = {
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


def patient(age=40, **sections):
    return {"age": age, **sections}


# -- the vocabulary ---------------------------------------------------------------------


def test_every_spec_flag_is_asked_with_its_level():
    assert {f.id: f.level for f in RED_FLAGS} == SPEC_LEVELS
    assert len({f.id for f in RED_FLAGS}) == len(RED_FLAGS)


def test_only_giant_cell_and_late_onset_flags_are_over_50_only():
    assert {f.id for f in RED_FLAGS if f.over_50_only} == {"onset_after_50", "giant_cell_arteritis", "gca_vision"}


def test_child_questions_name_their_parent_and_come_after_it():
    parents = {f.id: f.depends_on for f in RED_FLAGS if f.depends_on}
    assert parents == {
        "gca_vision": "giant_cell_arteritis",
        "pregnancy_new": "pregnancy",
        "pregnancy_severe": "pregnancy",
        "head_injury_acute": "head_injury",
        "immunosuppressed_fever": "immunosuppressed",
    }
    order = [f.id for f in RED_FLAGS]
    assert all(order.index(parent) < order.index(child) for child, parent in parents.items())


def test_questions_are_plain_questions():
    for flag in RED_FLAGS:
        assert flag.question.strip().endswith("?"), flag.id
        assert "ICHD" not in flag.question
        assert len(flag.question) < 260, flag.id


def test_disclaimer_is_the_spec_sentence():
    assert DISCLAIMER == (
        "This questionnaire helps you find a practitioner. It cannot diagnose your headache; "
        "only a doctor can. If you are worried, contact a doctor; in an emergency call your "
        "local emergency number."
    )


def test_level_messages_say_what_to_do():
    emergency = LEVEL_MESSAGES["emergency"]
    assert "emergency number" in emergency and "emergency department" in emergency
    assert "Do not drive yourself" in emergency
    today = LEVEL_MESSAGES["today"]
    assert "today" in today and "urgent care" in today and "out-of-hours" in today
    assert "Come back" in today
    soon = LEVEL_MESSAGES["soon"]
    assert "week or two" in soon and "before you start dry needling" in soon
    assert "under 18" in UNDER_18_MESSAGE and "doctor" in UNDER_18_MESSAGE


# -- each flag on its own ---------------------------------------------------------------


def _expected(flag_id, answer):
    level = SPEC_LEVELS[flag_id]
    # Unsure counts as yes in every tier; the pregnancy gateway raises nothing itself.
    raised = answer in ("yes", "unsure") and level != "none"
    return (level, (flag_id,)) if raised else ("none", ())


@pytest.mark.parametrize("answer", ["yes", "unsure", "no"])
@pytest.mark.parametrize("flag_id", list(SPEC_LEVELS))
def test_single_flag_answer_sets_its_level(flag_id, answer):
    result = triage(patient(age=60, red_flags={flag_id: answer}))
    level, flags = _expected(flag_id, answer)
    assert (result.level, result.flags) == (level, flags)
    assert result.stop is (level in ("emergency", "today"))
    assert result.under_18 is False


@pytest.mark.parametrize("flag", [f for f in RED_FLAGS if f.level == "soon"], ids=lambda f: f.id)
def test_unsure_soon_flag_raises_soon_and_lets_the_patient_go_on_with_types(flag):
    result = assess(patient(red_flags={flag.id: "unsure"}, headache=CLASSIC_MIGRAINE))
    assert result.triage.level == "soon"
    assert result.triage.raised == (clinical.RaisedFlag(flag.id, "soon", "unsure", flag.label),)
    assert result.triage.unsure_labels == (flag.label,)
    assert result.triage.stop is False and result.triage.stop_reason is None
    assert [p.type for p in result.probable_types] == ["migraine_without_aura"]


@pytest.mark.parametrize("flag", [f for f in RED_FLAGS if f.level == "emergency"], ids=lambda f: f.id)
def test_emergency_flag_shows_no_types(flag):
    result = assess(patient(red_flags={flag.id: "yes"}, headache=CLASSIC_MIGRAINE))
    assert result.triage.message == LEVEL_MESSAGES["emergency"]
    assert result.probable_types == ()


# -- patient stories --------------------------------------------------------------------

VIGNETTES = [
    pytest.param(
        patient(age=29, red_flags={"thunderclap": "yes", "fever": "no"}),
        "emergency",
        ("thunderclap",),
        id="thunderclap-worst-headache-in-a-minute",
    ),
    pytest.param(
        patient(age=22, red_flags={"fever": "yes", "fever_meningism": "unsure"}),
        "emergency",
        ("fever_meningism", "fever"),
        id="feverish-student-unsure-about-stiff-neck",
    ),
    pytest.param(
        patient(age=35, red_flags={"fever": "yes", "fever_meningism": "no"}),
        "today",
        ("fever",),
        id="fever-with-flu-only-today",
    ),
    pytest.param(
        patient(age=72, red_flags={"giant_cell_arteritis": "yes", "gca_vision": "no"}),
        "today",
        ("giant_cell_arteritis",),
        id="older-woman-jaw-pain-chewing-today",
    ),
    pytest.param(
        patient(age=72, red_flags={"giant_cell_arteritis": "yes", "gca_vision": "yes"}),
        "emergency",
        ("giant_cell_arteritis", "gca_vision"),
        id="jaw-pain-and-losing-sight-emergency",
    ),
    pytest.param(
        patient(age=68, red_flags={"gca_vision": "unsure"}),
        "emergency",
        ("gca_vision",),
        id="gca-vision-counts-without-parent-answer",
    ),
    pytest.param(
        patient(age=41, red_flags={"immunosuppressed": "no", "immunosuppressed_fever": "yes"}),
        "today",
        ("immunosuppressed_fever",),
        id="transplant-patient-fever-counts-despite-parent-no",
    ),
    pytest.param(
        patient(age=31, red_flags={"pregnancy": "yes", "pregnancy_new": "yes", "pregnancy_severe": "yes"}),
        "emergency",
        ("pregnancy_new", "pregnancy_severe"),
        id="pregnant-new-headache-swelling-emergency",
    ),
    pytest.param(
        patient(age=31, red_flags={"pregnancy_new": "unsure"}),
        "today",
        ("pregnancy_new",),
        id="new-mother-unsure-if-headache-is-new",
    ),
    pytest.param(
        patient(age=45, red_flags={"head_injury": "yes", "head_injury_acute": "no"}),
        "soon",
        ("head_injury",),
        id="headache-since-old-whiplash-soon",
    ),
    pytest.param(
        patient(age=80, red_flags={"head_injury": "yes", "head_injury_acute": "yes"}),
        "emergency",
        ("head_injury", "head_injury_acute"),
        id="fall-on-blood-thinners-emergency",
    ),
    pytest.param(
        patient(age=58, red_flags={"cancer_history": "yes", "weight_loss": "yes", "onset_after_50": "yes"}),
        "soon",
        ("weight_loss", "cancer_history", "onset_after_50"),
        id="several-soon-flags-stay-soon",
    ),
    pytest.param(
        patient(age=50, red_flags={"progressive": "yes", "papilledema_told": "yes"}),
        "today",
        ("papilledema_told", "progressive"),
        id="strongest-wins-today-over-soon",
    ),
    pytest.param(
        patient(age=50, red_flags={"papilledema_told": "unsure", "painful_red_eye": "yes", "valsalva": "yes"}),
        "emergency",
        ("valsalva", "papilledema_told", "painful_red_eye"),
        id="strongest-wins-emergency-over-today-and-soon",
    ),
    pytest.param(
        patient(age=38, red_flags={"new_medicine": "unsure", "positional": "unsure"}),
        "soon",
        ("positional", "new_medicine"),
        id="unsure-soon-flags-raised-as-soon",
    ),
    pytest.param(patient(age=38, red_flags={f.id: "no" for f in RED_FLAGS}), "none", (), id="all-flags-answered-no"),
    pytest.param(patient(age=38), "none", (), id="no-flag-answers-at-all"),
]


@pytest.mark.parametrize("answers, level, flags", VIGNETTES)
def test_triage_vignette(answers, level, flags):
    result = triage(answers)
    assert result.level == level
    assert result.flags == flags
    assert result.stop is (level in ("emergency", "today"))
    assert result.message.startswith(LEVEL_MESSAGES[level])


def test_flags_come_back_in_questionnaire_order_whatever_the_answer_order():
    forwards = {"new_medicine": "yes", "weight_loss": "yes", "fever": "yes"}
    backwards = dict(reversed(list(forwards.items())))
    assert triage(patient(red_flags=forwards)).flags == ("fever", "weight_loss", "new_medicine")
    assert triage(patient(red_flags=backwards)) == triage(patient(red_flags=forwards))


# -- aura and medicine answers raise soon flags -----------------------------------------

AURA = {
    "present": True,
    "symptoms": ["visual"],
    "spreads_gradually": True,
    "succession": False,
    "lasts_5_60_min": True,
    "one_sided": True,
    "positive": True,
    "headache_within_60_min": True,
    "episodes": "2_plus",
    "doctor_checked": True,
}


@pytest.mark.parametrize(
    "aura, flags",
    [
        pytest.param(AURA, (), id="aura-checked-by-doctor-no-flag"),
        pytest.param({**AURA, "doctor_checked": False}, ("aura_unchecked",), id="aura-never-checked-soon"),
        pytest.param({**AURA, "doctor_checked": None}, ("aura_unchecked",), id="aura-check-unknown-soon"),
        pytest.param(
            {**AURA, "symptoms": ["visual", "motor"]}, ("aura_atypical",), id="checked-aura-with-weakness-soon"
        ),
        pytest.param({**AURA, "symptoms": ["one_eye"]}, ("aura_atypical",), id="checked-one-eye-aura-soon"),
        pytest.param({"present": False, "symptoms": ["motor"]}, (), id="no-aura-no-flag"),
    ],
)
def test_typical_or_checked_aura_answers_raise_soon_flags(aura, flags):
    result = triage(patient(aura=aura))
    assert result.flags == flags
    assert result.level == ("soon" if flags else "none")
    assert result.stop is False


def test_aura_flags_follow_the_asked_flags():
    result = triage(patient(red_flags={"new_medicine": "yes"}, aura={**AURA, "doctor_checked": False}))
    assert result.flags == ("new_medicine", "aura_unchecked")


def test_daily_painkillers_raise_overuse_flag_with_advice_not_to_stop_suddenly():
    result = triage(patient(medication={"simple_analgesics": "15_plus", "triptans": "0"}))
    assert result.flags == ("medication_overuse",)
    assert result.level == "soon"
    assert result.message == f"{LEVEL_MESSAGES['soon']} {MEDICATION_OVERUSE_ADVICE}"
    assert "suddenly" in MEDICATION_OVERUSE_ADVICE


def test_two_medicine_classes_adding_to_10_days_raise_overuse_flag():
    result = triage(patient(medication={"simple_analgesics": "5_9", "triptans": "5_9"}))
    assert result.flags == ("medication_overuse",)


def test_medicines_on_few_days_raise_nothing():
    result = triage(patient(medication={"simple_analgesics": "5_9", "triptans": "1_4"}))
    assert result.flags == ()
    assert result.message == LEVEL_MESSAGES["none"]


def test_overuse_answered_yes_keeps_advice_on_today_but_not_emergency():
    today = triage(patient(red_flags={"medication_overuse": "yes", "fever": "yes"}))
    assert today.message == f"{LEVEL_MESSAGES['today']} {MEDICATION_OVERUSE_ADVICE}"
    emergency = triage(patient(red_flags={"medication_overuse": "yes", "thunderclap": "yes"}))
    assert emergency.message == LEVEL_MESSAGES["emergency"]


# -- age --------------------------------------------------------------------------------


def test_teenager_is_stopped_with_advice_to_see_a_doctor():
    result = assess(patient(age=16, headache=CLASSIC_MIGRAINE))
    assert result.triage.under_18 is True
    assert result.triage.stop is True
    assert result.triage.level == "none"
    assert result.triage.message == UNDER_18_MESSAGE
    assert result.probable_types == ()


def test_teenager_with_soon_flag_gets_under_18_message():
    result = triage(patient(age=17, red_flags={"cancer_history": "yes"}))
    assert (result.level, result.flags, result.stop) == ("soon", ("cancer_history",), True)
    assert result.message == UNDER_18_MESSAGE


def test_teenager_with_emergency_flag_gets_emergency_message():
    result = triage(patient(age=15, red_flags={"thunderclap": "yes"}))
    assert (result.level, result.stop, result.under_18) == ("emergency", True, True)
    assert result.message == LEVEL_MESSAGES["emergency"]


def test_eighteen_year_old_is_an_adult():
    result = assess(patient(age=18, headache=CLASSIC_MIGRAINE))
    assert result.triage.under_18 is False and result.triage.stop is False
    assert [p.type for p in result.probable_types] == ["migraine_without_aura"]


def test_missing_age_does_not_crash_or_stop():
    assert triage({}).stop is False


# -- which questions a form shows -------------------------------------------------------


def test_younger_adult_is_not_asked_over_50_questions():
    asked = {f.id for f in red_flags_to_ask(34)}
    assert not asked & {"onset_after_50", "giant_cell_arteritis", "gca_vision"}
    assert "thunderclap" in asked


def test_child_questions_appear_after_a_yes_or_unsure_parent():
    first = {f.id for f in red_flags_to_ask(50)}
    assert "onset_after_50" in first and "giant_cell_arteritis" in first
    assert not first & {
        "gca_vision",
        "pregnancy_new",
        "pregnancy_severe",
        "head_injury_acute",
        "immunosuppressed_fever",
    }
    later = {
        f.id for f in red_flags_to_ask(50, {"giant_cell_arteritis": "unsure", "head_injury": "yes", "pregnancy": "no"})
    }
    assert {"gca_vision", "head_injury_acute"} <= later
    assert not later & {"pregnancy_new", "pregnancy_severe"}


def test_unknown_age_is_asked_everything_without_parents():
    assert len(red_flags_to_ask(None)) == len(RED_FLAGS) - 5


# -- the assessment as a whole ----------------------------------------------------------


def test_soon_flag_still_lists_types_and_passes_safety_items_through():
    result = assess(
        patient(
            red_flags={"cancer_history": "yes"},
            headache=CLASSIC_MIGRAINE,
            needling_safety=["blood_thinners", "needle_fear"],
        )
    )
    assert result.triage.level == "soon" and result.triage.stop is False
    assert [p.type for p in result.probable_types] == ["migraine_without_aura"]
    assert result.needling_safety == ("blood_thinners", "needle_fear")
    assert result.disclaimer == DISCLAIMER


def test_today_flag_hides_types():
    result = assess(patient(red_flags={"fever": "unsure"}, headache=CLASSIC_MIGRAINE))
    assert result.triage.stop is True and result.probable_types == ()


def test_api_dict_has_exactly_the_spec_shape():
    body = to_api_dict(
        assess(patient(red_flags={"weight_loss": "yes"}, headache=CLASSIC_MIGRAINE, needling_safety=["pregnancy"]))
    )
    assert body == {
        "triage": {
            "level": "soon",
            "flags": [{"id": "weight_loss", "level": "soon", "source": "answered"}],
            "message": LEVEL_MESSAGES["soon"],
        },
        "stop": None,
        "emergency_number": None,
        "probable_types": [
            {
                "type": "migraine_without_aura",
                "ichd3": "1.1",
                "confidence": "likely",
                "doctor_confirmed": False,
                "evidence_tier": "C",
            }
        ],
        "disclaimer": DISCLAIMER,
    }


def test_api_dict_for_emergency_lists_no_types():
    body = to_api_dict(assess(patient(red_flags={"neuro_deficit": "yes"}, headache=CLASSIC_MIGRAINE)))
    assert body["triage"]["level"] == "emergency"
    assert body["triage"]["flags"] == [{"id": "neuro_deficit", "level": "emergency", "source": "answered"}]
    assert body["stop"] == {"reason": "emergency", "message": LEVEL_MESSAGES["emergency"]}
    assert body["probable_types"] == []


def test_derived_flags_are_soon_and_named():
    assert [(f.id, f.level) for f in clinical.DERIVED_FLAGS] == [("aura_unchecked", "soon"), ("aura_atypical", "soon")]
    assert clinical.FLAG_IDS[-2:] == ("aura_unchecked", "aura_atypical")
