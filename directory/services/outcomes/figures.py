"""One practitioner's figures from their counted patients' results, and the site-wide figures within each stratum."""

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import median

from directory.services.outcomes import statistics
from directory.services.outcomes.disclosure import may_show_figures
from directory.services.outcomes.results import PatientResult
from directory.services.outcomes.statistics import Estimate

ALL = "all"


@dataclass(frozen=True)
class SiteFigures:
    """The site-wide median change and responder share of evaluable patients, per stratum and over all (ALL)."""

    evaluable: Mapping[str, int]
    median_change: Mapping[str, float | None]
    responder_share: Mapping[str, float | None]


def _responders(results: Sequence[PatientResult]) -> int:
    # A baseline without headache days has no 50 % responder answer: it counts as not responding.
    return sum(1 for result in results if result.responder_50)


def site_figures(evaluable: Sequence[PatientResult]) -> SiteFigures:
    """The figures of every evaluable patient on the site (each patient once), by stratum and over all."""
    groups: dict[str, list[PatientResult]] = {ALL: list(evaluable)}
    for result in evaluable:
        groups.setdefault(result.stratum, []).append(result)
    counts, medians, shares = {}, {}, {}
    for code, group in groups.items():
        counts[code] = len(group)
        changes = [r.change for r in group if r.change is not None]
        medians[code] = median(changes) if changes else None
        shares[code] = _responders(group) / len(group) if group else None
    return SiteFigures(counts, medians, shares)


@dataclass(frozen=True)
class PractitionerFigures:
    """Counts always (they are stored, never shown as such); the figures only from 25 evaluable patients."""

    started: int
    evaluable: int
    recording: int
    stopped: int
    responders: int | None = None
    median_change: Estimate | None = None
    responder_share: Estimate | None = None
    expected_change: float | None = None
    expected_share: float | None = None
    label: str | None = None
    ranking_part: float | None = None


def practitioner_figures(
    results: Sequence[PatientResult], site: SiteFigures, prior_weight: float
) -> PractitionerFigures:
    """Counts, and from 25 evaluable patients the shrunk figures, their intervals, the expected values and the label.

    Each figure is shrunk toward its expected value (the site-wide value for this practitioner's mix of patients),
    counting the expected value as prior_weight patients, as the rating's Bayesian average does.
    """
    status = Counter(result.status for result in results)
    evaluable = [result for result in results if result.status == "evaluable"]
    counts = PractitionerFigures(
        started=len(results), evaluable=len(evaluable), recording=status["recording"], stopped=status["stopped"]
    )
    if not may_show_figures(len(evaluable)):
        return counts
    n = len(evaluable)
    mix = Counter(result.stratum for result in evaluable)
    overall_change, overall_share = site.median_change.get(ALL), site.responder_share.get(ALL)
    changes = [r.change for r in evaluable if r.change is not None]
    responders = _responders(evaluable)
    raw_change = statistics.median_interval(changes)
    raw_share = statistics.wilson_interval(responders, n)
    expected_change = statistics.expected_for_mix(
        mix, site.median_change, raw_change.value if overall_change is None else overall_change
    )
    expected_share = statistics.expected_for_mix(
        mix, site.responder_share, raw_share.value if overall_share is None else overall_share
    )
    change = statistics.shrink_estimate(raw_change, n, expected_change, prior_weight)
    share = statistics.shrink_estimate(raw_share, n, expected_share, prior_weight)
    return PractitionerFigures(
        started=counts.started,
        evaluable=n,
        recording=counts.recording,
        stopped=counts.stopped,
        responders=responders,
        median_change=change,
        responder_share=share,
        expected_change=expected_change,
        expected_share=expected_share,
        label=statistics.label(change, expected_change, share, expected_share),
        ranking_part=statistics.ranking_part(share.value, expected_share),
    )
