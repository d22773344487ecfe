"""The diary's outcome measures, as pure functions over day records (docs/diary.md states each rule and its source).

Nothing here reads the database or the clock: callers pass the records, the first session's day
and today, so every rule is tested case by case.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from typing import NamedTuple

WINDOW_DAYS = 28
# A window counts only when at least this many of its 28 days are recorded (75 %).
COMPLETE_AT = 21
MIGRAINE_DURATIONS = frozenset({"30m_4h", "4h_24h", "all_day"})
MIGRAINE_MEDICINES = frozenset({"triptan", "ergot"})
MODERATE_PAIN = 4
# The windows, in days from day 1 (the first session): (name, first day, last day), both ends included.
WINDOWS: tuple[tuple[str, int, int], ...] = (
    ("baseline", -28, -1),
    ("days_1_28", 1, 28),
    ("days_29_56", 29, 56),
    ("follow_up", 57, 84),
)
WINDOW_NAMES = tuple(name for name, _, _ in WINDOWS)
# Medication-overuse risk: days with the class in the last 30 days at or above which the alert shows.
OVERUSE_DAYS = {"triptan": 10, "ergot": 10, "opioid": 10, "combination": 10, "simple": 15}
OVERUSE_PERIOD_DAYS = 30
CHRONIC_HEADACHE_DAYS = 15
# An entry made more than this many days after its day is late (recall is poor after a week).
LATE_AFTER_DAYS = 7


class DayRecord(NamedTuple):
    """What one diary day says, as the measures read it; None means not recorded (read as no).

    A named tuple: two years of days are read for every diary page, and tuples are the cheapest to make.
    """

    day: date
    headache: bool
    pain: int | None = None
    duration: str | None = None
    one_side: bool | None = None
    throbbing: bool | None = None
    worse_with_activity: bool | None = None
    nausea_or_vomiting: bool | None = None
    light_and_sound: bool | None = None
    aura_5_60_min: bool | None = None
    medicines: frozenset[str] = frozenset()
    late: bool = False


def is_late(day: date, recorded_on: date) -> bool:
    """Whether an entry recorded on recorded_on is late for its day (more than 7 days after it)."""
    return (recorded_on - day).days > LATE_AFTER_DAYS


def is_headache_day(record: DayRecord) -> bool:
    """Any day with headache."""
    return record.headache


def is_moderate_or_worse_day(record: DayRecord) -> bool:
    """A headache day with worst pain 4 or more."""
    return record.headache and record.pain is not None and record.pain >= MODERATE_PAIN


def is_acute_medication_day(record: DayRecord) -> bool:
    """A day any acute medicine was taken."""
    return bool(record.medicines)


def is_migraine_day(record: DayRecord) -> bool:
    """Leiden-style: a headache of 30 minutes or more with 2 of the pain features and 1 of the others, or aura, or a triptan or ergot."""
    if record.medicines & MIGRAINE_MEDICINES:
        return True
    if not record.headache:
        return False
    if record.aura_5_60_min:
        return True
    if record.duration not in MIGRAINE_DURATIONS:
        return False
    pain_features = sum(
        bool(feature)
        for feature in (record.one_side, record.throbbing, is_moderate_or_worse_day(record), record.worse_with_activity)
    )
    return pain_features >= 2 and bool(record.nausea_or_vomiting or record.light_and_sound)


@dataclass(frozen=True)
class Window:
    """One 28-day window's figures; monthly figures are None unless the window is complete."""

    name: str
    start: date
    end: date
    days_recorded: int
    late_days: int
    complete: bool
    monthly_headache_days: float | None
    monthly_migraine_days: float | None
    monthly_moderate_or_worse_days: float | None
    monthly_acute_medication_days: float | None
    mean_pain: float | None


def monthly(count: int, days_recorded: int) -> float:
    """Days with something in a window, normalised to 28 days by the days recorded."""
    return count / days_recorded * WINDOW_DAYS


def window_bounds(first_session: date, name: str) -> tuple[date, date]:
    """The first and last day of a named window, day 1 being the first session (there is no day 0)."""
    for window_name, first, last in WINDOWS:
        if window_name == name:
            return _day(first_session, first), _day(first_session, last)
    raise KeyError(name)


def _day(day_one: date, number: int) -> date:
    # Day 1 is the session; day -1 the day before it.
    return day_one + timedelta(days=number - 1 if number > 0 else number)


def window(records: Iterable[DayRecord], name: str, start: date, end: date, include_late: bool = True) -> Window:
    """The figures of the records between start and end (both included); late ones only when include_late."""
    days = [r for r in records if start <= r.day <= end and (include_late or not r.late)]
    recorded = len({r.day for r in days})
    complete = recorded >= COMPLETE_AT

    def per_month(test: Callable[[DayRecord], bool]) -> float | None:
        return monthly(sum(1 for r in days if test(r)), recorded) if complete else None

    pains = [r.pain for r in days if r.headache and r.pain is not None]
    return Window(
        name=name,
        start=start,
        end=end,
        days_recorded=recorded,
        late_days=sum(1 for r in days if r.late),
        complete=complete,
        monthly_headache_days=per_month(is_headache_day),
        monthly_migraine_days=per_month(is_migraine_day),
        monthly_moderate_or_worse_days=per_month(is_moderate_or_worse_day),
        monthly_acute_medication_days=per_month(is_acute_medication_day),
        mean_pain=fmean(pains) if pains else None,
    )


@dataclass(frozen=True)
class Change:
    """Follow-up minus baseline, in monthly days and in per cent of the baseline."""

    days: float | None
    percent: float | None


@dataclass(frozen=True)
class Summary:
    """Before and after: the four windows (None before the first session), the change and the 50 % responder."""

    first_session: date | None
    windows: dict[str, Window | None]
    headache_change: Change
    migraine_change: Change
    responder_50: bool | None
    migraine_responder_50: bool | None
    late_days: int
    include_late: bool


def change(baseline: float | None, follow_up: float | None) -> Change:
    """Follow-up minus baseline; the per cent is None when the baseline is 0 (no fraction of nothing)."""
    if baseline is None or follow_up is None:
        return Change(None, None)
    difference = follow_up - baseline
    return Change(difference, difference / baseline * 100 if baseline else None)


def responder(baseline: float | None, follow_up: float | None) -> bool | None:
    """At least 50 % fewer monthly days at follow-up than at baseline; None when unknown or the baseline had none."""
    if baseline is None or follow_up is None or baseline == 0:
        return None
    return follow_up <= baseline / 2


def summarise(records: Sequence[DayRecord], first_session: date | None, include_late: bool = True) -> Summary:
    """The before / after summary: the patient's own counts late entries (include_late), outcome figures do not."""
    late_days = sum(1 for r in records if r.late) if include_late else 0
    if first_session is None:
        return Summary(
            None,
            dict.fromkeys(WINDOW_NAMES),
            Change(None, None),
            Change(None, None),
            None,
            None,
            late_days,
            include_late,
        )
    windows: dict[str, Window | None] = {
        name: window(records, name, *window_bounds(first_session, name), include_late=include_late)
        for name in WINDOW_NAMES
    }
    baseline, follow_up = windows["baseline"], windows["follow_up"]
    assert baseline is not None and follow_up is not None
    return Summary(
        first_session=first_session,
        windows=windows,
        headache_change=change(baseline.monthly_headache_days, follow_up.monthly_headache_days),
        migraine_change=change(baseline.monthly_migraine_days, follow_up.monthly_migraine_days),
        responder_50=responder(baseline.monthly_headache_days, follow_up.monthly_headache_days),
        migraine_responder_50=responder(baseline.monthly_migraine_days, follow_up.monthly_migraine_days),
        late_days=late_days,
        include_late=include_late,
    )


@dataclass(frozen=True)
class OveruseAlert:
    medicine_class: str
    days: int
    limit: int


@dataclass(frozen=True)
class Alerts:
    """Calm alerts over the last 30 days (today included): medication-overuse risk by class, and a chronic pattern."""

    overuse: tuple[OveruseAlert, ...]
    headache_days: int
    chronic_pattern: bool

    @property
    def any(self) -> bool:
        return bool(self.overuse) or self.chronic_pattern


def alerts(records: Iterable[DayRecord], today: date) -> Alerts:
    """Medicines on 10+ days (triptan, ergot, opioid, combination) or 15+ (simple), and 15+ headache days, in the last 30 days."""
    since = today - timedelta(days=OVERUSE_PERIOD_DAYS - 1)
    recent = [r for r in records if since <= r.day <= today]
    overuse = []
    for medicine_class, limit in OVERUSE_DAYS.items():
        days = sum(1 for r in recent if medicine_class in r.medicines)
        if days >= limit:
            overuse.append(OveruseAlert(medicine_class, days, limit))
    headache_days = sum(1 for r in recent if r.headache)
    return Alerts(tuple(overuse), headache_days, headache_days >= CHRONIC_HEADACHE_DAYS)


def rounded(value: float | None, places: int = 1) -> float | None:
    """A figure as the page and the JSON both show it."""
    return None if value is None else round(value, places)
