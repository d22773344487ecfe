"""The questionnaire's answer format (docs/clinical-rules.md, "The answers") and the API's response bodies.

One schema serves the questionnaire form and ``POST /api/v1/assessments`` and
``POST /api/v1/matches``. Every model forbids unknown keys and is strict: a number must be
a number and a boolean ``true`` or ``false`` (never ``"yes"``). Enumerated values are
``Literal`` types, so the OpenAPI document lists them; the codes drawn from
``directory.vocabulary`` and ``clinical.RED_FLAGS`` are generated from those modules.

``parse_answers`` turns a ``ValidationError`` into ``AnswerError`` items with dotted
field paths and plain messages; ``answers_to_dict`` gives ``clinical.assess`` its plain dict.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from config import Config
from directory import vocabulary
from directory.models.practitioner import FEE_MAX
from directory.services.core.text import N_, Said
from directory.services.geo.geocoding import MAX_QUERY_LENGTH
from directory.services.questionnaire import clinical
from directory.vocabulary import SELF_PAY

# -- enumerations ----------------------------------------------------------------------

YesNoUnsure = Literal["yes", "no", "unsure"]
if TYPE_CHECKING:
    # A Literal built from the code's tables at run time is beyond a static checker (PEP 586):
    # mypy checks these codes as str; pydantic, at run time, holds them to the tables.
    RedFlagId = str
    FlagId = str
    ClinicalTypeId = str
    PractitionerGender = str
    LanguageCode = str
    AccessibilityCode = str
    AvailabilityCode = str
    NeedlingSafetyCode = str
else:
    RedFlagId = Literal[tuple(flag.id for flag in clinical.RED_FLAGS)]
    FlagId = Literal[clinical.FLAG_IDS]  # asked and derived flags, as triage reports them
    ClinicalTypeId = Literal[tuple(clinical.CLINICAL_TYPES)]
DiagnosedType = Literal["migraine", "tension_type", "cluster", "cervicogenic", "medication_overuse", "other"]
FrequentFor = Literal["lt_3m", "3_12m", "gt_1y"]
LifetimeAttacks = Literal["1", "2_4", "5_9", "10_plus"]
Duration = Literal["lt_15m", "15_30m", "30m_3h", "3h_4h", "4h_3d", "3d_7d", "constant"]
Side = Literal["one", "both", "varies"]
PainQuality = Literal["throbbing", "pressing", "stabbing", "other"]
Severity = Literal["mild", "moderate", "severe", "extreme"]
Nausea = Literal["none", "mild", "moderate"]
AutonomicSign = Literal["red_watery_eye", "nasal", "eyelid_swelling", "facial_sweating", "ptosis_miosis"]
AttackFrequency = Literal["lt_every_other_day", "every_other_day_to_8_daily", "gt_8_daily"]
AuraSymptom = Literal["visual", "sensory", "speech", "motor", "brainstem", "one_eye"]
AuraEpisodes = Literal["once", "2_plus"]
ImprovedWithNeck = Literal["yes", "no", "not_applicable"]
MedicineDays = Literal["0", "1_4", "5_9", "10_14", "15_plus"]
TriptanRelieves = Literal["yes", "no", "never_tried"]
MigraineLikeDays = Literal["0_7", "8_14", "15_plus", "unsure"]
FirstConsultation = Literal["in_person", "video", "either"]
if not TYPE_CHECKING:
    PractitionerGender = Literal[("no_preference", *tuple(code for code, _ in vocabulary.GENDERS))]
    LanguageCode = Literal[tuple(code for code, _ in vocabulary.LANGUAGES)]
    AccessibilityCode = Literal[tuple(code for code, _ in vocabulary.ACCESSIBILITY_FEATURES)]
    AvailabilityCode = Literal[tuple(period[0] for period in vocabulary.AVAILABILITY_PERIODS)]

# docs/clinical-rules.md "Needling safety": told to the practitioner, never used to exclude one.
NEEDLING_SAFETY: tuple[tuple[str, str], ...] = (
    ("blood_thinners", N_("I take blood thinners (medicines that stop blood clotting)")),
    ("bleeding_disorder", N_("I have a bleeding disorder, or I bleed or bruise easily")),
    ("pregnancy", N_("I am pregnant or might be pregnant")),
    ("needle_fear", N_("I am afraid of needles")),
    ("implanted_device", N_("I have a device inside my body, such as a pacemaker")),
    ("metal_allergy", N_("I am allergic to metal, such as nickel")),
    ("weakened_immunity", N_("My immune system is weakened by an illness or medicine")),
    ("lymphoedema", N_("I have lymphedema (long-lasting swelling, often of an arm or leg)")),
    ("epilepsy", N_("I have epilepsy")),
)
if not TYPE_CHECKING:
    NeedlingSafetyCode = Literal[tuple(code for code, _ in NEEDLING_SAFETY)]

MAX_AGE = 120
# Bounds owned elsewhere: matching searches no farther than search does, asks no more than a profile
# may charge, and sends the place to the geocoder and the insurance to the same reading as /search.
MAX_DISTANCE_KM = Config.SEARCH_MAX_RADIUS_KM
MAX_FEE = FEE_MAX
LOCATION_MAX_LENGTH = MAX_QUERY_LENGTH
INSURANCE_MAX_LENGTH = vocabulary.INSURANCE_QUERY_MAX_LENGTH

# -- building blocks -------------------------------------------------------------------

_T = TypeVar("_T")


def _no_duplicates(items: list[_T]) -> list[_T]:
    seen = set()
    for item in items:
        if item in seen:
            raise PydanticCustomError("duplicate_item", "lists '{item}' more than once", {"item": item})
        seen.add(item)
    return items


if TYPE_CHECKING:
    # What the type checker sees of the two field types below: a list, and a str.
    UniqueList = list
    LocationText = str
    InsuranceText = str
else:

    class UniqueList:
        """UniqueList[Code]: a list of distinct codes, at most as long as there are codes."""

        def __class_getitem__(cls, item_type: Any) -> Any:
            return Annotated[
                list[item_type],
                Field(max_length=len(item_type.__args__), json_schema_extra={"uniqueItems": True}),
                AfterValidator(_no_duplicates),
            ]

    def _text(max_length: int) -> Any:
        return Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=max_length)]

    LocationText = _text(LOCATION_MAX_LENGTH)
    InsuranceText = _text(INSURANCE_MAX_LENGTH)


class _AnswerModel(BaseModel):
    # Strict: "34" is not an age and "yes" is not true; unknown keys are errors.
    model_config = ConfigDict(extra="forbid", strict=True, allow_inf_nan=False)


class _ResponseModel(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


# -- answers ---------------------------------------------------------------------------


class Headache(_AnswerModel):
    """The usual headache: how often, how long, where and how it feels."""

    days_per_month: Annotated[int, Field(ge=0, le=31)] | None = Field(
        None, description="Days a month with a headache, 0 to 31."
    )
    frequent_for: FrequentFor | None = Field(
        None, description="How long the headaches have come this often: under 3 months, 3 to 12 months, over a year."
    )
    lifetime_attacks: LifetimeAttacks | None = Field(
        None, description="How many attacks so far, in bins: 1, 2-4, 5-9, 10 or more."
    )
    duration: Duration | None = Field(None, description="How long one headache lasts without treatment.")
    side: Side | None = Field(None, description="One side of the head, both, or it varies.")
    around_eye_or_temple: bool | None = Field(None, description="The pain is around one eye or temple.")
    quality: UniqueList[PainQuality] | None = Field(
        None, description="What the pain feels like; empty means none of these."
    )
    severity: Severity | None = Field(None, description="How strong the pain is.")
    worse_with_activity: bool | None = Field(
        None, description="Routine activity (walking, stairs) makes it worse or is avoided."
    )
    nausea: Nausea | None = Field(None, description="Feeling nauseated during the headache.")
    vomiting: bool | None = Field(None, description="Vomiting with the headache.")
    light_sensitive: bool | None = Field(None, description="Light bothers the patient.")
    sound_sensitive: bool | None = Field(None, description="Sound bothers the patient.")
    restless: bool | None = Field(None, description="Restless or agitated, unable to keep still, during attacks.")
    autonomic_signs: UniqueList[AutonomicSign] | None = Field(
        None, description="Signs on the side of the pain; empty means none of these."
    )
    attack_frequency: AttackFrequency | None = Field(
        None, description="How often attacks come while they are happening."
    )


class Aura(_AnswerModel):
    """Warning signs before or with a headache."""

    present: bool | None = Field(None, description="The patient has an aura.")
    symptoms: UniqueList[AuraSymptom] | None = Field(None, description="The kinds of aura symptoms.")
    spreads_gradually: bool | None = Field(None, description="A symptom spreads gradually over 5 minutes or more.")
    succession: bool | None = Field(None, description="Two or more symptoms come one after another.")
    lasts_5_60_min: bool | None = Field(None, description="Each symptom lasts 5 to 60 minutes.")
    one_sided: bool | None = Field(None, description="At least one symptom is on one side.")
    positive: bool | None = Field(
        None, description="At least one symptom is positive (flashing lights, pins and needles)."
    )
    headache_within_60_min: bool | None = Field(
        None, description="The headache comes during the aura or within 60 minutes."
    )
    episodes: AuraEpisodes | None = Field(None, description="Aura once, or 2 or more times.")
    doctor_checked: bool | None = Field(None, description="A doctor has checked the aura.")


class Neck(_AnswerModel):
    """Signs that the headache comes from the neck."""

    pain_with_headache: bool | None = Field(None, description="Neck pain comes with the headaches.")
    began_with_neck_problem: bool | None = Field(None, description="The headaches began with a neck problem or injury.")
    provoked_by_movement_or_posture: bool | None = Field(
        None, description="Neck movement or a held posture brings the headache on."
    )
    provoked_by_pressure: bool | None = Field(None, description="Pressure on the neck brings the headache on.")
    improved_with_neck: ImprovedWithNeck | None = Field(
        None, description="The headaches improve when the neck improves."
    )
    clinician_found_disorder: YesNoUnsure | None = Field(
        None, description="A clinician found a neck disorder on examination or imaging."
    )


class Medication(_AnswerModel):
    """Days a month of each class of headache medicine, and their effect."""

    simple_analgesics: MedicineDays | None = Field(
        None, description="Days a month of simple painkillers (paracetamol, ibuprofen)."
    )
    triptans: MedicineDays | None = Field(None, description="Days a month of triptans.")
    combination: MedicineDays | None = Field(None, description="Days a month of combination painkillers.")
    opioids: MedicineDays | None = Field(None, description="Days a month of opioids.")
    ergots: MedicineDays | None = Field(None, description="Days a month of ergots.")
    for_3_months_or_more: bool | None = Field(None, description="Medicines taken this often for 3 months or more.")
    triptan_relieves: TriptanRelieves | None = Field(
        None, description="A triptan relieves the headache; never_tried if none was taken."
    )
    migraine_like_days: MigraineLikeDays | None = Field(None, description="Days a month with migraine-like headaches.")


class Preferences(_AnswerModel):
    """What the patient wants from a practitioner; a place or coordinates, not both."""

    location: LocationText | None = Field(
        None, description="A place name or postcode to search near (instead of coordinates)."
    )
    latitude: Annotated[float, Field(ge=-90, le=90)] | None = Field(
        None, description="Latitude in degrees, given together with longitude."
    )
    longitude: Annotated[float, Field(ge=-180, le=180)] | None = Field(
        None, description="Longitude in degrees, given together with latitude."
    )
    max_distance_km: Annotated[float, Field(gt=0, le=MAX_DISTANCE_KM)] | None = Field(
        None, description=f"The farthest the patient will travel, in km (up to {MAX_DISTANCE_KM})."
    )
    first_consultation: FirstConsultation | None = Field(
        None, description="First consultation in person, by video, or either."
    )
    languages: UniqueList[LanguageCode] | None = Field(
        None, description="Languages the patient speaks, ISO 639-1 codes."
    )
    practitioner_gender: PractitionerGender | None = Field(
        None, description="The practitioner's gender the patient prefers, if any."
    )
    availability: UniqueList[AvailabilityCode] | None = Field(
        None, description="Parts of the week that suit the patient."
    )
    max_fee: Annotated[float, Field(ge=0, le=MAX_FEE)] | None = Field(
        None, description="The most the patient will pay for a session, in the local currency."
    )
    insurance: InsuranceText | None = Field(
        None, description=f"The patient's insurer, free text; {SELF_PAY} when paying themselves."
    )
    accessibility: UniqueList[AccessibilityCode] | None = Field(
        None, description="Accessibility features the patient needs."
    )

    @model_validator(mode="after")
    def _one_place(self) -> Preferences:
        if (self.latitude is None) != (self.longitude is None):
            given, missing = ("latitude", "longitude") if self.longitude is None else ("longitude", "latitude")
            # ctx["field"] names the field to report; parse_answers appends it to the path.
            raise PydanticCustomError("coordinates_pair", f"is required when {given} is given", {"field": missing})
        if self.location is not None and self.latitude is not None:
            raise PydanticCustomError(
                "place_twice", "give either a location or latitude and longitude, not both", {"field": "location"}
            )
        return self


class Answers(_AnswerModel):
    """A patient's questionnaire answers (docs/clinical-rules.md, "The answers"); only age is required."""

    age: Annotated[int, Field(ge=0, le=MAX_AGE)] = Field(
        description="Age in whole years, 0 to 120 (the questionnaire is for adults)."
    )
    diagnosed_types: UniqueList[DiagnosedType] | None = Field(
        None, description="Headache types a doctor has diagnosed."
    )
    red_flags: dict[RedFlagId, YesNoUnsure] | None = Field(
        None, description="Warning-sign answers by red-flag id: yes, no or unsure."
    )
    headache: Headache | None = Field(None, description="The usual headache.")
    aura: Aura | None = Field(None, description="Aura before or with the headache.")
    neck: Neck | None = Field(None, description="Signs that the headache comes from the neck.")
    medication: Medication | None = Field(None, description="Headache medicines taken.")
    needling_safety: UniqueList[NeedlingSafetyCode] | None = Field(
        None, description="Needling-safety notes for the practitioner; never excludes one."
    )
    preferences: Preferences | None = Field(None, description="What the patient wants from a practitioner.")


# -- responses -------------------------------------------------------------------------


class FlagOut(_ResponseModel):
    """One flag the answers raised."""

    id: FlagId = Field(description="The red-flag id, or a flag the answers raise by themselves.")
    level: Literal["emergency", "today", "soon"] = Field(description="The level this flag raises for these answers.")
    source: Literal["answered", "unsure", "derived"] = Field(
        description="answered: the patient said yes; unsure: the patient was unsure, which "
        "counts as yes; derived: raised by other answers (aura, medicines)."
    )


class TriageOut(_ResponseModel):
    """How urgently to see a doctor, the flags raised and the message to show."""

    level: Literal["emergency", "today", "soon", "none"] = Field(
        description="The strongest level raised; emergency and today stop the search."
    )
    flags: list[FlagOut] = Field(description="The flags raised, in questionnaire order.")
    message: str = Field(description="What the patient should do, in plain words.")


class StopOut(_ResponseModel):
    """Why the questionnaire stops here, with what to tell the patient."""

    reason: Literal["emergency", "today", "under_18"] = Field(
        description="emergency or today: a red flag; under_18: the questionnaire is for adults. "
        "An emergency beats under 18."
    )
    message: str = Field(description="What the patient should do, in plain words.")


class ProbableTypeOut(_ResponseModel):
    """One headache type the answers point to."""

    type: ClinicalTypeId = Field(description="The headache type id.")
    ichd3: str = Field(description="The ICHD-3 code of the type, e.g. 1.2.1.")
    confidence: Literal["likely", "possible"] = Field(
        description="likely: every reportable criterion met; possible: all but one."
    )
    doctor_confirmed: bool = Field(description="A doctor has diagnosed this family of headache.")
    evidence_tier: Literal["B", "C", "D"] = Field(
        description="Dry-needling evidence: B sham-controlled trials, C small trials, D none."
    )


class AssessmentOut(_ResponseModel):
    """The body of POST /api/v1/assessments."""

    triage: TriageOut = Field(description="Red-flag triage.")
    stop: StopOut | None = Field(
        description="Set when the questionnaire stops: no types and no practitioners are given."
    )
    emergency_number: str | None = Field(
        description="The emergency number of the patient's country, from preferences.location "
        "or latitude/longitude; null when the country is not known."
    )
    probable_types: list[ProbableTypeOut] = Field(
        description="Probable headache types, best first; empty when triage stops."
    )
    disclaimer: str = Field(description="The questionnaire cannot diagnose; shown on every page.")


class MatchOut(_ResponseModel):
    """One ranked practitioner."""

    id: int = Field(ge=1, description="The practitioner profile's id.")
    name: str = Field(description="The practitioner's display name.")
    profile_url: str = Field(description="The URL of the practitioner's public profile.")
    score: float = Field(ge=0, le=100, description="How well the practitioner fits, 0 to 100.")
    distance_km: Annotated[float, Field(ge=0)] | None = Field(
        description="Distance in km; null for a video-only practitioner."
    )
    reasons: list[str] = Field(description="Why the practitioner was ranked here, in words.")


class MatchesOut(AssessmentOut):
    """The body of POST /api/v1/matches: the assessment and the ranked practitioners."""

    practitioners: list[MatchOut] = Field(
        description="Ranked practitioners, best first; always empty when stop is set."
    )


# -- parsing ---------------------------------------------------------------------------

MAX_REPORTED_ERRORS = 50  # a body of thousands of bad keys gets a bounded reply
_MAX_KEY_SHOWN = 60


class AnswerError(ValueError):
    """Answers that do not fit the schema; ``errors`` holds {"field", "message"} items."""

    def __init__(self, errors: list[dict[str, str]]):
        self.errors = errors
        super().__init__("; ".join(f"{e['field'] or 'answers'}: {e['message']}" for e in errors))


def parse_answers(data: object) -> Answers:
    """Validate questionnaire answers; raises AnswerError naming each bad field."""
    try:
        return Answers.model_validate(data)
    except ValidationError as exc:
        raise AnswerError([plain_error(e) for e in exc.errors()[:MAX_REPORTED_ERRORS]]) from None


def answers_to_dict(answers: Answers) -> dict[str, Any]:
    """The plain dict clinical.assess reads: only the answers given, without nulls."""
    return answers.model_dump(mode="python", exclude_unset=True, exclude_none=True)


def _shown(part: str | int) -> str:
    text = str(part)
    return text if len(text) <= _MAX_KEY_SHOWN else text[:_MAX_KEY_SHOWN] + "..."


def _number(value: Any) -> Any:
    # Float fields report their bounds as floats; "at least 0" reads better than "0.0".
    return int(value) if isinstance(value, float) and value.is_integer() else value


# The messages are catalog sentences (N_, or Said with their values): the API says them in the Accept-Language's
# language (api.spec.field_errors); they read as English anywhere else.
_SIMPLE_MESSAGES = {
    "missing": N_("is required"),
    "int_type": N_("must be a whole number"),
    "int_parsing": N_("must be a whole number"),
    "int_from_float": N_("must be a whole number"),
    "bool_type": N_("must be true or false"),
    "bool_parsing": N_("must be true or false"),
    "float_type": N_("must be a number"),
    "float_parsing": N_("must be a number"),
    "finite_number": N_("must be a finite number"),
    "string_type": N_("must be text"),
    "list_type": N_("must be a list"),
    "dict_type": N_("must be an object"),
    "model_type": N_("must be an object"),
    "string_too_short": N_("must not be empty"),
}
_RANGE_MESSAGES = {
    "greater_than_equal": ("ge", N_("must be at least %(limit)s")),
    "greater_than": ("gt", N_("must be more than %(limit)s")),
    "less_than_equal": ("le", N_("must be at most %(limit)s")),
    "less_than": ("lt", N_("must be less than %(limit)s")),
    "string_too_long": ("max_length", N_("must be at most %(limit)s characters")),
    "too_long": ("max_length", N_("must have at most %(limit)s items")),
}


def plain_error(error: Any) -> dict[str, str]:
    """One pydantic error as {"field": dotted path, "message": plain words}."""
    loc = list(error["loc"])
    kind = error["type"]
    ctx = error.get("ctx") or {}
    if kind in ("coordinates_pair", "place_twice"):
        loc.append(ctx["field"])
    if loc and loc[-1] == "[key]":
        # A dict key that is not allowed: only red_flags has restricted keys.
        loc.pop()
        field = ".".join(_shown(p) for p in loc)
        return {"field": field, "message": Said(N_("Unknown red flag '%(name)s'"), name=_shown(loc[-1]))}
    field = ".".join(_shown(p) for p in loc)
    message: str
    if kind == "extra_forbidden":
        message = Said(N_("Unknown field '%(name)s'"), name=field)
    elif kind == "literal_error":
        message = Said(N_("must be one of: %(values)s"), values=", ".join(re.findall(r"'([^']*)'", ctx["expected"])))
    elif kind in _SIMPLE_MESSAGES:
        message = _SIMPLE_MESSAGES[kind]
    elif kind in _RANGE_MESSAGES:
        key, template = _RANGE_MESSAGES[kind]
        message = Said(template, limit=_number(ctx[key]))
    else:
        message = error["msg"]
    return {"field": field, "message": message}
