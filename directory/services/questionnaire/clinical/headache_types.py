"""Probable headache types from the answers, by the ICHD-3 criteria a patient can report.

Each type's criteria, as encoded here, and the choices made where ICHD-3 leaves room are
written out in docs/clinical-rules.md ("Probable headache types"), one section per type.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from directory import vocabulary
from directory.services.core.text import N_, gettext
from directory.services.questionnaire.clinical.readers import (
    Answers,
    Tri,
    all_of,
    any_of,
    at_least,
    at_most,
    boolean,
    contains,
    days_per_month,
    has_aura,
    negate,
    one_of,
    overuse_threshold,
    section,
)
from directory.services.questionnaire.clinical.triage import ATYPICAL_AURA, TYPICAL_AURA

LIKELY = "likely"
POSSIBLE = "possible"
CONFIDENCE_WEIGHTS = MappingProxyType({"doctor_confirmed": 1.0, LIKELY: 1.0, POSSIBLE: 0.6})

MIGRAINE_WITHOUT_AURA = "migraine_without_aura"
MIGRAINE_WITH_AURA = "migraine_with_aura"
CHRONIC_MIGRAINE = "chronic_migraine"
TENSION_TYPE_INFREQUENT = "tension_type_infrequent"
TENSION_TYPE_FREQUENT = "tension_type_frequent"
TENSION_TYPE_CHRONIC = "tension_type_chronic"
CLUSTER = "cluster"
MEDICATION_OVERUSE = "medication_overuse"
CERVICOGENIC = "cervicogenic"

# The families practitioners declare, each clinical type belongs to one (directory.vocabulary owns them).
TREATMENT_FAMILIES = tuple(family.code for family in vocabulary.HEADACHE_FAMILIES)


@dataclass(frozen=True)
class ClinicalType:
    """A clinical (ICHD-3) headache type: its code, plain name, treatment family and evidence."""

    id: str
    ichd3: str
    name: str
    family: str
    evidence_tier: str
    evidence_weight: float
    evidence_summary: str


_MIGRAINE_EVIDENCE = N_(
    "Only a few small trials, none compared with a sham (pretend) treatment. Dry needling "
    "may help, but the evidence is weak."
)
_TENSION_EVIDENCE = N_(
    "Trials that compared dry needling with a sham (pretend) treatment found that people "
    "were less disabled by their headaches."
)
_CERVICOGENIC_EVIDENCE = N_(
    "Trials that compared dry needling with a sham (pretend) treatment found it helps "
    "headaches that come from the neck."
)
_CLUSTER_EVIDENCE = N_(
    "There are no trials of dry needling for cluster headache. See a doctor or headache "
    "clinic first: there are medical treatments that work."
)
_MEDICATION_OVERUSE_EVIDENCE = N_(
    "There are no trials of dry needling for this headache. See a doctor or headache "
    "clinic first: it is treated by changing how medicines are taken, with medical advice."
)

CLINICAL_TYPES: Mapping[str, ClinicalType] = MappingProxyType(
    {
        t.id: t
        for t in (
            ClinicalType(
                MIGRAINE_WITHOUT_AURA, "1.1", N_("migraine without aura"), "migraine", "C", 0.7, _MIGRAINE_EVIDENCE
            ),
            ClinicalType(
                MIGRAINE_WITH_AURA, "1.2.1", N_("migraine with aura"), "migraine", "C", 0.7, _MIGRAINE_EVIDENCE
            ),
            ClinicalType(CHRONIC_MIGRAINE, "1.3", N_("chronic migraine"), "migraine", "C", 0.7, _MIGRAINE_EVIDENCE),
            ClinicalType(
                TENSION_TYPE_INFREQUENT,
                "2.1",
                N_("occasional tension-type headache"),
                "tension_type",
                "B",
                1.0,
                _TENSION_EVIDENCE,
            ),
            ClinicalType(
                TENSION_TYPE_FREQUENT,
                "2.2",
                N_("frequent tension-type headache"),
                "tension_type",
                "B",
                1.0,
                _TENSION_EVIDENCE,
            ),
            ClinicalType(
                TENSION_TYPE_CHRONIC,
                "2.3",
                N_("chronic tension-type headache"),
                "tension_type",
                "B",
                1.0,
                _TENSION_EVIDENCE,
            ),
            ClinicalType(CLUSTER, "3.1", N_("cluster headache"), "cluster", "D", 0.0, _CLUSTER_EVIDENCE),
            ClinicalType(
                MEDICATION_OVERUSE,
                "8.2",
                N_("medication-overuse headache"),
                "medication_overuse",
                "D",
                0.0,
                _MEDICATION_OVERUSE_EVIDENCE,
            ),
            ClinicalType(
                CERVICOGENIC,
                "11.2.1",
                N_("headache coming from the neck (cervicogenic)"),
                "cervicogenic",
                "B",
                1.0,
                _CERVICOGENIC_EVIDENCE,
            ),
        )
    }
)
_TYPE_ORDER = tuple(CLINICAL_TYPES)


@dataclass(frozen=True)
class ProbableType:
    """A clinical type the answers point to, how firmly, and why in plain words."""

    type: str
    ichd3: str
    confidence: str
    doctor_confirmed: bool
    evidence_tier: str
    reasons: tuple[str, ...] = ()

    @property
    def family(self) -> str:
        """The treatment family practitioners declare for this type."""
        return CLINICAL_TYPES[self.type].family

    @property
    def evidence_weight(self) -> float:
        """The dry-needling evidence weight of this type (section 3)."""
        return CLINICAL_TYPES[self.type].evidence_weight

    @property
    def confidence_weight(self) -> float:
        """1.0 when doctor-confirmed or likely, 0.6 when possible."""
        key = "doctor_confirmed" if self.doctor_confirmed else self.confidence
        return CONFIDENCE_WEIGHTS[key]


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
        # In the page's language (English outside a request); the labels are marked with N_ where they are written.
        words = {True: N_("Matches"), False: N_("Does not match"), None: N_("Not answered")}
        lines = tuple(
            str(gettext("%(verdict)s: %(criterion)s.", verdict=gettext(words[c.met]), criterion=gettext(c.label)))
            for c in self.criteria
        )
        return lines + ((str(gettext(self.cap)),) if self.cap else ())


def _migraine_pain(h: Answers) -> Tri:
    return at_least(
        2,
        (
            one_of(h.get("side"), {"one"}),
            contains(h.get("quality"), "throbbing"),
            one_of(h.get("severity"), MODERATE_OR_WORSE),
            boolean(h.get("worse_with_activity")),
        ),
    )


def _migraine_symptoms(h: Answers) -> Tri:
    sick = any_of(one_of(h.get("nausea"), {"mild", "moderate"}), boolean(h.get("vomiting")))
    light_and_sound = all_of(boolean(h.get("light_sensitive")), boolean(h.get("sound_sensitive")))
    return any_of(sick, light_and_sound)


_MIGRAINE_PAIN = N_("at least 2 of: one side, throbbing, moderate or worse, worse with everyday activity")
_MIGRAINE_SYMPTOMS = N_("nausea or vomiting, or both light and sound bother you")


def _migraine_without_aura(h: Answers) -> _Evaluation:
    return _Evaluation(
        MIGRAINE_WITHOUT_AURA,
        (
            _Criterion(N_("5 or more attacks"), one_of(h.get("lifetime_attacks"), AT_LEAST_5_ATTACKS)),
            _Criterion(N_("attacks last 4 hours to 3 days"), one_of(h.get("duration"), {"4h_3d"})),
            _Criterion(_MIGRAINE_PAIN, _migraine_pain(h)),
            _Criterion(_MIGRAINE_SYMPTOMS, _migraine_symptoms(h)),
        ),
    )


def _typical_aura_symptoms(aura: Answers) -> Tri:
    symptoms = set(aura.get("symptoms") or ())
    if not symptoms:
        return None
    return bool(symptoms & TYPICAL_AURA) and not symptoms & ATYPICAL_AURA


def _aura_features(aura: Answers) -> Tri:
    return at_least(
        3,
        (
            boolean(aura.get(key))
            for key in (
                "spreads_gradually",
                "succession",
                "lasts_5_60_min",
                "one_sided",
                "positive",
                "headache_within_60_min",
            )
        ),
    )


def _migraine_with_aura(aura: Answers) -> _Evaluation | None:
    if not has_aura(aura):
        return None
    # An unchecked aura may be a TIA or another cause ICHD-3 says must be excluded first.
    cap = (
        None
        if aura.get("doctor_checked") is True
        else (N_("Your aura has not been checked by a doctor yet, so this can only be 'possible'."))
    )
    return _Evaluation(
        MIGRAINE_WITH_AURA,
        (
            _Criterion(N_("2 or more aura episodes"), one_of(aura.get("episodes"), {"2_plus"})),
            _Criterion(N_("aura with changes in sight, feeling or speech only"), _typical_aura_symptoms(aura)),
            _Criterion(N_("at least 3 of the 6 usual aura features"), _aura_features(aura)),
        ),
        cap,
    )


def _15_days_for_3_months(h: Answers) -> Tri:
    days = days_per_month(h)
    return all_of(None if days is None else days >= 15, one_of(h.get("frequent_for"), MORE_THAN_3_MONTHS))


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
    headache_features = all_of(
        one_of(h.get("duration"), CHRONIC_MIGRAINE_DURATIONS),
        _migraine_pain(h),
        _migraine_symptoms(h),
    )
    aura_features = all_of(_typical_aura_symptoms(aura), _aura_features(aura)) if has_aura(aura) else False
    return _Evaluation(
        CHRONIC_MIGRAINE,
        (
            _Criterion(N_("headache on 15 or more days a month for more than 3 months"), _15_days_for_3_months(h)),
            _Criterion(N_("the headaches have migraine features"), any_of(headache_features, aura_features)),
            _Criterion(
                N_("migraine-like days (or days a triptan helps) on 8 or more days a month"),
                _migraine_like_days(medication),
            ),
        ),
    )


def _tension_pain(h: Answers) -> Tri:
    return at_least(
        2,
        (
            one_of(h.get("side"), {"both"}),
            contains(h.get("quality"), "pressing"),
            one_of(h.get("severity"), {"mild", "moderate"}),
            negate(boolean(h.get("worse_with_activity"))),
        ),
    )


def _tension_type(h: Answers) -> _Evaluation:
    days = days_per_month(h)
    light = boolean(h.get("light_sensitive"))
    sound = boolean(h.get("sound_sensitive"))
    vomiting = boolean(h.get("vomiting"))
    pain = _Criterion(
        N_("at least 2 of: both sides, pressing or tight, mild or moderate, not worse with everyday activity"),
        _tension_pain(h),
    )
    if days is not None and days >= 15:
        return _Evaluation(
            TENSION_TYPE_CHRONIC,
            (
                _Criterion(N_("headache on 15 or more days a month for more than 3 months"), _15_days_for_3_months(h)),
                _Criterion(
                    N_("lasts 30 minutes or more, or is constant"), one_of(h.get("duration"), CHRONIC_TENSION_DURATIONS)
                ),
                pain,
                # ICHD-3 2.3 C: one of light, sound or mild nausea may come with it, no more.
                _Criterion(
                    N_(
                        "no vomiting or worse than mild sickness, and at most one of: light "
                        "bothers you, sound bothers you, mild sickness"
                    ),
                    all_of(
                        negate(one_of(h.get("nausea"), {"moderate"})),
                        negate(vomiting),
                        at_most(1, (light, sound, one_of(h.get("nausea"), {"mild"}))),
                    ),
                ),
            ),
        )
    if days == 0:
        type_id, criterion = TENSION_TYPE_INFREQUENT, N_("10 or more episodes, on less than 1 day a month")
        for_long_enough: Tri = True
    else:
        # ICHD-3 2.2 A: the frequent form must have come that often for more than 3 months.
        type_id, criterion = (
            TENSION_TYPE_FREQUENT,
            N_("10 or more episodes, on 1 to 14 days a month for more than 3 months"),
        )
        for_long_enough = one_of(h.get("frequent_for"), MORE_THAN_3_MONTHS)
    return _Evaluation(
        type_id,
        (
            _Criterion(
                criterion,
                all_of(one_of(h.get("lifetime_attacks"), {"10_plus"}), None if days is None else True, for_long_enough),
            ),
            _Criterion(N_("episodes last 30 minutes to 7 days"), one_of(h.get("duration"), EPISODIC_TENSION_DURATIONS)),
            pain,
            _Criterion(
                N_("no nausea or vomiting, and at most one of: light bothers you, sound bothers you"),
                all_of(one_of(h.get("nausea"), {"none"}), negate(vomiting), at_most(1, (light, sound))),
            ),
        ),
    )


def _cluster(h: Answers) -> _Evaluation:
    signs = h.get("autonomic_signs")
    return _Evaluation(
        CLUSTER,
        (
            _Criterion(N_("5 or more attacks"), one_of(h.get("lifetime_attacks"), AT_LEAST_5_ATTACKS)),
            _Criterion(
                N_("severe pain on one side around the eye or temple for 15 minutes to 3 hours"),
                all_of(
                    one_of(h.get("severity"), {"severe", "extreme"}),
                    one_of(h.get("side"), {"one"}),
                    boolean(h.get("around_eye_or_temple")),
                    one_of(h.get("duration"), CLUSTER_DURATIONS),
                ),
            ),
            _Criterion(
                N_("a red or watery eye, blocked or runny nose, or other signs on the same side, or restlessness"),
                any_of(None if signs is None else bool(signs), boolean(h.get("restless"))),
            ),
            _Criterion(
                N_("from one attack every other day up to 8 a day"),
                one_of(h.get("attack_frequency"), {"every_other_day_to_8_daily"}),
            ),
        ),
    )


def _medication_overuse(h: Answers, medication: Answers) -> _Evaluation | None:
    if overuse_threshold(medication) is not True:
        return None
    return _Evaluation(
        MEDICATION_OVERUSE,
        (
            _Criterion(N_("headache on 15 or more days a month for more than 3 months"), _15_days_for_3_months(h)),
            _Criterion(N_("painkillers or migraine medicines on enough days a month to cause headaches"), True),
            _Criterion(
                N_("medicines taken this often for 3 months or more"), boolean(medication.get("for_3_months_or_more"))
            ),
        ),
        "Only a doctor can confirm medication-overuse headache, so this can only be 'possible'.",
    )


def _cervicogenic(neck: Answers) -> _Evaluation:
    return _Evaluation(
        CERVICOGENIC,
        (
            _Criterion(N_("neck pain with your headaches"), boolean(neck.get("pain_with_headache"))),
            _Criterion(
                N_(
                    "at least 2 of: began with a neck problem or injury, gets better when "
                    "your neck gets better, brought on by neck movement, posture or pressure"
                ),
                at_least(
                    2,
                    (
                        boolean(neck.get("began_with_neck_problem")),
                        one_of(neck.get("improved_with_neck"), {"yes"}),
                        any_of(
                            boolean(neck.get("provoked_by_movement_or_posture")),
                            boolean(neck.get("provoked_by_pressure")),
                        ),
                    ),
                ),
            ),
            _Criterion(
                N_("a clinician found a neck problem on examination or a scan"),
                one_of(neck.get("clinician_found_disorder"), {"yes"}),
            ),
        ),
    )


# -- combining --------------------------------------------------------------------------


def _listed(evaluation: _Evaluation, confirmed: bool, confidence: str, reasons: tuple[str, ...]) -> ProbableType:
    kind = CLINICAL_TYPES[evaluation.type_id]
    family = gettext(vocabulary.FAMILY_WORDS[kind.family])
    note = (str(gettext("A doctor has diagnosed %(family)s.", family=family)),) if confirmed else ()
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
        type_id = MIGRAINE_WITH_AURA if has_aura(aura) else MIGRAINE_WITHOUT_AURA
    elif family == "tension_type":
        type_id = next(t for t in evaluations if CLINICAL_TYPES[t].family == "tension_type")
    else:
        type_id = {"cluster": CLUSTER, "medication_overuse": MEDICATION_OVERUSE, "cervicogenic": CERVICOGENIC}[family]
    return evaluations.get(type_id) or _Evaluation(type_id, ())


def _is_definite(listed: ProbableType) -> bool:
    return listed.doctor_confirmed or listed.confidence == LIKELY


# Types read from the same "headache" answers, so they describe one headache and compete;
# migraine with aura (its own attacks), medication overuse and cervicogenic sit beside.
_SAME_HEADACHE = frozenset(
    {
        MIGRAINE_WITHOUT_AURA,
        CHRONIC_MIGRAINE,
        TENSION_TYPE_INFREQUENT,
        TENSION_TYPE_FREQUENT,
        TENSION_TYPE_CHRONIC,
        CLUSTER,
    }
)


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
    headache = section(answers, "headache")
    aura = section(answers, "aura")
    medication = section(answers, "medication")
    evaluated = (
        _migraine_without_aura(headache),
        _migraine_with_aura(aura),
        _chronic_migraine(headache, aura, medication),
        _tension_type(headache),
        _cluster(headache),
        _medication_overuse(headache, medication),
        _cervicogenic(section(answers, "neck")),
    )
    evaluations = {e.type_id: e for e in evaluated if e is not None}
    diagnosed = _diagnosed_families(answers)
    listed = {
        type_id: _listed(e, CLINICAL_TYPES[type_id].family in diagnosed, e.confidence, e.reasons())
        for type_id, e in evaluations.items()
        if e.confidence is not None
    }
    for family in sorted(diagnosed):
        if not any(p.family == family for p in listed.values()):
            base = _base_type(family, evaluations, aura)
            # The doctor's word lists it, but the answers do not show it: possible.
            listed[base.type_id] = _listed(base, True, POSSIBLE, base.reasons())
    _resolve_competing_types(listed)
    return sorted(listed.values(), key=_rank)
