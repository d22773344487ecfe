"""The diary charts' numbers: what each chart and its table show."""

from datetime import date, timedelta

from directory.services.diary import charts, measures
from directory.services.diary.measures import DayRecord

TODAY = date(2025, 6, 18)  # a Wednesday


def test_pain_bands_and_the_mark_beside_the_colour():
    records = {
        date(2025, 6, 2): DayRecord(date(2025, 6, 2), False),
        date(2025, 6, 3): DayRecord(date(2025, 6, 3), True, pain=3),
        date(2025, 6, 4): DayRecord(date(2025, 6, 4), True, pain=4),
        date(2025, 6, 5): DayRecord(date(2025, 6, 5), True, pain=7),
    }
    month = charts.calendar_month(records, {date(2025, 6, 4)}, 2025, 6, TODAY)
    cells = {cell.day: cell for cell in month.cells}
    assert len(cells) == 18  # no cell after today
    assert [(cells[d].band, cells[d].mark) for d in sorted(records)] == [
        ("none", "–"),
        ("mild", "3"),
        ("moderate", "4"),
        ("severe", "7"),
    ]
    assert cells[date(2025, 6, 1)].band == "unrecorded" and cells[date(2025, 6, 1)].mark == ""
    assert cells[date(2025, 6, 4)].session and not cells[date(2025, 6, 5)].session
    # 1 June 2025 is a Sunday: the last column of the first week.
    assert (cells[date(2025, 6, 1)].x, cells[date(2025, 6, 2)].x) == (6 * charts.CELL_W, 0)
    assert month.following is None and month.previous == date(2025, 5, 1)


def test_weekly_counts_headache_days_and_marks_session_weeks():
    records = [DayRecord(TODAY - timedelta(days=n), headache=n % 2 == 0, pain=5) for n in range(14)]
    chart = charts.weekly(records, [TODAY - timedelta(days=9)], TODAY, weeks=3)
    this_week, last_week = chart.bars[-1], chart.bars[-2]
    assert this_week.start == date(2025, 6, 16) and this_week.days_recorded == 3 and this_week.headache_days == 2
    assert last_week.days_recorded == 7 and last_week.headache_days == 3
    assert last_week.session and not this_week.session
    assert chart.bars[0].days_recorded == 4


def test_the_pain_line_breaks_where_a_day_is_not_recorded():
    records = [DayRecord(TODAY - timedelta(days=n), True, pain=n) for n in (0, 1, 2, 5, 6, 9)]
    chart = charts.pain_over_time(records, [], TODAY, days=10)
    assert len(chart.points) == 6
    assert len(chart.lines) == 2  # 9 stands alone; 6-5 and 2-1-0 are lines
    assert [len(line.split()) for line in chart.lines] == [2, 3]


def test_before_after_needs_a_session_and_shows_coverage():
    assert charts.before_after(measures.summarise([], None)) is None
    day_one = TODAY - timedelta(days=40)
    records = [DayRecord(day_one - timedelta(days=n), n <= 10) for n in range(1, 29)]
    chart = charts.before_after(measures.summarise(records, day_one))
    baseline, first = chart.bars[0], chart.bars[1]
    assert baseline.value == 10 and baseline.window.days_recorded == 28
    assert first.value is None and first.height == 0
