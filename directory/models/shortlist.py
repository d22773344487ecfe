"""A patient's shortlist: the practitioners they saved to come back to."""

from datetime import datetime

from sqlalchemy import ForeignKey, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.practitioner import TherapistProfile
from directory.models.types import UTCDateTime, utcnow


class SavedPractitioner(Model):
    """One practitioner on one patient's shortlist; saved once (a unique pair)."""

    __table_args__ = (UniqueConstraint("user_id", "profile_id", name="uq_saved_practitioner_user_profile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("therapist_profile.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    profile: Mapped[TherapistProfile] = relationship()
