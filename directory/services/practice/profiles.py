"""Therapist profiles: saving, placing the practice on the map, the photo, completeness and publishing."""

import itertools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from directory import vocabulary
from directory.extensions import db
from directory.models import (
    AccessibilityFeature,
    AvailabilitySlot,
    Certification,
    CertificationStatus,
    ConsultationMode,
    HeadacheType,
    Language,
    Notice,
    StoredFile,
    TherapistProfile,
    User,
)
from directory.services.core import uploads
from directory.services.core.text import slugify
from directory.services.core.vocabularies import VocabularyRow
from directory.services.geo import geocoding
from directory.services.geo.points import Point
from directory.services.search import nearby
from directory.services.verification.certifications import EXPIRY_WARNING_DAYS, issuer_name

NPI_PREFIX = "80840"  # the ISO 7812 prefix for US health identifiers, part of the NPI check digit
BIO_MAX_LENGTH = 3000
PHOTO_MAX_BYTES = 2 * 1024 * 1024
MINUTES_PER_DAY = 24 * 60
NOTICES_SHOWN = 10
# Coordinates closer than this (about 1 cm) are the same point: a form round trip is not a move.
_SAME_POINT_DEGREES = 1e-7
_NPI_FORM = re.compile(r"[12][0-9]{9}")


class ProfileError(ValueError):
    """A profile change cannot be made; the message is for the user, `field` names the form field it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class PublishError(ProfileError):
    """The profile cannot be published yet; `missing` lists what it needs, in words."""

    def __init__(self, missing: list[str]):
        super().__init__("Before publishing, add " + join_words(missing) + ".")
        self.missing = tuple(missing)


@dataclass(frozen=True)
class Upload:
    """A file as the browser sent it: its name and its bytes."""

    filename: str
    content: bytes


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
ADDRESS_FIELDS = ("street", "city", "region", "postal_code", "country")


@dataclass(frozen=True)
class LocationNote:
    """What saving did to the practice's position, and what to tell the therapist.

    status: "found" (the address itself), "approximate" (a postal code or town centre),
    "manual" (coordinates the therapist gave), "unchanged", "not_found" or "missing".
    """

    status: str
    message: str = ""
    label: str | None = None

    @property
    def needs_attention(self) -> bool:
        """Whether the therapist should look at the pin (or type coordinates) now."""
        return self.status in ("approximate", "not_found", "missing")


@dataclass(frozen=True)
class SaveResult:
    profile: TherapistProfile
    location: LocationNote
    created: bool
    # What a published profile lost by this save, so it was taken off the directory.
    unpublished_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class Completeness:
    """How much of the profile is filled in, and what is missing, in words."""

    done: int
    total: int
    missing_required: tuple[str, ...]
    missing_recommended: tuple[str, ...]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def missing(self) -> tuple[str, ...]:
        return self.missing_required + self.missing_recommended


@dataclass(frozen=True)
class Step:
    """One thing the therapist should do next: `action` names the page it leads to."""

    action: str
    text: str
    certification_id: int | None = None


@dataclass(frozen=True)
class Overview:
    """What the therapist dashboard shows."""

    profile: TherapistProfile | None
    completeness: Completeness
    verified: bool
    verification: str  # "verified", "pending" or "none"
    publish_missing: tuple[str, ...]
    certifications: list[Certification]
    steps: tuple[Step, ...]
    notices: list[Notice] = field(default_factory=list)


# NPI ----------------------------------------------------------------------------------------


def npi_is_valid(npi: str) -> bool:
    """Whether `npi` is a well-formed NPI: 10 ASCII digits, the first 1 or 2, the last a Luhn check digit over 80840 + the first nine."""
    if not isinstance(npi, str) or not _NPI_FORM.fullmatch(npi):
        return False
    return luhn_check_digit(NPI_PREFIX + npi[:9]) == int(npi[9])


def luhn_check_digit(payload: str) -> int:
    """The Luhn check digit to append to a string of ASCII digits."""
    total = 0
    for position, character in enumerate(reversed(payload)):
        digit = int(character)
        if position % 2 == 0:  # every second digit, starting with the rightmost, is doubled
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return (10 - total % 10) % 10


# Reading ------------------------------------------------------------------------------------


def join_words(items: Iterable[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " and " + words[-1]


# What a profile should hold, in words, with how to tell whether it does.
_Item = tuple[str, Callable[[TherapistProfile], bool]]

_REQUIRED: tuple[_Item, ...] = (
    ("your name", lambda p: bool(p.display_name)),
    ("your profession", lambda p: bool(p.profession)),
    ("the practice's position on the map", lambda p: p.latitude is not None and p.longitude is not None),
    ("at least one headache type you treat", lambda p: bool(p.headache_types)),
    ("at least one way to hold a first consultation", lambda p: bool(p.consultation_modes)),
)
_RECOMMENDED: tuple[_Item, ...] = (
    ("your licence number and where it was issued", lambda p: bool(p.licence_number and p.licence_jurisdiction)),
    ("the practice address", lambda p: bool(p.city or p.postal_code)),
    ("a phone number or website", lambda p: bool(p.phone or p.website)),
    ("a few words about your work", lambda p: bool(p.bio)),
    ("the year you started practising", lambda p: p.practising_since is not None),
    ("the length of a session", lambda p: p.session_minutes is not None),
    ("your fees", lambda p: p.fee_min is not None),
    ("the languages you speak", lambda p: bool(p.languages)),
    ("your weekly availability", lambda p: bool(p.availability)),
    ("a photo", lambda p: p.photo_id is not None),
    ("a dry-needling certification", lambda p: bool(p.certifications)),
)


def completeness(profile: TherapistProfile | None) -> Completeness:
    """What the profile holds of what patients look for; required items come first."""
    total = len(_REQUIRED) + len(_RECOMMENDED)
    if profile is None:
        return Completeness(0, total, tuple(name for name, _ in _REQUIRED), tuple(name for name, _ in _RECOMMENDED))
    required = tuple(name for name, present in _REQUIRED if not present(profile))
    recommended = tuple(name for name, present in _RECOMMENDED if not present(profile))
    return Completeness(total - len(required) - len(recommended), total, required, recommended)


def missing_for_publishing(user: User) -> list[str]:
    """What the therapist must still add before their profile can be published, in words."""
    missing = [] if user.email_confirmed else ["a confirmed email address (open the link we mailed you)"]
    return missing + list(completeness(user.profile).missing_required)


def verification_state(profile: TherapistProfile | None, today: date | None = None) -> str:
    """ "verified" while a verified certification is unexpired, "pending" while one awaits review, else "none"."""
    if profile is None:
        return "none"
    if nearby.is_verified(profile, today):
        return "verified"
    if any(cert.status == CertificationStatus.PENDING for cert in profile.certifications):
        return "pending"
    return "none"


def overview(user: User, today: date | None = None) -> Overview:
    """Everything the therapist dashboard shows: state, completeness, next steps and notices."""
    today = today or date.today()
    profile = user.profile
    certifications = sorted(profile.certifications, key=lambda c: c.id) if profile else []
    notices = db.session.scalars(
        select(Notice)
        .where(Notice.user_id == user.id)
        .order_by(Notice.created_at.desc(), Notice.id.desc())
        .limit(NOTICES_SHOWN)
    ).all()
    return Overview(
        profile=profile,
        completeness=completeness(profile),
        verified=nearby.is_verified(profile, today) if profile else False,
        verification=verification_state(profile, today),
        publish_missing=tuple(missing_for_publishing(user)),
        certifications=certifications,
        steps=next_steps(user, today),
        notices=list(notices),
    )


def next_steps(user: User, today: date) -> tuple[Step, ...]:
    """What the therapist should do next, most urgent first."""
    profile = user.profile
    steps: list[Step] = []
    if not user.email_confirmed:
        steps.append(Step("confirm_email", f"Confirm your email address: open the link we sent to {user.email}."))
    if profile is None:
        steps.append(Step("edit_profile", "Fill in your profile: your practice, where it is and what you treat."))
        return tuple(steps)
    required = completeness(profile).missing_required
    if required:
        steps.append(Step("edit_profile", "Add " + join_words(required) + " to your profile."))
    for cert in sorted(profile.certifications, key=lambda c: c.id):
        name = issuer_name(cert)
        if cert.status == CertificationStatus.PENDING and cert.info_requested:
            steps.append(Step("answer_request", f"Our team asked for more information about {name}.", cert.id))
        elif cert.status == CertificationStatus.REJECTED:
            steps.append(
                Step("edit_certification", f"{name} was not accepted: correct it or upload clearer evidence.", cert.id)
            )
        elif cert.status == CertificationStatus.EXPIRED or (
            cert.status == CertificationStatus.VERIFIED and not cert.counts_on(today)
        ):
            steps.append(Step("edit_certification", f"{name} has expired: add the renewed certificate.", cert.id))
        elif cert.expires_on and 0 <= (cert.expires_on - today).days <= EXPIRY_WARNING_DAYS:
            steps.append(
                Step(
                    "edit_certification",
                    f"{name} expires on {cert.expires_on:%d %b %Y}: add the renewed certificate.",
                    cert.id,
                )
            )
    if not profile.certifications:
        steps.append(
            Step(
                "add_certification",
                "Add your dry-needling certification with its evidence, so that our team can verify it.",
            )
        )
    if not profile.published and not missing_for_publishing(user):
        steps.append(Step("publish", "Publish your profile so that patients can find you."))
    return tuple(steps)


def profile_for_preview(user: User) -> TherapistProfile | None:
    """The therapist's own profile with everything the public page shows, loaded at once."""
    return db.session.scalar(
        select(TherapistProfile).where(TherapistProfile.user_id == user.id).options(*nearby.PUBLIC_PAGE_LOADS)
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
    # Geocode before changing anything: the online geocoder's cache commits the session.
    point, note = _locate(profile, data)
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
            "Your profile changed elsewhere at the same moment and was not saved. Please send the form again."
        ) from None
    return SaveResult(profile, note, created, unpublished_for)


def _check(data: ProfileData) -> None:
    """The invariants the database relies on, whoever calls; raises ProfileError."""
    if not data.display_name or not data.display_name.strip():
        raise ProfileError("Enter the name patients will see.", "display_name")
    if data.npi and not npi_is_valid(data.npi):
        raise ProfileError("This is not a valid NPI.", "npi")
    if data.fee_min is not None and data.fee_max is not None and data.fee_min > data.fee_max:
        raise ProfileError("The lowest fee cannot be more than the highest.", "fee_max")
    if data.currency not in {code for code, _ in vocabulary.CURRENCIES}:
        raise ProfileError("Choose a currency from the list.", "currency")
    if data.bio and len(data.bio) > BIO_MAX_LENGTH:
        raise ProfileError(f"Keep the description under {BIO_MAX_LENGTH} characters.", "bio")
    if (data.latitude is None) != (data.longitude is None):
        raise ProfileError("Give both the latitude and the longitude, or neither.", "longitude")
    by_day: dict[int, list[Slot]] = {}
    for slot in data.availability:
        if not (0 <= slot.weekday <= 6 and 0 <= slot.start_minute < slot.end_minute <= MINUTES_PER_DAY):
            raise ProfileError("An opening time must come before its closing time.", "availability")
        by_day.setdefault(slot.weekday, []).append(slot)
    for slots in by_day.values():
        slots.sort(key=lambda s: s.start_minute)
        if any(earlier.end_minute > later.start_minute for earlier, later in itertools.pairwise(slots)):
            raise ProfileError("The openings of one day must not overlap.", "availability")


def _rows(model: type[VocabularyRow], codes: tuple[str, ...], field_name: str) -> list[VocabularyRow]:
    """The vocabulary rows for these codes, in the given order; raises ProfileError for an unknown code."""
    wanted = list(dict.fromkeys(codes))
    if not wanted:
        return []
    rows = {row.code: row for row in db.session.scalars(select(model).where(model.code.in_(wanted)))}
    if len(rows) != len(wanted):
        raise ProfileError("Choose only from the list.", field_name)
    return [rows[code] for code in wanted]


def unique_slug(name: str) -> str:
    """A slug for the public address from the name, with a number added when it is taken (-2, -3, ...)."""
    base = slugify(name)
    pattern = base.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "-%"
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


@dataclass(frozen=True)
class AddressMatch:
    """Where an address was found; exact when the geocoder placed the address itself."""

    location: geocoding.Location
    query: str
    exact: bool
    ambiguous: bool = False


def address_queries(
    street: str | None, city: str | None, region: str | None, postal_code: str | None, country: str | None
) -> list[str]:
    """What to ask the geocoder, most precise first: the whole address, then the postal code,
    then the town with its region, then the town with its country."""
    parts = {
        name: (value or "").strip()
        for name, value in (
            ("street", street),
            ("city", city),
            ("region", region),
            ("postal_code", postal_code),
            ("country", country),
        )
    }
    region_and_code = " ".join(part for part in (parts["region"], parts["postal_code"]) if part)
    queries = [", ".join(part for part in (parts["street"], parts["city"], region_and_code, parts["country"]) if part)]
    if parts["postal_code"]:
        us = parts["country"].upper() in ("", "US")
        queries.append(parts["postal_code"] if us else f"{parts['postal_code']}, {parts['country']}")
    if parts["city"] and parts["region"]:
        queries.append(f"{parts['city']}, {parts['region']}")
    if parts["city"] and parts["country"]:
        queries.append(f"{parts['city']}, {parts['country']}")
    elif parts["city"]:
        queries.append(parts["city"])
    return list(dict.fromkeys(query for query in queries if query))


def locate_address(
    street: str | None, city: str | None, region: str | None, postal_code: str | None, country: str | None
) -> AddressMatch | None:
    """The first place the geocoder finds for the address or, failing that, its postal code or town."""
    for query in address_queries(street, city, region, postal_code, country):
        try:
            result = geocoding.geocode(query)
        except geocoding.GeocodingError:
            continue  # too long or unreadable: try the shorter forms
        if result.location is not None:
            return AddressMatch(result.location, query, exact=result.location.kind == "address")
        if result.candidates:
            return AddressMatch(result.candidates[0], query, exact=False, ambiguous=True)
    return None


def _address(source: TherapistProfile | ProfileData) -> tuple[str, ...]:
    return tuple((getattr(source, name) or "").strip().casefold() for name in ADDRESS_FIELDS)


def _same_point(a: Point, b: Point) -> bool:
    return abs(a.latitude - b.latitude) < _SAME_POINT_DEGREES and abs(a.longitude - b.longitude) < _SAME_POINT_DEGREES


def _point(latitude: float | None, longitude: float | None) -> Point | None:
    if latitude is None or longitude is None:
        return None
    try:
        return Point(float(latitude), float(longitude))
    except (TypeError, ValueError):
        raise ProfileError(
            "Latitude must be between -90 and 90 and longitude between -180 and 180.", "latitude"
        ) from None


def _locate(profile: TherapistProfile | None, data: ProfileData) -> tuple[Point | None, LocationNote]:
    """The position to store and what to say about it."""
    stored = _point(profile.latitude, profile.longitude) if profile else None
    given = _point(data.latitude, data.longitude)
    if given is not None and (stored is None or not _same_point(stored, given)):
        return given, LocationNote("manual", "Your practice is placed at the coordinates you gave.")
    address_changed = profile is None or _address(profile) != _address(data)
    if given is not None and not address_changed:
        return stored, LocationNote("unchanged")
    has_address = any((getattr(data, name) or "").strip() for name in ("street", "city", "region", "postal_code"))
    if not has_address:
        return given, LocationNote(
            "missing" if given is None else "unchanged",
            "Add the practice address, or place the pin on the map, so that patients nearby can find you."
            if given is None
            else "",
        )
    match = locate_address(data.street, data.city, data.region, data.postal_code, data.country)
    if match is None:
        typed = ", ".join(part for part in (data.street, data.city, data.region, data.postal_code) if part)
        return given, LocationNote(
            "not_found",
            f"We could not find “{typed}” on the map. Your address is saved: place the pin on the map or "
            "type the latitude and longitude, then save again.",
        )
    label = match.location.label
    if match.exact:
        message = (
            f"We placed the pin at {label}. Check it on the map; if it is not quite at your door, drag it and save."
        )
        return match.location.point, LocationNote("found", message, label)
    if match.ambiguous:
        message = (
            f"Several places match your address; we used {label}. Check the pin on the map, move it if needed and save."
        )
    else:
        message = (
            f"We could only place the pin at the centre of {label}. Drag it to your practice, "
            "or type its coordinates, and save, so that distances are right."
        )
    return match.location.point, LocationNote("approximate", message, label)


# Photo -----------------------------------------------------------------------------------


def _require_profile(user: User) -> TherapistProfile:
    if user.profile is None:
        raise ProfileError("Save your profile first.")
    return user.profile


def set_photo(user: User, upload: Upload) -> StoredFile:
    """Replace the profile photo with an upright JPEG without metadata; raises UploadError or ProfileError."""
    profile = _require_profile(user)
    photo = uploads.process_photo(upload.filename, upload.content, max_bytes=PHOTO_MAX_BYTES)
    previous = profile.photo
    profile.photo = photo
    if previous is not None:
        db.session.delete(previous)
    db.session.commit()
    return photo


def remove_photo(user: User) -> bool:
    """Remove the profile photo; False when there was none."""
    profile = user.profile
    if profile is None or profile.photo is None:
        return False
    previous = profile.photo
    profile.photo = None
    db.session.delete(previous)
    db.session.commit()
    return True


def photo_for(profile_id: int, viewer: User | None) -> tuple[StoredFile, bool] | None:
    """A profile's photo and whether it is public: anyone may see a listed profile's, only the owner another's."""
    row = db.session.execute(
        select(TherapistProfile.user_id, nearby.listed_clause().label("listed"), StoredFile)
        .join(StoredFile, StoredFile.id == TherapistProfile.photo_id)
        .where(TherapistProfile.id == profile_id)
    ).first()
    if row is None:
        return None
    user_id, listed, photo = row
    if listed:
        return photo, True
    if viewer is not None and viewer.id == user_id:
        return photo, False
    return None


# Publishing ------------------------------------------------------------------------------


def publish(user: User) -> TherapistProfile:
    """Show the profile in the directory; raises PublishError listing what is missing."""
    missing = missing_for_publishing(user)
    profile = user.profile
    if missing or profile is None:  # without a profile, everything required is missing
        raise PublishError(missing)
    profile.published = True
    db.session.commit()
    return profile


def unpublish(user: User) -> bool:
    """Take the profile off the directory; False when it was not published."""
    profile = user.profile
    if profile is None or not profile.published:
        return False
    profile.published = False
    db.session.commit()
    return True
