"""A deterministic, realistic demo data set, written with bulk inserts."""

import bisect
import itertools
import math
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, Generic, TypedDict, TypeVar

from sqlalchemy import Row, func, select, text
from zxcvbn.frequency_lists import FREQUENCY_LISTS

from directory import demo_diary
from directory.demo_diary import DemoDiaries
from directory.extensions import db
from directory.models import (
    AvailabilitySlot,
    Certification,
    ConsultationRequest,
    DiaryEntry,
    DiaryMedicine,
    DiaryShare,
    OutcomeConsent,
    Place,
    Review,
    TherapistProfile,
    TreatmentSession,
    User,
    profile_accessibility,
    profile_consultation_mode,
    profile_headache_type,
    profile_language,
)
from directory.services.core.accounts import hash_password
from directory.services.core.bulk import bulk_insert
from directory.services.core.vocabularies import sync_vocabularies
from directory.services.geo.zones import local_label, zone_at
from directory.services.outcomes import refresh as outcomes_refresh
from directory.services.search import listing

DEMO_PASSWORD = "calm-needles-2026"
# Admins are made only by 'flask create-admin'; 'make run' makes the demo admin that way.
DEMO_ADMIN_EMAIL = "admin@demo.example"
DEMO_LOGINS = (
    ("therapist", "therapist@demo.example"),
    ("patient", "patient@demo.example"),
)
DEMO_THERAPIST_ID, DEMO_PATIENT_ID = 1, 2

# Share of practitioners per country: mostly the US, some in five other countries.
COUNTRY_SHARES = (("US", 0.72), ("GB", 0.08), ("CA", 0.07), ("AU", 0.05), ("ES", 0.04), ("DE", 0.04))


class _CountrySettings(TypedDict):
    currency: str
    fee: tuple[int, int]
    languages: tuple[tuple[str, float], ...]


COUNTRY_SETTINGS: dict[str, _CountrySettings] = {
    "US": {"currency": "USD", "fee": (70, 190), "languages": (("en", 1.0), ("es", 0.22), ("zh", 0.03), ("vi", 0.02))},
    "GB": {"currency": "GBP", "fee": (40, 95), "languages": (("en", 1.0), ("pl", 0.05), ("pa", 0.03), ("ur", 0.03))},
    "CA": {"currency": "CAD", "fee": (75, 160), "languages": (("en", 0.92), ("fr", 0.3), ("zh", 0.04))},
    "AU": {"currency": "AUD", "fee": (80, 160), "languages": (("en", 1.0), ("zh", 0.05), ("el", 0.03), ("it", 0.03))},
    "ES": {"currency": "EUR", "fee": (30, 75), "languages": (("es", 1.0), ("ca", 0.25), ("en", 0.35))},
    "DE": {"currency": "EUR", "fee": (45, 110), "languages": (("de", 1.0), ("en", 0.45), ("tr", 0.05))},
}
HEADACHE_SHARES = (
    ("tension_type", 0.86),
    ("cervicogenic", 0.72),
    ("migraine", 0.74),
    ("cluster", 0.08),
    ("medication_overuse", 0.06),
)
MODE_SHARES = (("in_person", 0.96), ("video", 0.42), ("home_visit", 0.14))
ACCESSIBILITY_SHARES = (
    ("step_free", 0.6),
    ("accessible_toilet", 0.45),
    ("parking", 0.5),
    ("hearing_loop", 0.1),
    ("dim_quiet_room", 0.3),
)
PROFESSION_SHARES = (
    ("pt", 0.45),
    ("dpt", 0.25),
    ("chiropractor", 0.12),
    ("physician", 0.06),
    ("osteopath", 0.05),
    ("acupuncturist", 0.04),
    ("athletic_trainer", 0.03),
)
BODIES_BY_COUNTRY = {
    "US": ("myopain", "kinetacore", "eim", "idn", "aamt", "sfe"),
    "GB": ("aacp", "dgsa", "kinetacore"),
    "CA": ("istop", "kinetacore", "myopain"),
    "AU": ("dgsa", "kinetacore", "other"),
    "ES": ("travell_simons", "dgsa"),
    "DE": ("dgsa", "other"),
}
PROGRAMMES = (
    "Level 1",
    "Level 2",
    "Certified Dry Needling Practitioner",
    "Advanced: head and neck",
    "Foundation course",
)
INSURERS = {
    "US": ("Aetna", "Blue Cross Blue Shield", "Cigna", "UnitedHealthcare", "Medicare", "Kaiser Permanente"),
    "GB": ("Bupa", "AXA Health", "Vitality", "Aviva"),
    "CA": ("Sun Life", "Manulife", "Canada Life", "Blue Cross"),
    "AU": ("Medibank", "Bupa", "HCF", "nib"),
    "ES": ("Sanitas", "Adeslas", "DKV", "Mapfre"),
    "DE": ("TK", "AOK", "Barmer", "private Krankenversicherung"),
}
# Review words that go with the rating given: an opening by rating band and a detail, so that no profile
# shows the same text twice and a 1-star review does not read like a 5-star one.
REVIEW_OPENINGS = {
    "good": (
        "Very thorough first assessment and clear explanations.",
        "Listened carefully and explained what dry needling can and cannot do.",
        "Kind and professional from the first visit.",
        "Explained everything in plain words and never rushed me.",
        "Took my migraine history seriously and asked me to see my doctor first about one symptom.",
        "Calm, dim treatment room, which matters with my light sensitivity.",
        "Helpful for my neck-related headaches.",
    ),
    "mixed": (
        "Good experience overall, though it was hard to get an evening appointment.",
        "Not much change in my headaches yet, but the practitioner was honest about the evidence.",
        "Pleasant and careful, but the sessions felt a little short.",
        "The needling was more sore the next day than I expected.",
    ),
    "poor": (
        "My headaches did not improve and the follow-up felt rushed.",
        "The appointment started late and I left with more questions than answers.",
        "I did not feel the plan was explained well.",
    ),
}
REVIEW_DETAILS = (
    "My tension headaches are fewer after four sessions.",
    "The exercises to do at home made a real difference.",
    "Booking was easy.",
    "The video first consultation saved me a long trip.",
    "I was warned about soreness beforehand, which helped.",
    "Felt safe throughout.",
    "Parking nearby was easy.",
    "They wrote to my doctor with a short summary.",
    "",
)
# Streets in each country's own style: "{number} {name}" or "{name} {number}".
STREETS = {
    "US": ("{n} {name} Street", ("Main", "Oak", "Maple", "Park", "Washington", "Lake", "Elm", "Cedar")),
    "CA": ("{n} {name} Street", ("King", "Queen", "Main", "Maple", "Church", "Victoria")),
    "GB": ("{n} {name}", ("High Street", "Station Road", "Church Lane", "Mill Road", "Victoria Road", "London Road")),
    "AU": ("{n} {name}", ("George Street", "King Street", "Station Street", "Church Street", "High Street")),
    "DE": ("{name} {n}", ("Hauptstraße", "Bahnhofstraße", "Gartenstraße", "Schulstraße", "Lindenstraße")),
    "ES": ("{name}, {n}", ("Calle Mayor", "Calle Real", "Avenida de la Constitución", "Calle del Carmen")),
}


def _phone(rng: random.Random, country: str) -> str:
    """A made-up number in the country's own format (US and CA: the 555-01xx numbers reserved for fiction)."""
    if country in ("US", "CA"):
        return f"+1 {rng.randrange(201, 990)} 555 01{rng.randrange(0, 100):02d}"
    if country == "GB":  # Ofcom's range for drama
        return f"+44 20 7946 0{rng.randrange(0, 1000):03d}"
    if country == "AU":  # ACMA's range for fiction
        return f"+61 2 5550 {rng.randrange(0, 10000):04d}"
    if country == "DE":
        return f"+49 30 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}"
    return f"+34 91 {rng.randrange(100, 999)} {rng.randrange(10, 99)} {rng.randrange(10, 99)}"


def _street(rng: random.Random, country: str) -> str:
    pattern, names = STREETS[country]
    return pattern.format(n=rng.randrange(1, 400), name=rng.choice(names))


def _review_text(rng: random.Random, rating: int, used: set[str]) -> str:
    """Words that fit the rating, not yet used on this profile (while any are left)."""
    band = "good" if rating >= 4 else "mixed" if rating == 3 else "poor"
    texts = [f"{opening} {detail}".strip() for opening in REVIEW_OPENINGS[band] for detail in REVIEW_DETAILS]
    fresh = [text for text in texts if text not in used] or texts
    text = rng.choice(fresh)
    used.add(text)
    return text


@dataclass(frozen=True)
class SeedResult:
    practitioners: int
    patients: int
    certifications: int
    consultations: int
    reviews: int
    diaries: int = 0


class SeedError(RuntimeError):
    """The database is not ready for demo data (places missing, or data already there)."""


def _title(word: str) -> str:
    return word[:1].upper() + word[1:]


Item = TypeVar("Item")
# A city's name, region, latitude, longitude and population.
CityRow = Row[str, str | None, float, float, int]


class _Sampler(Generic[Item]):
    """Weighted choices from a fixed list, with a cumulative table for speed."""

    def __init__(self, items: Iterable[Item], weights: Iterable[float]) -> None:
        self.items = list(items)
        self.cumulative = list(itertools.accumulate(weights))

    def pick(self, rng: random.Random) -> Item:
        return self.items[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


def _city_samplers() -> dict[str, _Sampler[CityRow]]:
    samplers: dict[str, _Sampler[CityRow]] = {}
    for country, _ in COUNTRY_SHARES:
        rows = db.session.execute(
            select(Place.name, Place.region, Place.latitude, Place.longitude, Place.population)
            .where(Place.kind == "city", Place.country == country, Place.population > 0)
            .order_by(Place.id)
        ).all()
        if not rows:
            raise SeedError(f"No places for {country}: run 'flask places load' first.")
        samplers[country] = _Sampler(rows, [row.population for row in rows])
    return samplers


def _jitter(rng: random.Random, lat: float, lon: float, km: float) -> tuple[float, float]:
    # Spread practitioners around a city's centre rather than stacking them on one point.
    distance = km * math.sqrt(rng.random())
    bearing = rng.random() * 2 * math.pi
    dlat = distance / 111.0 * math.cos(bearing)
    dlon = distance / (111.0 * max(math.cos(math.radians(lat)), 0.01)) * math.sin(bearing)
    return round(lat + dlat, 6), round(((lon + dlon + 180) % 360) - 180, 6)


def _subset(rng: random.Random, shares: Iterable[tuple[str, float]]) -> list[str]:
    return [code for code, share in shares if rng.random() < share]


def seed_demo(practitioners: int, seed: int, today: date | None = None) -> SeedResult:
    """Fill an empty directory with demo practitioners, patients, requests and reviews.

    Raises SeedError when places are missing or the directory already has users.
    """
    if db.session.scalar(select(func.count()).select_from(User)):
        raise SeedError("The database already has users; demo data goes only into an empty directory.")
    sync_vocabularies()
    rng = random.Random(seed)
    today = today or date.today()
    now = datetime.now(UTC)
    cities = _city_samplers()
    countries = _Sampler([c for c, _ in COUNTRY_SHARES], [s for _, s in COUNTRY_SHARES])
    professions = _Sampler([p for p, _ in PROFESSION_SHARES], [s for _, s in PROFESSION_SHARES])
    first_names = FREQUENCY_LISTS["female_names"][:600] + FREQUENCY_LISTS["male_names"][:600]
    surnames = FREQUENCY_LISTS["surnames"][:3000]
    shared_hash = hash_password(DEMO_PASSWORD)

    users, profiles, headaches, modes, languages, access, slots, certs = [], [], [], [], [], [], [], []
    user_id = itertools.count(1)
    cert_id = itertools.count(1)

    for role, email in DEMO_LOGINS:
        users.append(_user_row(next(user_id), email, role, shared_hash, now, name=f"Demo {role}"))

    patient_count = max(2, practitioners // 5)
    patient_ids = [1 + len(DEMO_LOGINS) + i for i in range(patient_count - 1)] + [DEMO_PATIENT_ID]
    for i in range(patient_count - 1):
        name = f"{_title(rng.choice(first_names))} {_title(rng.choice(surnames))}"
        users.append(_user_row(next(user_id), f"patient{i + 1}@demo.example", "patient", shared_hash, now, name=name))

    for n in range(practitioners):
        profile_id = n + 1
        uid = DEMO_THERAPIST_ID if n == 0 else next(user_id)
        first, last = _title(rng.choice(first_names)), _title(rng.choice(surnames))
        if n:
            users.append(
                _user_row(uid, f"{first.lower()}.{last.lower()}.{n}@demo.example", "therapist", shared_hash, now)
            )
        country = "US" if n == 0 else countries.pick(rng)
        city = cities[country].pick(rng)
        # Close to the city's point, so that the town in the address is the one on the map (6 km from a small
        # town's point can be the next town, and a search from there showed it "under 1 km away").
        lat, lon = _jitter(rng, city.latitude, city.longitude, 5.0 if city.population > 1_000_000 else 1.5)
        settings = COUNTRY_SETTINGS[country]
        low, high = settings["fee"]
        fee_min = rng.randrange(low, high, 5)
        profession = professions.pick(rng)
        title = "Dr " if profession in ("dpt", "physician", "chiropractor") and rng.random() < 0.6 else ""
        gender_roll = rng.random()
        profiles.append(
            {
                "id": profile_id,
                "user_id": uid,
                "display_name": f"{title}{first} {last}",
                "slug": f"{first.lower()}-{last.lower()}-{profile_id}",
                "profession": profession,
                "licence_number": f"{country}-{rng.randrange(100000, 999999)}",
                "licence_jurisdiction": city.region if country == "US" else country,
                "clinic_name": f"{city.name} {rng.choice(('Physio', 'Headache & Neck Clinic', 'Movement Health', 'Physical Therapy', 'Spine & Pain Care'))}",
                "street": _street(rng, country),
                "city": city.name,
                "region": city.region,
                "country": country,
                "latitude": lat,
                "longitude": lon,
                "phone": _phone(rng, country),
                "bio": "I help people with tension-type, neck-related and migraine headaches using dry needling "
                "alongside exercise and advice, after a careful first assessment.",
                "practising_since": rng.randrange(1985, today.year),
                "session_minutes": rng.choice((30, 45, 45, 60, 60)),
                "fee_min": fee_min,
                "fee_max": fee_min + rng.randrange(0, 60, 5),
                "currency": settings["currency"],
                "insurance_accepted": ", ".join(rng.sample(INSURERS[country], rng.randrange(0, 3))) or None,
                "accepts_self_pay": rng.random() < 0.9,
                "gender": "woman"
                if gender_roll < 0.55
                else "man"
                if gender_roll < 0.97
                else "nonbinary"
                if gender_roll < 0.98
                else None,
                "accepting_new_patients": n == 0 or rng.random() < 0.85,
                "published": n == 0 or rng.random() < 0.96,
                "review_count": 0,
                "rating_total": 0,
                "created_at": now,
                "updated_at": now,
            }
        )
        headaches += [
            {"profile_id": profile_id, "code": c} for c in (_subset(rng, HEADACHE_SHARES) or ["tension_type"])
        ]
        modes += [{"profile_id": profile_id, "code": c} for c in (_subset(rng, MODE_SHARES) or ["in_person"])]
        languages += [{"profile_id": profile_id, "code": c} for c in (_subset(rng, settings["languages"]) or ["en"])]
        access += [{"profile_id": profile_id, "code": c} for c in _subset(rng, ACCESSIBILITY_SHARES)]
        for weekday in sorted(rng.sample(range(7), rng.randrange(2, 6))):
            start = rng.choice((7, 8, 9, 12, 13, 16)) * 60
            slots.append(
                {
                    "profile_id": profile_id,
                    "weekday": weekday,
                    "start_minute": start,
                    "end_minute": min(start + rng.choice((3, 4, 5)) * 60, 1380),
                }
            )
        for c in range(1 if rng.random() < 0.8 else 2):
            certs.append(
                _certification_row(
                    rng, next(cert_id), profile_id, country, today, now, first_is_verified=n == 0 and c == 0
                )
            )

    consultations, reviews = _consultations_and_reviews(rng, profiles, patient_ids, now)
    # The cohorts' consultation ids start after the one _diaries may add for the demo patient.
    cohorts = demo_diary.demo_cohorts(seed, now, profiles, next(user_id), len(consultations) + 2, shared_hash)
    diaries = _diaries(seed, today, now, profiles, consultations)
    users += cohorts.users
    consultations += cohorts.consultations
    demo_diary.add_cohort_diaries(diaries, cohorts, seed, today, {p["id"]: p["user_id"] for p in profiles})
    for profile in profiles:
        profile["review_count"], profile["rating_total"] = profile.pop("_reviews", (0, 0))

    bulk_insert(User, users)
    bulk_insert(TherapistProfile, profiles)
    bulk_insert(profile_headache_type, headaches)
    bulk_insert(profile_consultation_mode, modes)
    bulk_insert(profile_language, languages)
    bulk_insert(profile_accessibility, access)
    bulk_insert(AvailabilitySlot, slots)
    bulk_insert(Certification, certs)
    bulk_insert(ConsultationRequest, consultations)
    bulk_insert(Review, reviews)
    bulk_insert(DiaryEntry, diaries.entries)
    bulk_insert(DiaryMedicine, diaries.medicines)
    bulk_insert(TreatmentSession, diaries.sessions)
    bulk_insert(DiaryShare, diaries.shares)
    bulk_insert(OutcomeConsent, diaries.consents)
    _reset_sequences()
    listing.rebuild_all(db.session())
    db.session.commit()
    # The figures the profiles show, as the nightly refresh would compute them.
    outcomes_refresh.refresh(today)
    diary_count = len({row["patient_id"] for row in diaries.sessions})
    return SeedResult(
        len(profiles), patient_count + len(cohorts.users), len(certs), len(consultations), len(reviews), diary_count
    )


def _diaries(
    seed: int, today: date, now: datetime, profiles: list[dict[str, Any]], consultations: list[dict[str, Any]]
) -> DemoDiaries:
    """Headache diaries; the demo patient's on a completed consultation with the demo therapist (added when missing)."""
    demo = next(
        (
            c
            for c in consultations
            if c["patient_id"] == DEMO_PATIENT_ID and c["profile_id"] == 1 and c["status"] == "completed"
        ),
        None,
    )
    if demo is None:
        created = now - timedelta(days=demo_diary.FIRST_SESSION_AGO + 7)
        demo = _consultation_row(
            len(consultations) + 1, DEMO_PATIENT_ID, 1, "completed", created, completed=created + timedelta(days=7)
        )
        consultations.append(demo)
    therapist_of = {profile["id"]: profile["user_id"] for profile in profiles}
    return demo_diary.demo_diaries(seed, today, DEMO_PATIENT_ID, demo, consultations, therapist_of)


def _user_row(
    uid: int, email: str, role: str, password_hash: str, now: datetime, name: str | None = None
) -> dict[str, Any]:
    return {
        "id": uid,
        "email": email,
        "password_hash": password_hash,
        "role": role,
        "name": name,
        "active": True,
        "email_confirmed_at": now,
        "session_version": 1,
        "created_at": now,
    }


def _certification_row(
    rng: random.Random, cert_id: int, profile_id: int, country: str, today: date, now: datetime, first_is_verified: bool
) -> dict[str, Any]:
    body = rng.choice(BODIES_BY_COUNTRY[country])
    obtained = today - timedelta(days=rng.randrange(60, 3650))
    roll = 0.0 if first_is_verified else rng.random()
    status, expires, reason = "verified", obtained + timedelta(days=365 * 5), None
    if roll < 0.66:
        # Verified, and still valid: move the expiry past today when five years have gone by.
        if expires < today:
            expires = today + timedelta(days=rng.randrange(30, 900))
    elif roll < 0.80:
        status = "pending"
    elif roll < 0.87:
        status, reason = (
            "rejected",
            rng.choice(
                ("The credential id was not found in the program's records.", "The evidence document is unreadable.")
            ),
        )
    else:
        status, expires = "expired", today - timedelta(days=rng.randrange(1, 400))
    decided = status != "pending"
    return {
        "id": cert_id,
        "profile_id": profile_id,
        "issuing_body": body,
        "issuing_body_other": "Dry Needling Academy" if body == "other" else None,
        "programme": rng.choice(PROGRAMMES),
        "credential_id": f"{body.upper()}-{rng.randrange(10000, 99999)}-{cert_id}",
        "training_hours": rng.choice((27, 36, 54, 60, 75, 120)),
        "obtained_on": obtained,
        "expires_on": expires,
        "status": status,
        "decided_at": now if decided else None,
        "reason": reason,
        "created_at": now,
        "updated_at": now,
        "version": 1,
    }


def _consultations_and_reviews(
    rng: random.Random, profiles: list[dict[str, Any]], patient_ids: Sequence[int], now: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    consultations: list[dict[str, Any]] = []
    reviews: list[dict[str, Any]] = []
    consultation_id = itertools.count(1)
    published = [p for p in profiles if p["published"]]
    for profile in published:
        # Skewed: many practitioners have a few reviews, some have many, some none.
        count = min(int(rng.expovariate(1 / 2.2)), 25)
        if profile["id"] == 1:
            count = max(count, 3)
        total = 0
        authors = rng.sample(patient_ids, min(count, len(patient_ids)))
        used_texts: set[str] = set()
        for author in authors:
            cid = next(consultation_id)
            created = now - timedelta(days=rng.randrange(20, 700))
            consultations.append(
                _consultation_row(
                    cid, author, profile["id"], "completed", created, completed=created + timedelta(days=7)
                )
            )
            rating = rng.choices((5, 4, 3, 2, 1), weights=(50, 28, 11, 6, 5))[0]
            total += rating
            reviews.append(
                {
                    "author_id": author,
                    "profile_id": profile["id"],
                    "consultation_id": cid,
                    "rating": rating,
                    "text": _review_text(rng, rating, used_texts),
                    "status": "published",
                    "created_at": created + timedelta(days=10),
                    "updated_at": created + timedelta(days=10),
                }
            )
        profile["_reviews"] = (len(authors), total)
        if rng.random() < 0.05:
            status = rng.choice(("requested", "accepted", "declined", "cancelled"))
            row = _consultation_row(
                next(consultation_id),
                rng.choice(patient_ids),
                profile["id"],
                status,
                now - timedelta(days=rng.randrange(1, 20)),
            )
            if status == "accepted":
                # A time proposed in the coming weeks, on the hour in the practice's zone.
                zone = zone_at(profile["latitude"], profile["longitude"])
                local = (now + timedelta(days=rng.randrange(2, 21))).astimezone(zone)
                proposed_at = local.replace(hour=rng.choice((9, 11, 14, 16)), minute=0, second=0, microsecond=0)
                row["proposed_at"] = proposed_at.astimezone(UTC)
                row["proposed_time"] = local_label(proposed_at, zone)
            consultations.append(row)
    return consultations, reviews


def _consultation_row(
    cid: int, patient_id: int, profile_id: int, status: str, created: datetime, completed: datetime | None = None
) -> dict[str, Any]:
    return {
        "id": cid,
        "patient_id": patient_id,
        "profile_id": profile_id,
        "mode": "in_person",
        "preferred_times": "Weekday mornings",
        "message": "I have had headaches most days for a few months and would like an assessment.",
        "status": status,
        "created_at": created,
        "updated_at": completed or created,
        "completed_at": completed,
        "proposed_at": None,
        "proposed_time": None,
    }


def _reset_sequences() -> None:
    # Explicit ids leave PostgreSQL's sequences behind; move them past the data.
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for table in (
        "user",
        "therapist_profile",
        "availability_slot",
        "certification",
        "consultation_request",
        "review",
        "diary_entry",
        "diary_medicine",
        "treatment_session",
        "diary_share",
        "outcome_consent",
    ):
        db.session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), COALESCE((SELECT MAX(id) FROM \"{table}\"), 1))"
            )
        )
