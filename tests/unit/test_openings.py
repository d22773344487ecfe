"""The "next opening" hint: from weekly openings in the practice's local time."""

from datetime import UTC, datetime

from directory.services.search.openings import decode_openings, next_opening, next_opening_at

# 2026-12-01 is a Tuesday.
TUESDAY_10 = datetime(2026, 12, 1, 10, 0)
MONDAY, TUESDAY, WEDNESDAY, THURSDAY, SATURDAY = 0, 1, 2, 3, 5


def test_no_openings_give_no_hint():
    assert next_opening([], TUESDAY_10) is None


def test_an_opening_later_today_names_its_part_of_the_day():
    assert next_opening([(TUESDAY, 14 * 60, 16 * 60)], TUESDAY_10) == "This afternoon"


def test_an_opening_under_way_counts_from_now():
    assert next_opening([(TUESDAY, 9 * 60, 18 * 60)], TUESDAY_10) == "This morning"
    assert next_opening([(TUESDAY, 9 * 60, 18 * 60)], datetime(2026, 12, 1, 17, 30)) == "This evening"


def test_an_opening_that_has_ended_today_is_skipped():
    slots = [(TUESDAY, 8 * 60, 9 * 60), (WEDNESDAY, 8 * 60, 12 * 60)]
    assert next_opening(slots, TUESDAY_10) == "Tomorrow morning"


def test_later_days_are_named():
    assert next_opening([(SATURDAY, 13 * 60, 15 * 60), (MONDAY, 9 * 60, 10 * 60)], TUESDAY_10) == "Saturday afternoon"


def test_the_week_wraps_round():
    assert next_opening([(MONDAY, 18 * 60, 20 * 60)], TUESDAY_10) == "Monday evening"


def test_only_earlier_today_means_a_week_on():
    assert next_opening([(TUESDAY, 7 * 60, 9 * 60)], TUESDAY_10) == "Next Tuesday morning"


def test_the_earliest_opening_of_a_day_wins_whatever_the_order():
    slots = [(THURSDAY, 18 * 60, 19 * 60), (THURSDAY, 8 * 60, 9 * 60)]
    assert next_opening(slots, TUESDAY_10) == "Thursday morning"


def test_the_hint_uses_the_practice_s_local_time():
    # 15:00 UTC is 10:00 in New York: a morning opening there is still to come today.
    now = datetime(2026, 12, 1, 15, 0, tzinfo=UTC)
    assert next_opening_at([(TUESDAY, 11 * 60, 12 * 60)], 40.75, -73.99, now) == "This morning"
    # The same moment is 16:00 in Berlin: that morning has gone, so it is a week on.
    assert next_opening_at([(TUESDAY, 11 * 60, 12 * 60)], 52.52, 13.40, now) == "Next Tuesday morning"


def test_openings_pack_and_unpack():
    packed = ";".join(str((d * 1441 + s) * 1441 + e) for d, s, e in [(0, 0, 1440), (6, 1380, 1440), (2, 540, 780)])
    assert decode_openings(packed) == ((0, 0, 1440), (6, 1380, 1440), (2, 540, 780))
    assert decode_openings(None) == () and decode_openings("") == ()
