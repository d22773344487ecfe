"""The answer schema: the CLINICAL.md example, every kind of error by field, random answers."""

import copy
import math
from typing import get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from directory import vocabulary
from directory.services.questionnaire import answers as schemas
from directory.services.questionnaire import clinical
from directory.services.questionnaire.answers import (
    NEEDLING_SAFETY,
    AnswerError,
    Answers,
    AssessmentOut,
    MatchesOut,
    answers_to_dict,
    parse_answers,
)
from tests import factories

# CLINICAL.md section 5, with the // comments removed.
CLINICAL_EXAMPLE = factories.CLINICAL_EXAMPLE_ANSWERS

LANGUAGE_CODES = [code for code, _ in vocabulary.LANGUAGES]


def example(**changes):
    """The CLINICAL.md example with dotted paths set (a value of ... deletes the key)."""
    answers = copy.deepcopy(CLINICAL_EXAMPLE)
    for path, value in changes.items():
        *parents, key = path.split("__")
        node = answers
        for parent in parents:
            node = node[parent]
        if value is ...:
            del node[key]
        else:
            node[key] = value
    return answers


def errors_of(data):
    with pytest.raises(AnswerError) as caught:
        parse_answers(data)
    return caught.value.errors


# -- the example -----------------------------------------------------------------------


def test_clinical_example_validates_and_round_trips_to_the_same_dict():
    answers = parse_answers(CLINICAL_EXAMPLE)

    assert isinstance(answers, Answers)
    assert answers_to_dict(answers) == CLINICAL_EXAMPLE


def test_clinical_example_dict_is_assessed_and_fits_the_response_model():
    assessment = clinical.assess(answers_to_dict(parse_answers(CLINICAL_EXAMPLE)))
    body = clinical.to_api_dict(assessment)

    assert AssessmentOut.model_validate(body).model_dump() == body
    # "fever": "unsure" counts as yes for the today tier.
    assert body["triage"]["level"] == "today"
    assert body["triage"]["flags"] == [{"id": "fever", "level": "today", "source": "unsure"}]
    assert body["stop"] == {"reason": "today", "message": clinical.LEVEL_MESSAGES["today"]}
    assert assessment.needling_safety == ("needle_fear",)


def test_only_answers_given_reach_the_dict():
    answers = parse_answers({"age": 40, "headache": {"side": None, "quality": []}, "preferences": None})

    assert answers_to_dict(answers) == {"age": 40, "headache": {"quality": []}}


def test_coordinates_instead_of_a_location_are_accepted():
    data = example(preferences__location=..., preferences__latitude=40.015, preferences__longitude=-105)

    assert answers_to_dict(parse_answers(data))["preferences"]["longitude"] == -105.0


def test_location_and_insurance_are_trimmed():
    answers = parse_answers(example(preferences__location="  Boulder  ", preferences__insurance=" Aetna "))

    assert answers.preferences.location == "Boulder"
    assert answers.preferences.insurance == "Aetna"


def test_an_adult_age_of_120_and_a_child_age_of_0_are_accepted():
    assert parse_answers({"age": 120}).age == 120
    assert parse_answers({"age": 0}).age == 0


# -- errors, one per kind --------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(
            {"age": 34, "favourite_colour": "blue"},
            [{"field": "favourite_colour", "message": "Unknown field 'favourite_colour'"}],
            id="unknown top-level key",
        ),
        pytest.param(
            example(headache__foo=1),
            [{"field": "headache.foo", "message": "Unknown field 'headache.foo'"}],
            id="unknown nested key",
        ),
        pytest.param(example(age="34"), [{"field": "age", "message": "must be a whole number"}], id="string age"),
        pytest.param(example(age=34.0), [{"field": "age", "message": "must be a whole number"}], id="float age"),
        pytest.param(example(age=True), [{"field": "age", "message": "must be a whole number"}], id="boolean age"),
        pytest.param(example(age=None), [{"field": "age", "message": "must be a whole number"}], id="null age"),
        pytest.param(example(age=...), [{"field": "age", "message": "is required"}], id="missing age"),
        pytest.param(example(age=121), [{"field": "age", "message": "must be at most 120"}], id="age 121"),
        pytest.param(example(age=-1), [{"field": "age", "message": "must be at least 0"}], id="age -1"),
        pytest.param(
            example(headache__vomiting="yes"),
            [{"field": "headache.vomiting", "message": "must be true or false"}],
            id="yes for a boolean",
        ),
        pytest.param(
            example(aura__present=1),
            [{"field": "aura.present", "message": "must be true or false"}],
            id="1 for a boolean",
        ),
        pytest.param(
            example(headache__side="left"),
            [{"field": "headache.side", "message": "must be one of: one, both, varies"}],
            id="unknown enum value",
        ),
        pytest.param(
            example(medication__triptan_relieves="sometimes"),
            [{"field": "medication.triptan_relieves", "message": "must be one of: yes, no, never_tried"}],
            id="unknown triptan answer",
        ),
        pytest.param(
            example(headache__quality=["throbbing", "burning"]),
            [{"field": "headache.quality.1", "message": "must be one of: throbbing, pressing, stabbing, other"}],
            id="unknown list item",
        ),
        pytest.param(
            example(needling_safety=["fear_of_needles"]),
            [
                {
                    "field": "needling_safety.0",
                    "message": "must be one of: blood_thinners, bleeding_disorder, pregnancy, "
                    "needle_fear, implanted_device, metal_allergy, "
                    "weakened_immunity, lymphoedema, epilepsy",
                }
            ],
            id="unknown needling-safety code",
        ),
        pytest.param(
            example(preferences__languages=["en", "xx"]),
            [{"field": "preferences.languages.1", "message": "must be one of: " + ", ".join(LANGUAGE_CODES)}],
            id="unknown language",
        ),
        pytest.param(
            example(red_flags={"thunderclap": "no", "bad_headache": "yes"}),
            [{"field": "red_flags.bad_headache", "message": "Unknown red flag 'bad_headache'"}],
            id="unknown red-flag id",
        ),
        pytest.param(
            example(red_flags={"aura_unchecked": "yes"}),
            [{"field": "red_flags.aura_unchecked", "message": "Unknown red flag 'aura_unchecked'"}],
            id="derived flag is not an answer",
        ),
        pytest.param(
            example(red_flags={"fever": "maybe"}),
            [{"field": "red_flags.fever", "message": "must be one of: yes, no, unsure"}],
            id="unknown red-flag answer",
        ),
        pytest.param(
            example(red_flags={"fever": True}),
            [{"field": "red_flags.fever", "message": "must be one of: yes, no, unsure"}],
            id="boolean red-flag answer",
        ),
        pytest.param(
            example(headache__days_per_month=32),
            [{"field": "headache.days_per_month", "message": "must be at most 31"}],
            id="32 days a month",
        ),
        pytest.param(
            example(preferences__location=..., preferences__latitude=40.0),
            [{"field": "preferences.longitude", "message": "is required when latitude is given"}],
            id="latitude without longitude",
        ),
        pytest.param(
            example(preferences__location=..., preferences__longitude=-105.0),
            [{"field": "preferences.latitude", "message": "is required when longitude is given"}],
            id="longitude without latitude",
        ),
        pytest.param(
            example(preferences__latitude=40.0, preferences__longitude=-105.0),
            [
                {
                    "field": "preferences.location",
                    "message": "give either a location or latitude and longitude, not both",
                }
            ],
            id="location and coordinates",
        ),
        pytest.param(
            example(preferences__location=..., preferences__latitude=91, preferences__longitude=0),
            [{"field": "preferences.latitude", "message": "must be at most 90"}],
            id="latitude 91",
        ),
        pytest.param(
            example(preferences__location=..., preferences__latitude=0, preferences__longitude=-180.5),
            [{"field": "preferences.longitude", "message": "must be at least -180"}],
            id="longitude -180.5",
        ),
        pytest.param(
            example(preferences__location=..., preferences__latitude=math.nan, preferences__longitude=0),
            [{"field": "preferences.latitude", "message": "must be a finite number"}],
            id="latitude NaN",
        ),
        pytest.param(
            example(preferences__max_distance_km=0),
            [{"field": "preferences.max_distance_km", "message": "must be more than 0"}],
            id="distance 0",
        ),
        pytest.param(
            example(preferences__max_distance_km=500.5),
            [{"field": "preferences.max_distance_km", "message": "must be at most 500"}],
            id="distance 500.5",
        ),
        pytest.param(
            example(preferences__max_distance_km="25"),
            [{"field": "preferences.max_distance_km", "message": "must be a number"}],
            id="string distance",
        ),
        pytest.param(
            example(preferences__max_fee=-0.01),
            [{"field": "preferences.max_fee", "message": "must be at least 0"}],
            id="negative fee",
        ),
        pytest.param(
            example(preferences__languages=["en", "es", "en"]),
            [{"field": "preferences.languages", "message": "lists 'en' more than once"}],
            id="duplicate list items",
        ),
        pytest.param(
            example(preferences__location="x" * 10_000),
            [{"field": "preferences.location", "message": "must be at most 200 characters"}],
            id="10,000-character location",
        ),
        pytest.param(
            example(preferences__location="   "),
            [{"field": "preferences.location", "message": "must not be empty"}],
            id="blank location",
        ),
        pytest.param(
            example(preferences__insurance="i" * 81),
            [{"field": "preferences.insurance", "message": "must be at most 80 characters"}],
            id="81-character insurance",
        ),
        pytest.param(
            example(preferences__languages=["en"] * 1000),
            [{"field": "preferences.languages", "message": f"must have at most {len(LANGUAGE_CODES)} items"}],
            id="1,000 languages",
        ),
        pytest.param(
            example(preferences__languages="en"),
            [{"field": "preferences.languages", "message": "must be a list"}],
            id="string for a list",
        ),
        pytest.param(
            example(headache=["throbbing"]),
            [{"field": "headache", "message": "must be an object"}],
            id="list for a section",
        ),
        pytest.param(
            example(preferences__location=12),
            [{"field": "preferences.location", "message": "must be text"}],
            id="number for text",
        ),
        pytest.param(["age", 34], [{"field": "", "message": "must be an object"}], id="answers not an object"),
    ],
)
def test_each_kind_of_error_names_its_field(data, expected):
    assert errors_of(data) == expected


def test_every_error_is_reported_in_document_order():
    data = example(age=200, headache__side="left", headache__bar=1, neck__provoked_by_pressure="no")

    assert errors_of(data) == [
        {"field": "age", "message": "must be at most 120"},
        {"field": "headache.side", "message": "must be one of: one, both, varies"},
        {"field": "headache.bar", "message": "Unknown field 'headache.bar'"},
        {"field": "neck.provoked_by_pressure", "message": "must be true or false"},
    ]


def test_answer_error_is_a_value_error_that_says_what_is_wrong():
    with pytest.raises(ValueError, match=r"^age: is required; foo: Unknown field 'foo'$"):
        parse_answers({"foo": 1})


def test_a_huge_unknown_key_is_shortened_in_the_error():
    [error] = errors_of({"age": 30, "k" * 5000: 1})

    assert error["field"] == "k" * 60 + "..."
    assert error["message"] == f"Unknown field '{'k' * 60}...'"


def test_a_flood_of_bad_keys_gets_a_bounded_reply():
    data = {"age": 30, **{f"key{i}": i for i in range(1000)}}

    assert len(errors_of(data)) == schemas.MAX_REPORTED_ERRORS


# -- the enumerations match CLINICAL.md ------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "values"),
    [
        (schemas.DiagnosedType, "migraine tension_type cluster cervicogenic medication_overuse other"),
        (schemas.FrequentFor, "lt_3m 3_12m gt_1y"),
        (schemas.LifetimeAttacks, "1 2_4 5_9 10_plus"),
        (schemas.Duration, "lt_15m 15_30m 30m_3h 3h_4h 4h_3d 3d_7d constant"),
        (schemas.Side, "one both varies"),
        (schemas.PainQuality, "throbbing pressing stabbing other"),
        (schemas.Severity, "mild moderate severe extreme"),
        (schemas.Nausea, "none mild moderate"),
        (schemas.AutonomicSign, "red_watery_eye nasal eyelid_swelling facial_sweating ptosis_miosis"),
        (schemas.AttackFrequency, "lt_every_other_day every_other_day_to_8_daily gt_8_daily"),
        (schemas.AuraSymptom, "visual sensory speech motor brainstem one_eye"),
        (schemas.AuraEpisodes, "once 2_plus"),
        (schemas.ImprovedWithNeck, "yes no not_applicable"),
        (schemas.YesNoUnsure, "yes no unsure"),
        (schemas.MedicineDays, "0 1_4 5_9 10_14 15_plus"),
        (schemas.MigraineLikeDays, "0_7 8_14 15_plus unsure"),
        (schemas.FirstConsultation, "in_person video either"),
        (schemas.PractitionerGender, "no_preference woman man nonbinary"),
        (schemas.AvailabilityCode, "weekday_morning weekday_afternoon weekday_evening weekend"),
        (
            schemas.NeedlingSafetyCode,
            "blood_thinners bleeding_disorder pregnancy needle_fear "
            "implanted_device metal_allergy weakened_immunity lymphoedema "
            "epilepsy",
        ),
    ],
)
def test_enumerations_are_the_spec_values(alias, values):
    assert get_args(alias) == tuple(values.split())


def test_code_lists_come_from_their_sources():
    assert get_args(schemas.RedFlagId) == tuple(f.id for f in clinical.RED_FLAGS)
    assert get_args(schemas.LanguageCode) == tuple(LANGUAGE_CODES)
    assert get_args(schemas.AccessibilityCode) == tuple(code for code, _ in vocabulary.ACCESSIBILITY_FEATURES)


def test_needling_safety_labels_are_plain_and_distinct():
    labels = [label for _, label in NEEDLING_SAFETY]
    assert len(set(labels)) == len(labels) == 9
    assert all(label and label[0].isupper() and not label.endswith(".") for label in labels)


def test_every_answer_field_is_described_for_openapi():
    models = [
        schemas.Answers,
        schemas.Headache,
        schemas.Aura,
        schemas.Neck,
        schemas.Medication,
        schemas.Preferences,
        schemas.TriageOut,
        schemas.ProbableTypeOut,
        schemas.AssessmentOut,
        schemas.MatchOut,
        schemas.MatchesOut,
    ]
    undescribed = [
        f"{model.__name__}.{name}"
        for model in models
        for name, field in model.model_fields.items()
        if not field.description
    ]
    assert undescribed == []


# -- responses -------------------------------------------------------------------------

MATCHES_BODY = {
    "triage": {
        "level": "soon",
        "flags": [{"id": "aura_unchecked", "level": "soon", "source": "derived"}],
        "message": "See a doctor.",
    },
    "stop": None,
    "emergency_number": "911",
    "probable_types": [
        {
            "type": "migraine_with_aura",
            "ichd3": "1.2.1",
            "confidence": "possible",
            "doctor_confirmed": False,
            "evidence_tier": "C",
        }
    ],
    "disclaimer": clinical.DISCLAIMER,
    "practitioners": [
        {
            "id": 7,
            "name": "Dr Ada Lee",
            "profile_url": "/practitioners/ada-lee",
            "score": 87.5,
            "distance_km": 3.2,
            "reasons": ["Treats migraine", "Speaks Spanish"],
        },
        {
            "id": 9,
            "name": "Sam Roe",
            "profile_url": "/practitioners/sam-roe",
            "score": 40,
            "distance_km": None,
            "reasons": [],
        },
    ],
}


def test_matches_body_validates_with_null_distance_for_video_only():
    assert MatchesOut.model_validate(MATCHES_BODY).model_dump() == MATCHES_BODY


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"score": 100.5}, ("practitioners", 0, "score")),
        ({"distance_km": -1}, ("practitioners", 0, "distance_km")),
        ({"email": "a@b.c"}, ("practitioners", 0, "email")),
    ],
)
def test_matches_body_rejects_bad_practitioners(change, field):
    body = copy.deepcopy(MATCHES_BODY)
    body["practitioners"][0].update(change)

    with pytest.raises(ValueError) as caught:
        MatchesOut.model_validate(body)
    assert [e["loc"] for e in caught.value.errors()] == [field]


def test_assessment_body_rejects_an_unknown_level():
    body = {key: value for key, value in MATCHES_BODY.items() if key != "practitioners"}
    body["triage"] = {**body["triage"], "level": "urgent"}

    with pytest.raises(ValueError):
        AssessmentOut.model_validate(body)


# -- random valid answers --------------------------------------------------------------


def _choice(alias):
    return st.sampled_from(get_args(alias))


def _subset(alias):
    return st.lists(_choice(alias), unique=True, max_size=len(get_args(alias)))


def _optional(strategy):
    # None is accepted as "not answered"; answers_to_dict drops it.
    return st.one_of(st.none(), strategy)


_text = st.text(min_size=1, max_size=80).filter(lambda s: s.strip() != "")

SECTION_FIELDS = {
    "headache": {
        "days_per_month": st.integers(0, 31),
        "frequent_for": _choice(schemas.FrequentFor),
        "lifetime_attacks": _choice(schemas.LifetimeAttacks),
        "duration": _choice(schemas.Duration),
        "side": _choice(schemas.Side),
        "around_eye_or_temple": st.booleans(),
        "quality": _subset(schemas.PainQuality),
        "severity": _choice(schemas.Severity),
        "worse_with_activity": st.booleans(),
        "nausea": _choice(schemas.Nausea),
        "vomiting": st.booleans(),
        "light_sensitive": st.booleans(),
        "sound_sensitive": st.booleans(),
        "restless": st.booleans(),
        "autonomic_signs": _subset(schemas.AutonomicSign),
        "attack_frequency": _choice(schemas.AttackFrequency),
    },
    "aura": {
        "present": st.booleans(),
        "symptoms": _subset(schemas.AuraSymptom),
        "spreads_gradually": st.booleans(),
        "succession": st.booleans(),
        "lasts_5_60_min": st.booleans(),
        "one_sided": st.booleans(),
        "positive": st.booleans(),
        "headache_within_60_min": st.booleans(),
        "episodes": _choice(schemas.AuraEpisodes),
        "doctor_checked": st.booleans(),
    },
    "neck": {
        "pain_with_headache": st.booleans(),
        "began_with_neck_problem": st.booleans(),
        "provoked_by_movement_or_posture": st.booleans(),
        "provoked_by_pressure": st.booleans(),
        "improved_with_neck": _choice(schemas.ImprovedWithNeck),
        "clinician_found_disorder": _choice(schemas.YesNoUnsure),
    },
    "medication": {
        "simple_analgesics": _choice(schemas.MedicineDays),
        "triptans": _choice(schemas.MedicineDays),
        "combination": _choice(schemas.MedicineDays),
        "opioids": _choice(schemas.MedicineDays),
        "ergots": _choice(schemas.MedicineDays),
        "for_3_months_or_more": st.booleans(),
        "triptan_relieves": _choice(schemas.TriptanRelieves),
        "migraine_like_days": _choice(schemas.MigraineLikeDays),
    },
    "preferences": {
        "max_distance_km": st.one_of(st.integers(1, 500), st.floats(0, 500, exclude_min=True, allow_nan=False)),
        "first_consultation": _choice(schemas.FirstConsultation),
        "languages": _subset(schemas.LanguageCode),
        "practitioner_gender": _choice(schemas.PractitionerGender),
        "availability": _subset(schemas.AvailabilityCode),
        "max_fee": st.one_of(st.integers(0, 1000), st.floats(0, schemas.MAX_FEE, allow_nan=False)),
        "insurance": st.one_of(st.just(schemas.SELF_PAY), _text),
        "accessibility": _subset(schemas.AccessibilityCode),
    },
}
# Preferences name a place in one of two ways, or not at all.
PLACE_FIELDS = {
    "location": st.text(min_size=1, max_size=200).filter(lambda s: s.strip() != ""),
    "latitude": st.floats(-90, 90),
    "longitude": st.floats(-180, 180),
}
TOP_LEVEL_FIELDS = {
    "diagnosed_types": _subset(schemas.DiagnosedType),
    "red_flags": st.dictionaries(_choice(schemas.RedFlagId), _choice(schemas.YesNoUnsure)),
    "needling_safety": _subset(schemas.NeedlingSafetyCode),
}


def _section(fields):
    return st.fixed_dictionaries({}, optional={k: _optional(v) for k, v in fields.items()})


@st.composite
def preferences(draw):
    chosen = draw(_section(SECTION_FIELDS["preferences"]))
    place = draw(st.sampled_from(["none", "location", "coordinates"]))
    if place == "location":
        chosen["location"] = draw(PLACE_FIELDS["location"])
    elif place == "coordinates":
        chosen["latitude"] = draw(PLACE_FIELDS["latitude"])
        chosen["longitude"] = draw(PLACE_FIELDS["longitude"])
    return chosen


def valid_answers():
    """Answers drawn from the schema's own Literal values and bounds."""
    sections = {name: _section(fields) for name, fields in SECTION_FIELDS.items() if name != "preferences"}
    sections["preferences"] = preferences()
    return st.fixed_dictionaries(
        {"age": st.integers(0, schemas.MAX_AGE)},
        optional={
            **{k: _optional(v) for k, v in TOP_LEVEL_FIELDS.items()},
            **{k: _optional(v) for k, v in sections.items()},
        },
    )


def test_the_strategy_covers_every_field_of_the_schema():
    models = {
        "headache": schemas.Headache,
        "aura": schemas.Aura,
        "neck": schemas.Neck,
        "medication": schemas.Medication,
    }
    for name, model in models.items():
        assert set(SECTION_FIELDS[name]) == set(model.model_fields), name
    assert set(SECTION_FIELDS["preferences"]) | set(PLACE_FIELDS) == set(schemas.Preferences.model_fields)
    assert {"age"} | set(TOP_LEVEL_FIELDS) | set(SECTION_FIELDS) == set(Answers.model_fields)


@settings(max_examples=300, deadline=None, database=None, derandomize=True)
@given(valid_answers())
def test_random_valid_answers_are_accepted_and_assessed(data):
    answers = parse_answers(data)
    plain = answers_to_dict(answers)

    assessment = clinical.assess(plain)

    AssessmentOut.model_validate(clinical.to_api_dict(assessment))
    assert parse_answers(plain) == answers
    assert "age" in plain and all(value is not None for value in plain.values())
