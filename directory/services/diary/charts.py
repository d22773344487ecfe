"""The diary's charts as numbers and SVG geometry, computed here and drawn by templates/diary/_charts.html.

Server-rendered SVG: no JavaScript, no inline style (colours are CSS classes, so dark mode is the
stylesheet's), and each chart comes with the table of its numbers.
"""

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from directory.services.core.text import N_, gettext, month_year_label, weekday_letters
from directory.services.diary import measures
from directory.services.diary.measures import DayRecord

WEEKS_SHOWN = 26
PAIN_DAYS_SHOWN = 90
# Drawing areas (SVG user units; the SVG scales to the page's width).
WIDTH, HEIGHT = 320, 170
LEFT, RIGHT, TOP, BOTTOM = 28, 8, 12, 30


def pain_band(record: DayRecord | None) -> str:
    """The colour class of a day: not recorded, no headache, mild (0-3), moderate (4-6), severe (7-10)."""
    if record is None:
        return "unrecorded"
    if not record.headache:
        return "none"
    pain = record.pain or 0
    return "mild" if pain < 4 else "moderate" if pain < 7 else "severe"


# The catalog's English (N_), translated where shown.
BAND_WORDS = {
    "unrecorded": N_("not recorded"),
    "none": N_("no headache"),
    "mild": N_("mild (0-3)"),
    "moderate": N_("moderate (4-6)"),
    "severe": N_("severe (7-10)"),
}


@dataclass(frozen=True)
class CalendarCell:
    day: date
    x: int
    y: int
    band: str
    mark: str  # the non-colour cue: the pain number, "–" for no headache, "" when not recorded
    session: bool
    words: str  # in the page's language


@dataclass(frozen=True)
class CalendarMonth:
    year: int
    month: int
    title: str  # "March 2025", in the page's language
    cells: list[CalendarCell]
    height: int
    previous: date | None
    following: date | None
    weekdays: tuple[str, ...]  # the columns' letters from Monday, in the page's language


CELL_W, CELL_H, CAL_TOP = 44, 40, 22


def calendar_month(
    records: dict[date, DayRecord], sessions: set[date], year: int, month: int, today: date
) -> CalendarMonth:
    """A month's grid, weeks from Monday, each day coloured by pain and marked with its number."""
    cells = []
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    for row, week_days in enumerate(weeks):
        for column, day in enumerate(week_days):
            if day.month != month or day > today:
                continue
            record = records.get(day)
            band = pain_band(record)
            mark = "" if record is None else ("–" if not record.headache else str(record.pain or 0))
            words = (
                gettext(BAND_WORDS[band])
                if record is None or not record.headache
                else gettext("pain %(pain)s", pain=record.pain or 0)
            )
            cells.append(CalendarCell(day, column * CELL_W, CAL_TOP + row * CELL_H, band, mark, day in sessions, words))
    # Rows still to come this month take no room.
    rows = (max(cell.y for cell in cells) - CAL_TOP) // CELL_H + 1 if cells else 1
    first = date(year, month, 1)
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    return CalendarMonth(
        year,
        month,
        month_year_label(first),
        cells,
        CAL_TOP + rows * CELL_H,
        previous if previous.year >= 2000 else None,
        following if following <= today else None,
        weekday_letters(),
    )


@dataclass(frozen=True)
class WeekBar:
    start: date
    headache_days: int
    days_recorded: int
    session: bool
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class WeeklyChart:
    bars: list[WeekBar]
    bar_width: float
    baseline_y: float
    ticks: list[tuple[int, float]]


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def weekly(
    records: Iterable[DayRecord], sessions: Iterable[date], today: date, weeks: int = WEEKS_SHOWN
) -> WeeklyChart:
    """Headache days per week (Monday to Sunday) over the last weeks, each week with a session marked."""
    first = _monday(today) - timedelta(weeks=weeks - 1)
    headache_days, recorded = [0] * weeks, [0] * weeks
    for record in records:
        if first <= record.day <= today:
            index = (record.day - first).days // 7
            recorded[index] += 1
            headache_days[index] += record.headache
    session_weeks = {(day - first).days // 7 for day in sessions if first <= day <= today}
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / weeks
    bottom = TOP + plot_h
    bars = []
    for index in range(weeks):
        height = headache_days[index] / 7 * plot_h
        bars.append(
            WeekBar(
                first + timedelta(weeks=index),
                headache_days[index],
                recorded[index],
                index in session_weeks,
                round(LEFT + index * slot + slot * 0.15, 2),
                round(bottom - height, 2),
                round(height, 2),
            )
        )
    ticks = [(n, round(bottom - n / 7 * plot_h, 2)) for n in (0, 7)]
    return WeeklyChart(bars, round(slot * 0.7, 2), bottom, ticks)


@dataclass(frozen=True)
class PainPoint:
    day: date
    pain: int
    headache: bool
    x: float
    y: float


@dataclass(frozen=True)
class PainChart:
    first: date
    last: date
    points: list[PainPoint]
    # Lines join consecutive recorded days only: a gap in the diary is a gap in the line.
    lines: list[str]
    sessions: list[tuple[date, float]]
    ticks: list[tuple[int, float]]
    baseline_y: float


def pain_over_time(
    records: Iterable[DayRecord], sessions: Iterable[date], today: date, days: int = PAIN_DAYS_SHOWN
) -> PainChart:
    """The worst pain of each recorded day over the last days (0 on a day without headache)."""
    first = today - timedelta(days=days - 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    bottom = TOP + plot_h

    def x_of(day: date) -> float:
        return round(LEFT + (day - first).days / max(days - 1, 1) * plot_w, 2)

    points = [
        PainPoint(r.day, (r.pain or 0) if r.headache else 0, r.headache, x_of(r.day), 0.0)
        for r in sorted(records, key=lambda r: r.day)
        if first <= r.day <= today
    ]
    points = [PainPoint(p.day, p.pain, p.headache, p.x, round(bottom - p.pain / 10 * plot_h, 2)) for p in points]
    lines: list[str] = []
    run: list[PainPoint] = []
    for point in points:
        if run and (point.day - run[-1].day).days > 1:
            if len(run) > 1:
                lines.append(" ".join(f"{p.x},{p.y}" for p in run))
            run = []
        run.append(point)
    if len(run) > 1:
        lines.append(" ".join(f"{p.x},{p.y}" for p in run))
    marks = [(day, x_of(day)) for day in sorted(sessions) if first <= day <= today]
    ticks = [(n, round(bottom - n / 10 * plot_h, 2)) for n in (0, 5, 10)]
    return PainChart(first, today, points, lines, marks, ticks, bottom)


# The catalog's English (N_), translated where shown.
WINDOW_LABELS = {
    "baseline": N_("Before (days -28 to -1)"),
    "days_1_28": N_("Days 1-28"),
    "days_29_56": N_("Days 29-56"),
    "follow_up": N_("Follow-up (days 57-84)"),
}


@dataclass(frozen=True)
class SummaryBar:
    name: str
    label: str  # the catalog's English, translated where shown
    window: measures.Window
    value: float | None
    x: float
    y: float
    height: float


@dataclass(frozen=True)
class BeforeAfterChart:
    bars: list[SummaryBar]
    bar_width: float
    baseline_y: float
    top_value: int


def before_after(summary: measures.Summary) -> BeforeAfterChart | None:
    """Monthly headache days in each window with its coverage; None before the first session."""
    if summary.first_session is None:
        return None
    windows: Sequence[measures.Window] = [w for w in summary.windows.values() if w is not None]
    top_value = max([28 if any((w.monthly_headache_days or 0) > 14 for w in windows) else 14])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / len(windows)
    bottom = TOP + plot_h
    bars = []
    for index, window in enumerate(windows):
        value = measures.rounded(window.monthly_headache_days)
        height = (value or 0) / top_value * plot_h
        bars.append(
            SummaryBar(
                window.name,
                WINDOW_LABELS[window.name],
                window,
                value,
                round(LEFT + index * slot + slot * 0.2, 2),
                round(bottom - height, 2),
                round(height, 2),
            )
        )
    return BeforeAfterChart(bars, round(slot * 0.6, 2), bottom, top_value)
