"""Outcomes on profiles: a patient's consent to count, each counted patient's result, and each practitioner's figures.

The rules are in docs/outcomes.md; these tables only hold what the refresh (services/outcomes) computed.
"""

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Date, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from directory.models.practitioner import TherapistProfile

# evaluable: both windows complete; recording: the follow-up is not over yet; stopped: over, a window incomplete.
RESULT_STATUSES = ("evaluable", "recording", "stopped")
LABELS = ("better_than_expected", "as_expected", "worse_than_expected")


class OutcomeConsent(Model):
    """A patient's consent that their anonymous result counts toward one practitioner's figures; revoked_at ends it."""

    __table_args__ = (UniqueConstraint("patient_id", "profile_id", name="uq_outcome_consent_patient_profile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    profile_id: Mapped[int] = mapped_column(ForeignKey("therapist_profile.id", ondelete="CASCADE"), index=True)
    given_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    profile: Mapped["TherapistProfile"] = relationship()

    def restart(self) -> None:
        """Give again what was revoked."""
        self.given_at, self.revoked_at = utcnow(), None


class OutcomeResult(Model):
    """One counted patient's result for one practitioner, as the last refresh computed it (one row per pair)."""

    __table_args__ = (CheckConstraint("status IN ('evaluable', 'recording', 'stopped')", name="status"),)

    patient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    profile_id: Mapped[int] = mapped_column(
        ForeignKey("therapist_profile.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    first_session: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    baseline_headache_days: Mapped[float | None] = mapped_column(Float)
    follow_up_headache_days: Mapped[float | None] = mapped_column(Float)
    change: Mapped[float | None] = mapped_column(Float)
    # None when the baseline had no headache day (no half of nothing).
    responder_50: Mapped[bool | None]
    chronic: Mapped[bool | None]  # baseline 15 or more monthly headache days
    overuse: Mapped[bool | None]  # medication-overuse levels in the baseline window
    # What the result was computed from: the refresh recomputes a patient only when it changes.
    fingerprint: Mapped[str] = mapped_column(String(120))
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutcomeStratum(Model):
    """The site-wide figures within one stratum of baseline (chronic or episodic, overuse or not)."""

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    evaluable: Mapped[int] = mapped_column(Integer)
    median_change: Mapped[float | None] = mapped_column(Float)
    responder_share: Mapped[float | None] = mapped_column(Float)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OutcomeSummary(Model):
    """One practitioner's outcome figures; the figures are filled only when they may be shown (25+ evaluable)."""

    __table_args__ = (
        CheckConstraint(
            "label IS NULL OR label IN ('better_than_expected', 'as_expected', 'worse_than_expected')", name="label"
        ),
        # Nothing is stored that could not be shown: figures only from 25 evaluable patients up.
        CheckConstraint("median_change IS NULL OR evaluable >= 25", name="figures_only_when_shown"),
    )

    profile_id: Mapped[int] = mapped_column(ForeignKey("therapist_profile.id", ondelete="CASCADE"), primary_key=True)
    started: Mapped[int] = mapped_column(Integer)
    evaluable: Mapped[int] = mapped_column(Integer)
    recording: Mapped[int] = mapped_column(Integer)
    stopped: Mapped[int] = mapped_column(Integer)
    responders: Mapped[int | None] = mapped_column(Integer)
    median_change: Mapped[float | None] = mapped_column(Float)
    median_change_low: Mapped[float | None] = mapped_column(Float)
    median_change_high: Mapped[float | None] = mapped_column(Float)
    responder_share: Mapped[float | None] = mapped_column(Float)
    responder_share_low: Mapped[float | None] = mapped_column(Float)
    responder_share_high: Mapped[float | None] = mapped_column(Float)
    expected_change: Mapped[float | None] = mapped_column(Float)
    expected_share: Mapped[float | None] = mapped_column(Float)
    label: Mapped[str | None] = mapped_column(String(25))
    # The matching part between 0 and 1, None when the figures are not shown (then ranking leaves it out).
    ranking_part: Mapped[float | None] = mapped_column(Float)
    refreshed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
