"""Sharing a diary with a practitioner: per practitioner, off by default, revocable at once, each change audited."""

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from directory.extensions import db
from directory.models import (
    ConsultationRequest,
    ConsultationStatus,
    DiaryShare,
    Role,
    TherapistProfile,
    User,
)
from directory.services.core import permissions
from directory.services.diary.entries import DiaryError, _t

# A practitioner the patient has a consultation with: asked, agreed or held (not declined or cancelled).
SHAREABLE_STATUSES = (ConsultationStatus.REQUESTED, ConsultationStatus.ACCEPTED, ConsultationStatus.COMPLETED)


@dataclass(frozen=True)
class ShareChoice:
    profile: TherapistProfile
    shared: bool


def _consulted_profiles(patient: User) -> list[TherapistProfile]:
    return list(
        db.session.scalars(
            select(TherapistProfile)
            .join(ConsultationRequest, ConsultationRequest.profile_id == TherapistProfile.id)
            .where(ConsultationRequest.patient_id == patient.id, ConsultationRequest.status.in_(SHAREABLE_STATUSES))
            .distinct()
            .order_by(TherapistProfile.display_name)
        )
    )


def share_choices(patient: User) -> list[ShareChoice]:
    """Each practitioner the patient has a consultation with, and whether the diary is shared with them now."""
    active = permissions.granted_profile_ids(DiaryShare, patient.id)
    return [ShareChoice(profile, profile.id in active) for profile in _consulted_profiles(patient)]


def share(patient: User, profile_id: int) -> TherapistProfile:
    """Let one practitioner read the diary; raises DiaryError unless the patient has a consultation with them."""
    if patient.role != Role.PATIENT:
        raise DiaryError(_t("Only patients keep a headache diary."))
    profile = next((p for p in _consulted_profiles(patient) if p.id == profile_id), None)
    if profile is None:
        raise DiaryError(_t("You can share your diary only with a practitioner you have a consultation with."))
    permissions.grant(DiaryShare, patient, profile_id, "diary.share_granted")
    return profile


def revoke(patient: User, profile_id: int) -> bool:
    """Stop sharing with one practitioner, at once; whether it was shared."""
    return permissions.revoke(DiaryShare, patient, profile_id, "diary.share_revoked")


def shared_patients(therapist: User) -> list[User]:
    """The patients who share their diary with this therapist's practice now, by name."""
    if therapist.profile is None:
        return []
    return list(
        db.session.scalars(
            select(User)
            .join(DiaryShare, DiaryShare.patient_id == User.id)
            .where(DiaryShare.profile_id == therapist.profile.id, DiaryShare.revoked_at.is_(None), User.active)
            .order_by(User.name, User.id)
        )
    )


def sharing_patient_ids(therapist: User) -> frozenset[int]:
    """The ids of the patients who share their diary with this therapist's practice now."""
    return frozenset(patient.id for patient in shared_patients(therapist))


def shared_patient(therapist: User, patient_id: int) -> User | None:
    """The patient, when they share their diary with this therapist's practice now; else None."""
    if therapist.profile is None:
        return None
    return db.session.scalar(
        select(User)
        .join(DiaryShare, DiaryShare.patient_id == User.id)
        .where(
            User.id == patient_id,
            User.active,
            DiaryShare.profile_id == therapist.profile.id,
            DiaryShare.revoked_at.is_(None),
        )
    )


def completed_consultations(therapist: User, patient_id: int) -> list[ConsultationRequest]:
    """The patient's completed consultations with this practice, where sessions are recorded."""
    if therapist.profile is None:
        return []
    return list(
        db.session.scalars(
            select(ConsultationRequest)
            .where(
                ConsultationRequest.profile_id == therapist.profile.id,
                ConsultationRequest.patient_id == patient_id,
                ConsultationRequest.status == ConsultationStatus.COMPLETED,
            )
            .options(selectinload(ConsultationRequest.patient))
            .order_by(ConsultationRequest.completed_at.desc())
        )
    )
