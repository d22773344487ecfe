"""Consultation requests: a patient asks, the therapist proposes a time, the patient confirms it or asks for another."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import url_for
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from directory import vocabulary
from directory.extensions import db
from directory.models import (
    ConsultationRequest,
    ConsultationStatus,
    QuestionnaireResponse,
    Role,
    TherapistProfile,
    User,
    utcnow,
)
from directory.models.consultation import OPEN_STATUSES
from directory.models.types import column_length
from directory.services.core.mail import notify
from directory.services.core.text import clock
from directory.services.geo.zones import local_label, zone_at
from directory.services.questionnaire import clinical
from directory.services.search import nearby

OPEN = OPEN_STATUSES
MAX_MESSAGE = 2000
ALREADY_OPEN = "You already have an open request with this practitioner."


class ConsultationError(ValueError):
    """The request cannot be made or changed; the message is for the user."""


def slot_labels(profile: TherapistProfile) -> list[str]:
    """The practitioner's weekly openings in words, which patients choose their preferred times from."""
    return [
        f"{vocabulary.WEEKDAYS[s.weekday]} {clock(s.start_minute)}–{clock(s.end_minute)}" for s in profile.availability
    ]


def requestable_modes(profile: TherapistProfile) -> list[tuple[str, str]]:
    """The first-consultation modes this practitioner offers, as (code, name)."""
    return [(mode.code, mode.name) for mode in profile.consultation_modes]


def questionnaire_summary(response: QuestionnaireResponse) -> dict[str, Any]:
    """What a practitioner may see of the answers, with consent: probable types, 'see a doctor soon' flags, needling safety."""
    assessment = response.assessment or {}
    triage = assessment.get("triage") or {}
    flags = clinical.flag_ids_at_level(triage.get("flags"), clinical.SOON)
    return {
        "probable_types": [
            {
                "type": p["type"],
                "name": clinical.CLINICAL_TYPES[p["type"]].name,
                "confidence": p["confidence"],
                "doctor_confirmed": p["doctor_confirmed"],
            }
            for p in assessment.get("probable_types", [])
        ],
        "see_doctor_soon": flags,
        "needling_safety": list((response.answers or {}).get("needling_safety") or []),
    }


def request_consultation(
    patient: User,
    profile: TherapistProfile,
    mode: str,
    preferred_times: list[str],
    message: str,
    questionnaire: QuestionnaireResponse | None = None,
) -> ConsultationRequest:
    """Send a first-consultation request; raises ConsultationError (also when one is already open).

    The questionnaire summary is attached only when the caller passes the patient's answers,
    which the view does only when the consent box was ticked.
    """
    if patient.role != Role.PATIENT:
        raise ConsultationError("Only patients can request a consultation.")
    if not patient.email_confirmed:
        raise ConsultationError("Please confirm your email address first: open the link we sent you.")
    if not profile.accepting_new_patients:
        raise ConsultationError(f"{profile.display_name} is not taking new patients at the moment.")
    if mode not in {code for code, _ in requestable_modes(profile)}:
        raise ConsultationError("Choose one of the ways this practitioner offers a first consultation.")
    offered = set(slot_labels(profile))
    if any(time not in offered for time in preferred_times):
        raise ConsultationError("Choose your preferred times from the practitioner's openings.")
    if len(message) > MAX_MESSAGE:
        raise ConsultationError(f"Keep the message under {MAX_MESSAGE} characters.")
    already = db.session.scalar(
        select(ConsultationRequest.id).where(
            ConsultationRequest.patient_id == patient.id,
            ConsultationRequest.profile_id == profile.id,
            ConsultationRequest.status.in_(OPEN),
        )
    )
    if already:
        raise ConsultationError(ALREADY_OPEN)
    consultation = ConsultationRequest(
        patient_id=patient.id,
        profile_id=profile.id,
        mode=mode,
        preferred_times="\n".join(preferred_times) or None,
        message=message.strip() or None,
        questionnaire_summary=questionnaire_summary(questionnaire) if questionnaire else None,
    )
    db.session.add(consultation)
    try:
        db.session.flush()
    except IntegrityError:
        # The same request sent twice at once: both passed the check above, the index stopped one.
        db.session.rollback()
        raise ConsultationError(ALREADY_OPEN) from None
    notify(
        profile.user,
        "New consultation request",
        f"{patient.name or 'A patient'} asked for a first consultation ({_mode_name(mode)}).",
        url_for("consultations.inbox", _external=True),
    )
    db.session.commit()
    return consultation


def _mode_name(mode: str) -> str:
    return vocabulary.label(vocabulary.CONSULTATION_MODES, mode).lower()


def patient_requests(patient: User) -> Select[ConsultationRequest]:
    """The patient's requests, newest first."""
    return (
        select(ConsultationRequest)
        .where(ConsultationRequest.patient_id == patient.id)
        .options(selectinload(ConsultationRequest.profile))
        .order_by(ConsultationRequest.created_at.desc(), ConsultationRequest.id.desc())
    )


def inbox(profile: TherapistProfile, status: str | None = None) -> Select[ConsultationRequest]:
    """Requests to this practitioner, open ones first, optionally of one status."""
    query = (
        select(ConsultationRequest)
        .where(ConsultationRequest.profile_id == profile.id)
        .options(selectinload(ConsultationRequest.patient))
        .order_by(ConsultationRequest.created_at.desc(), ConsultationRequest.id.desc())
    )
    if status:
        query = query.where(ConsultationRequest.status == status)
    return query


def request_for_therapist(request_id: int, therapist: User) -> ConsultationRequest | None:
    """A request made to this therapist's profile, or None (someone else's request is not found)."""
    return db.session.scalar(
        select(ConsultationRequest)
        .join(TherapistProfile, TherapistProfile.id == ConsultationRequest.profile_id)
        .where(ConsultationRequest.id == request_id, TherapistProfile.user_id == therapist.id)
    )


def request_for_patient(request_id: int, patient: User) -> ConsultationRequest | None:
    """A request this patient made, or None."""
    return db.session.scalar(
        select(ConsultationRequest).where(
            ConsultationRequest.id == request_id, ConsultationRequest.patient_id == patient.id
        )
    )


def _change(consultation: ConsultationRequest, allowed_from: tuple[str, ...], status: str) -> None:
    if consultation.status not in allowed_from:
        raise ConsultationError(f"This request is {consultation.status} already; it cannot be changed that way.")
    consultation.status = status


def _tell_patient(consultation: ConsultationRequest, subject: str, body: str) -> None:
    notify(consultation.patient, subject, body, url_for("consultations.my_requests", _external=True))


def practice_zone(consultation: ConsultationRequest) -> ZoneInfo:
    """The time zone of the practice a request was made to, from its coordinates."""
    profile = consultation.profile
    return zone_at(profile.latitude, profile.longitude)


def practice_time(consultation: ConsultationRequest, moment: datetime) -> str:
    """A moment in the words and the time zone of the request's practice."""
    return local_label(moment, practice_zone(consultation))


def accept(consultation: ConsultationRequest, proposed_local: datetime | None, now: datetime | None = None) -> None:
    """Accept a request, proposing a time given in the practice's own zone; raises ConsultationError."""
    if proposed_local is None:
        raise ConsultationError("Propose a date and time for the first consultation.")
    proposed_at = proposed_local.replace(tzinfo=practice_zone(consultation)).astimezone(UTC)
    if proposed_at <= (now or utcnow()):
        raise ConsultationError("Propose a time that is still to come.")
    _change(consultation, (ConsultationStatus.REQUESTED,), ConsultationStatus.ACCEPTED)
    consultation.proposed_at = proposed_at
    consultation.declined_time = consultation.another_time_note = None
    consultation.proposed_time = practice_time(consultation, proposed_at)[
        : column_length(ConsultationRequest.proposed_time)
    ]
    consultation.confirmed_at = None
    _tell_patient(
        consultation,
        "Your consultation request was accepted",
        f"{consultation.profile.display_name} proposes {consultation.proposed_time}. "
        "Confirm this time, or ask for another, on your requests page.",
    )
    db.session.commit()


def _waiting_for_patient(consultation: ConsultationRequest) -> bool:
    return consultation.status == ConsultationStatus.ACCEPTED and consultation.confirmed_at is None


def practice_contact(consultation: ConsultationRequest) -> str:
    """Where and how to reach the practice, in one line: address and phone as the profile gives them."""
    profile = consultation.profile
    address = ", ".join(
        part
        for part in (profile.clinic_name, profile.street, profile.city, profile.region, profile.postal_code)
        if part
    )
    return "; ".join(part for part in (address, f"phone {profile.phone}" if profile.phone else "") if part)


def confirm(consultation: ConsultationRequest, now: datetime | None = None) -> None:
    """The patient confirms the proposed time; both are told, the patient with the address and phone."""
    if not _waiting_for_patient(consultation) or consultation.proposed_at is None:
        raise ConsultationError("There is no proposed time waiting for your answer on this request.")
    consultation.confirmed_at = now or utcnow()
    name = consultation.profile.display_name
    contact = practice_contact(consultation)
    _tell_patient(
        consultation,
        "Your first consultation is confirmed",
        f"With {name} on {consultation.proposed_time}." + (f" {contact}." if contact else ""),
    )
    notify(
        consultation.profile.user,
        "A patient confirmed the proposed time",
        f"{consultation.patient.name or 'The patient'} confirmed {consultation.proposed_time}.",
        url_for("consultations.inbox_detail", request_id=consultation.id, _external=True),
    )
    db.session.commit()


def ask_for_another_time(consultation: ConsultationRequest, note: str = "") -> None:
    """The patient asks for another time than the one proposed: the request waits for the therapist again."""
    if not _waiting_for_patient(consultation):
        raise ConsultationError("There is no proposed time waiting for your answer on this request.")
    note = note.strip()
    if len(note) > MAX_MESSAGE:
        raise ConsultationError(f"Keep the message under {MAX_MESSAGE} characters.")
    consultation.declined_time = consultation.proposed_time
    consultation.another_time_note = note or None
    consultation.status = ConsultationStatus.REQUESTED
    consultation.proposed_at = None
    consultation.proposed_time = None
    notify(
        consultation.profile.user,
        "A patient asked for another time",
        f"{consultation.patient.name or 'The patient'} cannot come on {consultation.declined_time}."
        + (f" They wrote: {note}" if note else "")
        + " Propose another time.",
        url_for("consultations.inbox_detail", request_id=consultation.id, _external=True),
    )
    db.session.commit()


def can_complete(consultation: ConsultationRequest, now: datetime | None = None) -> bool:
    """Whether the therapist may mark the consultation as done: accepted, and its proposed time has passed."""
    if consultation.status != ConsultationStatus.ACCEPTED:
        return False
    # A request accepted before times were moments has only words: it may be completed at any time.
    return consultation.proposed_at is None or consultation.proposed_at <= (now or utcnow())


def decline(consultation: ConsultationRequest, reason: str) -> None:
    """Decline a request with a reason the patient will read; raises ConsultationError."""
    reason = reason.strip()
    if not reason:
        raise ConsultationError("Give the patient a short reason.")
    _change(consultation, (ConsultationStatus.REQUESTED, ConsultationStatus.ACCEPTED), ConsultationStatus.DECLINED)
    consultation.decline_reason = reason[:MAX_MESSAGE]
    _tell_patient(
        consultation,
        "Your consultation request was declined",
        f"{consultation.profile.display_name}: {consultation.decline_reason}",
    )
    db.session.commit()


def complete(consultation: ConsultationRequest, when: datetime | None = None) -> None:
    """Mark an accepted consultation as having taken place, once its time has passed: the patient may then review."""
    when = when or utcnow()
    if consultation.status == ConsultationStatus.ACCEPTED and not can_complete(consultation, when):
        raise ConsultationError(
            f"You can mark it as completed once the consultation time ({consultation.proposed_time}) has passed."
        )
    _change(consultation, (ConsultationStatus.ACCEPTED,), ConsultationStatus.COMPLETED)
    consultation.completed_at = when
    _tell_patient(
        consultation,
        "How was your consultation?",
        f"{consultation.profile.display_name} marked your first consultation as done. You can now review it.",
    )
    db.session.commit()


def cancel(consultation: ConsultationRequest) -> None:
    """The patient withdraws a request that has not taken place."""
    _change(consultation, OPEN, ConsultationStatus.CANCELLED)
    notify(
        consultation.profile.user,
        "A consultation request was canceled",
        f"{consultation.patient.name or 'The patient'} canceled their request.",
        url_for("consultations.inbox", _external=True),
    )
    db.session.commit()


def listed_profile(slug: str) -> TherapistProfile | None:
    """A publicly listed profile by slug."""
    return db.session.scalar(select(TherapistProfile).where(TherapistProfile.slug == slug, nearby.listed_clause()))
