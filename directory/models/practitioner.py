"""Practitioner profiles and the vocabularies they draw on."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

from sqlalchemy import CheckConstraint, Column, Float, ForeignKey, Index, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model, db
from directory.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from directory.models.certification import Certification, StoredFile
    from directory.models.user import User


class HeadacheType(Model):
    """A headache family a practitioner treats (migraine, tension-type, ...)."""

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)


class ConsultationMode(Model):
    """How a first consultation can happen: in person, by video, at home."""

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)


class Language(Model):
    """A spoken language, by its ISO 639-1 code."""

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))


class AccessibilityFeature(Model):
    """Something that makes a practice reachable, such as step-free access."""

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)


def _association(name: str, target: str, length: int) -> Table:
    # The reverse index serves "which profiles offer X", the filter search uses.
    return Table(
        name,
        db.metadata,
        Column("profile_id", ForeignKey("therapist_profile.id", ondelete="CASCADE"), primary_key=True),
        Column("code", String(length), ForeignKey(f"{target}.code"), primary_key=True),
        Index(f"ix_{name}_code_profile", "code", "profile_id"),
    )


profile_headache_type = _association("profile_headache_type", "headache_type", 30)
profile_consultation_mode = _association("profile_consultation_mode", "consultation_mode", 30)
profile_language = _association("profile_language", "language", 2)
profile_accessibility = _association("profile_accessibility", "accessibility_feature", 30)


# The highest fee per session a profile may list; search and the questionnaire ask up to it too.
FEE_MAX = 100_000


class TherapistProfile(Model):
    """What a therapist publishes about their practice."""

    __table_args__ = (
        Index("ix_therapist_profile_lat_lon", "latitude", "longitude"),
        CheckConstraint("fee_min IS NULL OR fee_max IS NULL OR fee_min <= fee_max", name="fee_range"),
        CheckConstraint("review_count >= 0", name="review_count"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    profession: Mapped[str | None] = mapped_column(String(40))
    licence_number: Mapped[str | None] = mapped_column(String(60))
    licence_jurisdiction: Mapped[str | None] = mapped_column(String(80))
    npi: Mapped[str | None] = mapped_column(String(10))
    clinic_name: Mapped[str | None] = mapped_column(String(160))
    street: Mapped[str | None] = mapped_column(String(200))
    city: Mapped[str | None] = mapped_column(String(120))
    region: Mapped[str | None] = mapped_column(String(120))
    postal_code: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    phone: Mapped[str | None] = mapped_column(String(40))
    website: Mapped[str | None] = mapped_column(String(300))
    bio: Mapped[str | None] = mapped_column(Text)
    # The same in Spanish, shown on the /es/ pages when there is one (optional).
    bio_es: Mapped[str | None] = mapped_column(Text)
    practising_since: Mapped[int | None] = mapped_column(Integer)
    session_minutes: Mapped[int | None] = mapped_column(Integer)
    fee_min: Mapped[int | None] = mapped_column(Integer)
    fee_max: Mapped[int | None] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    insurance_accepted: Mapped[str | None] = mapped_column(String(500))
    accepts_self_pay: Mapped[bool] = mapped_column(default=True)
    gender: Mapped[str | None] = mapped_column(String(20))
    accepting_new_patients: Mapped[bool] = mapped_column(default=True)
    published: Mapped[bool] = mapped_column(default=False, index=True)
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("stored_file.id", ondelete="SET NULL"))
    # Kept up to date by the review service so that ranking by rating needs no aggregate.
    review_count: Mapped[int] = mapped_column(default=0)
    rating_total: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped["User"] = relationship(back_populates="profile")
    headache_types: Mapped[list[HeadacheType]] = relationship(
        secondary=profile_headache_type, order_by=HeadacheType.position
    )
    consultation_modes: Mapped[list[ConsultationMode]] = relationship(
        secondary=profile_consultation_mode, order_by=ConsultationMode.position
    )
    languages: Mapped[list[Language]] = relationship(secondary=profile_language, order_by=Language.name)
    accessibility: Mapped[list[AccessibilityFeature]] = relationship(
        secondary=profile_accessibility, order_by=AccessibilityFeature.position
    )
    availability: Mapped[list["AvailabilitySlot"]] = relationship(
        back_populates="profile",
        cascade="all, delete-orphan",
        order_by="(AvailabilitySlot.weekday, AvailabilitySlot.start_minute)",
    )
    certifications: Mapped[list["Certification"]] = relationship(back_populates="profile", cascade="all, delete-orphan")
    photo: Mapped[Optional["StoredFile"]] = relationship(foreign_keys=[photo_id])

    def verified_on(self, day: date) -> bool:
        """Whether the profile holds a certification that counts on the given day (its verified badge)."""
        return any(certification.counts_on(day) for certification in self.certifications)

    def __repr__(self) -> str:
        return f"<TherapistProfile {self.id} {self.slug}>"


class AvailabilitySlot(Model):
    """A weekly opening: weekday 0 (Monday) to 6, minutes after midnight, local time."""

    __table_args__ = (
        CheckConstraint("weekday BETWEEN 0 AND 6", name="weekday"),
        CheckConstraint("start_minute >= 0 AND end_minute <= 1440 AND start_minute < end_minute", name="minutes"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    profile_id: Mapped[int] = mapped_column(ForeignKey("therapist_profile.id", ondelete="CASCADE"), index=True)
    weekday: Mapped[int] = mapped_column(Integer)
    start_minute: Mapped[int] = mapped_column(Integer)
    end_minute: Mapped[int] = mapped_column(Integer)

    profile: Mapped[TherapistProfile] = relationship(back_populates="availability")
