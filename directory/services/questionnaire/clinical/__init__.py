"""Clinical rules of the questionnaire: red-flag triage and probable headache types.

Pure functions over the answers (the format of docs/clinical-rules.md, "The answers"),
already validated by the schema layer; standard library only. Nothing here diagnoses: the
results only steer a patient towards a doctor or towards a practitioner. Every rule, its
source and each choice made where the sources leave room is written out in
docs/clinical-rules.md, one section per rule.

Modules: ``flags`` (the questions and levels), ``messages``, ``triage``, ``headache_types``
and ``readers`` (three-valued reading of the answers). Import from this package.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from directory.services.core.text import gettext
from directory.services.questionnaire.clinical.flags import (
    ANSWERED,
    DERIVED,
    DERIVED_FLAGS,
    EMERGENCY,
    FLAG_IDS,
    FLAG_LABELS,
    FLAG_LEVELS,
    LEVELS,
    NONE,
    PREGNANCY,
    RED_FLAGS,
    SOON,
    STOP_LEVELS,
    TODAY,
    UNSURE,
    DerivedFlag,
    RedFlag,
)
from directory.services.questionnaire.clinical.headache_types import (
    CERVICOGENIC,
    CHRONIC_MIGRAINE,
    CLINICAL_TYPES,
    CLUSTER,
    CONFIDENCE_WEIGHTS,
    LIKELY,
    MEDICATION_OVERUSE,
    MIGRAINE_WITH_AURA,
    MIGRAINE_WITHOUT_AURA,
    POSSIBLE,
    TENSION_TYPE_CHRONIC,
    TENSION_TYPE_FREQUENT,
    TENSION_TYPE_INFREQUENT,
    TREATMENT_FAMILIES,
    ClinicalType,
    ProbableType,
    probable_types,
)
from directory.services.questionnaire.clinical.messages import (
    DISCLAIMER,
    LEVEL_MESSAGES,
    MEDICATION_OVERUSE_ADVICE,
    UNDER_18_MESSAGE,
)
from directory.services.questionnaire.clinical.readers import Answers
from directory.services.questionnaire.clinical.triage import (
    ADULT_AGE,
    ATYPICAL_AURA,
    OVER_50_AGE,
    TYPICAL_AURA,
    UNDER_18,
    RaisedFlag,
    TriageResult,
    flag_ids_at_level,
    red_flags_to_ask,
    triage,
)

__all__ = [
    "ADULT_AGE",
    "ANSWERED",
    "ATYPICAL_AURA",
    "CERVICOGENIC",
    "CHRONIC_MIGRAINE",
    "CLINICAL_TYPES",
    "CLUSTER",
    "CONFIDENCE_WEIGHTS",
    "DERIVED",
    "DERIVED_FLAGS",
    "DISCLAIMER",
    "EMERGENCY",
    "FLAG_IDS",
    "FLAG_LABELS",
    "FLAG_LEVELS",
    "LEVELS",
    "LEVEL_MESSAGES",
    "LIKELY",
    "MEDICATION_OVERUSE",
    "MEDICATION_OVERUSE_ADVICE",
    "MIGRAINE_WITHOUT_AURA",
    "MIGRAINE_WITH_AURA",
    "NONE",
    "OVER_50_AGE",
    "POSSIBLE",
    "PREGNANCY",
    "RED_FLAGS",
    "SOON",
    "STOP_LEVELS",
    "TENSION_TYPE_CHRONIC",
    "TENSION_TYPE_FREQUENT",
    "TENSION_TYPE_INFREQUENT",
    "TODAY",
    "TREATMENT_FAMILIES",
    "TYPICAL_AURA",
    "UNDER_18",
    "UNDER_18_MESSAGE",
    "UNSURE",
    "Answers",
    "Assessment",
    "ClinicalType",
    "DerivedFlag",
    "ProbableType",
    "RaisedFlag",
    "RedFlag",
    "TriageResult",
    "assess",
    "flag_ids_at_level",
    "probable_types",
    "red_flags_to_ask",
    "to_api_dict",
    "triage",
]


@dataclass(frozen=True)
class Assessment:
    """Triage, probable types (none when triage stops), disclaimer and needling-safety items."""

    triage: TriageResult
    probable_types: tuple[ProbableType, ...]
    disclaimer: str
    needling_safety: tuple[str, ...]


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


def to_api_dict(assessment: Assessment, emergency_number: str | None = None) -> dict[str, Any]:
    """The JSON body of POST /api/v1/assessments (docs/clinical-rules.md, "The assessment answer")."""
    result = assessment.triage
    # In the language the request asked for (Accept-Language); English outside a request.
    message = str(gettext(result.message))
    return {
        "triage": {
            "level": result.level,
            "flags": [{"id": f.id, "level": f.level, "source": f.source} for f in result.raised],
            "message": message,
        },
        "stop": None if result.stop_reason is None else {"reason": result.stop_reason, "message": message},
        "emergency_number": emergency_number,
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
        "disclaimer": str(gettext(assessment.disclaimer)),
    }
