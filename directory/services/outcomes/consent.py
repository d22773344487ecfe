"""Consent to count: per practitioner with a completed consultation, off by default, revocable, each change audited.

Revoking takes the patient out at the next refresh. The practitioner is never told who consented.
"""

from dataclasses import dataclass

from sqlalchemy import select

from directory.extensions import db
from directory.models import (
    ConsultationRequest,
    ConsultationStatus,
    OutcomeConsent,
    Role,
    TherapistProfile,
    User,
)
from directory.services.core import permissions
from directory.services.core.text import gettext


class ConsentError(ValueError):
    """A consent cannot be given; the message is for the patient, in the page's language."""


def _t(text: str, **values: object) -> str:
    return str(gettext(text, **values))


@dataclass(frozen=True)
class ConsentChoice:
    profile: TherapistProfile
    counted: bool


def _completed_profiles(patient: User) -> list[TherapistProfile]:
    return list(
        db.session.scalars(
            select(TherapistProfile)
            .join(ConsultationRequest, ConsultationRequest.profile_id == TherapistProfile.id)
            .where(
                ConsultationRequest.patient_id == patient.id,
                ConsultationRequest.status == ConsultationStatus.COMPLETED,
            )
            .distinct()
            .order_by(TherapistProfile.display_name, TherapistProfile.id)
        )
    )


def consent_choices(patient: User) -> list[ConsentChoice]:
    """Each practitioner the patient had a completed consultation with, and whether their result counts there now."""
    active = permissions.granted_profile_ids(OutcomeConsent, patient.id)
    return [ConsentChoice(profile, profile.id in active) for profile in _completed_profiles(patient)]


def give_consent(patient: User, profile_id: int) -> TherapistProfile:
    """Count the patient's anonymous result toward one practitioner's figures; raises ConsentError unless the patient
    had a completed consultation with them."""
    if patient.role != Role.PATIENT:
        raise ConsentError(_t("Only patients keep a headache diary."))
    profile = next((p for p in _completed_profiles(patient) if p.id == profile_id), None)
    if profile is None:
        raise ConsentError(_t("Your result can count only for a practitioner whose consultation with you took place."))
    permissions.grant(OutcomeConsent, patient, profile_id, "outcomes.consent_given")
    return profile


def revoke_consent(patient: User, profile_id: int) -> bool:
    """Stop counting toward one practitioner's figures (from the next refresh); whether it was given."""
    return permissions.revoke(OutcomeConsent, patient, profile_id, "outcomes.consent_revoked")
