"""What the public may read of a practitioner's outcome figures: nothing below 25 evaluable patients, and above it
the shrunk figures, their intervals and the counts the suppression rule lets through."""

from dataclasses import dataclass
from datetime import datetime

from directory.extensions import db
from directory.models import OutcomeSummary
from directory.services.core.text import N_, gettext, number_label
from directory.services.outcomes import disclosure
from directory.services.outcomes.disclosure import ShownCounts
from directory.services.outcomes.statistics import Estimate

# The catalog's English (N_): label_words says it in the page's language.
LABEL_WORDS = {
    "better_than_expected": N_("Better than expected"),
    "as_expected": N_("As expected"),
    "worse_than_expected": N_("Worse than expected"),
}


@dataclass(frozen=True)
class PublicOutcomes:
    """A practitioner's figures as shown: counts through the suppression rule, change in monthly headache days
    (negative is fewer), the 50 % responder share (0 to 1), each with its 95 % interval."""

    counts: ShownCounts
    median_change: Estimate
    responder_share: Estimate
    expected_change: float
    expected_share: float
    label: str
    refreshed_at: datetime

    @property
    def label_words(self) -> str:
        return str(gettext(LABEL_WORDS[self.label]))


def from_summary(summary: OutcomeSummary | None) -> PublicOutcomes | None:
    """The public figures of a stored summary; None when they may not be shown."""
    if summary is None or not disclosure.may_show_figures(summary.evaluable) or summary.median_change is None:
        return None
    values = (
        summary.median_change_low,
        summary.median_change_high,
        summary.responder_share,
        summary.responder_share_low,
        summary.responder_share_high,
        summary.expected_change,
        summary.expected_share,
        summary.label,
        summary.responders,
    )
    if any(value is None for value in values):
        return None
    assert summary.median_change_low is not None and summary.median_change_high is not None
    assert summary.responder_share is not None and summary.responder_share_low is not None
    assert summary.responder_share_high is not None and summary.expected_change is not None
    assert summary.expected_share is not None and summary.label is not None and summary.responders is not None
    return PublicOutcomes(
        counts=disclosure.shown_counts(
            summary.started, summary.evaluable, summary.recording, summary.stopped, summary.responders
        ),
        median_change=Estimate(summary.median_change, summary.median_change_low, summary.median_change_high),
        responder_share=Estimate(summary.responder_share, summary.responder_share_low, summary.responder_share_high),
        expected_change=summary.expected_change,
        expected_share=summary.expected_share,
        label=summary.label,
        refreshed_at=summary.refreshed_at,
    )


def public_outcomes(profile_id: int) -> PublicOutcomes | None:
    """The practitioner's figures as the profile page and the API show them; None when nothing may be shown."""
    return from_summary(db.session.get(OutcomeSummary, profile_id))


def reason(outcomes: PublicOutcomes) -> str:
    """The ranking's reason in plain words, with the suppression rule's counts, in the page's language."""
    counts = outcomes.counts
    return str(
        gettext(
            "of %(evaluable)s patients who kept a diary, %(responders)s had half as many headache days "
            "or fewer after 12 weeks",
            evaluable=number_label(counts.evaluable),
            responders=counts.responders_words,
        )
    )
