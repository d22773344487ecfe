"""Saving a therapist's profile: what the editor sends, the checks the database relies on, the public address."""

import itertools
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from directory import vocabulary
from directory.extensions import db
from directory.models import (
    AccessibilityFeature,
    AvailabilitySlot,
    ConsultationMode,
    HeadacheType,
    Language,
    TherapistProfile,
    User,
)
from directory.services.core.text import escape_like, gettext, slugify
from directory.services.core.vocabularies import VocabularyRow
from directory.services.practice.errors import ProfileError
from directory.services.practice.location import LocationNote, locate_practice
from directory.services.practice.npi import npi_is_valid
from directory.services.practice.publishing import completeness
from directory.services.search import profile_page

BIO_MAX_LENGTH = 3000
MINUTES_PER_DAY = 24 * 60


@dataclass(frozen=True)
class Slot:
    """A weekly opening: weekday 0 (Monday) to 6, minutes after midnight."""

    weekday: int
    start_minute: int
    end_minute: int


@dataclass(frozen=True)
class ProfileData:
    """Everything the profile editor sends; None means not given."""

    display_name: str
    profession: str | None = None
    licence_number: str | None = None
    licence_jurisdiction: str | None = None
    npi: str | None = None
    clinic_name: str | None = None
    street: str | None = None
    city: str | None = None
    region: str | None = None
    postal_code: str | None = None
    country: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    phone: str | None = None
    website: str | None = None
    bio: str | None = None
    bio_es: str | None = None
    practising_since: int | None = None
    session_minutes: int | None = None
    fee_min: int | None = None
    fee_max: int | None = None
    currency: str = "USD"
    insurance_accepted: str | None = None
    accepts_self_pay: bool = True
    gender: str | None = None
    accepting_new_patients: bool = True
    headache_types: tuple[str, ...] = ()
    consultation_modes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    accessibility: tuple[str, ...] = ()
    availability: tuple[Slot, ...] = ()


# The profile columns ProfileData sets one to one.
SCALAR_FIELDS = (
    "display_name",
    "profession",
    "licence_number",
    "licence_jurisdiction",
    "npi",
    "clinic_name",
    "street",
    "city",
    "region",
    "postal_code",
    "country",
    "phone",
    "website",
    "bio",
    "bio_es",
    "practising_since",
    "session_minutes",
    "fee_min",
    "fee_max",
    "currency",
    "insurance_accepted",
    "accepts_self_pay",
    "gender",
    "accepting_new_patients",
)


@dataclass(frozen=True)
class SaveResult:
    profile: TherapistProfile
    location: LocationNote
    created: bool
    # What a published profile lost by this save, so it was taken off the directory.
    unpublished_for: tuple[str, ...] = ()


# NPI ----------------------------------------------------------------------------------------


def profile_for_preview(user: User) -> TherapistProfile | None:
    """The therapist's own profile with everything the public page shows, loaded at once."""
    return db.session.scalar(
        select(TherapistProfile).where(TherapistProfile.user_id == user.id).options(*profile_page.PUBLIC_PAGE_LOADS)
    )


# Saving -------------------------------------------------------------------------------------


def save_profile(user: User, data: ProfileData) -> SaveResult:
    """Create or update the therapist's profile and place the practice on the map.

    The address is geocoded when it changed or when no position is known; coordinates the
    therapist moved or typed win over the geocoder. A published profile that loses a required
    field is taken off the directory. Raises ProfileError.
    """
    _check(data)
    rows = {
        "headache_types": _rows(HeadacheType, data.headache_types, "headache_types"),
        "consultation_modes": _rows(ConsultationMode, data.consultation_modes, "consultation_modes"),
        "languages": _rows(Language, data.languages, "languages"),
        "accessibility": _rows(AccessibilityFeature, data.accessibility, "accessibility"),
    }
    profile = user.profile
    point, note = locate_practice(profile, data)
    created = profile is None
    if profile is None:
        profile = TherapistProfile(user=user, slug=unique_slug(data.display_name))
        db.session.add(profile)
    for name in SCALAR_FIELDS:
        setattr(profile, name, getattr(data, name))
    profile.latitude = round(point.latitude, 6) if point else None
    profile.longitude = round(point.longitude, 6) if point else None
    for name, chosen in rows.items():
        setattr(profile, name, chosen)
    profile.availability = [
        AvailabilitySlot(weekday=slot.weekday, start_minute=slot.start_minute, end_minute=slot.end_minute)
        for slot in sorted(data.availability, key=lambda s: (s.weekday, s.start_minute))
    ]
    unpublished_for: tuple[str, ...] = ()
    if profile.published:
        unpublished_for = completeness(profile).missing_required
        if unpublished_for:
            profile.published = False
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise ProfileError(
            gettext("Your profile changed elsewhere at the same moment and was not saved. Please send the form again.")
        ) from None
    return SaveResult(profile, note, created, unpublished_for)


def _check(data: ProfileData) -> None:
    """The invariants the database relies on, whoever calls; raises ProfileError."""
    if not data.display_name or not data.display_name.strip():
        raise ProfileError(gettext("Enter the name patients will see."), "display_name")
    if data.npi and not npi_is_valid(data.npi):
        raise ProfileError(gettext("This is not a valid NPI."), "npi")
    if data.fee_min is not None and data.fee_max is not None and data.fee_min > data.fee_max:
        raise ProfileError(gettext("The lowest fee cannot be more than the highest."), "fee_max")
    if data.currency not in {code for code, _ in vocabulary.CURRENCIES}:
        raise ProfileError(gettext("Choose a currency from the list."), "currency")
    if data.bio and len(data.bio) > BIO_MAX_LENGTH:
        raise ProfileError(gettext("Keep the description under %(max)d characters.", max=BIO_MAX_LENGTH), "bio")
    if data.bio_es and len(data.bio_es) > BIO_MAX_LENGTH:
        raise ProfileError(gettext("Keep the description under %(max)d characters.", max=BIO_MAX_LENGTH), "bio_es")
    if (data.latitude is None) != (data.longitude is None):
        raise ProfileError(gettext("Give both the latitude and the longitude, or neither."), "longitude")
    by_day: dict[int, list[Slot]] = {}
    for slot in data.availability:
        if not (0 <= slot.weekday <= 6 and 0 <= slot.start_minute < slot.end_minute <= MINUTES_PER_DAY):
            raise ProfileError(gettext("An opening time must come before its closing time."), "availability")
        by_day.setdefault(slot.weekday, []).append(slot)
    for slots in by_day.values():
        slots.sort(key=lambda s: s.start_minute)
        if any(earlier.end_minute > later.start_minute for earlier, later in itertools.pairwise(slots)):
            raise ProfileError(gettext("The openings of one day must not overlap."), "availability")


def _rows(model: type[VocabularyRow], codes: tuple[str, ...], field_name: str) -> list[VocabularyRow]:
    """The vocabulary rows for these codes, in the given order; raises ProfileError for an unknown code."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return []
    rows = {row.code: row for row in db.session.scalars(select(model).where(model.code.in_(wanted)))}
    if len(rows) != len(wanted):
        raise ProfileError(gettext("Choose only from the list."), field_name)
    return [rows[code] for code in wanted]


def unique_slug(name: str) -> str:
    """A slug for the public address from the name, with a number added when it is taken (-2, -3, ...)."""
    base = slugify(name)
    pattern = escape_like(base) + "-%"
    taken = set(
        db.session.scalars(
            select(TherapistProfile.slug).where(
                or_(TherapistProfile.slug == base, TherapistProfile.slug.like(pattern, escape="\\"))
            )
        )
    )
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"


# Placing the practice on the map ---------------------------------------------------------


# Photo -----------------------------------------------------------------------------------


# Publishing ------------------------------------------------------------------------------
