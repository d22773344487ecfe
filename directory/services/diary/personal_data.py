"""Everything the diary holds about a patient, for the account's data export (deletion is the foreign keys' cascade)."""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from directory.extensions import db
from directory.models import DiaryEntry, DiaryReminder, DiaryShare, OutcomeConsent, TreatmentSession
from directory.services.core.text import clock
from directory.services.diary import terms


def diary_data(patient_id: int) -> dict[str, Any]:
    """The patient's entries (every answer), sessions, shares, consents to count and reminder setting, as plain JSON."""
    entries = db.session.scalars(
        select(DiaryEntry)
        .where(DiaryEntry.patient_id == patient_id)
        .options(selectinload(DiaryEntry.medicines))
        .order_by(DiaryEntry.day)
    )
    sessions = db.session.scalars(
        select(TreatmentSession).where(TreatmentSession.patient_id == patient_id).order_by(TreatmentSession.day)
    )
    shares = db.session.scalars(
        select(DiaryShare)
        .where(DiaryShare.patient_id == patient_id)
        .options(selectinload(DiaryShare.profile))
        .order_by(DiaryShare.id)
    )
    reminder = db.session.get(DiaryReminder, patient_id)
    return {
        "entries": [
            {
                "date": entry.day.isoformat(),
                "headache": entry.headache,
                "pain": entry.pain,
                "duration": entry.duration,
                **{code: getattr(entry, code) for code in terms.FEATURE_CODES},
                "medicines": [{"class": m.medicine_class, "relief": m.relief} for m in entry.medicines],
                "function": entry.function_level,
                "triggers": list(entry.triggers or []),
                "notes": entry.notes,
                "late": entry.late,
                "source": entry.source,
                "recorded_at": entry.recorded_at.isoformat(),
                "updated_at": entry.updated_at.isoformat(),
            }
            for entry in entries
        ],
        "sessions": [
            {
                "date": session.day.isoformat(),
                "note": session.note,
                "recorded_by_practitioner": session.consultation_id is not None,
            }
            for session in sessions
        ],
        "shares": [
            {
                "practitioner": share.profile.display_name,
                "granted_at": share.granted_at.isoformat(),
                "revoked_at": share.revoked_at.isoformat() if share.revoked_at else None,
            }
            for share in shares
        ],
        "outcome_consents": [
            {
                "practitioner": consent.profile.display_name,
                "given_at": consent.given_at.isoformat(),
                "revoked_at": consent.revoked_at.isoformat() if consent.revoked_at else None,
            }
            for consent in db.session.scalars(
                select(OutcomeConsent)
                .where(OutcomeConsent.patient_id == patient_id)
                .options(selectinload(OutcomeConsent.profile))
                .order_by(OutcomeConsent.id)
            )
        ],
        "reminder": None
        if reminder is None
        else {
            "enabled": reminder.enabled,
            "time": clock(reminder.minute_of_day),
            "timezone": reminder.timezone,
        },
    }
