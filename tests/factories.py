"""Build test records directly in the database (call inside an app context)."""

import itertools
from datetime import date, timedelta
from functools import cache

from sqlalchemy import select

from directory.extensions import db
from directory.models import (
    AccessibilityFeature,
    AvailabilitySlot,
    Certification,
    ConsultationMode,
    HeadacheType,
    Language,
    OutcomeConsent,
    Place,
    Role,
    StoredFile,
    TherapistProfile,
    User,
    utcnow,
)
from directory.services.core.accounts import hash_password

PASSWORD = "a-long-test-passphrase"

# The smallest real PDF (a page and a cross-reference table): evidence is parsed and rewritten on upload.
MINIMAL_PDF = (
    b"%PDF-1.4\n"
    b"1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
    b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
    b"3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >> endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000058 00000 n \n0000000115 00000 n \n"
    b"trailer << /Size 4 /Root 1 0 R >>\nstartxref\n186\n%%EOF\n"
)
_numbers = itertools.count(1)


@cache
def password_hash() -> str:
    """Hashing is slow on purpose: do it once per test session."""
    return hash_password(PASSWORD)


def make_town(name: str, region: str, latitude: float, longitude: float, population: int, country: str = "US") -> bool:
    """Add a made-up town to the gazetteer unless it is there (a served test app keeps one database); True when added."""
    key = name.lower()
    if db.session.scalar(select(Place.id).where(Place.search_key == key)) is not None:
        return False
    db.session.add(
        Place(
            kind="city",
            name=name,
            search_key=key,
            region=region,
            country=country,
            latitude=latitude,
            longitude=longitude,
            population=population,
        )
    )
    return True


def make_user(
    role: str = Role.PATIENT,
    email: str | None = None,
    confirmed: bool = True,
    active: bool = True,
    name: str | None = None,
    language: str = "en",
) -> User:
    n = next(_numbers)
    user = User(
        email=email or f"{role}{n}@example.com",
        password_hash=password_hash(),
        role=role,
        name=name,
        language=language,
        active=active,
        email_confirmed_at=utcnow() if confirmed else None,
    )
    db.session.add(user)
    db.session.commit()
    return user


def make_profile(
    user: User | None = None,
    published: bool = True,
    latitude: float = 40.7549,
    longitude: float = -73.984,
    headache_types: tuple[str, ...] = ("tension_type",),
    modes: tuple[str, ...] = ("in_person",),
    languages: tuple[str, ...] = ("en",),
    accessibility: tuple[str, ...] = (),
    slots: tuple[tuple[int, int, int], ...] = (),
    verified: bool = False,
    **fields,
) -> TherapistProfile:
    """A therapist's profile; `slots` are (weekday, start minute, end minute); `verified` adds a verified certification."""
    user = user or make_user(Role.THERAPIST)
    n = next(_numbers)
    profile = TherapistProfile(
        user=user,
        display_name=fields.pop("display_name", f"Therapist {n}"),
        slug=fields.pop("slug", f"therapist-{n}"),
        latitude=latitude,
        longitude=longitude,
        published=published,
        headache_types=[db.session.get(HeadacheType, code) for code in headache_types],
        consultation_modes=[db.session.get(ConsultationMode, code) for code in modes],
        languages=[db.session.get(Language, code) for code in languages],
        accessibility=[db.session.get(AccessibilityFeature, code) for code in accessibility],
        availability=[AvailabilitySlot(weekday=d, start_minute=s, end_minute=e) for d, s, e in slots],
        **fields,
    )
    db.session.add(profile)
    db.session.commit()
    if verified:
        make_certification(profile)
    return profile


def make_certification(
    profile: TherapistProfile, status: str = "verified", expires_on: date | None = None, **fields
) -> Certification:
    n = next(_numbers)
    certification = Certification(
        profile=profile,
        issuing_body=fields.pop("issuing_body", "myopain"),
        credential_id=fields.pop("credential_id", f"CRED-{n}"),
        obtained_on=fields.pop("obtained_on", date.today() - timedelta(days=400)),
        expires_on=expires_on,
        status=status,
        **fields,
    )
    db.session.add(certification)
    db.session.commit()
    return certification


def make_evidence(kind: str = "pdf", filename: str | None = None):
    """A StoredFile holding a small valid PDF or PNG, as an evidence upload would (not committed on its own)."""
    import hashlib
    import io

    from PIL import Image

    from directory.models import StoredFile

    if kind == "pdf":
        content = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
        content_type, default_name = "application/pdf", "certificate.pdf"
    else:
        buffer = io.BytesIO()
        Image.new("RGB", (60, 40), (200, 220, 240)).save(buffer, "PNG")
        content, content_type, default_name = buffer.getvalue(), "image/png", "certificate.png"
    stored = StoredFile(
        filename=filename or default_name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    db.session.add(stored)
    return stored


def make_review(
    profile: TherapistProfile,
    author: User | None = None,
    rating: int = 4,
    status: str = "published",
    text: str = "Helpful and careful; my headaches eased.",
    flags: tuple[str, ...] = (),
):
    """A review by a new patient (unless given); a visible one counts in the profile's counters, as the site keeps them."""
    from directory.models import VISIBLE_REVIEW_STATUSES, Review, ReviewFlag

    author = author or make_user(Role.PATIENT)
    review = Review(profile=profile, author=author, rating=rating, status=status, text=text)
    review.flags = [ReviewFlag(reason=reason) for reason in flags]
    db.session.add(review)
    if status in VISIBLE_REVIEW_STATUSES:
        profile.review_count += 1
        profile.rating_total += rating
    db.session.commit()
    return review


def make_photo(profile: TherapistProfile) -> StoredFile:
    """Give a profile a small JPEG photo, stored as the photo service stores it."""
    import hashlib
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "teal").save(buffer, "JPEG")
    content = buffer.getvalue()
    photo = StoredFile(
        filename="photo.jpg",
        content_type="image/jpeg",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content=content,
    )
    profile.photo = photo
    db.session.commit()
    return photo


# The answers of the clinical spec's example (docs/clinical-rules.md, "The answers and the assessment answer").
CLINICAL_EXAMPLE_ANSWERS = {
    "age": 34,
    "diagnosed_types": ["migraine"],
    "red_flags": {"thunderclap": "no", "fever": "unsure"},
    "headache": {
        "days_per_month": 6,
        "frequent_for": "gt_1y",
        "lifetime_attacks": "10_plus",
        "duration": "4h_3d",
        "side": "one",
        "around_eye_or_temple": False,
        "quality": ["throbbing"],
        "severity": "severe",
        "worse_with_activity": True,
        "nausea": "moderate",
        "vomiting": False,
        "light_sensitive": True,
        "sound_sensitive": True,
        "restless": False,
        "autonomic_signs": [],
        "attack_frequency": "lt_every_other_day",
    },
    "aura": {
        "present": True,
        "symptoms": ["visual"],
        "spreads_gradually": True,
        "succession": False,
        "lasts_5_60_min": True,
        "one_sided": True,
        "positive": True,
        "headache_within_60_min": True,
        "episodes": "2_plus",
        "doctor_checked": True,
    },
    "neck": {
        "pain_with_headache": False,
        "began_with_neck_problem": False,
        "provoked_by_movement_or_posture": False,
        "provoked_by_pressure": False,
        "improved_with_neck": "not_applicable",
        "clinician_found_disorder": "no",
    },
    "medication": {
        "simple_analgesics": "1_4",
        "triptans": "0",
        "combination": "0",
        "opioids": "0",
        "ergots": "0",
        "for_3_months_or_more": True,
        "triptan_relieves": "never_tried",
        "migraine_like_days": "0_7",
    },
    "needling_safety": ["needle_fear"],
    "preferences": {
        "location": "Boulder, CO",
        "max_distance_km": 25,
        "first_consultation": "either",
        "languages": ["en", "es"],
        "practitioner_gender": "no_preference",
        "availability": ["weekday_evening"],
        "max_fee": 120,
        "insurance": "self_pay",
        "accessibility": ["step_free"],
    },
}


def make_diary_entry(patient: User, day: date, headache: bool = False, pain: int | None = None, **fields):
    """One diary day, saved directly (medicines: a tuple of class codes)."""
    from directory.models import DiaryEntry, DiaryMedicine

    medicines = [DiaryMedicine(medicine_class=code) for code in fields.pop("medicines", ())]
    entry = DiaryEntry(patient_id=patient.id, day=day, headache=headache, pain=pain, medicines=medicines, **fields)
    db.session.add(entry)
    db.session.commit()
    return entry


def make_completed_consultation(patient: User, profile: TherapistProfile):
    """A consultation that took place, as the therapist marks it."""
    from directory.models import ConsultationRequest

    consultation = ConsultationRequest(
        patient_id=patient.id, profile_id=profile.id, mode="in_person", status="completed", completed_at=utcnow()
    )
    db.session.add(consultation)
    db.session.commit()
    return consultation


def make_outcome_patient(
    profile: TherapistProfile,
    first_session: date,
    baseline_headache_every: int = 2,
    follow_up_headache_every: int = 4,
    follow_up_days: int = 28,
    consent: bool = True,
    late: bool = False,
) -> User:
    """A patient with a completed consultation, a session on first_session, the 28 baseline days and follow_up_days of
    days 57-84 recorded (a headache every n-th day), and their consent to count for the profile (bulk inserted)."""
    from directory.models import DiaryEntry, TreatmentSession
    from directory.services.core.bulk import bulk_insert

    patient = make_user(Role.PATIENT)
    consultation = make_completed_consultation(patient, profile)
    now = utcnow()
    rows = []
    numbers = [*range(-28, 0), *range(57, 57 + follow_up_days)]
    for i, n in enumerate(numbers):
        day = first_session + timedelta(days=n - 1 if n > 0 else n)
        every = baseline_headache_every if n < 0 else follow_up_headache_every
        headache = bool(every) and i % every == 0
        rows.append(
            {
                "patient_id": patient.id,
                "day": day,
                "headache": headache,
                "pain": 6 if headache else None,
                "source": "form",
                "late": late,
                "recorded_at": now,
                "updated_at": now,
            }
        )
    bulk_insert(DiaryEntry, rows)
    db.session.add(
        TreatmentSession(
            patient_id=patient.id, day=first_session, consultation_id=consultation.id, recorded_by_id=profile.user_id
        )
    )
    if consent:
        db.session.add(OutcomeConsent(patient_id=patient.id, profile_id=profile.id))
    db.session.commit()
    return patient
