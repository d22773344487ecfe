"""A patient's permission to one practitioner, off by default, revocable at once, each change audited.

Two kinds: sharing the diary (DiaryShare) and counting toward the practitioner's outcome figures
(OutcomeConsent). One row per patient and practitioner (a unique constraint): revoking stamps revoked_at,
granting again clears it, so the history of the row is in the audit log.
"""

from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from directory.extensions import db
from directory.models import DiaryShare, OutcomeConsent, User, utcnow
from directory.services.core import audit

# One of the two kinds (a constrained TypeVar: select(model) then returns rows of that kind).
Permission = TypeVar("Permission", DiaryShare, OutcomeConsent)


def current(model: type[Permission], patient_id: int, profile_id: int) -> Permission | None:
    """The patient's row for this practitioner, granted or revoked, or None."""
    return db.session.scalar(select(model).where(model.patient_id == patient_id, model.profile_id == profile_id))


def granted_profile_ids(model: type[Permission], patient_id: int) -> set[int]:
    """The practitioners the patient grants this permission to now."""
    return set(
        db.session.scalars(select(model.profile_id).where(model.patient_id == patient_id, model.revoked_at.is_(None)))
    )


def grant(model: type[Permission], patient: User, profile_id: int, action: str) -> None:
    """Grant it (again), audited and committed; nothing when it is granted already."""
    existing = current(model, patient.id, profile_id)
    if existing is None:
        db.session.add(model(patient_id=patient.id, profile_id=profile_id))
    elif existing.revoked_at is not None:
        existing.restart()
    else:
        return
    audit.record(patient, action, "therapist_profile", profile_id)
    try:
        db.session.commit()
    except IntegrityError:
        # Granted from two tabs at once: the other request's row (and its audit entry) stands.
        db.session.rollback()


def revoke(model: type[Permission], patient: User, profile_id: int, action: str) -> bool:
    """End it at once, audited and committed; whether it was granted."""
    existing = current(model, patient.id, profile_id)
    if existing is None or existing.revoked_at is not None:
        return False
    existing.revoked_at = utcnow()
    audit.record(patient, action, "therapist_profile", profile_id)
    db.session.commit()
    return True
