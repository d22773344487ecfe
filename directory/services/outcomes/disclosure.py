"""Cell suppression: which counts of consenting patients may be shown, and in which words (docs/outcomes.md).

No count from 1 to 10 is ever shown, nor derivable by subtracting two counts that are shown.
"""

from dataclasses import dataclass

from directory.services.core.text import gettext, number_label

# The figures are shown only from this many evaluable patients (the cut public hospital reporting uses).
MIN_EVALUABLE = 25
# Counts from 1 to this are never shown (0 is: it reveals nobody).
SMALL_CELL = 10


def is_small(count: int) -> bool:
    """A count that must not be shown: 1 to 10."""
    return 1 <= count <= SMALL_CELL


def may_show_figures(evaluable: int) -> bool:
    """Figures appear only from 25 evaluable patients."""
    return evaluable >= MIN_EVALUABLE


@dataclass(frozen=True)
class ShownCounts:
    """The counts a page or the API may show; None where showing it would reveal a count from 1 to 10."""

    evaluable: int
    started: int | None
    not_evaluable: int | None  # started minus evaluable: still recording plus stopped
    recording: int | None
    stopped: int | None
    responders: int | None
    responders_words: str  # "14", "fewer than 11", "all but fewer than 11", in the page's language


def shown_counts(started: int, evaluable: int, recording: int, stopped: int, responders: int) -> ShownCounts:
    """Apply the suppression rule; raises ValueError when the figures may not be shown at all or the counts disagree.

    - evaluable is shown (it is 25 or more);
    - the others (started - evaluable) are 0 or 11+: then started is shown; 1 to 10: neither started nor any split;
    - still recording and stopped are shown only when each is 0 or 11+ (their sum, the others, is then too);
    - responders, and the evaluable who were not, are shown only when each is 0 or 11+.
    """
    if not may_show_figures(evaluable):
        raise ValueError("figures from fewer than 25 evaluable patients are never shown")
    if started != evaluable + recording + stopped or not 0 <= responders <= evaluable:
        raise ValueError("the counts do not add up")
    others = started - evaluable
    show_started = not is_small(others)
    split = show_started and not is_small(recording) and not is_small(stopped)
    non_responders = evaluable - responders
    if is_small(responders):
        shown_responders, words = None, str(gettext("fewer than %(count)s", count=SMALL_CELL + 1))
    elif is_small(non_responders):
        shown_responders, words = None, str(gettext("all but fewer than %(count)s", count=SMALL_CELL + 1))
    else:
        shown_responders, words = responders, number_label(responders)
    return ShownCounts(
        evaluable=evaluable,
        started=started if show_started else None,
        not_evaluable=others if show_started else None,
        recording=recording if split else None,
        stopped=stopped if split else None,
        responders=shown_responders,
        responders_words=words,
    )


def audit_count(count: int) -> int | str:
    """A count as the audit log records it: "fewer than 11" for 1 to 10, like everywhere else."""
    return f"fewer than {SMALL_CELL + 1}" if is_small(count) else count
