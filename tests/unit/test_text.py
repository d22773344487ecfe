"""How dates, times and lists read on every page (core.text, geo.zones)."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from directory.services.core.text import clock, day_label, join_words, long_day_label
from directory.services.geo.zones import local_label


@pytest.mark.parametrize(
    ("day", "words"),
    [(date(2026, 12, 1), "Dec 1, 2026"), (date(2027, 6, 30), "Jun 30, 2027"), (date(2028, 2, 29), "Feb 29, 2028")],
)
def test_a_date_reads_month_day_year(day, words):
    assert day_label(day) == words


def test_an_appointment_day_has_its_weekday():
    assert long_day_label(date(2026, 12, 8)) == "Tuesday, December 8, 2026"


def test_a_moment_reads_in_the_practice_zone():
    # 14:30 UTC on 8 December is 09:30 in New York (EST, UTC-5) and 07:30 in Denver (MST, UTC-7).
    moment = datetime(2026, 12, 8, 14, 30, tzinfo=UTC)
    assert local_label(moment, ZoneInfo("America/New_York")) == "Tuesday, December 8, 2026, 09:30 (New York time)"
    assert local_label(moment, ZoneInfo("America/Denver")) == "Tuesday, December 8, 2026, 07:30 (Denver time)"


def test_a_moment_late_in_utc_is_the_day_before_in_los_angeles():
    moment = datetime(2026, 12, 2, 3, 15, tzinfo=UTC)
    assert local_label(moment, ZoneInfo("America/Los_Angeles")) == "Tuesday, December 1, 2026, 19:15 (Los Angeles time)"


@pytest.mark.parametrize(("minutes", "words"), [(0, "00:00"), (510, "08:30"), (1439, "23:59")])
def test_clock(minutes, words):
    assert clock(minutes) == words


@pytest.mark.parametrize(
    ("items", "words"), [([], ""), (["a"], "a"), (["a", "b"], "a and b"), (["a", "b", "c"], "a, b and c")]
)
def test_join_words(items, words):
    assert join_words(items) == words
