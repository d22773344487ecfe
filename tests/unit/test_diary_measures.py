"""The diary's measures, rule by rule (docs/diary.md), with hand-worked numbers."""

from datetime import date, timedelta

import pytest

from directory.services.diary import measures
from directory.services.diary.measures import DayRecord

DAY_ONE = date(2025, 3, 1)


def free(day: date, late: bool = False) -> DayRecord:
    return DayRecord(day=day, headache=False, late=late)


def headache(day: date, pain: int = 5, late: bool = False, **fields) -> DayRecord:
    return DayRecord(day=day, headache=True, pain=pain, late=late, **fields)


def days(start: date, count: int) -> list[date]:
    return [start + timedelta(days=n) for n in range(count)]


def migraine(day: date = date(2025, 1, 1), **fields) -> DayRecord:
    base = {"duration": "4h_24h", "one_side": True, "throbbing": True, "nausea_or_vomiting": True}
    return headache(day, **{**base, **fields})


# Migraine day (Leiden-style)


def test_migraine_day_with_two_pain_features_and_nausea():
    assert measures.is_migraine_day(migraine())


def test_moderate_pain_counts_as_one_of_the_pain_features():
    assert measures.is_migraine_day(migraine(one_side=False, pain=4))
    assert not measures.is_migraine_day(migraine(one_side=False, pain=3))


def test_light_and_sound_is_enough_instead_of_nausea():
    assert measures.is_migraine_day(migraine(nausea_or_vomiting=False, light_and_sound=True))


def test_no_migraine_day_without_nausea_or_light_and_sound():
    assert not measures.is_migraine_day(migraine(nausea_or_vomiting=None))


def test_no_migraine_day_with_one_pain_feature_only():
    assert not measures.is_migraine_day(migraine(throbbing=False, pain=2))


def test_a_headache_under_30_minutes_is_no_migraine_day():
    assert not measures.is_migraine_day(migraine(duration="lt_30m"))


def test_an_unrecorded_duration_is_no_migraine_day():
    assert not measures.is_migraine_day(migraine(duration=None))


def test_aura_alone_makes_a_migraine_day():
    assert measures.is_migraine_day(headache(date(2025, 1, 1), pain=2, aura_5_60_min=True))


@pytest.mark.parametrize("medicine", ["triptan", "ergot"])
def test_a_triptan_or_ergot_makes_a_migraine_day(medicine):
    assert measures.is_migraine_day(headache(date(2025, 1, 1), pain=2, medicines=frozenset({medicine})))


def test_a_triptan_on_a_day_recorded_without_headache_still_makes_a_migraine_day():
    record = DayRecord(day=date(2025, 1, 1), headache=False, medicines=frozenset({"triptan"}))
    assert measures.is_migraine_day(record)
    assert not measures.is_headache_day(record)


def test_simple_painkiller_does_not_make_a_migraine_day():
    assert not measures.is_migraine_day(headache(date(2025, 1, 1), pain=2, medicines=frozenset({"simple"})))


def test_a_headache_free_day_is_no_migraine_day():
    assert not measures.is_migraine_day(free(date(2025, 1, 1)))


# The other day kinds


def test_moderate_or_worse_day_is_pain_four_or_more():
    assert measures.is_moderate_or_worse_day(headache(DAY_ONE, pain=4))
    assert not measures.is_moderate_or_worse_day(headache(DAY_ONE, pain=3))
    assert not measures.is_moderate_or_worse_day(headache(DAY_ONE, pain=None))


def test_acute_medication_day_is_any_medicine():
    assert measures.is_acute_medication_day(headache(DAY_ONE, medicines=frozenset({"other"})))
    assert not measures.is_acute_medication_day(headache(DAY_ONE))


# Late entries


def test_an_entry_is_late_more_than_seven_days_after_its_day():
    assert not measures.is_late(date(2025, 1, 1), date(2025, 1, 8))
    assert measures.is_late(date(2025, 1, 1), date(2025, 1, 9))


# Windows


def test_windows_around_day_one():
    assert measures.window_bounds(DAY_ONE, "baseline") == (date(2025, 2, 1), date(2025, 2, 28))
    assert measures.window_bounds(DAY_ONE, "days_1_28") == (date(2025, 3, 1), date(2025, 3, 28))
    assert measures.window_bounds(DAY_ONE, "days_29_56") == (date(2025, 3, 29), date(2025, 4, 25))
    assert measures.window_bounds(DAY_ONE, "follow_up") == (date(2025, 4, 26), date(2025, 5, 23))


def test_a_full_window_counts_days_as_they_are():
    start = date(2025, 2, 1)
    records = [headache(d) if n < 8 else free(d) for n, d in enumerate(days(start, 28))]
    figures = measures.window(records, "baseline", start, start + timedelta(days=27))
    assert figures.days_recorded == 28
    assert figures.complete
    assert figures.monthly_headache_days == 8


def test_monthly_days_are_normalised_by_days_recorded():
    # 7 headache days in 21 recorded days: 7 / 21 x 28 = 9.33 a month.
    start = date(2025, 2, 1)
    records = [headache(d) if n < 7 else free(d) for n, d in enumerate(days(start, 21))]
    figures = measures.window(records, "baseline", start, start + timedelta(days=27))
    assert figures.complete
    assert figures.monthly_headache_days == pytest.approx(9.333, abs=0.001)
    assert measures.rounded(figures.monthly_headache_days) == 9.3


def test_a_window_with_20_days_recorded_is_not_complete():
    start = date(2025, 2, 1)
    records = [headache(d) for d in days(start, 20)]
    figures = measures.window(records, "baseline", start, start + timedelta(days=27))
    assert figures.days_recorded == 20
    assert not figures.complete
    assert figures.monthly_headache_days is None
    assert figures.monthly_migraine_days is None
    assert figures.monthly_moderate_or_worse_days is None
    assert figures.monthly_acute_medication_days is None
    # The mean pain is not a monthly figure: it is shown whenever there is pain to average.
    assert figures.mean_pain == 5


def test_gaps_anywhere_in_the_window_count_only_recorded_days():
    # Every other day recorded for the first 14 days, then all of the last 14: 7 + 14 = 21 days.
    start = date(2025, 2, 1)
    recorded = days(start, 14)[::2] + days(start + timedelta(days=14), 14)
    records = [headache(d, pain=6) if d.day % 3 == 0 else free(d) for d in recorded]
    figures = measures.window(records, "baseline", start, start + timedelta(days=27))
    assert figures.days_recorded == 21
    assert figures.complete
    headache_days = sum(1 for r in records if r.headache)
    assert figures.monthly_headache_days == pytest.approx(headache_days / 21 * 28)


def test_records_outside_the_window_are_ignored():
    start = date(2025, 2, 1)
    records = [headache(d) for d in days(start - timedelta(days=10), 50)]
    figures = measures.window(records, "baseline", start, start + timedelta(days=27))
    assert figures.days_recorded == 28


def test_mean_pain_is_over_headache_days_only():
    start = date(2025, 2, 1)
    records = [headache(start, pain=2), headache(start + timedelta(days=1), pain=8), free(start + timedelta(days=2))]
    assert measures.window(records, "baseline", start, start + timedelta(days=27)).mean_pain == 5


def test_mean_pain_is_none_without_headache():
    start = date(2025, 2, 1)
    assert measures.window([free(start)], "baseline", start, start + timedelta(days=27)).mean_pain is None


def test_all_four_monthly_figures():
    start = date(2025, 2, 1)
    records = (
        [migraine(day=d, pain=7, medicines=frozenset({"triptan"})) for d in days(start, 4)]
        + [headache(d, pain=3, medicines=frozenset({"simple"})) for d in days(start + timedelta(days=4), 3)]
        + [headache(d, pain=5, duration="lt_30m") for d in days(start + timedelta(days=7), 2)]
        + [free(d) for d in days(start + timedelta(days=9), 19)]
    )
    figures = measures.window(records, "baseline", start, start + timedelta(days=27))
    assert figures.monthly_headache_days == 9
    assert figures.monthly_migraine_days == 4
    assert figures.monthly_moderate_or_worse_days == 6
    assert figures.monthly_acute_medication_days == 7
    assert figures.mean_pain == pytest.approx((4 * 7 + 3 * 3 + 2 * 5) / 9)


# Late entries in the windows


def test_late_entries_count_for_the_patient_and_are_said():
    start = date(2025, 2, 1)
    records = [headache(d, late=n < 10) for n, d in enumerate(days(start, 28))]
    figures = measures.window(records, "baseline", start, start + timedelta(days=27))
    assert figures.days_recorded == 28
    assert figures.late_days == 10


def test_late_entries_are_left_out_of_outcome_figures():
    # 10 of 28 days late: 18 left, so the window is no longer complete.
    start = date(2025, 2, 1)
    records = [headache(d, late=n < 10) for n, d in enumerate(days(start, 28))]
    figures = measures.window(records, "baseline", start, start + timedelta(days=27), include_late=False)
    assert figures.days_recorded == 18
    assert figures.late_days == 0
    assert not figures.complete


# The summary: no session yet, change, responders


def diary(baseline_headache_days: int, follow_up_headache_days: int, recorded: int = 28, late: bool = False):
    """A diary around DAY_ONE: baseline and follow-up windows with the given headache days."""
    records = []
    for name, headache_days in (("baseline", baseline_headache_days), ("follow_up", follow_up_headache_days)):
        start, _ = measures.window_bounds(DAY_ONE, name)
        for n, d in enumerate(days(start, recorded)):
            records.append(headache(d, late=late) if n < headache_days else free(d, late=late))
    return records


def test_no_session_yet_gives_no_windows():
    summary = measures.summarise([headache(DAY_ONE)], None)
    assert summary.first_session is None
    assert summary.windows == dict.fromkeys(measures.WINDOW_NAMES)
    assert summary.headache_change == measures.Change(None, None)
    assert summary.responder_50 is None


def test_change_and_responder_at_half_the_days():
    summary = measures.summarise(diary(12, 6), DAY_ONE)
    assert summary.headache_change.days == -6
    assert summary.headache_change.percent == -50
    assert summary.responder_50 is True


def test_not_a_responder_above_half():
    summary = measures.summarise(diary(12, 7), DAY_ONE)
    assert summary.headache_change.days == -5
    assert summary.headache_change.percent == pytest.approx(-41.67, abs=0.01)
    assert summary.responder_50 is False


def test_worse_at_follow_up_is_a_positive_change():
    summary = measures.summarise(diary(4, 6), DAY_ONE)
    assert summary.headache_change.days == 2
    assert summary.headache_change.percent == 50
    assert summary.responder_50 is False


def test_an_incomplete_follow_up_gives_no_change_and_no_responder():
    records = diary(12, 2)
    follow_start, _ = measures.window_bounds(DAY_ONE, "follow_up")
    records = [r for r in records if not (r.day >= follow_start + timedelta(days=20))]
    summary = measures.summarise(records, DAY_ONE)
    assert summary.windows["follow_up"].days_recorded == 20
    assert summary.headache_change == measures.Change(None, None)
    assert summary.responder_50 is None


def test_an_incomplete_baseline_gives_no_change():
    summary = measures.summarise(diary(12, 2, recorded=20), DAY_ONE)
    assert not summary.windows["baseline"].complete
    assert summary.responder_50 is None


def test_a_baseline_without_headache_has_no_percent_and_no_responder():
    summary = measures.summarise(diary(0, 3), DAY_ONE)
    assert summary.headache_change.days == 3
    assert summary.headache_change.percent is None
    assert summary.responder_50 is None


def test_windows_still_to_come_are_listed_and_not_complete():
    summary = measures.summarise(diary(12, 6), DAY_ONE)
    middle = summary.windows["days_29_56"]
    assert middle.days_recorded == 0
    assert not middle.complete
    assert middle.monthly_headache_days is None


def test_migraine_responder_is_shown_apart():
    records = []
    for name, migraine_days, other_days in (("baseline", 8, 4), ("follow_up", 6, 0)):
        start, _ = measures.window_bounds(DAY_ONE, name)
        for n, d in enumerate(days(start, 28)):
            if n < migraine_days:
                records.append(migraine(day=d))
            elif n < migraine_days + other_days:
                records.append(headache(d, pain=2))
            else:
                records.append(free(d))
    summary = measures.summarise(records, DAY_ONE)
    assert summary.responder_50 is True  # 12 -> 6 headache days
    assert summary.migraine_responder_50 is False  # 8 -> 6 migraine days
    assert summary.migraine_change.days == -2


def test_outcome_summary_leaves_late_entries_out():
    records = diary(12, 6, late=True)
    own = measures.summarise(records, DAY_ONE)
    outcome = measures.summarise(records, DAY_ONE, include_late=False)
    assert own.responder_50 is True
    assert own.late_days == 56
    assert outcome.windows["baseline"].days_recorded == 0
    assert outcome.responder_50 is None
    assert outcome.late_days == 0


def test_a_session_without_any_entries_gives_empty_windows():
    summary = measures.summarise([], DAY_ONE)
    assert all(w.days_recorded == 0 and not w.complete for w in summary.windows.values())


# Alerts


def test_no_alerts_for_a_quiet_month():
    today = date(2025, 6, 30)
    result = measures.alerts([headache(today, medicines=frozenset({"triptan"}))], today)
    assert result.overuse == ()
    assert not result.chronic_pattern
    assert not result.any


def test_triptan_on_ten_days_in_thirty_is_an_overuse_risk():
    today = date(2025, 6, 30)
    records = [headache(d, medicines=frozenset({"triptan"})) for d in days(today - timedelta(days=29), 10)]
    result = measures.alerts(records, today)
    assert result.overuse == (measures.OveruseAlert("triptan", 10, 10),)


def test_nine_days_of_opioid_is_not_yet_an_alert():
    today = date(2025, 6, 30)
    records = [headache(d, medicines=frozenset({"opioid"})) for d in days(today - timedelta(days=8), 9)]
    assert measures.alerts(records, today).overuse == ()


def test_simple_painkillers_need_fifteen_days():
    today = date(2025, 6, 30)
    fourteen = [headache(d, medicines=frozenset({"simple"})) for d in days(today - timedelta(days=13), 14)]
    assert measures.alerts(fourteen, today).overuse == ()
    fifteen = [headache(d, medicines=frozenset({"simple"})) for d in days(today - timedelta(days=14), 15)]
    assert measures.alerts(fifteen, today).overuse == (measures.OveruseAlert("simple", 15, 15),)


def test_days_older_than_thirty_do_not_count_toward_alerts():
    today = date(2025, 6, 30)
    records = [headache(d, medicines=frozenset({"ergot"})) for d in days(today - timedelta(days=39), 10)]
    assert measures.alerts(records, today).overuse == ()


def test_fifteen_headache_days_in_thirty_is_a_chronic_pattern():
    today = date(2025, 6, 30)
    assert measures.alerts([headache(d) for d in days(today - timedelta(days=14), 15)], today).chronic_pattern
    assert not measures.alerts([headache(d) for d in days(today - timedelta(days=13), 14)], today).chronic_pattern


def test_classes_are_counted_apart():
    today = date(2025, 6, 30)
    # Ten medication days, five of each: no class reaches its limit.
    records = [
        headache(d, medicines=frozenset({"triptan" if n % 2 else "combination"}))
        for n, d in enumerate(days(today - timedelta(days=9), 10))
    ]
    assert measures.alerts(records, today).overuse == ()
