"""Certifications and the files submitted as their evidence."""

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Optional

from sqlalchemy import CheckConstraint, ColumnElement, Date, ForeignKey, Index, Integer, LargeBinary, String, Text, and_
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.types import UTCDateTime, utcnow
from directory.vocabulary import CERTIFYING_BODIES, label

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


# The rules of certification, in one place. A certification counts through its expiry day and
# stops the day after, whether or not the nightly `flask certifications expire` has marked it.
# Before that day come two windows, apart on purpose:
EXPIRY_WARNING_DAYS = 60  # the therapist's own pages warn ("expires on ...") from this many days ahead
EXPIRY_NOTICE_DAYS = 30  # the expiry run mails its one reminder this many days ahead
# The verified-until date of a verified certification without an expiry date (the search listing's too).
NEVER_EXPIRES = date.max


def issuer_display_name(issuing_body: str, issuing_body_other: str | None) -> str:
    """The certifying body as people read it: the therapist's own words for "other"."""
    if issuing_body == "other" and issuing_body_other:
        return issuing_body_other
    return label(CERTIFYING_BODIES, issuing_body)


def expired_by(expires_on: date | None, day: date) -> bool:
    """Whether an expiry date has passed on the given day (None never passes)."""
    return expires_on is not None and expires_on < day


def verified_until(status: str, expires_on: date | None) -> date | None:
    """The last day a certification in this status makes its holder verified (NEVER_EXPIRES), None when no day does."""
    if status != CertificationStatus.VERIFIED:
        return None
    return expires_on or NEVER_EXPIRES


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

    @property
    def issuer_name(self) -> str:
        """The certifying body as therapists, patients and mails read it."""
        return issuer_display_name(self.issuing_body, self.issuing_body_other)

    @property
    def issuer_name_for_admins(self) -> str:
        """The certifying body as admins read it: a programme not on our list says so ("Other program (...)")."""
        listed = label(CERTIFYING_BODIES, self.issuing_body)
        if self.issuing_body == "other" and self.issuing_body_other:
            return f"{listed} ({self.issuing_body_other})"
        return listed

    # Hybrids: the same rule in Python on a certification and in SQL on the table (the expiry run's queries).
    def _past_expiry_on(self, day: date) -> bool:
        """Whether its expiry date has passed on the given day, whatever its status (see expired_by)."""
        return expired_by(self.expires_on, day)

    @classmethod
    def _past_expiry_on_sql(cls, day: date) -> ColumnElement[bool]:
        return and_(cls.expires_on.is_not(None), cls.expires_on < day)

    past_expiry_on = hybrid_method(_past_expiry_on, _past_expiry_on_sql)

    def _expires_within(self, day: date, days: int) -> bool:
        """Whether it expires between the given day and `days` days later, both included (EXPIRY_*_DAYS)."""
        return self.expires_on is not None and day <= self.expires_on <= day + timedelta(days=days)

    @classmethod
    def _expires_within_sql(cls, day: date, days: int) -> ColumnElement[bool]:
        return cls.expires_on.between(day, day + timedelta(days=days))

    expires_within = hybrid_method(_expires_within, _expires_within_sql)

    def counts_on(self, day: date) -> bool:
        """Whether this certification makes its holder verified on the given day."""
        until = verified_until(self.status, self.expires_on)
        return until is not None and day <= until

    def lapsed_on(self, day: date) -> bool:
        """Whether it was verified and has expired by the given day, marked so by the expiry run or not yet."""
        return self.status == CertificationStatus.EXPIRED or (
            self.status == CertificationStatus.VERIFIED and not self.counts_on(day)
        )

    def status_on(self, day: date) -> str:
        """The status people are shown on the given day: a verified certification past its date reads as expired."""
        return CertificationStatus.EXPIRED.value if self.lapsed_on(day) else self.status
