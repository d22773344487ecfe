"""Keep the search listing in step with profiles, certifications and accounts.

Every ORM flush that touches a profile, its certifications or slots, or a user's active flag
refreshes the listing rows of the profiles concerned, inside the same transaction: no caller
has to remember to. Bulk inserts that bypass the ORM (the demo seeder) call rebuild_all().

A refresh is safe when two transactions touch one profile at once (docs/concurrency.md): it
locks the profile rows first, so the second waits and then reads what the first committed;
it writes only rows whose values changed, as an upsert, and deletes only rows no longer listed.
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import Table, delete, event, func, inspect, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session, UOWTransaction

from directory import vocabulary
from directory.models import (
    AvailabilitySlot,
    Certification,
    CertificationStatus,
    SearchListing,
    TherapistProfile,
    User,
    profile_accessibility,
    profile_consultation_mode,
    profile_headache_type,
    profile_language,
)
from directory.models.certification import verified_until as certification_verified_until
from directory.services.core.bulk import bulk_insert, table_of
from directory.services.geo.points import latitude_band

# One bit per code, in vocabulary order: masks let one index answer every set filter.
HEADACHE_BITS = {code: 1 << i for i, (code, _) in enumerate(vocabulary.HEADACHE_TYPES)}
MODE_BITS = {code: 1 << i for i, (code, _) in enumerate(vocabulary.CONSULTATION_MODES)}
LANGUAGE_BITS = {code: 1 << i for i, (code, _) in enumerate(vocabulary.LANGUAGES)}
ACCESS_BITS = {code: 1 << i for i, (code, _) in enumerate(vocabulary.ACCESSIBILITY_FEATURES)}
PERIOD_BITS = {code: 1 << i for i, (code, *_) in enumerate(vocabulary.AVAILABILITY_PERIODS)}
BATCH = 2000

assert len(LANGUAGE_BITS) <= 63, "language codes must fit a signed 64-bit mask"

_MASKS: tuple[tuple[Table, str, dict[str, int]], ...] = (
    (profile_headache_type, "headache_mask", HEADACHE_BITS),
    (profile_consultation_mode, "mode_mask", MODE_BITS),
    (profile_language, "language_mask", LANGUAGE_BITS),
    (profile_accessibility, "access_mask", ACCESS_BITS),
)


def mask(codes: Iterable[str], bits: dict[str, int]) -> int:
    """The bit mask of a set of codes."""
    value = 0
    for code in codes:
        value |= bits[code]
    return value


def codes(value: int, bits: dict[str, int]) -> tuple[str, ...]:
    """The codes set in a bit mask, in vocabulary order."""
    return tuple(code for code, bit in bits.items() if value & bit)


def period_mask(weekday: int, start_minute: int, end_minute: int) -> int:
    """The availability periods (weekday mornings, ..., weekends) an opening overlaps."""
    value = 0
    for code, _, days, start, end in vocabulary.AVAILABILITY_PERIODS:
        if weekday in days and start_minute < end and end_minute > start:
            value |= PERIOD_BITS[code]
    return value


def _rows_for(session: Session, profile_ids: list[int]) -> list[dict[str, Any]]:
    profiles = session.execute(
        select(
            TherapistProfile.id,
            TherapistProfile.latitude,
            TherapistProfile.longitude,
            TherapistProfile.accepting_new_patients,
            TherapistProfile.fee_min,
            func.coalesce(TherapistProfile.fee_max, TherapistProfile.fee_min).label("fee_max"),
            TherapistProfile.accepts_self_pay,
            TherapistProfile.insurance_accepted,
            TherapistProfile.gender,
            TherapistProfile.practising_since,
            TherapistProfile.review_count,
            TherapistProfile.rating_total,
        )
        .join(User, User.id == TherapistProfile.user_id)
        .where(
            TherapistProfile.id.in_(profile_ids),
            TherapistProfile.published.is_(True),
            User.active.is_(True),
            TherapistProfile.latitude.is_not(None),
            TherapistProfile.longitude.is_not(None),
        )
    ).all()
    if not profiles:
        return []
    ids = [p.id for p in profiles]
    rows = {p.id: {**p._asdict(), "profile_id": p.id} for p in profiles}
    for row in rows.values():
        del row["id"]
        insurers = row.pop("insurance_accepted")
        row["insurers"] = insurers.lower() if insurers else None
        row["lat_band"] = latitude_band(row["latitude"])
        row.update(
            headache_mask=0, mode_mask=0, language_mask=0, access_mask=0, availability_mask=0, verified_until=None
        )
    for table, column, bits in _MASKS:
        for link in session.execute(select(table.c.profile_id, table.c.code).where(table.c.profile_id.in_(ids))):
            rows[link.profile_id][column] |= bits[link.code]
    for slot in session.execute(
        select(
            AvailabilitySlot.profile_id,
            AvailabilitySlot.weekday,
            AvailabilitySlot.start_minute,
            AvailabilitySlot.end_minute,
        ).where(AvailabilitySlot.profile_id.in_(ids))
    ):
        rows[slot.profile_id]["availability_mask"] |= period_mask(slot.weekday, slot.start_minute, slot.end_minute)
    # The latest day any certification counts (Certification.counts_on): search compares it with
    # today in SQL (verified_until >= today), which is counts_on's own comparison.
    verified_until: dict[int, date] = defaultdict(lambda: date.min)
    for profile_id, status, expires_on in session.execute(
        select(Certification.profile_id, Certification.status, Certification.expires_on).where(
            Certification.profile_id.in_(ids), Certification.status == CertificationStatus.VERIFIED
        )
    ):
        until = certification_verified_until(status, expires_on)
        if until is not None:
            verified_until[profile_id] = max(verified_until[profile_id], until)
    for profile_id, until in verified_until.items():
        rows[profile_id]["verified_until"] = until
    return list(rows.values())


def refresh(session: Session, profile_ids: Iterable[int]) -> None:
    """Bring the listing rows of these profiles in step with the current data, writing only what changed (adds to the transaction)."""
    ids = sorted(set(profile_ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        _lock_profiles(session, chunk)
        wanted = {row["profile_id"]: row for row in _rows_for(session, chunk)}
        current = {
            row["profile_id"]: dict(row)
            for row in session.execute(
                select(SearchListing.__table__).where(SearchListing.profile_id.in_(chunk))
            ).mappings()
        }
        gone = [profile_id for profile_id in current if profile_id not in wanted]
        if gone:
            session.execute(delete(SearchListing).where(SearchListing.profile_id.in_(gone)))
        changed = [row for profile_id, row in wanted.items() if current.get(profile_id) != row]
        if changed:
            _upsert(session, changed)


def _lock_profiles(session: Session, profile_ids: list[int]) -> None:
    # PostgreSQL: a second transaction refreshing one of these profiles waits here until this one
    # commits, then reads the committed data, so neither writes a listing from a stale snapshot
    # (an unpublish racing a verification would leave a listed row). In id order: no deadlock
    # between two refreshes. SQLite needs nothing: the flush before this holds its one write lock.
    session.execute(
        select(TherapistProfile.id)
        .where(TherapistProfile.id.in_(profile_ids))
        .order_by(TherapistProfile.id)
        .with_for_update()
    )


def _upsert(session: Session, rows: list[dict[str, Any]]) -> None:
    # INSERT ... ON CONFLICT DO UPDATE: a row another transaction inserted meanwhile is updated,
    # never a duplicate key; the WHERE leaves a row alone when nothing in it differs.
    table = table_of(SearchListing)
    dialect = session.connection().dialect.name
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)
    listed = [column.name for column in table.columns if not column.primary_key]
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.profile_id],
        set_={name: statement.excluded[name] for name in listed},
        where=or_(*(table.c[name].is_distinct_from(statement.excluded[name]) for name in listed)),
    )
    session.execute(statement, rows)


def rebuild_all(session: Session) -> int:
    """Rebuild the whole listing (after bulk loads); returns how many profiles were looked at."""
    session.execute(delete(SearchListing))
    ids = list(session.scalars(select(TherapistProfile.id).order_by(TherapistProfile.id)))
    for start in range(0, len(ids), BATCH):
        bulk_insert(SearchListing, _rows_for(session, ids[start : start + BATCH]), session)
    return len(ids)


def _touched_profiles(session: Session) -> set[int]:
    touched: set[int] = set()
    users: set[int] = set()
    dirty = session.dirty
    for obj in (*session.new, *dirty, *session.deleted):
        if isinstance(obj, TherapistProfile) and obj.id is not None:
            touched.add(obj.id)
        elif isinstance(obj, (Certification, AvailabilitySlot)) and obj.profile_id is not None:
            touched.add(obj.profile_id)
        elif isinstance(obj, User) and obj.id is not None and (obj not in dirty or _active_changed(obj)):
            users.add(obj.id)
    if users:
        touched.update(session.scalars(select(TherapistProfile.id).where(TherapistProfile.user_id.in_(users))))
    return touched


def _active_changed(user: User) -> bool:
    # A user is "dirty" too when a notice joins their collection, or at login: neither is listed.
    return inspect(user).attrs.active.history.has_changes()


@event.listens_for(Session, "after_flush")
def _refresh_after_flush(session: Session, flush_context: UOWTransaction) -> None:
    touched = _touched_profiles(session)
    if touched:
        with session.no_autoflush:
            refresh(session, touched)
