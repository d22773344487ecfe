"""Clinical rules of the questionnaire: red-flag triage and probable headache types.

Pure functions over the answers of CLINICAL.md section 5, already validated by the
schema layer; standard library only. Nothing here diagnoses: the results only steer a
patient towards a doctor or towards a practitioner. A missing answer means "unknown".

Choices made where CLINICAL.md is silent (the team's closing note quotes these):

Triage
- Under 18 (adults only): ``under_18`` and ``stop`` are set but no level is invented;
  the level still comes from the red flags. The message is the emergency or today
  message when one applies, otherwise the under-18 advice. No types are listed.
- "Unsure" raises emergency and today flags and not soon flags (section 1 says unsure
  counts as yes for those two tiers only).
- Every answered flag counts, whatever the age or the parent answer: ``over_50_only``
  and ``depends_on`` only tell a form when to show a question (``red_flags_to_ask``).
  Each child question restates its parent, so a yes to it stands on its own.
- "Over 50" means aged 50 or more (giant cell arteritis criteria use 50 and over).
- ``head_injury`` is listed before ``head_injury_acute`` (its parent), unlike the table.
- ``medication_overuse`` is also raised from the medicine answers when the days a month
  of all classes add up to 10 or more (bins count at their lower bound).
- Aura flags: ``aura_unchecked`` when an aura is reported and ``doctor_checked`` is not
  true (unknown counts as unchecked); ``aura_atypical`` when the symptoms include motor,
  brainstem or one-eye, even if a doctor checked them. Both come after the asked flags.
- The "do not stop your medicines suddenly" advice is added to soon and today messages.

Probable types
- Each ICHD-3 criterion a patient can report is one criterion; a compound one ("at least
  2 of") is met, not met, or unknown when the answers could still go either way.
- A list answer that is present but empty means "none of these"; absent means unknown.
- Migraine: only ``4h_3d`` fits 4 to 72 hours (``3h_4h`` and ``3d_7d`` do not); ``side:
  varies`` is not one-sided (nor both sides, for tension-type).
- Migraine with aura is only considered when an aura is reported; motor, brainstem or
  one-eye symptoms leave the "typical aura" criterion unmet.
- Chronic migraine: attacks may last 4 hours or more or be constant (attacks blend in
  chronic migraine); the migraine criterion is met by the migraine-without-aura features
  or the typical-aura features; triptan relief counts when triptans that help are taken
  on 10 or more days a month. A likely chronic migraine also replaces migraine without
  aura (the episodic code for the same headache).
- Tension-type: subtype from ``days_per_month`` (0 infrequent, 1-14 frequent, 15+
  chronic); unknown days are read as frequent with the frequency criterion unknown.
  Frequent needs no "more than 3 months", as section 2 words it. 15+ days for under 3
  months is read as chronic with its duration criterion unmet.
- Tie-break: the types read from the same headache answers (migraine without aura,
  chronic migraine, tension-type, cluster) compete. As in ICHD-3's "probable", any
  definite one (likely or doctor-confirmed) drops the possible ones: this generalises
  section 2 (definite tension-type beats probable migraine) to its reverse and to
  cluster. Two definite types are both listed. With none definite, migraine beats
  tension-type; a possible cluster stays beside a possible migraine. Migraine with aura
  (its own attacks), medication overuse and cervicogenic never compete.
- Medication-overuse is listed only when the overuse threshold itself is met (otherwise
  any frequent headache would be "possible" overuse); several classes together count
  when their days add up to 10 or more.
- Cervicogenic: three criteria (neck pain with the headaches; 2 of 3 signs of a neck
  cause, where movement, posture or pressure are one sign; a clinician's finding), so
  without the clinician's finding it is possible at best. ``improved_with_neck:
  not_applicable`` does not count as improvement.
- Doctor-confirmed: a diagnosed family marks every listed type of that family. When
  none is listed it adds the family's base type as possible: migraine with aura when an
  aura is reported, else migraine without aura; the tension-type subtype from the days
  (frequent when unknown); the single type of the other families. Doctor-confirmed types
  are never dropped by the tie-break, but a likely chronic migraine still replaces
  migraine without aura. ``other`` adds nothing.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

Answers = Mapping[str, Any]
# A criterion's state: True met, False not met, None unknown (unanswered).
Tri = bool | None

EMERGENCY = "emergency"
TODAY = "today"
SOON = "soon"
NONE = "none"
LEVELS = (NONE, SOON, TODAY, EMERGENCY)  # weakest to strongest
STOP_LEVELS = frozenset({EMERGENCY, TODAY})

ADULT_AGE = 18
OVER_50_AGE = 50

LIKELY = "likely"
POSSIBLE = "possible"
CONFIDENCE_WEIGHTS = MappingProxyType({"doctor_confirmed": 1.0, LIKELY: 1.0, POSSIBLE: 0.6})

DISCLAIMER = (
    "This questionnaire helps you find a practitioner. It cannot diagnose your headache; "
    "only a doctor can. If you are worried, contact a doctor; in an emergency call your "
    "local emergency number."
)

UNDER_18_MESSAGE = (
    "This questionnaire is for adults aged 18 and over. If you are under 18, please talk "
    "to a doctor about your headaches: they can help you find the right care."
)

LEVEL_MESSAGES = MappingProxyType({
    EMERGENCY: (
        "Please call your local emergency number now, or go to the nearest emergency "
        "department. Do not drive yourself. Your answers include a sign that needs a "
        "doctor straight away."
    ),
    TODAY: (
        "Please get medical help today: an urgent care centre, your own doctor or an "
        "out-of-hours service. Your answers include a sign a doctor should check first. "
        "Come back here once you have been checked."
    ),
    SOON: (
        "Please see a doctor within the next week or two, before you start dry needling. "
        "Your answers include a sign a doctor should look at. You can still look for a "
        "practitioner now."
    ),
    NONE: (
        "Your answers do not show any warning signs. If your headache changes or you are "
        "worried, contact a doctor."
    ),
})

MEDICATION_OVERUSE_ADVICE = (
    "Do not stop your medicines suddenly without advice from a doctor or pharmacist."
)


@dataclass(frozen=True)
class RedFlag:
    """One yes / no / unsure warning-sign question and the level a yes raises."""

    id: str
    question: str
    level: str
    over_50_only: bool = False
    depends_on: str | None = None


RED_FLAGS: tuple[RedFlag, ...] = (
    RedFlag("fever_meningism",
            "Do you have a fever together with a stiff neck, a new rash, or confusion?",
            EMERGENCY),
    RedFlag("fever", "Have you had a fever or chills with this headache?", TODAY),
    RedFlag("weight_loss",
            "Have you lost weight without trying, or had night sweats that soak your "
            "bedclothes?", SOON),
    RedFlag("cancer_history", "Have you ever had cancer?", SOON),
    RedFlag("neuro_deficit",
            "Have you had anything new such as weakness or numbness on one side of your "
            "body, a drooping face, trouble speaking, loss of sight, double vision, "
            "confusion, fainting or a seizure (not an aura a doctor has told you is part "
            "of your migraine)?", EMERGENCY),
    RedFlag("thunderclap",
            "In the past month, have you had a headache that went from nothing to its "
            "worst within about a minute?", EMERGENCY),
    RedFlag("onset_after_50",
            "Did this kind of headache first start after you turned 50?", SOON,
            over_50_only=True),
    RedFlag("giant_cell_arteritis",
            "Do you get pain in your jaw when you chew, or does your scalp or temple feel "
            "tender to touch?", TODAY, over_50_only=True),
    RedFlag("gca_vision",
            "Along with jaw pain or a tender scalp or temple, has your eyesight changed or "
            "have you lost any vision?", EMERGENCY, over_50_only=True,
            depends_on="giant_cell_arteritis"),
    RedFlag("new_or_changed",
            "Did your headaches start less than 3 months ago, or have they clearly changed "
            "in how often they come, how strong they are or how they feel?", SOON),
    RedFlag("positional",
            "Is your headache clearly worse when you sit or stand up and better when you "
            "lie down, or the other way round?", SOON),
    RedFlag("valsalva",
            "Is your headache brought on by coughing, sneezing, straining, exercise or "
            "sex?", SOON),
    RedFlag("papilledema_told",
            "Has an optician or eye doctor told you that the nerve at the back of your eye "
            "looks swollen?", TODAY),
    RedFlag("papilledema_symptoms",
            "Does your sight briefly go grey or dark, or do you hear a whooshing sound in "
            "your ears in time with your heartbeat?", SOON),
    RedFlag("progressive", "Is your headache getting steadily worse week by week?", SOON),
    RedFlag("pregnancy_new",
            "Are you pregnant, or did you give birth in the last 6 weeks, and is this "
            "headache new or different from your usual ones?", TODAY),
    RedFlag("pregnancy_severe",
            "While pregnant or since giving birth, have you noticed changes in your "
            "vision, sudden swelling of your face, hands or feet, or been told your blood "
            "pressure is high?", EMERGENCY, depends_on="pregnancy_new"),
    RedFlag("painful_red_eye",
            "Is one of your eyes red and painful, with blurred vision or coloured rings "
            "(halos) around lights?", EMERGENCY),
    RedFlag("head_injury",
            "Did this headache start after a head injury, a fall or whiplash?", SOON),
    RedFlag("head_injury_acute",
            "Was that injury in the last 7 days and, since then, have you been sick "
            "(vomited), felt unusually drowsy or confused? Or do you take blood thinners?",
            EMERGENCY, depends_on="head_injury"),
    RedFlag("immunosuppressed",
            "Do you have HIV, or take medicines that weaken your immune system (for "
            "example after a transplant, for cancer, or steroid tablets for a long time)?",
            SOON),
    RedFlag("immunosuppressed_fever",
            "With a weakened immune system, do you also have a fever?", TODAY,
            depends_on="immunosuppressed"),
    RedFlag("medication_overuse",
            "Do you take painkillers or migraine medicines on 10 or more days a month?",
            SOON),
    RedFlag("new_medicine",
            "Did your headache begin soon after you started a new medicine?", SOON),
)


@dataclass(frozen=True)
class DerivedFlag:
    """A flag raised from other answers rather than asked, with the reason in plain words."""

    id: str
    reason: str
    level: str = SOON


DERIVED_FLAGS: tuple[DerivedFlag, ...] = (
    DerivedFlag("aura_unchecked",
                "Your aura (the warning signs before a headache) has not been checked by "
                "a doctor. Please have it checked."),
    DerivedFlag("aura_atypical",
                "Weakness, dizziness, double vision or loss of sight in one eye during an "
                "aura should be checked by a doctor."),
)

# Flags are reported in this order, whatever order the answers came in.
FLAG_IDS: tuple[str, ...] = tuple(f.id for f in RED_FLAGS) + tuple(f.id for f in DERIVED_FLAGS)
FLAG_LEVELS: Mapping[str, str] = MappingProxyType(
    {f.id: f.level for f in RED_FLAGS} | {f.id: f.level for f in DERIVED_FLAGS}
)

TYPICAL_AURA = frozenset({"visual", "sensory", "speech"})
ATYPICAL_AURA = frozenset({"motor", "brainstem", "one_eye"})


@dataclass(frozen=True)
class TriageResult:
    """The triage level, the flags raised in order, the message, and whether to stop."""

    level: str
    flags: tuple[str, ...]
    message: str
    stop: bool
    under_18: bool = False


# -- headache types ---------------------------------------------------------------------

MIGRAINE_WITHOUT_AURA = "migraine_without_aura"
MIGRAINE_WITH_AURA = "migraine_with_aura"
CHRONIC_MIGRAINE = "chronic_migraine"
TENSION_TYPE_INFREQUENT = "tension_type_infrequent"
TENSION_TYPE_FREQUENT = "tension_type_frequent"
TENSION_TYPE_CHRONIC = "tension_type_chronic"
CLUSTER = "cluster"
MEDICATION_OVERUSE = "medication_overuse"
CERVICOGENIC = "cervicogenic"

# The families practitioners declare; the same codes as directory.vocabulary.
TREATMENT_FAMILIES = ("migraine", "tension_type", "cluster", "medication_overuse", "cervicogenic")
FAMILY_NAMES: Mapping[str, str] = MappingProxyType({
    "migraine": "migraine",
    "tension_type": "tension-type headache",
    "cluster": "cluster headache",
    "medication_overuse": "medication-overuse headache",
    "cervicogenic": "headache coming from the neck",
})


@dataclass(frozen=True)
class HeadacheType:
    """A headache type: its ICHD-3 code, plain name, treatment family and evidence."""

    id: str
    ichd3: str
    name: str
    family: str
    evidence_tier: str
    evidence_weight: float
    evidence_summary: str


_MIGRAINE_EVIDENCE = (
    "Only a few small trials, none compared with a sham (pretend) treatment. Dry needling "
    "may help, but the evidence is weak."
)
_TENSION_EVIDENCE = (
    "Trials that compared dry needling with a sham (pretend) treatment found that people "
    "were less disabled by their headaches."
)
_CERVICOGENIC_EVIDENCE = (
    "Trials that compared dry needling with a sham (pretend) treatment found it helps "
    "headaches that come from the neck."
)
_CLUSTER_EVIDENCE = (
    "There are no trials of dry needling for cluster headache. See a doctor or headache "
    "clinic first: there are medical treatments that work."
)
_MEDICATION_OVERUSE_EVIDENCE = (
    "There are no trials of dry needling for this headache. See a doctor or headache "
    "clinic first: it is treated by changing how medicines are taken, with medical advice."
)

HEADACHE_TYPES: Mapping[str, HeadacheType] = MappingProxyType({
    t.id: t for t in (
        HeadacheType(MIGRAINE_WITHOUT_AURA, "1.1", "migraine without aura", "migraine",
                     "C", 0.7, _MIGRAINE_EVIDENCE),
        HeadacheType(MIGRAINE_WITH_AURA, "1.2.1", "migraine with aura", "migraine",
                     "C", 0.7, _MIGRAINE_EVIDENCE),
        HeadacheType(CHRONIC_MIGRAINE, "1.3", "chronic migraine", "migraine",
                     "C", 0.7, _MIGRAINE_EVIDENCE),
        HeadacheType(TENSION_TYPE_INFREQUENT, "2.1", "occasional tension-type headache",
                     "tension_type", "B", 1.0, _TENSION_EVIDENCE),
        HeadacheType(TENSION_TYPE_FREQUENT, "2.2", "frequent tension-type headache",
                     "tension_type", "B", 1.0, _TENSION_EVIDENCE),
        HeadacheType(TENSION_TYPE_CHRONIC, "2.3", "chronic tension-type headache",
                     "tension_type", "B", 1.0, _TENSION_EVIDENCE),
        HeadacheType(CLUSTER, "3.1", "cluster headache", "cluster",
                     "D", 0.0, _CLUSTER_EVIDENCE),
        HeadacheType(MEDICATION_OVERUSE, "8.2", "medication-overuse headache",
                     "medication_overuse", "D", 0.0, _MEDICATION_OVERUSE_EVIDENCE),
        HeadacheType(CERVICOGENIC, "11.2.1", "headache coming from the neck (cervicogenic)",
                     "cervicogenic", "B", 1.0, _CERVICOGENIC_EVIDENCE),
    )
})
_TYPE_ORDER = tuple(HEADACHE_TYPES)


@dataclass(frozen=True)
class ProbableType:
    """A headache type the answers point to, how firmly, and why in plain words."""

    type: str
    ichd3: str
    confidence: str
    doctor_confirmed: bool
    evidence_tier: str
    reasons: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        """The treatment family practitioners declare for this type."""
        return HEADACHE_TYPES[self.type].family

    @property
    def evidence_weight(self) -> float:
        """The dry-needling evidence weight of this type (section 3)."""
        return HEADACHE_TYPES[self.type].evidence_weight

    @property
    def confidence_weight(self) -> float:
        """1.0 when doctor-confirmed or likely, 0.6 when possible."""
        key = "doctor_confirmed" if self.doctor_confirmed else self.confidence
        return CONFIDENCE_WEIGHTS[key]


@dataclass(frozen=True)
class Assessment:
    """Triage, probable types (none when triage stops), disclaimer and needling-safety items."""

    triage: TriageResult
    probable_types: tuple[ProbableType, ...]
    disclaimer: str
    needling_safety: tuple[str, ...]


# -- triage -----------------------------------------------------------------------------

def red_flags_to_ask(
    age: int | None, red_flag_answers: Answers | None = None
) -> tuple[RedFlag, ...]:
    """The red-flag questions to show a patient of this age, given the answers so far."""
    given = red_flag_answers or {}
    # Unknown age: ask everything rather than miss giant cell arteritis.
    over_50 = not isinstance(age, int) or age >= OVER_50_AGE
    return tuple(
        flag for flag in RED_FLAGS
        if (over_50 or not flag.over_50_only)
        and (flag.depends_on is None or given.get(flag.depends_on) in ("yes", "unsure"))
    )


def triage(answers: Answers) -> TriageResult:
    """Weigh the red flags, aura and medicine answers and age; say how urgently to see a doctor."""
    given = _section(answers, "red_flags")
    raised = {flag.id for flag in RED_FLAGS if _raises(flag, given.get(flag.id))}
    if _medicine_days(_section(answers, "medication")) >= 10:
        raised.add("medication_overuse")
    raised |= _aura_flags(_section(answers, "aura"))
    flags = tuple(flag_id for flag_id in FLAG_IDS if flag_id in raised)
    level = max((FLAG_LEVELS[f] for f in flags), key=LEVELS.index, default=NONE)
    under_18 = _is_under_18(answers.get("age"))
    return TriageResult(
        level=level,
        flags=flags,
        message=_triage_message(level, flags, under_18),
        stop=level in STOP_LEVELS or under_18,
        under_18=under_18,
    )


def _raises(flag: RedFlag, answer: Any) -> bool:
    if answer == "yes":
        return True
    # The spec counts "unsure" as yes for the emergency and today tiers only: missing a
    # meningitis or a bleed costs far more than a needless visit, unlike the soon tier.
    return answer == "unsure" and flag.level in STOP_LEVELS


def _is_under_18(age: Any) -> bool:
    return isinstance(age, (int, float)) and not isinstance(age, bool) and age < ADULT_AGE


def _aura_flags(aura: Answers) -> set[str]:
    if not _has_aura(aura):
        return set()
    raised = set()
    if aura.get("doctor_checked") is not True:
        raised.add("aura_unchecked")
    if set(aura.get("symptoms") or ()) & ATYPICAL_AURA:
        raised.add("aura_atypical")
    return raised


def _triage_message(level: str, flags: tuple[str, ...], under_18: bool) -> str:
    if under_18 and level not in STOP_LEVELS:
        return UNDER_18_MESSAGE
    message = LEVEL_MESSAGES[level]
    # A patient told to see a doctor about overuse may stop abruptly; withdrawal can
    # worsen headaches, so say so wherever they are not being sent to an emergency.
    if "medication_overuse" in flags and level != EMERGENCY:
        message = f"{message} {MEDICATION_OVERUSE_ADVICE}"
    return message


# -- answer readers ---------------------------------------------------------------------

def _section(answers: Answers, key: str) -> Answers:
    value = answers.get(key)
    return value if isinstance(value, Mapping) else {}


def _bool(value: Any) -> Tri:
    return value if isinstance(value, bool) else None


def _one_of(value: Any, accepted: Iterable[Any]) -> Tri:
    return None if value is None else value in accepted


def _contains(values: Any, item: str) -> Tri:
    return None if values is None else item in values


def _not(value: Tri) -> Tri:
    return None if value is None else not value


def _all_of(*values: Tri) -> Tri:
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def _any_of(*values: Tri) -> Tri:
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None


def _at_least(needed: int, values: Iterable[Tri]) -> Tri:
    values = list(values)
    met = sum(v is True for v in values)
    unknown = sum(v is None for v in values)
    if met >= needed:
        return True
    # Not met only once the unknown answers could no longer make up the shortfall.
    return False if met + unknown < needed else None


def _days_per_month(headache: Answers) -> int | None:
    days = headache.get("days_per_month")
    return days if isinstance(days, int) and not isinstance(days, bool) else None


def _has_aura(aura: Answers) -> bool:
    present = aura.get("present")
    return present is True or (present is None and bool(aura.get("symptoms")))


# Lower bound of each "days a month" bin: a sum of lower bounds never overstates use.
_MEDICINE_DAYS = {"0": 0, "1_4": 1, "5_9": 5, "10_14": 10, "15_plus": 15}
_SPECIFIC_MEDICINES = ("triptans", "combination", "opioids", "ergots")
_ALL_MEDICINES = ("simple_analgesics",) + _SPECIFIC_MEDICINES


def _medicine_days(medication: Answers) -> int:
    # Assumes different classes are taken on different days, as a patient usually
    # alternates them; ICHD-3 counts the total days of intake.
    return sum(_MEDICINE_DAYS.get(medication.get(name), 0) for name in _ALL_MEDICINES)


# -- one small evaluator per type -------------------------------------------------------

AT_LEAST_5_ATTACKS = frozenset({"5_9", "10_plus"})
MODERATE_OR_WORSE = frozenset({"moderate", "severe", "extreme"})
MORE_THAN_3_MONTHS = frozenset({"3_12m", "gt_1y"})
EPISODIC_TENSION_DURATIONS = frozenset({"30m_3h", "3h_4h", "4h_3d", "3d_7d"})
CHRONIC_TENSION_DURATIONS = EPISODIC_TENSION_DURATIONS | {"constant"}
CHRONIC_MIGRAINE_DURATIONS = frozenset({"4h_3d", "3d_7d", "constant"})
CLUSTER_DURATIONS = frozenset({"15_30m", "30m_3h"})


@dataclass(frozen=True)
class _Criterion:
    label: str
    met: Tri


@dataclass(frozen=True)
class _Evaluation:
    type_id: str
    criteria: tuple[_Criterion, ...]
    cap: str | None = None  # why this type can be no better than possible

    @property
    def confidence(self) -> str | None:
        unmet = sum(c.met is not True for c in self.criteria)
        if unmet == 0:
            return POSSIBLE if self.cap else LIKELY
        # ICHD-3's "probable": all criteria but one.
        return POSSIBLE if unmet == 1 else None

    def reasons(self) -> tuple[str, ...]:
        words = {True: "Matches", False: "Does not match", None: "Not answered"}
        lines = tuple(f"{words[c.met]}: {c.label}." for c in self.criteria)
        return lines + ((self.cap,) if self.cap else ())


def _migraine_pain(h: Answers) -> Tri:
    return _at_least(2, (
        _one_of(h.get("side"), {"one"}),
        _contains(h.get("quality"), "throbbing"),
        _one_of(h.get("severity"), MODERATE_OR_WORSE),
        _bool(h.get("worse_with_activity")),
    ))


def _migraine_symptoms(h: Answers) -> Tri:
    sick = _any_of(_one_of(h.get("nausea"), {"mild", "moderate"}), _bool(h.get("vomiting")))
    light_and_sound = _all_of(_bool(h.get("light_sensitive")), _bool(h.get("sound_sensitive")))
    return _any_of(sick, light_and_sound)


_MIGRAINE_PAIN = (
    "at least 2 of: one side, throbbing, moderate or worse, worse with everyday activity"
)
_MIGRAINE_SYMPTOMS = "feeling or being sick, or both light and sound bother you"


def _migraine_without_aura(h: Answers) -> _Evaluation:
    return _Evaluation(MIGRAINE_WITHOUT_AURA, (
        _Criterion("5 or more attacks", _one_of(h.get("lifetime_attacks"), AT_LEAST_5_ATTACKS)),
        _Criterion("attacks last 4 hours to 3 days", _one_of(h.get("duration"), {"4h_3d"})),
        _Criterion(_MIGRAINE_PAIN, _migraine_pain(h)),
        _Criterion(_MIGRAINE_SYMPTOMS, _migraine_symptoms(h)),
    ))


def _typical_aura_symptoms(aura: Answers) -> Tri:
    symptoms = set(aura.get("symptoms") or ())
    if not symptoms:
        return None
    return bool(symptoms & TYPICAL_AURA) and not symptoms & ATYPICAL_AURA


def _aura_features(aura: Answers) -> Tri:
    return _at_least(3, (_bool(aura.get(key)) for key in (
        "spreads_gradually", "succession", "lasts_5_60_min", "one_sided", "positive",
        "headache_within_60_min",
    )))


def _migraine_with_aura(aura: Answers) -> _Evaluation | None:
    if not _has_aura(aura):
        return None
    # An unchecked aura may be a TIA or another cause ICHD-3 says must be excluded first.
    cap = None if aura.get("doctor_checked") is True else (
        "Your aura has not been checked by a doctor yet, so this can only be 'possible'."
    )
    return _Evaluation(MIGRAINE_WITH_AURA, (
        _Criterion("2 or more aura episodes", _one_of(aura.get("episodes"), {"2_plus"})),
        _Criterion("aura with changes in sight, feeling or speech only",
                   _typical_aura_symptoms(aura)),
        _Criterion("at least 3 of the 6 usual aura features", _aura_features(aura)),
    ), cap)


def _15_days_for_3_months(h: Answers) -> Tri:
    days = _days_per_month(h)
    return _all_of(None if days is None else days >= 15,
                   _one_of(h.get("frequent_for"), MORE_THAN_3_MONTHS))


def _migraine_like_days(medication: Answers) -> Tri:
    days = medication.get("migraine_like_days")
    if days in ("8_14", "15_plus"):
        return True
    # Relief on 10 or more triptan days means at least 8 migraine days.
    relieved = medication.get("triptan_relieves") == "yes"
    if relieved and medication.get("triptans") in ("10_14", "15_plus"):
        return True
    return False if days == "0_7" else None


def _chronic_migraine(h: Answers, aura: Answers, medication: Answers) -> _Evaluation:
    headache_features = _all_of(
        _one_of(h.get("duration"), CHRONIC_MIGRAINE_DURATIONS),
        _migraine_pain(h),
        _migraine_symptoms(h),
    )
    aura_features = (
        _all_of(_typical_aura_symptoms(aura), _aura_features(aura)) if _has_aura(aura) else False
    )
    return _Evaluation(CHRONIC_MIGRAINE, (
        _Criterion("headache on 15 or more days a month for more than 3 months",
                   _15_days_for_3_months(h)),
        _Criterion("the headaches have migraine features",
                   _any_of(headache_features, aura_features)),
        _Criterion("migraine-like days (or days a triptan helps) on 8 or more days a month",
                   _migraine_like_days(medication)),
    ))


def _tension_pain(h: Answers) -> Tri:
    return _at_least(2, (
        _one_of(h.get("side"), {"both"}),
        _contains(h.get("quality"), "pressing"),
        _one_of(h.get("severity"), {"mild", "moderate"}),
        _not(_bool(h.get("worse_with_activity"))),
    ))


def _tension_type(h: Answers) -> _Evaluation:
    days = _days_per_month(h)
    light_and_sound = _all_of(_bool(h.get("light_sensitive")), _bool(h.get("sound_sensitive")))
    pain = _Criterion("at least 2 of: both sides, pressing or tight, mild or moderate, "
                      "not worse with everyday activity", _tension_pain(h))
    if days is not None and days >= 15:
        return _Evaluation(TENSION_TYPE_CHRONIC, (
            _Criterion("headache on 15 or more days a month for more than 3 months",
                       _15_days_for_3_months(h)),
            _Criterion("lasts 30 minutes or more, or is constant",
                       _one_of(h.get("duration"), CHRONIC_TENSION_DURATIONS)),
            pain,
            _Criterion("no vomiting, mild sickness at most, and not both light and sound "
                       "bother you",
                       _all_of(_one_of(h.get("nausea"), {"none", "mild"}),
                               _not(_bool(h.get("vomiting"))), _not(light_and_sound))),
        ))
    if days == 0:
        type_id, frequency = TENSION_TYPE_INFREQUENT, "on less than 1 day a month"
    else:
        type_id, frequency = TENSION_TYPE_FREQUENT, "on 1 to 14 days a month"
    return _Evaluation(type_id, (
        _Criterion(f"10 or more episodes, {frequency}",
                   _all_of(_one_of(h.get("lifetime_attacks"), {"10_plus"}),
                           None if days is None else True)),
        _Criterion("episodes last 30 minutes to 7 days",
                   _one_of(h.get("duration"), EPISODIC_TENSION_DURATIONS)),
        pain,
        _Criterion("no feeling or being sick, and not both light and sound bother you",
                   _all_of(_one_of(h.get("nausea"), {"none"}), _not(_bool(h.get("vomiting"))),
                           _not(light_and_sound))),
    ))


def _cluster(h: Answers) -> _Evaluation:
    signs = h.get("autonomic_signs")
    return _Evaluation(CLUSTER, (
        _Criterion("5 or more attacks", _one_of(h.get("lifetime_attacks"), AT_LEAST_5_ATTACKS)),
        _Criterion("severe pain on one side around the eye or temple for 15 minutes to 3 hours",
                   _all_of(_one_of(h.get("severity"), {"severe", "extreme"}),
                           _one_of(h.get("side"), {"one"}),
                           _bool(h.get("around_eye_or_temple")),
                           _one_of(h.get("duration"), CLUSTER_DURATIONS))),
        _Criterion("a red or watery eye, blocked or runny nose, or other signs on the same "
                   "side, or restlessness",
                   _any_of(None if signs is None else bool(signs), _bool(h.get("restless")))),
        _Criterion("from one attack every other day up to 8 a day",
                   _one_of(h.get("attack_frequency"), {"every_other_day_to_8_daily"})),
    ))


def _overuse_threshold(medication: Answers) -> Tri:
    days = {name: _MEDICINE_DAYS.get(medication.get(name)) for name in _ALL_MEDICINES}
    if (days["simple_analgesics"] or 0) >= 15:
        return True
    if any((days[name] or 0) >= 10 for name in _SPECIFIC_MEDICINES):
        return True
    taken = [d for d in days.values() if d]
    if len(taken) >= 2 and sum(taken) >= 10:
        return True
    return None if None in days.values() else False


def _medication_overuse(h: Answers, medication: Answers) -> _Evaluation | None:
    if _overuse_threshold(medication) is not True:
        return None
    return _Evaluation(MEDICATION_OVERUSE, (
        _Criterion("headache on 15 or more days a month for more than 3 months",
                   _15_days_for_3_months(h)),
        _Criterion("painkillers or migraine medicines on enough days a month to cause "
                   "headaches", True),
        _Criterion("medicines taken this often for 3 months or more",
                   _bool(medication.get("for_3_months_or_more"))),
    ), "Only a doctor can confirm medication-overuse headache, so this can only be 'possible'.")


def _cervicogenic(neck: Answers) -> _Evaluation:
    return _Evaluation(CERVICOGENIC, (
        _Criterion("neck pain with your headaches", _bool(neck.get("pain_with_headache"))),
        _Criterion("at least 2 of: began with a neck problem or injury, gets better when "
                   "your neck gets better, brought on by neck movement, posture or pressure",
                   _at_least(2, (
                       _bool(neck.get("began_with_neck_problem")),
                       _one_of(neck.get("improved_with_neck"), {"yes"}),
                       _any_of(_bool(neck.get("provoked_by_movement_or_posture")),
                               _bool(neck.get("provoked_by_pressure"))),
                   ))),
        _Criterion("a clinician found a neck problem on examination or a scan",
                   _one_of(neck.get("clinician_found_disorder"), {"yes"})),
    ))


# -- combining --------------------------------------------------------------------------

def _listed(evaluation: _Evaluation, confirmed: bool, confidence: str,
            reasons: tuple[str, ...]) -> ProbableType:
    kind = HEADACHE_TYPES[evaluation.type_id]
    note = (f"A doctor has diagnosed {FAMILY_NAMES[kind.family]}.",) if confirmed else ()
    return ProbableType(
        type=kind.id,
        ichd3=kind.ichd3,
        confidence=confidence,
        doctor_confirmed=confirmed,
        evidence_tier=kind.evidence_tier,
        reasons=note + reasons,
    )


def _diagnosed_families(answers: Answers) -> frozenset[str]:
    diagnosed = answers.get("diagnosed_types") or ()
    return frozenset(d for d in diagnosed if d in TREATMENT_FAMILIES)


def _base_type(family: str, evaluations: Mapping[str, _Evaluation], aura: Answers) -> _Evaluation:
    if family == "migraine":
        type_id = MIGRAINE_WITH_AURA if _has_aura(aura) else MIGRAINE_WITHOUT_AURA
    elif family == "tension_type":
        type_id = next(t for t in evaluations if HEADACHE_TYPES[t].family == "tension_type")
    else:
        type_id = {"cluster": CLUSTER, "medication_overuse": MEDICATION_OVERUSE,
                   "cervicogenic": CERVICOGENIC}[family]
    return evaluations.get(type_id) or _Evaluation(type_id, ())


def _is_definite(listed: ProbableType) -> bool:
    return listed.doctor_confirmed or listed.confidence == LIKELY


# Types read from the same "headache" answers, so they describe one headache and compete;
# migraine with aura (its own attacks), medication overuse and cervicogenic sit beside.
_SAME_HEADACHE = frozenset({
    MIGRAINE_WITHOUT_AURA, CHRONIC_MIGRAINE, TENSION_TYPE_INFREQUENT, TENSION_TYPE_FREQUENT,
    TENSION_TYPE_CHRONIC, CLUSTER,
})


def _resolve_competing_types(listed: dict[str, ProbableType]) -> None:
    chronic = listed.get(CHRONIC_MIGRAINE)
    if chronic is not None and chronic.confidence == LIKELY:
        # Chronic migraine is the code for the whole headache, episodes and tension-like
        # days included; a doctor's tension-type diagnosis still stands beside it.
        listed.pop(MIGRAINE_WITHOUT_AURA, None)
        for type_id in [t for t, p in listed.items() if p.family == "tension_type"]:
            if not listed[type_id].doctor_confirmed:
                del listed[type_id]
    competing = [t for t in listed if t in _SAME_HEADACHE]
    if any(_is_definite(listed[t]) for t in competing):
        # ICHD-3 gives a probable diagnosis only when no other disorder's criteria are
        # met, so a definite type drops the probable ones (section 2: definite
        # tension-type beats probable migraine). Definite types are never dropped.
        for type_id in competing:
            if not _is_definite(listed[type_id]):
                del listed[type_id]
    elif any(listed[t].family == "migraine" for t in competing):
        # Both only probable: migraine wins over tension-type.
        for type_id in competing:
            if listed[type_id].family == "tension_type":
                del listed[type_id]


def _rank(listed: ProbableType) -> tuple[int, float, int]:
    tier = 0 if _is_definite(listed) else 1
    return (tier, -listed.evidence_weight, _TYPE_ORDER.index(listed.type))


def probable_types(answers: Answers) -> list[ProbableType]:
    """The headache types the answers point to, best first; unclear types are left out."""
    headache = _section(answers, "headache")
    aura = _section(answers, "aura")
    medication = _section(answers, "medication")
    evaluated = (
        _migraine_without_aura(headache),
        _migraine_with_aura(aura),
        _chronic_migraine(headache, aura, medication),
        _tension_type(headache),
        _cluster(headache),
        _medication_overuse(headache, medication),
        _cervicogenic(_section(answers, "neck")),
    )
    evaluations = {e.type_id: e for e in evaluated if e is not None}
    diagnosed = _diagnosed_families(answers)
    listed = {
        type_id: _listed(e, HEADACHE_TYPES[type_id].family in diagnosed, e.confidence, e.reasons())
        for type_id, e in evaluations.items() if e.confidence is not None
    }
    for family in sorted(diagnosed):
        if not any(p.family == family for p in listed.values()):
            base = _base_type(family, evaluations, aura)
            # The doctor's word lists it, but the answers do not show it: possible.
            listed[base.type_id] = _listed(base, True, POSSIBLE, base.reasons())
    _resolve_competing_types(listed)
    return sorted(listed.values(), key=_rank)


def assess(answers: Answers) -> Assessment:
    """Triage the answers and, unless triage stops, list the probable headache types."""
    result = triage(answers)
    safety = answers.get("needling_safety") or ()
    return Assessment(
        triage=result,
        probable_types=() if result.stop else tuple(probable_types(answers)),
        disclaimer=DISCLAIMER,
        needling_safety=tuple(safety),
    )


def to_api_dict(assessment: Assessment) -> dict[str, Any]:
    """The JSON body of POST /api/v1/assessments for an assessment (CLINICAL.md section 5)."""
    return {
        "triage": {
            "level": assessment.triage.level,
            "flags": list(assessment.triage.flags),
            "message": assessment.triage.message,
        },
        "probable_types": [
            {
                "type": p.type,
                "ichd3": p.ichd3,
                "confidence": p.confidence,
                "doctor_confirmed": p.doctor_confirmed,
                "evidence_tier": p.evidence_tier,
            }
            for p in assessment.probable_types
        ],
        "disclaimer": assessment.disclaimer,
    }
