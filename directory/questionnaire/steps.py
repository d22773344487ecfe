"""The questionnaire's steps: which answers each holds, how its form maps onto them, and when it is done.

The answers are built step by step as the answer dict of docs/clinical-rules.md, "The answers and the assessment answer" (the format
``directory.services.questionnaire.answers.parse_answers`` accepts); a step's form only ever replaces its own part.
A step counts as answered once its part is there and its required questions are answered, so a
patient cannot reach the practitioners without passing the warning signs.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from directory.questionnaire import forms
from directory.services.core.text import gettext
from directory.services.geo.points import KM_PER_MILE
from directory.services.questionnaire import clinical
from directory.services.questionnaire.answers import MAX_DISTANCE_KM
from directory.vocabulary import N_, SELF_PAY, is_self_pay

Answers = Mapping[str, Any]

# How a form value becomes an answer: "int", "float", "code" (a string code), "bool" (a
# yes/no radio), "codes" (a list of codes), "text", or "distance" (a number in the form's
# distance_unit, kept in km).
INT, FLOAT, CODE, BOOL, CODES, TEXT, DISTANCE = "int", "float", "code", "bool", "codes", "text", "distance"

MILES, KILOMETRES = "mi", "km"
DEFAULT_DISTANCE = {MILES: 15, KILOMETRES: 25}
MAX_DISTANCE = {KILOMETRES: MAX_DISTANCE_KM, MILES: int(MAX_DISTANCE_KM / KM_PER_MILE)}
UNIT_WORDS = {MILES: N_("miles"), KILOMETRES: "km"}
# Where a distance is said in miles; elsewhere in km. A US-first site: miles too when the country is unknown.
MILES_COUNTRIES = frozenset({"US", "GB"})


@dataclass(frozen=True)
class Binding:
    """One form field and the answer it fills: answers[section][key], or answers[key] at the top."""

    field: str
    kind: str
    section: str | None = None
    key: str | None = None

    @property
    def answer_key(self) -> str:
        return self.key or self.field


@dataclass(frozen=True)
class Group:
    """Questions shown together under a heading; `details` puts them in a <details>, closed unless used."""

    heading: str | None
    fields: tuple[str, ...]
    intro: str | None = None
    details: bool = False
    depends_on: str | None = None  # the script shows the group only while this question's answer is `when`
    when: str = "yes"


@dataclass(frozen=True)
class Step:
    """One page of the questionnaire."""

    number: int
    title: str
    intro: str
    bindings: tuple[Binding, ...]
    groups: tuple[Group, ...]
    is_answered: Callable[[Answers], bool]
    form_class: type[FlaskForm] | None = None  # None: built for the answers (warning signs)


def _section(answers: Answers, key: str) -> Mapping[str, Any]:
    value = answers.get(key)
    return value if isinstance(value, Mapping) else {}


# -- warning signs ---------------------------------------------------------------------


def shown_flags(age: int | None) -> tuple[clinical.RedFlag, ...]:
    """Every red-flag question for this age, the dependent ones too (scripts hide those until needed)."""
    # Asking red_flags_to_ask as if every parent were "yes" lists all the dependent questions.
    every_parent_yes = {flag.id: "yes" for flag in clinical.RED_FLAGS}
    return clinical.red_flags_to_ask(age, every_parent_yes)


def stop_flags(age: int | None) -> tuple[clinical.RedFlag, ...]:
    """The questions for this age whose yes (or not sure) stops the questionnaire at once."""
    return tuple(flag for flag in shown_flags(age) if flag.level in clinical.STOP_LEVELS)


def advice_level(form: FlaskForm, age: int | None) -> str | None:
    """The stop level the warning-sign answers given so far call for (emergency beats today), or None."""
    # "Not sure" counts as yes: the same rule as the triage, so the advice and the stop page agree.
    levels = {
        flag.level
        for flag in stop_flags(age)
        if flag.id in form and not form[flag.id].errors and form[flag.id].data in ("yes", "unsure")
    }
    return next((level for level in (clinical.EMERGENCY, clinical.TODAY) if level in levels), None)


def none_apply(formdata: MultiDict, age: int | None) -> MultiDict:
    """The warning-sign form data with "no" for every question left blank, keeping the answers given.

    A follow-up whose own question was answered yes or not sure stays blank: that patient must
    answer it (the check says so), rather than have "none of these apply" answer it for them.
    """
    filled = MultiDict(formdata)
    for flag in shown_flags(age):
        if filled.get(flag.id):
            continue
        if flag.depends_on and filled.get(flag.depends_on) in ("yes", "unsure"):
            continue
        filled[flag.id] = "no"
    return filled


def missing_flags(age: int | None, red_flags: Mapping[str, str]) -> tuple[clinical.RedFlag, ...]:
    """The questions that still need an answer: all that apply, given the answers so far."""
    return tuple(flag for flag in clinical.red_flags_to_ask(age, red_flags) if flag.id not in red_flags)


# Warning signs grouped for reading; the most urgent first, each dependent question after its parent.
FLAG_GROUPS: tuple[Group, ...] = (
    Group(N_("Sudden or alarming symptoms"), ("thunderclap", "neuro_deficit", "painful_red_eye", "fever_meningism")),
    Group(N_("Fever and infection"), ("fever", "immunosuppressed", "immunosuppressed_fever")),
    Group(
        N_("Injury, pregnancy and medicines"),
        (
            "head_injury",
            "head_injury_acute",
            "pregnancy",
            "pregnancy_new",
            "pregnancy_severe",
            "medication_overuse",
            "new_medicine",
        ),
    ),
    Group(N_("Your eyes"), ("papilledema_told", "papilledema_symptoms")),
    Group(
        N_("How your headaches have changed"),
        (
            "new_or_changed",
            "progressive",
            "positional",
            "valsalva",
            "onset_after_50",
            "giant_cell_arteritis",
            "gca_vision",
        ),
    ),
    Group(N_("Your general health"), ("weight_loss", "cancer_history")),
)

# What each flag means, said back to the patient ("You told us ..."), for the banner and the stop page.
FLAG_SUMMARIES: Mapping[str, str] = {
    "fever_meningism": N_("a fever together with a stiff neck, a new rash or confusion"),
    "fever": N_("a fever or chills with this headache"),
    "weight_loss": N_("weight loss without trying, or night sweats that soak your bedclothes"),
    "cancer_history": N_("that you have had cancer"),
    "neuro_deficit": N_(
        "new weakness, numbness, a drooping face, trouble speaking, loss of sight, double vision, "
        "confusion, fainting or a seizure"
    ),
    "thunderclap": N_("a headache that reached its worst within about a minute"),
    "onset_after_50": N_("that this kind of headache started after you turned 50"),
    "giant_cell_arteritis": N_("jaw pain when chewing, or a tender scalp or temple"),
    "gca_vision": N_("changes in your eyesight along with jaw pain or a tender scalp or temple"),
    "new_or_changed": N_("that your headaches are new or have clearly changed"),
    "positional": N_("that your headache clearly changes when you stand up or lie down"),
    "valsalva": N_("that coughing, straining, exercise or sex brings your headache on"),
    "papilledema_told": N_("that the nerve at the back of your eye looked swollen to an optician or eye doctor"),
    "papilledema_symptoms": N_("that your sight briefly grays out, or you hear a whooshing sound with your heartbeat"),
    "progressive": N_("that your headache is getting steadily worse week by week"),
    "pregnancy": N_("that you are pregnant or gave birth in the last 6 weeks"),
    "pregnancy_new": N_("a new or different headache while pregnant or soon after giving birth"),
    "pregnancy_severe": N_(
        "changes in your vision, sudden swelling or high blood pressure in pregnancy or since giving birth"
    ),
    "painful_red_eye": N_("a red, painful eye with blurred vision or halos"),
    "head_injury_acute": N_(
        "a recent head injury with vomiting, drowsiness or confusion, or while taking blood thinners"
    ),
    "head_injury": N_("that your headache started after a head injury, a fall or whiplash"),
    "immunosuppressed": N_("that your immune system is weakened by an illness or medicine"),
    "immunosuppressed_fever": N_("a fever while your immune system is weakened"),
    "medication_overuse": N_("that you take painkillers or migraine medicines on 10 or more days a month"),
    "new_medicine": N_("that your headache began soon after you started a new medicine"),
    "aura_unchecked": N_("an aura that a doctor has not checked yet"),
    "aura_atypical": N_("weakness, dizziness, double vision or loss of sight in one eye during an aura"),
}


# -- the steps -------------------------------------------------------------------------


def _has_place(preferences: Mapping[str, Any]) -> bool:
    return bool(preferences.get("location")) or preferences.get("latitude") is not None


def _about_you_answered(answers: Answers) -> bool:
    return isinstance(answers.get("age"), int)


def _warning_signs_answered(answers: Answers) -> bool:
    red_flags = answers.get("red_flags")
    return isinstance(red_flags, Mapping) and not missing_flags(answers.get("age"), red_flags)


def _preferences_answered(answers: Answers) -> bool:
    preferences = answers.get("preferences")
    # A place is needed even for a video first consultation: treatment itself is in person. The
    # place may come from step 1; needling_safety is only ever written by step 6 itself.
    return isinstance(preferences, Mapping) and _has_place(preferences) and "needling_safety" in answers


def _has_part(*keys: str) -> Callable[[Answers], bool]:
    return lambda answers: all(isinstance(answers.get(key), Mapping) for key in keys)


def _bindings(section: str | None, kinds: Mapping[str, str]) -> tuple[Binding, ...]:
    return tuple(Binding(field, kind, section) for field, kind in kinds.items())


AURA_DETAILS = (
    "symptoms",
    "spreads_gradually",
    "succession",
    "lasts_5_60_min",
    "one_sided",
    "positive",
    "headache_within_60_min",
    "episodes",
    "doctor_checked",
)
MEDICINES = ("simple_analgesics", "triptans", "combination", "opioids", "ergots")

STEPS: tuple[Step, ...] = (
    Step(
        1,
        N_("About you"),
        N_("A few questions about you. You can leave out anything you are not sure about, except your age."),
        _bindings(None, {"age": INT, "diagnosed_types": CODES})
        + _bindings("preferences", {"location": TEXT, "latitude": FLOAT, "longitude": FLOAT}),
        (Group(None, ("age", "diagnosed_types", "location")),),
        _about_you_answered,
        forms.AboutYouForm,
    ),
    Step(
        2,
        N_("Warning signs"),
        N_(
            "Some headaches need a doctor before anything else. Please answer each question; "
            "choose \u201cNot sure\u201d if you do not know. If none of them apply to you, the button "
            "\u201cNone of these apply to me\u201d at the end answers the rest \u201cNo\u201d."
        ),
        (),
        FLAG_GROUPS,
        _warning_signs_answered,
    ),
    Step(
        3,
        N_("Your headaches"),
        N_("Think of the headaches you want help with. Leave out anything you are not sure about."),
        _bindings(
            "headache",
            {
                "days_per_month": INT,
                "frequent_for": CODE,
                "lifetime_attacks": CODE,
                "duration": CODE,
                "attack_frequency": CODE,
                "side": CODE,
                "around_eye_or_temple": BOOL,
                "quality": CODES,
                "severity": CODE,
                "worse_with_activity": BOOL,
                "nausea": CODE,
                "vomiting": BOOL,
                "light_sensitive": BOOL,
                "sound_sensitive": BOOL,
                "restless": BOOL,
                "autonomic_signs": CODES,
            },
        ),
        (
            Group(
                N_("How often and how long"),
                ("days_per_month", "frequent_for", "lifetime_attacks", "duration", "attack_frequency"),
            ),
            Group(
                N_("How the pain feels"), ("side", "around_eye_or_temple", "quality", "severity", "worse_with_activity")
            ),
            Group(
                N_("What comes with it"),
                ("nausea", "vomiting", "light_sensitive", "sound_sensitive", "restless", "autonomic_signs"),
            ),
        ),
        _has_part("headache"),
        forms.HeadacheForm,
    ),
    Step(
        4,
        N_("Aura"),
        N_("Some people get warning signs, called an aura, before or during a headache. Many people never do."),
        _bindings(
            "aura",
            {"present": BOOL}
            | {name: (CODES if name == "symptoms" else CODE if name == "episodes" else BOOL) for name in AURA_DETAILS},
        ),
        (
            Group(None, ("present",)),
            Group(N_("About your aura"), AURA_DETAILS, intro=N_("Only if you get an aura."), depends_on="present"),
        ),
        _has_part("aura"),
        forms.AuraForm,
    ),
    Step(
        5,
        N_("Neck and medicines"),
        N_("Leave out anything you are not sure about."),
        _bindings(
            "neck",
            {
                "pain_with_headache": BOOL,
                "began_with_neck_problem": BOOL,
                "provoked_by_movement_or_posture": BOOL,
                "provoked_by_pressure": BOOL,
                "improved_with_neck": CODE,
                "clinician_found_disorder": CODE,
            },
        )
        + _bindings(
            "medication",
            dict.fromkeys(MEDICINES, CODE)
            | {
                "for_3_months_or_more": BOOL,
                "triptan_relieves": CODE,
                "migraine_like_days": CODE,
            },
        ),
        (
            Group(
                N_("Your neck"),
                (
                    "pain_with_headache",
                    "began_with_neck_problem",
                    "provoked_by_movement_or_posture",
                    "provoked_by_pressure",
                    "improved_with_neck",
                    "clinician_found_disorder",
                ),
            ),
            Group(
                N_("Your medicines"),
                (*MEDICINES, "for_3_months_or_more", "triptan_relieves", "migraine_like_days"),
                intro=N_("On how many days a month do you take each of these for headache?"),
            ),
        ),
        _has_part("neck", "medication"),
        forms.NeckAndMedicinesForm,
    ),
    Step(
        6,
        N_("Safety and what suits you"),
        N_("Last step. Tell us what your practitioner should know and what would suit you."),
        _bindings(None, {"needling_safety": CODES})
        + _bindings(
            "preferences",
            {
                "location": TEXT,
                "latitude": FLOAT,
                "longitude": FLOAT,
            },
        )
        + (Binding("max_distance", DISTANCE, "preferences", "max_distance_km"),)
        + _bindings(
            "preferences",
            {
                "first_consultation": CODE,
                "languages": CODES,
                "practitioner_gender": CODE,
                "availability": CODES,
                "max_fee": INT,
                "insurance": TEXT,
                "accessibility": CODES,
            },
        ),
        (
            Group(N_("Needling safety"), ("needling_safety",)),
            Group(N_("Where and how"), ("location", "max_distance", "first_consultation")),
            Group(
                N_("More about what suits you (optional)"),
                ("languages", "practitioner_gender", "availability", "max_fee", "insurance", "accessibility"),
                details=True,
            ),
        ),
        _preferences_answered,
        forms.PreferencesForm,
    ),
)
STEP_COUNT = len(STEPS)
WARNING_SIGNS = 2


def get_step(number: int) -> Step | None:
    """The step with this number, or None."""
    return STEPS[number - 1] if 1 <= number <= STEP_COUNT else None


def first_unanswered(answers: Answers) -> int | None:
    """The number of the first step not answered yet, or None when all are."""
    return next((step.number for step in STEPS if not step.is_answered(answers)), None)


# -- between forms and answers ----------------------------------------------------------


def to_unit(km: float, unit: str) -> int:
    """A distance in km as a whole number in this unit."""
    return round(km / KM_PER_MILE if unit == MILES else km)


def to_km(distance: float, unit: str) -> float:
    """A distance in this unit, in km (to the metre, so that whole miles come back whole)."""
    return round(distance * KM_PER_MILE, 3) if unit == MILES else distance


def distance_unit_for(country: str | None) -> str:
    """Miles in the US and the UK, and where the country is not known; km elsewhere."""
    return KILOMETRES if country and country not in MILES_COUNTRIES else MILES


def _to_form(kind: str, value: Any, unit: str) -> Any:
    if kind == BOOL:
        return None if value is None else ("yes" if value else "no")
    if kind == DISTANCE:
        return to_unit(value, unit)
    return value


def form_data(step: Step, answers: Answers, unit: str = KILOMETRES) -> dict[str, Any]:
    """The step's saved answers as form data, to show them again; distances in this unit."""
    if step.number == WARNING_SIGNS:
        return dict(_section(answers, "red_flags"))
    data = {}
    for binding in step.bindings:
        source = answers if binding.section is None else _section(answers, binding.section)
        if binding.answer_key in source:
            data[binding.field] = _to_form(binding.kind, source[binding.answer_key], unit)
    if step.number == STEP_COUNT:
        data.setdefault("max_distance", DEFAULT_DISTANCE[unit])
        data["distance_unit"] = unit
    if step.number == 4 and "aura" in answers and "present" not in _section(answers, "aura"):
        data["present"] = "unsure"  # "not sure" is stored as no answer
    return data


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))


def _insurance(text: str) -> str:
    return SELF_PAY if is_self_pay(text) else text.strip()


def _to_answer(binding: Binding, value: Any, unit: str) -> Any:
    """The answer for a form value, or None when the question was left out."""
    if binding.kind == CODES:
        return _unique(list(value or ()))
    if value is None or value == "":
        return None
    if binding.kind == BOOL:
        return {"yes": True, "no": False}.get(value)
    if binding.kind == TEXT:
        text = value.strip()
        if not text:
            return None
        return _insurance(text) if binding.field == "insurance" else text
    if binding.kind == DISTANCE:
        return to_km(value, unit)
    return value


def merge(step: Step, form: FlaskForm, answers: Answers) -> dict[str, Any]:
    """The answers with this step's part replaced by the form's fields.

    A field left empty removes its answer; a field with an error keeps the answer saved before
    (so that Back never stores what failed validation).
    """
    merged = dict(answers)
    if step.number == WARNING_SIGNS:
        asked = {flag.id for flag in shown_flags(answers.get("age"))}
        red_flags = {key: value for key, value in _section(answers, "red_flags").items() if key in asked}
        for field in form:
            if field.name not in asked or field.errors:
                continue
            if field.data in ("yes", "no", "unsure"):
                red_flags[field.name] = field.data
            else:
                red_flags.pop(field.name, None)
        merged["red_flags"] = red_flags
        return merged
    parts: dict[str | None, dict[str, Any]] = {}
    for binding in step.bindings:
        if binding.section is None:
            part = parts.setdefault(None, merged)
        else:
            part = parts.setdefault(binding.section, dict(_section(answers, binding.section)))
        field = form[binding.field]
        if field.errors:
            continue
        value = _to_answer(binding, field.data, form.distance_unit.data if "distance_unit" in form else KILOMETRES)
        if value is None:
            part.pop(binding.answer_key, None)
        else:
            part[binding.answer_key] = value
    for section, part in parts.items():
        # Step 1 asks for the place only in passing: leaving it out writes no preferences yet.
        if section is not None and (part or section in answers or step.number != 1):
            merged[section] = part
    if step.number == 1:
        _forget_questions_not_asked(merged)
    if step.number == 4:
        aura = merged["aura"]
        if aura.get("present") is not True:
            # The details only count with an aura: without one they are not kept.
            merged["aura"] = {"present": aura["present"]} if "present" in aura else {}
    if step.number in (1, STEP_COUNT) and "preferences" in merged:
        preferences = merged["preferences"]
        typed = bool(preferences.get("location"))
        if typed or ("latitude" in preferences) != ("longitude" in preferences):
            # A typed place wins over a location found before (the script clears those as you type).
            preferences.pop("latitude", None)
            preferences.pop("longitude", None)
    return merged


def _forget_questions_not_asked(answers: dict[str, Any]) -> None:
    """Drop warning-sign answers to questions a patient of the new age is not asked (over 50 only)."""
    red_flags = answers.get("red_flags")
    if isinstance(red_flags, Mapping):
        asked = {flag.id for flag in shown_flags(answers.get("age"))}
        answers["red_flags"] = {key: value for key, value in red_flags.items() if key in asked}


def check(step: Step, form: FlaskForm, answers: Answers) -> bool:
    """The checks across questions that the fields cannot make alone; adds errors, returns whether all passed."""
    passed = True
    if step.number == WARNING_SIGNS:
        for flag in shown_flags(answers.get("age")):
            parent = form[flag.depends_on] if flag.depends_on else None
            field = form[flag.id]
            if parent is not None and parent.data in ("yes", "unsure") and not field.errors and not field.data:
                field.errors.append(gettext("Please answer this question too."))
                passed = False
    if step.number in (1, STEP_COUNT):
        typed = bool((form.location.data or "").strip()) and not form.location.errors
        found = form.latitude.data is not None and form.longitude.data is not None
        if typed:
            # The typed place is used: a location found before no longer matters.
            form.latitude.errors, form.longitude.errors = [], []
        elif form.latitude.errors or form.longitude.errors:
            form.location.errors.append(
                gettext("We could not use your location. Please type a town, city or ZIP code.")
            )
            passed = False
        elif step.number == STEP_COUNT and not found and not form.location.errors:
            # Step 1 asks for the place only for the emergency number: it may stay empty there.
            form.location.errors.append(gettext("Please type a town, city or ZIP code, or use your location."))
            passed = False
    if step.number == STEP_COUNT and form.max_distance.data is not None and not form.distance_unit.errors:
        unit = form.distance_unit.data
        if not 1 <= form.max_distance.data <= MAX_DISTANCE[unit]:
            form.max_distance.errors.append(
                gettext(
                    "Please choose from 1 to %(max)d %(unit)s.", max=MAX_DISTANCE[unit], unit=gettext(UNIT_WORDS[unit])
                )
            )
            passed = False
    return passed


def with_place(answers: Answers, latitude: float, longitude: float) -> dict[str, Any]:
    """The answers searching near this point instead of the place typed before."""
    preferences = {key: value for key, value in _section(answers, "preferences").items() if key != "location"}
    preferences.update(latitude=latitude, longitude=longitude)
    return {**answers, "preferences": preferences}


_NOT_CHOSEN: tuple[object, ...] = (None, "", [], "no_preference")


def group_is_open(group: Group, form: FlaskForm) -> bool:
    """Whether a closed group should start open: something in it is chosen or needs correcting."""
    return any(form[name].errors or form[name].data not in _NOT_CHOSEN for name in group.fields if name in form)
