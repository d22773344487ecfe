"""Certifications and the files submitted as their evidence."""

from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Optional

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from directory.models.practitioner import TherapistProfile
    from directory.models.user import User


class StoredFile(Model):
    """An uploaded file kept in the database, so that every app server can read it."""

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CertificationStatus(StrEnum):
    PENDING = "pending"
    VERIFIED = "verified"
    REJECTED = "rejected"
    EXPIRED = "expired"


class Certification(Model):
    """A dry-needling qualification a therapist claims, and what an admin decided about it."""

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'verified', 'rejected', 'expired')", name="status"),
        CheckConstraint("training_hours IS NULL OR training_hours >= 0", name="training_hours"),
        Index("ix_certification_profile_status_expiry", "profile_id", "status", "expires_on"),
        Index("ix_certification_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("therapist_profile.id", ondelete="CASCADE"))
    issuing_body: Mapped[str] = mapped_column(String(60))
    issuing_body_other: Mapped[str | None] = mapped_column(String(160))
    programme: Mapped[str | None] = mapped_column(String(160))
    credential_id: Mapped[str | None] = mapped_column(String(80), index=True)
    training_hours: Mapped[int | None] = mapped_column(Integer)
    obtained_on: Mapped[date | None] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default=CertificationStatus.PENDING)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    info_requested: Mapped[str | None] = mapped_column(Text)
    expiry_notice_sent_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    # Optimistic locking: two admins deciding at once cannot overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1)

    # SQLAlchemy declares __mapper_args__ as a plain attribute: a ClassVar annotation conflicts with it.
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012

    profile: Mapped["TherapistProfile"] = relationship(back_populates="certifications")
    evidence: Mapped[StoredFile | None] = relationship(foreign_keys=[evidence_id])
    reviewer: Mapped[Optional["User"]] = relationship(foreign_keys=[reviewer_id])

    def counts_on(self, day: date) -> bool:
        """Whether this certification makes its holder verified on the given day."""
        return self.status == CertificationStatus.VERIFIED and (self.expires_on is None or day <= self.expires_on)
