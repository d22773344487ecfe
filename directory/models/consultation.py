"""Consultation requests and reviews."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Optional

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from directory.models.practitioner import TherapistProfile
    from directory.models.user import User


class ConsultationStatus(StrEnum):
    REQUESTED = "requested"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


# A request still waiting or agreed: a patient may have only one of these per practitioner.
OPEN_STATUSES = (ConsultationStatus.REQUESTED, ConsultationStatus.ACCEPTED)
_OPEN_SQL = "status IN ({})".format(", ".join(f"'{status.value}'" for status in OPEN_STATUSES))


class ConsultationRequest(Model):
    """A patient's request for a first consultation with a practitioner."""

    __table_args__ = (
        CheckConstraint("status IN ('requested', 'accepted', 'declined', 'completed', 'cancelled')", name="status"),
        Index("ix_consultation_request_profile_status", "profile_id", "status"),
        # The database, not only the service's check, keeps it to one open request: two identical
        # posts at the same instant both pass a check-then-insert.
        Index(
            "uq_consultation_request_open",
            "patient_id",
            "profile_id",
            unique=True,
            sqlite_where=text(_OPEN_SQL),
            postgresql_where=text(_OPEN_SQL),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("therapist_profile.id", ondelete="CASCADE"))
    mode: Mapped[str] = mapped_column(String(30))
    preferred_times: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)
    # Only filled when the patient ticked the consent box.
    questionnaire_summary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=ConsultationStatus.REQUESTED)
    # The therapist's proposed time: the moment (UTC), and its words in the practice's zone.
    proposed_time: Mapped[str | None] = mapped_column(String(200))
    proposed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the patient confirmed the proposed time; None while it waits for them.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the patient asked for another time: the proposed time they cannot come to, and what they wrote;
    # shown on the therapist's request page until the therapist proposes a new time.
    declined_time: Mapped[str | None] = mapped_column(String(200))
    another_time_note: Mapped[str | None] = mapped_column(Text)
    decline_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    patient: Mapped["User"] = relationship(foreign_keys=[patient_id])
    profile: Mapped["TherapistProfile"] = relationship()


class ReviewStatus(StrEnum):
    PUBLISHED = "published"
    FLAGGED = "flagged"
    REMOVED = "removed"


# Shown on profiles and counted in ratings: a flag alone hides nothing until an admin decides.
VISIBLE_REVIEW_STATUSES = (ReviewStatus.PUBLISHED, ReviewStatus.FLAGGED)


class Review(Model):
    """A patient's rating and words about a practitioner they saw."""

    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="rating"),
        CheckConstraint("status IN ('published', 'flagged', 'removed')", name="status"),
        UniqueConstraint("author_id", "profile_id", name="uq_review_author_profile"),
        Index("ix_review_profile_status", "profile_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Kept when the author deletes their account, then shown as from a former patient.
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    profile_id: Mapped[int] = mapped_column(ForeignKey("therapist_profile.id", ondelete="CASCADE"))
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_request.id", ondelete="SET NULL"), unique=True
    )
    rating: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=ReviewStatus.PUBLISHED)
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    author: Mapped[Optional["User"]] = relationship(foreign_keys=[author_id])
    profile: Mapped["TherapistProfile"] = relationship()
    flags: Mapped[list["ReviewFlag"]] = relationship(back_populates="review", cascade="all, delete-orphan")


class ReviewFlag(Model):
    """Someone's report that a review breaks the rules."""

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("review.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    review: Mapped[Review] = relationship(back_populates="flags")
