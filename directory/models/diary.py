"""The headache diary: a patient's daily entries, treatment sessions, who may read it, and reminders."""

from datetime import date, datetime
from typing import TYPE_CHECKING, Optional

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from directory.models.consultation import ConsultationRequest
    from directory.models.practitioner import TherapistProfile

# The codes the database accepts; the words for them live in directory.services.diary.terms.
DURATIONS = ("lt_30m", "30m_4h", "4h_24h", "all_day")
MEDICINE_CLASSES = ("simple", "combination", "triptan", "ergot", "opioid", "other")
RELIEF_LEVELS = ("none", "some", "good", "complete")
ENTRY_SOURCES = ("form", "import")
# No diary day before this one is taken: older dates are typing mistakes.
EARLIEST_DAY = date(2000, 1, 1)


def _in(column: str, values: tuple[str, ...]) -> str:
    return "{} IN ({})".format(column, ", ".join(f"'{value}'" for value in values))


class DiaryEntry(Model):
    """One patient's one calendar day: a headache-free day is an entry too."""

    __table_args__ = (
        UniqueConstraint("patient_id", "day", name="uq_diary_entry_patient_day"),
        CheckConstraint("pain IS NULL OR pain BETWEEN 0 AND 10", name="pain"),
        CheckConstraint("function_level IS NULL OR function_level BETWEEN 0 AND 4", name="function_level"),
        CheckConstraint(f"duration IS NULL OR {_in('duration', DURATIONS)}", name="duration"),
        CheckConstraint(_in("source", ENTRY_SOURCES), name="source"),
        CheckConstraint("day >= '2000-01-01'", name="day_not_before_2000"),
        # A day without headache has no pain, duration or features to record.
        CheckConstraint(
            "headache OR (pain IS NULL AND duration IS NULL AND one_side IS NULL AND throbbing IS NULL "
            "AND worse_with_activity IS NULL AND nausea_or_vomiting IS NULL AND light_and_sound IS NULL "
            "AND aura_5_60_min IS NULL)",
            name="headache_free_day_is_empty",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    headache: Mapped[bool]
    pain: Mapped[int | None] = mapped_column(Integer)
    duration: Mapped[str | None] = mapped_column(String(10))
    one_side: Mapped[bool | None]
    throbbing: Mapped[bool | None]
    worse_with_activity: Mapped[bool | None]
    nausea_or_vomiting: Mapped[bool | None]
    light_and_sound: Mapped[bool | None]
    aura_5_60_min: Mapped[bool | None]
    # How much it limited the day: 0 not at all ... 4 in bed (our own licence-free rating).
    function_level: Mapped[int | None] = mapped_column(Integer)
    # Codes from the fixed list in directory.services.diary.terms.TRIGGERS (checked by the service).
    triggers: Mapped[list[str] | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10), default="form")
    # Made more than 7 days after the day, or imported: kept, counted for the patient, left out of outcome figures.
    late: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    medicines: Mapped[list["DiaryMedicine"]] = relationship(
        back_populates="entry", cascade="all, delete-orphan", order_by="DiaryMedicine.id"
    )


class DiaryMedicine(Model):
    """An acute medicine taken on a diary day, by class, and how well it helped."""

    __table_args__ = (
        UniqueConstraint("entry_id", "medicine_class", name="uq_diary_medicine_entry_class"),
        CheckConstraint(_in("medicine_class", MEDICINE_CLASSES), name="medicine_class"),
        CheckConstraint(f"relief IS NULL OR {_in('relief', RELIEF_LEVELS)}", name="relief"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("diary_entry.id", ondelete="CASCADE"), index=True)
    medicine_class: Mapped[str] = mapped_column(String(20))
    relief: Mapped[str | None] = mapped_column(String(10))

    entry: Mapped[DiaryEntry] = relationship(back_populates="medicines")


class TreatmentSession(Model):
    """A dry-needling session: recorded by the practitioner on a completed consultation, or by the patient."""

    __table_args__ = (
        UniqueConstraint("patient_id", "day", name="uq_treatment_session_patient_day"),
        CheckConstraint("day >= '2000-01-01'", name="day_not_before_2000"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    day: Mapped[date] = mapped_column(Date)
    # Set when the practitioner recorded it; None for a session the patient had elsewhere.
    consultation_id: Mapped[int | None] = mapped_column(
        ForeignKey("consultation_request.id", ondelete="SET NULL"), index=True
    )
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    consultation: Mapped[Optional["ConsultationRequest"]] = relationship()


class DiaryShare(Model):
    """A patient's consent that one practitioner may read their diary; revoked_at ends it."""

    __table_args__ = (UniqueConstraint("patient_id", "profile_id", name="uq_diary_share_patient_profile"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    patient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    profile_id: Mapped[int] = mapped_column(ForeignKey("therapist_profile.id", ondelete="CASCADE"), index=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    profile: Mapped["TherapistProfile"] = relationship()

    def restart(self) -> None:
        """Grant again what was revoked."""
        self.granted_at, self.revoked_at = utcnow(), None


class DiaryReminder(Model):
    """A patient's opt-in daily reminder by mail, at a local time of their choosing."""

    __table_args__ = (
        CheckConstraint("minute_of_day BETWEEN 0 AND 1439", name="minute_of_day"),
        Index("ix_diary_reminder_enabled", "enabled"),
    )

    patient_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    minute_of_day: Mapped[int] = mapped_column(Integer, default=20 * 60)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    # The patient's local day of the last reminder: at most one a day, whoever runs the command.
    last_sent_on: Mapped[date | None] = mapped_column(Date)
