"""One counted patient's result: the diary's own windows and monthly headache days, late and imported days left out."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from directory.services.diary import measures
from directory.services.diary.measures import DayRecord

# The follow-up (days 57-84) is over from day 85, 84 days after the first session.
FOLLOW_UP_OVER_AFTER_DAYS = 84


@dataclass(frozen=True)
class PatientResult:
    """evaluable (both windows complete), recording (the follow-up is not over) or stopped (over, a window incomplete)."""

    status: str
    baseline_headache_days: float | None = None
    follow_up_headache_days: float | None = None
    change: float | None = None
    responder_50: bool | None = None
    chronic: bool | None = None
    overuse: bool | None = None

    @property
    def stratum(self) -> str:
        """The stratum of the expected value: chronic or episodic at baseline, with or without medication overuse."""
        return stratum_code(bool(self.chronic), bool(self.overuse))


def stratum_code(chronic: bool, overuse: bool) -> str:
    """chronic_overuse, chronic_no_overuse, episodic_overuse or episodic_no_overuse."""
    return f"{'chronic' if chronic else 'episodic'}_{'overuse' if overuse else 'no_overuse'}"


STRATA = tuple(stratum_code(chronic, overuse) for chronic in (False, True) for overuse in (False, True))


def follow_up_over(first_session: date, today: date) -> bool:
    """Whether the follow-up window has ended: the first session at least 84 days ago."""
    return (today - first_session).days >= FOLLOW_UP_OVER_AFTER_DAYS


def patient_result(records: Sequence[DayRecord], first_session: date, today: date) -> PatientResult:
    """The patient's result from their day records; records marked late (late or imported) never enter a window."""
    if not follow_up_over(first_session, today):
        return PatientResult("recording")
    on_time = [record for record in records if not record.late]
    # The diary's own windows and rules; only the two windows the figures use are computed.
    baseline = measures.window(on_time, "baseline", *measures.window_bounds(first_session, "baseline"), False)
    follow_up = measures.window(on_time, "follow_up", *measures.window_bounds(first_session, "follow_up"), False)
    before, after = baseline.monthly_headache_days, follow_up.monthly_headache_days
    if before is None or after is None:
        return PatientResult("stopped")
    # The diary's own overuse rule, read over the baseline window only.
    in_baseline = [record for record in on_time if baseline.start <= record.day <= baseline.end]
    return PatientResult(
        status="evaluable",
        baseline_headache_days=before,
        follow_up_headache_days=after,
        change=measures.change(before, after).days,
        responder_50=measures.responder(before, after),
        chronic=before >= measures.CHRONIC_HEADACHE_DAYS,
        overuse=bool(measures.alerts(in_baseline, baseline.end).overuse),
    )
