"""Treatment sessions: the practitioner records them on a completed consultation; the patient adds ones had elsewhere."""

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from directory.extensions import db
from directory.models import ConsultationRequest, ConsultationStatus, Role, TreatmentSession, User
from directory.services.diary.entries import DiaryError, _t, check_day, day_words

MAX_NOTE = 500


def _save(session: TreatmentSession, patient_id: int) -> TreatmentSession:
    db.session.add(session)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise DiaryError(
            _t("There is already a session on %(day)s in this diary.", day=day_words(session.day))
        ) from None
    return session


def _check(day: date, note: str | None, today: date) -> str | None:
    check_day(day, today)
    note = (note or "").strip() or None
    if note and len(note) > MAX_NOTE:
        raise DiaryError(_t("Keep the note under %(max)s characters.", max=MAX_NOTE))
    return note


def add_own_session(patient: User, day: date, note: str | None = None, today: date | None = None) -> TreatmentSession:
    """A session the patient had elsewhere; raises DiaryError (also when that day already has one)."""
    if patient.role != Role.PATIENT:
        raise DiaryError(_t("Only patients keep a headache diary."))
    note = _check(day, note, today or date.today())
    return _save(TreatmentSession(patient_id=patient.id, day=day, note=note, recorded_by_id=patient.id), patient.id)


def consultation_for_therapist(consultation_id: int, therapist: User) -> ConsultationRequest | None:
    """A consultation with the therapist's practice, or None (someone else's is as good as missing)."""
    if therapist.profile is None:
        return None
    return db.session.scalar(
        select(ConsultationRequest)
        .where(ConsultationRequest.id == consultation_id, ConsultationRequest.profile_id == therapist.profile.id)
        .options(selectinload(ConsultationRequest.patient))
    )


def record_session(
    therapist: User, consultation: ConsultationRequest, day: date, note: str | None = None, today: date | None = None
) -> TreatmentSession:
    """The practitioner records a dry-needling session on a completed consultation; raises DiaryError."""
    if therapist.profile is None or consultation.profile_id != therapist.profile.id:
        raise DiaryError(_t("You can record sessions only on your own consultations."))
    if consultation.status != ConsultationStatus.COMPLETED:
        raise DiaryError(
            _t("Mark the consultation as completed first; sessions are recorded on completed consultations.")
        )
    note = _check(day, note, today or date.today())
    session = TreatmentSession(
        patient_id=consultation.patient_id,
        day=day,
        note=note,
        consultation_id=consultation.id,
        recorded_by_id=therapist.id,
    )
    return _save(session, consultation.patient_id)


def sessions_of(patient_id: int) -> list[TreatmentSession]:
    """The patient's sessions, newest first, with the practice that recorded each."""
    return list(
        db.session.scalars(
            select(TreatmentSession)
            .where(TreatmentSession.patient_id == patient_id)
            .options(selectinload(TreatmentSession.consultation).selectinload(ConsultationRequest.profile))
            .order_by(TreatmentSession.day.desc())
        )
    )


def sessions_on(consultation: ConsultationRequest) -> list[TreatmentSession]:
    """The sessions recorded on one consultation, newest first."""
    return list(
        db.session.scalars(
            select(TreatmentSession)
            .where(TreatmentSession.consultation_id == consultation.id)
            .order_by(TreatmentSession.day.desc())
        )
    )


def delete_session(user: User, session_id: int) -> bool:
    """Delete a session: the patient their own, a practitioner one they recorded; whether one was deleted."""
    session = db.session.get(TreatmentSession, session_id)
    if session is None:
        return False
    own = user.role == Role.PATIENT and session.patient_id == user.id and session.consultation_id is None
    recorded = user.role == Role.THERAPIST and session.recorded_by_id == user.id and session.consultation_id is not None
    if not (own or recorded):
        return False
    db.session.delete(session)
    db.session.commit()
    return True
