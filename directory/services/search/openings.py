"""The "next opening" hint on a result card, from a practice's weekly openings in its own local time."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, SQLColumnExpression, String, cast, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from directory import vocabulary
from directory.models import AvailabilitySlot
from directory.services.core.text import N_, gettext
from directory.services.geo import zones

# Minutes 0 to 1440: an opening packs into one number, (weekday * 1441 + start) * 1441 + end.
MINUTE_CODES = 1441
MORNING_ENDS = 12 * 60
AFTERNOON_ENDS = 17 * 60


# The hint's words by part of the day, whole phrases so that each language can say them its own way.
THIS = {"morning": N_("This morning"), "afternoon": N_("This afternoon"), "evening": N_("This evening")}
TOMORROW = {"morning": N_("Tomorrow morning"), "afternoon": N_("Tomorrow afternoon"), "evening": N_("Tomorrow evening")}
ON_DAY = {"morning": N_("%(day)s morning"), "afternoon": N_("%(day)s afternoon"), "evening": N_("%(day)s evening")}
NEXT_DAY = {
    "morning": N_("Next %(day)s morning"),
    "afternoon": N_("Next %(day)s afternoon"),
    "evening": N_("Next %(day)s evening"),
}


def _part_of_day(minute: int) -> str:
    if minute < MORNING_ENDS:
        return "morning"
    if minute < AFTERNOON_ENDS:
        return "afternoon"
    return "evening"


def next_opening(slots: Iterable[tuple[int, int, int]], now: datetime) -> str | None:
    """When the next weekly opening (weekday, start minute, end minute) begins after `now` (the practice's local time).

    "This afternoon", "Tomorrow morning", "Tuesday evening" or, when the only opening is earlier
    today, "Next Monday morning"; an opening already under way counts from now. None without openings.
    """
    by_day: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for weekday, start, end in slots:
        by_day[weekday].append((start, end))
    if not by_day:
        return None
    today = now.weekday()
    minute = now.hour * 60 + now.minute
    for ahead in range(8):
        weekday = (today + ahead) % 7
        for start, end in sorted(by_day.get(weekday, ())):
            if ahead == 0 and end <= minute:
                continue
            if ahead == 7 and start >= minute:
                # A week on is today again: only what has already passed today.
                continue
            if ahead == 0:
                return str(gettext(THIS[_part_of_day(max(start, minute))]))
            if ahead == 1:
                return str(gettext(TOMORROW[_part_of_day(start)]))
            phrases = NEXT_DAY if ahead == 7 else ON_DAY
            return str(gettext(phrases[_part_of_day(start)], day=gettext(vocabulary.WEEKDAYS[weekday])))
    return None


def opening_of(code: int) -> tuple[int, int, int]:
    """(weekday, start minute, end minute) from its packed form (see openings_column)."""
    rest, end = divmod(code, MINUTE_CODES)
    weekday, start = divmod(rest, MINUTE_CODES)
    return weekday, start, end


def decode_openings(text: str | None) -> tuple[tuple[int, int, int], ...]:
    """A profile's weekly openings from openings_column's text ("" or None: none)."""
    return tuple(opening_of(int(code)) for code in (text or "").split(";") if code)


class _joined(FunctionElement[str]):
    """Text values joined by ";" in one row: group_concat in SQLite, string_agg in PostgreSQL."""

    type = String()
    name = "joined"
    inherit_cache = True


@compiles(_joined)
def _joined_sqlite(element: _joined, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ';')"


@compiles(_joined, "postgresql")
def _joined_postgresql(element: _joined, compiler: Any, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ';')"


def openings_column(profile_id: SQLColumnExpression[int]) -> ColumnElement[str]:
    """The profile's weekly openings as one text value, packed one number each, for a search page's own statement."""
    packed = (AvailabilitySlot.weekday * MINUTE_CODES + AvailabilitySlot.start_minute) * MINUTE_CODES + (
        AvailabilitySlot.end_minute
    )
    return (
        select(_joined(cast(packed, String)))
        .where(AvailabilitySlot.profile_id == profile_id)
        .scalar_subquery()
        .label("openings")
    )


def next_opening_at(
    openings: Iterable[tuple[int, int, int]],
    latitude: float | None,
    longitude: float | None,
    now: datetime | None = None,
) -> str | None:
    """The next-opening hint of a practice, from its weekly openings, in its own local time (geo.zones)."""
    now = now or datetime.now(UTC)
    return next_opening(openings, now.astimezone(zones.zone_at(latitude, longitude)))
