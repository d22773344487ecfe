"""Red-flag triage: how urgently to see a doctor, the flags raised and where each came from.

Every rule here is written out, with its source, in docs/clinical-rules.md ("Red flags",
"Unsure answers", "Flags the answers raise", "Under 18").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from directory.services.questionnaire.clinical.flags import (
    ANSWERED,
    AURA_ATYPICAL,
    AURA_UNCHECKED,
    DERIVED,
    EMERGENCY,
    FLAG_IDS,
    FLAG_LABELS,
    FLAG_LEVELS,
    LEVELS,
    MEDICATION_OVERUSE_FLAG,
    NONE,
    RED_FLAGS,
    SOON,
    STOP_LEVELS,
    TODAY,
    UNSURE,
    RedFlag,
)
from directory.services.questionnaire.clinical.messages import (
    LEVEL_MESSAGES,
    MEDICATION_OVERUSE_ADVICE,
    UNDER_18_MESSAGE,
)
from directory.services.questionnaire.clinical.readers import Answers, has_aura, overuse_threshold, section

ADULT_AGE = 18
OVER_50_AGE = 50
UNDER_18 = "under_18"

TYPICAL_AURA = frozenset({"visual", "sensory", "speech"})
ATYPICAL_AURA = frozenset({"motor", "brainstem", "one_eye"})

# When one flag is raised in two ways, the firmer source is reported.
_SOURCE_RANK = (UNSURE, DERIVED, ANSWERED)


@dataclass(frozen=True)
class RaisedFlag:
    """A flag the answers raised: its id, its level here, where it came from and its label."""

    id: str
    level: str
    source: str  # "answered", "unsure" or "derived"
    label: str


@dataclass(frozen=True)
class TriageResult:
    """The triage level, the flags raised in order, the message, and whether and why to stop."""

    level: str
    flags: tuple[str, ...]
    message: str
    stop: bool
    under_18: bool = False
    raised: tuple[RaisedFlag, ...] = ()
    stop_reason: str | None = None  # "emergency", "today" or "under_18"

    @property
    def unsure_labels(self) -> tuple[str, ...]:
        """The labels of the flags raised by an "unsure" answer, in flag order."""
        return tuple(flag.label for flag in self.raised if flag.source == UNSURE)


def red_flags_to_ask(age: int | None, red_flag_answers: Answers | None = None) -> tuple[RedFlag, ...]:
    """The red-flag questions to show a patient of this age, given the answers so far."""
    given = red_flag_answers or {}
    # Unknown age: ask everything rather than miss giant cell arteritis.
    over_50 = not isinstance(age, int) or age >= OVER_50_AGE
    return tuple(
        flag
        for flag in RED_FLAGS
        if (over_50 or not flag.over_50_only)
        and (flag.depends_on is None or given.get(flag.depends_on) in ("yes", "unsure"))
    )


def triage(answers: Answers) -> TriageResult:
    """Weigh the red flags, aura and medicine answers and age; say how urgently to see a doctor."""
    found: dict[str, RaisedFlag] = {}
    for flag in _answered_flags(section(answers, "red_flags")) + _derived_flags(answers):
        known = found.get(flag.id)
        if known is None or _SOURCE_RANK.index(flag.source) > _SOURCE_RANK.index(known.source):
            found[flag.id] = flag
    raised = tuple(found[flag_id] for flag_id in FLAG_IDS if flag_id in found)
    level = max((f.level for f in raised), key=LEVELS.index, default=NONE)
    under_18 = _is_under_18(answers.get("age"))
    flags = tuple(f.id for f in raised)
    stop_reason = level if level in STOP_LEVELS else (UNDER_18 if under_18 else None)
    return TriageResult(
        level=level,
        flags=flags,
        message=_triage_message(level, flags, under_18),
        stop=stop_reason is not None,
        under_18=under_18,
        raised=raised,
        stop_reason=stop_reason,
    )


def _answered_flags(given: Mapping[str, Any]) -> list[RaisedFlag]:
    # Every answered flag counts, whatever the age or the parent answer: a child question
    # restates its parent, so a yes to it stands on its own ("never ignore a yes").
    # "Unsure" counts as yes in every tier: a needless visit costs less than a missed cause.
    sources = {"yes": ANSWERED, "unsure": UNSURE}
    return [
        RaisedFlag(flag.id, flag.level, sources[given[flag.id]], flag.label)
        for flag in RED_FLAGS
        if flag.level != NONE and given.get(flag.id) in sources
    ]


def _derived_flags(answers: Answers) -> list[RaisedFlag]:
    raised = []
    if overuse_threshold(section(answers, "medication")) is True:
        raised.append(_derived(MEDICATION_OVERUSE_FLAG, SOON))
    aura = section(answers, "aura")
    if has_aura(aura):
        checked = aura.get("doctor_checked") is True
        if not checked:
            raised.append(_derived(AURA_UNCHECKED, SOON))
        if set(aura.get("symptoms") or ()) & ATYPICAL_AURA:
            raised.append(_derived(AURA_ATYPICAL, _atypical_aura_level(checked, aura.get("episodes"))))
    return raised


def _atypical_aura_level(checked: bool, episodes: Any) -> str:
    if checked:
        return SOON
    # Recurring unchecked: today. A first episode may be a stroke, and an unknown count
    # could be a first episode, so anything but "2_plus" is an emergency.
    return TODAY if episodes == "2_plus" else EMERGENCY


def _derived(flag_id: str, level: str) -> RaisedFlag:
    return RaisedFlag(flag_id, level, DERIVED, FLAG_LABELS[flag_id])


def _is_under_18(age: Any) -> bool:
    return isinstance(age, (int, float)) and not isinstance(age, bool) and age < ADULT_AGE


def _triage_message(level: str, flags: tuple[str, ...], under_18: bool) -> str:
    if under_18 and level not in STOP_LEVELS:
        return UNDER_18_MESSAGE
    message = LEVEL_MESSAGES[level]
    # A patient told to see a doctor about overuse may stop abruptly; withdrawal can
    # worsen headaches, so say so wherever they are not being sent to an emergency.
    if MEDICATION_OVERUSE_FLAG in flags and level != EMERGENCY:
        message = f"{message} {MEDICATION_OVERUSE_ADVICE}"
    return message


def flag_ids_at_level(stored_flags: Any, level: str) -> list[str]:
    """The ids of stored triage flags at a level: flag objects, or bare ids stored before them."""
    ids: list[str] = []
    for flag in stored_flags or ():
        if isinstance(flag, Mapping):
            flag_id = flag.get("id")
            if flag.get("level") == level and isinstance(flag_id, str):
                ids.append(flag_id)
        elif isinstance(flag, str) and FLAG_LEVELS.get(flag) == level:
            ids.append(flag)
    return ids
