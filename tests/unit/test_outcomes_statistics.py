"""The outcome figures' statistics, by hand-worked cases and against scipy."""

import math
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from directory.services.diary.measures import DayRecord
from directory.services.outcomes import disclosure, statistics
from directory.services.outcomes.figures import practitioner_figures, site_figures
from directory.services.outcomes.results import PatientResult, patient_result, stratum_code
from directory.services.outcomes.statistics import Estimate


def test_the_median_interval_rank_for_25_patients_is_the_8th_and_18th_value():
    # P(X <= 7) = 0.0216 and P(X <= 8) = 0.0539 for X ~ Binomial(25, 1/2).
    assert statistics.median_rank(25) == 8
    values = list(range(1, 26))
    assert statistics.median_interval(values) == Estimate(13, 8, 18)


def test_the_median_interval_of_six_values_is_their_range_and_five_are_too_few():
    assert statistics.median_interval([3, 1, 2, 6, 5, 4]) == Estimate(3.5, 1, 6)
    with pytest.raises(ValueError):
        statistics.median_interval([1, 2, 3, 4, 5])


@pytest.mark.parametrize("n", [6, 10, 25, 26, 31, 60, 137, 400])
def test_the_median_interval_is_scipys_distribution_free_one(n):
    values = [((i * 7919) % 97) / 3 - 10 for i in range(n)]  # ties and all
    ours = statistics.median_interval(values)
    theirs = stats.quantile_test(values, q=statistics.median_interval(values).value, p=0.5).confidence_interval(0.95)
    assert (ours.low, ours.high) == pytest.approx((theirs.low, theirs.high))
    # The coverage it promises: at least 95 %.
    k = statistics.median_rank(n)
    assert 1 - 2 * stats.binom.cdf(k - 1, n, 0.5) >= 0.95
    assert 1 - 2 * stats.binom.cdf(k, n, 0.5) < 0.95


def test_the_wilson_interval_of_10_in_25_by_hand():
    estimate = statistics.wilson_interval(10, 25)
    assert estimate.value == 0.4
    assert estimate.low == pytest.approx(0.2340, abs=1e-4)
    assert estimate.high == pytest.approx(0.5926, abs=1e-4)


@pytest.mark.parametrize(("successes", "n"), [(0, 25), (1, 25), (12, 25), (25, 25), (14, 31), (250, 1000)])
def test_the_wilson_interval_is_scipys(successes, n):
    ours = statistics.wilson_interval(successes, n)
    theirs = stats.binomtest(successes, n).proportion_ci(confidence_level=0.95, method="wilson")
    assert (ours.low, ours.high) == pytest.approx((theirs.low, theirs.high), abs=1e-9)


def test_shrinkage_weighs_the_prior_as_ten_patients_like_the_rating():
    assert statistics.shrink(-4.0, 25, -2.0, 10) == pytest.approx(-120 / 35)
    # Many patients: the practitioner's own figure; none: the prior.
    assert statistics.shrink(-4.0, 100_000, -2.0, 10) == pytest.approx(-4.0, abs=1e-3)
    assert statistics.shrink(-4.0, 0, -2.0, 10) == -2.0
    moved = statistics.shrink_estimate(Estimate(0.6, 0.4, 0.8), 30, 0.3, 10)
    assert moved == Estimate(pytest.approx(0.525), pytest.approx(0.375), pytest.approx(0.675))


def test_the_expected_value_weights_each_stratum_by_the_practitioners_mix():
    site = {"episodic_no_overuse": 0.5, "chronic_no_overuse": 0.3, "chronic_overuse": None}
    assert statistics.expected_for_mix({"episodic_no_overuse": 20, "chronic_no_overuse": 5}, site, 0.4) == 0.46
    # A stratum without a site-wide value yet takes the overall value.
    assert statistics.expected_for_mix({"chronic_overuse": 1, "episodic_no_overuse": 1}, site, 0.4) == 0.45
    with pytest.raises(ValueError):
        statistics.expected_for_mix({}, site, 0.4)


@pytest.mark.parametrize(
    ("change", "share", "expected"),
    [
        (Estimate(-3, -4, -2.5), Estimate(0.4, 0.3, 0.5), "better_than_expected"),  # the change interval is below -2
        (Estimate(-2, -3, -1), Estimate(0.5, 0.36, 0.6), "better_than_expected"),  # the share interval is above 0.35
        (Estimate(-2, -3, -1), Estimate(0.35, 0.25, 0.45), "as_expected"),  # both include the expected value
        (Estimate(-1, -1.5, -0.5), Estimate(0.2, 0.1, 0.3), "worse_than_expected"),
        (Estimate(-3, -4, -2.5), Estimate(0.2, 0.1, 0.3), "as_expected"),  # the two disagree: no label
    ],
)
def test_a_label_only_when_an_interval_excludes_the_expected_value(change, share, expected):
    assert statistics.label(change, -2.0, share, 0.35) == expected


def test_the_ranking_part_is_half_at_the_expected_share():
    assert statistics.ranking_part(0.35, 0.35) == 0.5
    assert statistics.ranking_part(0.60, 0.35) == 1.0
    assert statistics.ranking_part(0.05, 0.35) == 0.0
    assert statistics.ranking_part(0.45, 0.35) == pytest.approx(0.7)


FIRST = date(2026, 3, 1)


def _days(first: date, numbers: range, headache_every: int = 0, **fields) -> list[DayRecord]:
    def day(n: int) -> date:
        return first + timedelta(days=n - 1 if n > 0 else n)

    return [
        DayRecord(day(n), bool(headache_every) and i % headache_every == 0, **fields) for i, n in enumerate(numbers)
    ]


def test_an_evaluable_patient_has_the_diarys_change_and_responder():
    # Baseline: 28 days, a headache every other day (14 a month: episodic); follow-up: every 4th day (7).
    records = _days(FIRST, range(-28, 0), 2) + _days(FIRST, range(57, 85), 4)
    result = patient_result(records, FIRST, FIRST + timedelta(days=84))
    assert result == PatientResult("evaluable", 14.0, 7.0, -7.0, True, False, False)
    assert result.stratum == "episodic_no_overuse"


def test_a_patient_counts_only_once_the_follow_up_is_over():
    records = _days(FIRST, range(-28, 0), 2) + _days(FIRST, range(57, 84), 4)
    assert patient_result(records, FIRST, FIRST + timedelta(days=83)).status == "recording"


def test_late_and_imported_days_never_enter_a_window():
    on_time = _days(FIRST, range(-28, -8), 2)  # 20 days: one short of complete
    late = _days(FIRST, range(-8, 0), 2, late=True)
    follow_up = _days(FIRST, range(57, 85), 4)
    assert patient_result(on_time + late + follow_up, FIRST, FIRST + timedelta(days=90)).status == "stopped"
    assert (
        patient_result(on_time + _days(FIRST, range(-8, 0), 2) + follow_up, FIRST, FIRST + timedelta(days=90)).status
        == "evaluable"
    )


def test_the_stratum_reads_chronic_and_overuse_from_the_baseline():
    baseline = _days(FIRST, range(-28, 0), 1, medicines=frozenset({"triptan"}))
    result = patient_result(baseline + _days(FIRST, range(57, 85), 2), FIRST, FIRST + timedelta(days=84))
    assert (result.chronic, result.overuse, result.stratum) == (True, True, "chronic_overuse")
    assert stratum_code(False, True) == "episodic_overuse"


def _evaluable(change: float, responder: bool, chronic: bool = False) -> PatientResult:
    return PatientResult("evaluable", 10.0, 10.0 + change, change, responder, chronic, False)


def test_24_evaluable_patients_give_counts_only_and_25_give_the_figures():
    results = [_evaluable(-5.0, True)] * 12 + [_evaluable(-1.0, False)] * 12 + [PatientResult("stopped")] * 3
    site = site_figures([r for r in results if r.status == "evaluable"])
    few = practitioner_figures(results, site, 10)
    assert (few.started, few.evaluable, few.stopped, few.median_change) == (27, 24, 3, None)
    enough = practitioner_figures([*results, _evaluable(-5.0, True)], site, 10)
    assert enough.evaluable == 25 and enough.responders == 13
    assert enough.median_change is not None and enough.responder_share is not None
    # Shrunk toward the site's value for this mix (here the same patients: 0.5 responders).
    raw = statistics.wilson_interval(13, 25)
    assert enough.responder_share.value == pytest.approx((13 + 10 * 0.5) / 35)
    assert enough.responder_share.low == pytest.approx((25 * raw.low + 10 * 0.5) / 35)
    assert enough.expected_share == 0.5 and enough.label == "as_expected"


def test_the_expected_value_follows_the_practitioners_mix_of_chronic_patients():
    site_patients = [_evaluable(-4.0, True)] * 50 + [_evaluable(-1.0, False, chronic=True)] * 50
    site = site_figures(site_patients)
    chronic_practice = practitioner_figures([_evaluable(-1.0, False, chronic=True)] * 30, site, 10)
    assert chronic_practice.expected_share == 0.0 and chronic_practice.expected_change == -1.0
    assert chronic_practice.label == "as_expected"
    assert math.isclose(site.responder_share["all"] or 0, 0.5)


@pytest.mark.parametrize(
    ("started", "evaluable", "recording", "stopped", "responders", "shown"),
    [
        (30, 25, 3, 2, 12, (25, None, None, None, None, 12, "12")),
        (50, 25, 20, 5, 12, (25, 50, 25, None, None, 12, "12")),
        (47, 25, 11, 11, 5, (25, 47, 22, 11, 11, None, "fewer than 11")),
        (25, 25, 0, 0, 20, (25, 25, 0, 0, 0, None, "all but fewer than 11")),
        (36, 25, 0, 11, 0, (25, 36, 11, 0, 11, 0, "0")),
    ],
)
def test_no_count_from_1_to_10_is_shown_or_left_to_subtract(started, evaluable, recording, stopped, responders, shown):
    counts = disclosure.shown_counts(started, evaluable, recording, stopped, responders)
    assert (
        counts.evaluable,
        counts.started,
        counts.not_evaluable,
        counts.recording,
        counts.stopped,
        counts.responders,
        counts.responders_words,
    ) == shown


def test_figures_below_25_evaluable_are_refused_outright():
    with pytest.raises(ValueError):
        disclosure.shown_counts(40, 24, 10, 6, 12)
    assert disclosure.audit_count(7) == "fewer than 11" and disclosure.audit_count(0) == 0


@st.composite
def patient_results(draw):
    status = draw(st.sampled_from(("evaluable", "evaluable", "evaluable", "recording", "stopped")))
    if status != "evaluable":
        return PatientResult(status)
    baseline = draw(st.integers(1, 28)) * 1.0
    follow_up = draw(st.integers(0, 28)) * 1.0
    return PatientResult(
        status,
        baseline,
        follow_up,
        follow_up - baseline,
        follow_up <= baseline / 2,
        baseline >= 15,
        draw(st.booleans()),
    )


@settings(max_examples=200, deadline=None)
@given(cohort=st.lists(patient_results(), min_size=20, max_size=90), site=st.lists(patient_results(), max_size=60))
def test_any_cohort_gives_figures_only_from_25_and_intervals_that_hold_their_figure(cohort, site):
    evaluable = [r for r in cohort + site if r.status == "evaluable"]
    figures = practitioner_figures(cohort, site_figures(evaluable), 10)
    assert figures.started == len(cohort) == figures.evaluable + figures.recording + figures.stopped
    if figures.evaluable < 25:
        assert figures.median_change is None and figures.label is None and figures.ranking_part is None
        return
    change, share = figures.median_change, figures.responder_share
    assert change.low <= change.value <= change.high and 0 <= share.low <= share.value <= share.high <= 1
    assert 0 <= figures.ranking_part <= 1 and figures.label in {
        "better_than_expected",
        "as_expected",
        "worse_than_expected",
    }
    counts = disclosure.shown_counts(
        figures.started, figures.evaluable, figures.recording, figures.stopped, figures.responders
    )
    shown = [
        n
        for n in (counts.evaluable, counts.started, counts.not_evaluable, counts.recording, counts.stopped)
        if n is not None
    ]
    assert not any(1 <= n <= 10 for n in shown)
    if counts.responders is not None:
        assert not disclosure.is_small(counts.responders) and not disclosure.is_small(
            figures.evaluable - counts.responders
        )
