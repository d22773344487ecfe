"""A listed practitioner's public details as the JSON API gives them: codes, openings, certifications and ratings."""

from dataclasses import dataclass
from datetime import date

from directory import vocabulary
from directory.models import AvailabilitySlot, Certification, TherapistProfile
from directory.services.core.text import clock
from directory.services.search import profile_page, ratings


@dataclass(frozen=True)
class PublicCertification:
    """A certification as the public reads it."""

    issuing_body: str  # the body's name; the therapist's own words for "other"
    programme: str | None
    status: str  # verified, pending, rejected, or expired for a verified one past its date
    obtained_on: date | None
    expires_on: date | None


@dataclass(frozen=True)
class PractitionerDetails:
    """What the API says about one listed practitioner beyond the profile's own columns."""

    profile: TherapistProfile
    verified: bool
    rating: ratings.RatingSummary
    headache_types: tuple[str, ...]
    consultation_modes: tuple[str, ...]
    languages: tuple[str, ...]
    accessibility: tuple[str, ...]
    availability: tuple[str, ...]  # "Monday 09:00-12:00"
    certifications: tuple[PublicCertification, ...]  # in the order they were submitted


def practitioner_details(practitioner_id: int, today: date | None = None) -> PractitionerDetails | None:
    """The public details of the listed practitioner with this id, None when no listed practitioner has it."""
    profile = profile_page.public_profile(TherapistProfile.id == practitioner_id)
    if profile is None:
        return None
    today = today or date.today()
    return PractitionerDetails(
        profile=profile,
        verified=profile.verified_on(today),
        rating=ratings.summary(profile),
        headache_types=tuple(entry.code for entry in profile.headache_types),
        consultation_modes=tuple(entry.code for entry in profile.consultation_modes),
        languages=tuple(entry.code for entry in profile.languages),
        accessibility=tuple(entry.code for entry in profile.accessibility),
        availability=tuple(opening(slot) for slot in profile.availability),
        certifications=tuple(
            public_certification(certification, today)
            for certification in sorted(profile.certifications, key=lambda c: c.id)
        ),
    )


def opening(slot: AvailabilitySlot) -> str:
    """A weekly opening as "Monday 09:00-12:00"."""
    return f"{vocabulary.WEEKDAYS[slot.weekday]} {clock(slot.start_minute)}-{clock(slot.end_minute)}"


def public_certification(certification: Certification, today: date) -> PublicCertification:
    """A certification as the public reads it on this day."""
    return PublicCertification(
        issuing_body=certification.issuer_name,
        programme=certification.programme,
        status=certification.status_on(today),
        obtained_on=certification.obtained_on,
        expires_on=certification.expires_on,
    )
