"""The listed practices the FHIR resources are built from, loaded for a page of ids in a few small queries."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Result, bindparam, select

from directory.extensions import db
from directory.models import (
    AvailabilitySlot,
    Certification,
    TherapistProfile,
    profile_consultation_mode,
    profile_headache_type,
    profile_language,
)
from directory.services.fhir import codes
from directory.services.search.nearby import SearchHit, listed_clause


@dataclass(frozen=True)
class PublicQualification:
    """A certification as the public profile shows it on the day the resource is built."""

    issuing_body: str  # the code (vocabulary.CERTIFYING_BODIES)
    issuer_name: str  # the body's name; the therapist's own words for "other"
    programme: str | None
    status: str  # verified, pending, rejected, or expired (a verified one past its date)
    obtained_on: date | None
    expires_on: date | None


@dataclass(frozen=True)
class Practice:
    """One listed practitioner's public profile: what every FHIR resource about them is made of."""

    id: int
    display_name: str
    gender: str | None
    profession: str | None
    clinic_name: str | None
    street: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None
    latitude: float | None
    longitude: float | None
    phone: str | None
    website: str | None
    accepting_new_patients: bool
    headache_types: tuple[str, ...]  # vocabulary order
    consultation_modes: tuple[str, ...]  # vocabulary order
    openings: tuple[tuple[int, int, int], ...]  # (weekday, start minute, end minute)
    languages: tuple[str, ...] = ()  # loaded only for Practitioner resources
    qualifications: tuple[PublicQualification, ...] = ()  # loaded only for Practitioner resources


_COLUMNS = (
    TherapistProfile.id,
    TherapistProfile.display_name,
    TherapistProfile.gender,
    TherapistProfile.profession,
    TherapistProfile.clinic_name,
    TherapistProfile.street,
    TherapistProfile.city,
    TherapistProfile.region,
    TherapistProfile.postal_code,
    TherapistProfile.country,
    TherapistProfile.latitude,
    TherapistProfile.longitude,
    TherapistProfile.phone,
    TherapistProfile.website,
    TherapistProfile.accepting_new_patients,
)


def _codes_by_profile(table_name: str, ids: Sequence[int]) -> dict[int, list[str]]:
    table = {
        "headache": profile_headache_type,
        "mode": profile_consultation_mode,
        "language": profile_language,
    }[table_name]
    found: dict[int, list[str]] = defaultdict(list)
    rows: Result[int, str] = db.session.execute(
        select(table.c.profile_id, table.c.code).where(table.c.profile_id.in_(bindparam("ids", expanding=True))),
        {"ids": list(ids)},
    )
    for profile_id, code in rows:
        found[profile_id].append(code)
    return found


def _qualifications(ids: Sequence[int], today: date) -> dict[int, list[PublicQualification]]:
    found: dict[int, list[PublicQualification]] = defaultdict(list)
    certifications = db.session.scalars(
        select(Certification)
        .where(Certification.profile_id.in_(bindparam("ids", expanding=True)))
        .order_by(Certification.id),
        {"ids": list(ids)},
    )
    for certification in certifications:
        found[certification.profile_id].append(
            PublicQualification(
                issuing_body=certification.issuing_body,
                issuer_name=certification.issuer_name,
                programme=certification.programme,
                status=certification.status_on(today),
                obtained_on=certification.obtained_on,
                expires_on=certification.expires_on,
            )
        )
    return found


def load_practices(ids: Sequence[int], *, for_practitioner: bool, today: date | None = None) -> dict[int, Practice]:
    """The listed practices among `ids` (published, of an active account), by id; others are left out.

    `for_practitioner` also loads what only a Practitioner resource shows: languages and certifications.
    """
    if not ids:
        return {}
    today = today or date.today()
    wanted = {"ids": list(ids)}
    rows = db.session.execute(
        select(*_COLUMNS).where(TherapistProfile.id.in_(bindparam("ids", expanding=True)), listed_clause()), wanted
    ).all()
    if not rows:
        return {}
    found_ids = [row.id for row in rows]
    headache = _codes_by_profile("headache", found_ids)
    modes = _codes_by_profile("mode", found_ids)
    openings: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    slots = db.session.execute(
        select(
            AvailabilitySlot.profile_id,
            AvailabilitySlot.weekday,
            AvailabilitySlot.start_minute,
            AvailabilitySlot.end_minute,
        )
        .where(AvailabilitySlot.profile_id.in_(bindparam("ids", expanding=True)))
        .order_by(AvailabilitySlot.profile_id, AvailabilitySlot.weekday, AvailabilitySlot.start_minute),
        {"ids": found_ids},
    )
    for profile_id, weekday, start, end in slots:
        openings[profile_id].append((weekday, start, end))
    languages: dict[int, list[str]] = {}
    qualifications: dict[int, list[PublicQualification]] = {}
    if for_practitioner:
        languages = _codes_by_profile("language", found_ids)
        qualifications = _qualifications(found_ids, today)
    return {
        row.id: Practice(
            **row._asdict(),
            headache_types=tuple(sorted(headache.get(row.id, ()), key=codes.HEADACHE_ORDER.__getitem__)),
            consultation_modes=tuple(sorted(modes.get(row.id, ()), key=codes.MODE_ORDER.__getitem__)),
            openings=tuple(openings.get(row.id, ())),
            languages=tuple(sorted(languages.get(row.id, ()))),
            qualifications=tuple(qualifications.get(row.id, ())),
        )
        for row in rows
    }


def practices_from_hits(
    hits: Sequence[SearchHit], *, for_practitioner: bool, today: date | None = None
) -> dict[int, Practice]:
    """The practices of a page of nearby-search hits (asked `with_contact`), by id, from the hits alone.

    The hits are listed practitioners already (the search listing holds no other), and bring every
    column a resource shows; `for_practitioner` loads their certifications, the one query left. Raises
    ValueError for hits searched without it.
    """
    qualifications = (
        _qualifications([hit.profile.id for hit in hits], today or date.today()) if for_practitioner and hits else {}
    )
    practices = {}
    for hit in hits:
        profile, contact = hit.profile, hit.contact
        if contact is None:
            raise ValueError("practices_from_hits needs hits searched with_contact=True")
        practices[profile.id] = Practice(
            id=profile.id,
            display_name=profile.display_name,
            gender=contact.gender,
            profession=profile.profession,
            clinic_name=profile.clinic_name,
            street=contact.street,
            city=profile.city,
            region=contact.region,
            postal_code=contact.postal_code,
            country=profile.country,
            latitude=profile.latitude,
            longitude=profile.longitude,
            phone=contact.phone,
            website=contact.website,
            accepting_new_patients=profile.accepting_new_patients,
            headache_types=hit.headache_types,
            consultation_modes=hit.consultation_modes,
            openings=hit.openings,
            languages=tuple(sorted(hit.languages)) if for_practitioner else (),
            qualifications=tuple(qualifications.get(profile.id, ())),
        )
    return practices
