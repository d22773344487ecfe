"""Consultation requests: a patient asks, the therapist proposes a time, the patient confirms it or asks for another."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from directory import vocabulary
from directory.extensions import db
from directory.models import (
    AvailabilitySlot,
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
from directory.services.core.mail import later, link, notify
from directory.services.core.text import N_, clock, gettext
from directory.services.geo.zones import local_label, zone_at
from directory.services.questionnaire import clinical
from directory.services.search import nearby

OPEN = OPEN_STATUSES
MAX_MESSAGE = 2000
ALREADY_OPEN = N_("You already have an open request with this practitioner.")
# A request's status in words, for "This request is ... already".
STATUS_WORDS: dict[str, str] = {
    ConsultationStatus.REQUESTED: N_("requested"),
    ConsultationStatus.ACCEPTED: N_("accepted"),
    ConsultationStatus.DECLINED: N_("declined"),
    ConsultationStatus.COMPLETED: N_("completed"),
    ConsultationStatus.CANCELLED: N_("canceled"),
}


class ConsultationError(ValueError):
    """The request cannot be made or changed; the message is for the user, in the page's language."""


def slot_labels(profile: TherapistProfile) -> list[str]:
    """The practitioner's weekly openings in words, which patients choose their preferred times from.

    In English: they are the values sent and stored with a request (see slot_choices for what is shown).
    """
    return [stored for stored, _shown in slot_choices(profile)]


def slot_choices(profile: TherapistProfile) -> list[tuple[str, str]]:
    """(stored English label, label in the page's language) for each weekly opening."""
    return [
        (f"{vocabulary.WEEKDAYS[s.weekday]} {_hours(s)}", f"{gettext(vocabulary.WEEKDAYS[s.weekday])} {_hours(s)}")
        for s in profile.availability
    ]


def preferred_words(consultation: ConsultationRequest) -> str | None:
    """The times the patient chose, in the reader's language: they are kept in English (slot_labels)."""
    if not consultation.preferred_times:
        return None
    days = {day: gettext(day) for day in vocabulary.WEEKDAYS}
    return ", ".join(
        f"{days.get(day, day)} {hours}"
        for day, _, hours in (line.partition(" ") for line in consultation.preferred_times.splitlines())
    )


def _hours(slot: AvailabilitySlot) -> str:
    return f"{clock(slot.start_minute)}–{clock(slot.end_minute)}"


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
        raise ConsultationError(gettext("Only patients can request a consultation."))
    if not patient.email_confirmed:
        raise ConsultationError(gettext("Please confirm your email address first: open the link we sent you."))
    if not profile.accepting_new_patients:
        raise ConsultationError(
            gettext("%(name)s is not taking new patients at the moment.", name=profile.display_name)
        )
    if mode not in {code for code, _ in requestable_modes(profile)}:
        raise ConsultationError(gettext("Choose one of the ways this practitioner offers a first consultation."))
    offered = set(slot_labels(profile))
    if any(time not in offered for time in preferred_times):
        raise ConsultationError(gettext("Choose your preferred times from the practitioner's openings."))
    if len(message) > MAX_MESSAGE:
        raise ConsultationError(gettext("Keep the message under %(max)d characters.", max=MAX_MESSAGE))
    already = db.session.scalar(
        select(ConsultationRequest.id).where(
            ConsultationRequest.patient_id == patient.id,
            ConsultationRequest.profile_id == profile.id,
            ConsultationRequest.status.in_(OPEN),
        )
    )
    if already:
        raise ConsultationError(gettext(ALREADY_OPEN))
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
        raise ConsultationError(gettext(ALREADY_OPEN)) from None
    notify(
        profile.user,
        _l("New consultation request"),
        _l(
            "%(patient)s asked for a first consultation (%(mode)s).",
            patient=patient.name or _l("A patient"),
            mode=later(_mode_name, mode),
        ),
        link("consultations.inbox"),
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
        raise ConsultationError(
            gettext(
                "This request is %(status)s already; it cannot be changed that way.",
                status=gettext(STATUS_WORDS[consultation.status]),
            )
        )
    consultation.status = status


def _tell_patient(consultation: ConsultationRequest, subject: LazyString, body: LazyString) -> None:
    notify(consultation.patient, subject, body, link("consultations.my_requests"))


def _tell_therapist(consultation: ConsultationRequest, subject: LazyString, body: LazyString) -> None:
    notify(consultation.profile.user, subject, body, link("consultations.inbox_detail", request_id=consultation.id))


def practice_zone(consultation: ConsultationRequest) -> ZoneInfo:
    """The time zone of the practice a request was made to, from its coordinates."""
    profile = consultation.profile
    return zone_at(profile.latitude, profile.longitude)


def practice_time(consultation: ConsultationRequest, moment: datetime) -> str:
    """A moment in the words and the time zone of the request's practice."""
    return local_label(moment, practice_zone(consultation))


def proposed_words(consultation: ConsultationRequest) -> str | None:
    """The proposed time in the reader's language (proposed_time keeps the words the therapist read)."""
    if consultation.proposed_at is None:  # accepted before times were moments: only words
        return consultation.proposed_time
    return practice_time(consultation, consultation.proposed_at)


def accept(consultation: ConsultationRequest, proposed_local: datetime | None, now: datetime | None = None) -> None:
    """Accept a request, proposing a time given in the practice's own zone; raises ConsultationError."""
    if proposed_local is None:
        raise ConsultationError(gettext("Propose a date and time for the first consultation."))
    proposed_at = proposed_local.replace(tzinfo=practice_zone(consultation)).astimezone(UTC)
    if proposed_at <= (now or utcnow()):
        raise ConsultationError(gettext("Propose a time that is still to come."))
    _change(consultation, (ConsultationStatus.REQUESTED,), ConsultationStatus.ACCEPTED)
    consultation.proposed_at = proposed_at
    consultation.declined_time = consultation.another_time_note = None
    consultation.proposed_time = practice_time(consultation, proposed_at)[
        : column_length(ConsultationRequest.proposed_time)
    ]
    consultation.confirmed_at = None
    _tell_patient(
        consultation,
        _l("Your consultation request was accepted"),
        _l(
            "%(name)s proposes %(time)s. Confirm this time, or ask for another, on your requests page.",
            name=consultation.profile.display_name,
            time=later(proposed_words, consultation),
        ),
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
    return "; ".join(
        part for part in (address, gettext("phone %(number)s", number=profile.phone) if profile.phone else "") if part
    )


def confirm(consultation: ConsultationRequest, now: datetime | None = None) -> None:
    """The patient confirms the proposed time; both are told, the patient with the address and phone."""
    if not _waiting_for_patient(consultation) or consultation.proposed_at is None:
        raise ConsultationError(gettext("There is no proposed time waiting for your answer on this request."))
    consultation.confirmed_at = now or utcnow()
    name, time = consultation.profile.display_name, later(proposed_words, consultation)
    contact = later(practice_contact, consultation)
    _tell_patient(
        consultation,
        _l("Your first consultation is confirmed"),
        _l("With %(name)s on %(time)s. %(contact)s.", name=name, time=time, contact=contact)
        if practice_contact(consultation)
        else _l("With %(name)s on %(time)s.", name=name, time=time),
    )
    _tell_therapist(
        consultation,
        _l("A patient confirmed the proposed time"),
        _l("%(patient)s confirmed %(time)s.", patient=consultation.patient.name or _l("The patient"), time=time),
    )
    db.session.commit()


def ask_for_another_time(consultation: ConsultationRequest, note: str = "") -> None:
    """The patient asks for another time than the one proposed: the request waits for the therapist again."""
    if not _waiting_for_patient(consultation):
        raise ConsultationError(gettext("There is no proposed time waiting for your answer on this request."))
    note = note.strip()
    if len(note) > MAX_MESSAGE:
        raise ConsultationError(gettext("Keep the message under %(max)d characters.", max=MAX_MESSAGE))
    consultation.declined_time = consultation.proposed_time
    consultation.another_time_note = note or None
    consultation.status = ConsultationStatus.REQUESTED
    consultation.proposed_at = None
    consultation.proposed_time = None
    patient, declined = consultation.patient.name or _l("The patient"), consultation.declined_time
    _tell_therapist(
        consultation,
        _l("A patient asked for another time"),
        _l(
            "%(patient)s cannot come on %(time)s. They wrote: %(note)s Propose another time.",
            patient=patient,
            time=declined,
            note=note,
        )
        if note
        else _l("%(patient)s cannot come on %(time)s. Propose another time.", patient=patient, time=declined),
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
        raise ConsultationError(gettext("Give the patient a short reason."))
    _change(consultation, (ConsultationStatus.REQUESTED, ConsultationStatus.ACCEPTED), ConsultationStatus.DECLINED)
    consultation.decline_reason = reason[:MAX_MESSAGE]
    _tell_patient(
        consultation,
        _l("Your consultation request was declined"),
        _l("%(name)s: %(reason)s", name=consultation.profile.display_name, reason=consultation.decline_reason),
    )
    db.session.commit()


def complete(consultation: ConsultationRequest, when: datetime | None = None) -> None:
    """Mark an accepted consultation as having taken place, once its time has passed: the patient may then review."""
    when = when or utcnow()
    if consultation.status == ConsultationStatus.ACCEPTED and not can_complete(consultation, when):
        raise ConsultationError(
            gettext(
                "You can mark it as completed once the consultation time (%(time)s) has passed.",
                time=proposed_words(consultation),
            )
        )
    _change(consultation, (ConsultationStatus.ACCEPTED,), ConsultationStatus.COMPLETED)
    consultation.completed_at = when
    _tell_patient(
        consultation,
        _l("How was your consultation?"),
        _l(
            "%(name)s marked your first consultation as done. You can now review it.",
            name=consultation.profile.display_name,
        ),
    )
    db.session.commit()


def cancel(consultation: ConsultationRequest) -> None:
    """The patient withdraws a request that has not taken place."""
    _change(consultation, OPEN, ConsultationStatus.CANCELLED)
    notify(
        consultation.profile.user,
        _l("A consultation request was canceled"),
        _l("%(patient)s canceled their request.", patient=consultation.patient.name or _l("The patient")),
        link("consultations.inbox"),
    )
    db.session.commit()


def listed_profile(slug: str) -> TherapistProfile | None:
    """A publicly listed profile by slug."""
    return db.session.scalar(select(TherapistProfile).where(TherapistProfile.slug == slug, nearby.listed_clause()))
