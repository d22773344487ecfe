"""Reading the answers: sections, three-valued criteria, and the medicine days of ICHD-3 8.2.

A missing answer means "unknown". A criterion's state is True (met), False (not met) or
None (unknown: the answers could still go either way). See docs/clinical-rules.md.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

Answers = Mapping[str, Any]
# A criterion's state: True met, False not met, None unknown (unanswered).
Tri = bool | None


def section(answers: Answers, key: str) -> Answers:
    """The named part of the answers, or an empty mapping when it is missing or not an object."""
    value = answers.get(key)
    return value if isinstance(value, Mapping) else {}


def boolean(value: Any) -> Tri:
    """A true/false answer, None when it is anything else (unanswered)."""
    return value if isinstance(value, bool) else None


def one_of(value: Any, accepted: Iterable[Any]) -> Tri:
    """Whether a choice is among the accepted ones, None when unanswered."""
    return None if value is None else value in accepted


def contains(values: Any, item: str) -> Tri:
    """Whether a list answer holds the item, None when unanswered."""
    return None if values is None else item in values


def negate(value: Tri) -> Tri:
    """Not, keeping unknown unknown."""
    return None if value is None else not value


def all_of(*values: Tri) -> Tri:
    """And over three values: one False decides, otherwise any unknown leaves it unknown."""
    if any(v is False for v in values):
        return False
    return True if all(v is True for v in values) else None


def any_of(*values: Tri) -> Tri:
    """Or over three values: one True decides, otherwise any unknown leaves it unknown."""
    if any(v is True for v in values):
        return True
    return False if all(v is False for v in values) else None


def at_least(needed: int, values: Iterable[Tri]) -> Tri:
    """Whether at least `needed` of the values are met, unknown while the unknowns could decide."""
    values = list(values)
    met = sum(v is True for v in values)
    unknown = sum(v is None for v in values)
    if met >= needed:
        return True
    # Not met only once the unknown answers could no longer make up the shortfall.
    return False if met + unknown < needed else None


def at_most(allowed: int, values: Iterable[Tri]) -> Tri:
    """Whether at most `allowed` of the values are met, unknown while the unknowns could decide."""
    values = list(values)
    met = sum(v is True for v in values)
    unknown = sum(v is None for v in values)
    if met > allowed:
        return False
    return True if met + unknown <= allowed else None


def days_per_month(headache: Answers) -> int | None:
    """Headache days a month, None when not given as a whole number."""
    days = headache.get("days_per_month")
    return days if isinstance(days, int) and not isinstance(days, bool) else None


def has_aura(aura: Answers) -> bool:
    """Whether an aura is reported: present, or symptoms listed without saying."""
    present = aura.get("present")
    return present is True or (present is None and bool(aura.get("symptoms")))


# Lower bound of each "days a month" bin: a sum of lower bounds never overstates use.
MEDICINE_DAYS = {"0": 0, "1_4": 1, "5_9": 5, "10_14": 10, "15_plus": 15}
SIMPLE_ANALGESICS = "simple_analgesics"
SPECIFIC_MEDICINES = ("triptans", "combination", "opioids", "ergots")
ALL_MEDICINES = (SIMPLE_ANALGESICS, *SPECIFIC_MEDICINES)
SIMPLE_OVERUSE_DAYS = 15
SPECIFIC_OVERUSE_DAYS = 10
COMBINED_OVERUSE_DAYS = 10


def _medicine_days(answer: object) -> int | None:
    """The days of intake a medicine answer stands for; None when unanswered."""
    return MEDICINE_DAYS.get(answer) if isinstance(answer, str) else None


def overuse_threshold(medication: Answers) -> Tri:
    """ICHD-3 8.2's days of intake: simple painkillers 15+, one specific class 10+, several 10+.

    None when the answers so far do not reach it but an unanswered class could.
    """
    days = {name: _medicine_days(medication.get(name)) for name in ALL_MEDICINES}
    if (days[SIMPLE_ANALGESICS] or 0) >= SIMPLE_OVERUSE_DAYS:
        return True
    if any((days[name] or 0) >= SPECIFIC_OVERUSE_DAYS for name in SPECIFIC_MEDICINES):
        return True
    # Several classes: assumes they are taken on different days, as a patient usually
    # alternates them; ICHD-3 counts the total days of intake.
    taken = [d for d in days.values() if d]
    if len(taken) >= 2 and sum(taken) >= COMBINED_OVERUSE_DAYS:
        return True
    return None if None in days.values() else False
