"""Write the audit trail, and read it back: filtered queries and CSV export."""

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import Select, func, select

from directory.extensions import db
from directory.models import AuditEvent, User
from directory.services.core.text import N_, escape_like, gettext

CSV_COLUMNS = ("id", "time_utc", "actor_id", "actor_email", "action", "target_type", "target_id", "details")
# A spreadsheet runs a cell that starts with one of these as a formula.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_CSV_BATCH = 1000
# An admin page about one record shows this many of its latest events.
HISTORY_LIMIT = 20

# What each action is called on the admin pages. The log stores the action's code (the filters, the CSV export
# and the tests use it); pages show this label in their language (action_label). A new action gets a line here.
ACTION_LABELS = {
    "admin.created": N_("Admin account created"),
    "certification.submitted": N_("Certification submitted"),
    "certification.info_requested": N_("More information requested"),
    "certification.info_provided": N_("More information provided"),
    "certification.verified": N_("Certification verified"),
    "certification.rejected": N_("Certification rejected"),
    "certification.resubmitted": N_("Certification sent for verification again"),
    "certification.withdrawn": N_("Certification withdrawn"),
    "certification.expired": N_("Certification expired"),
    "roster.applied": N_("Roster applied"),
    "review.hidden": N_("Review hidden"),
    "review.restored": N_("Review kept or restored"),
    "user.suspended": N_("Account suspended"),
    "user.reactivated": N_("Account reactivated"),
    "diary.share_granted": N_("Diary shared with a practitioner"),
    "diary.share_revoked": N_("Diary sharing stopped"),
    "outcomes.consent_given": N_("Consent to count outcomes given"),
    "outcomes.consent_revoked": N_("Consent to count outcomes withdrawn"),
    "outcomes.refreshed": N_("Outcome figures refreshed"),
}
# The kinds of record an event is about, named the same way.
TARGET_LABELS = {
    "certification": N_("Certification"),
    "review": N_("Review"),
    "user": N_("Account"),
    "roster": N_("Roster"),
    "therapist_profile": N_("Practitioner profile"),
    "outcomes": N_("Outcome figures"),
}


def action_label(action: str) -> str:
    """An action as the admin pages name it, in the page's language; an action without a label, as stored."""
    return gettext(ACTION_LABELS[action]) if action in ACTION_LABELS else action


def target_label(target_type: str) -> str:
    """A target type as the admin pages name it, in the page's language; one without a label, as stored."""
    return gettext(TARGET_LABELS[target_type]) if target_type in TARGET_LABELS else target_type


def record(actor: User | None, action: str, target_type: str, target_id: int | None, **details: Any) -> AuditEvent:
    """Add one audit event (the caller's transaction commits it)."""
    event = AuditEvent(
        actor_id=actor.id if actor else None,
        actor_email=actor.email if actor else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        details=details,
    )
    db.session.add(event)
    return event


@dataclass(frozen=True)
class AuditFilters:
    """What the audit log is narrowed by; None means any. Dates are UTC days, both ends included."""

    actor: str | None = None  # part of the actor's email; "system" for events without an actor
    action: str | None = None
    target_type: str | None = None
    target_id: int | None = None
    since: date | None = None
    until: date | None = None


def events(filters: AuditFilters) -> Select[AuditEvent]:
    """The audit events matching the filters, newest first."""
    query = select(AuditEvent).order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc())
    actor = (filters.actor or "").strip().lower()
    if actor == "system":
        query = query.where(AuditEvent.actor_id.is_(None), AuditEvent.actor_email.is_(None))
    elif actor:
        query = query.where(func.lower(AuditEvent.actor_email).like(f"%{escape_like(actor)}%", escape="\\"))
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.target_type:
        query = query.where(AuditEvent.target_type == filters.target_type)
    if filters.target_id is not None:
        query = query.where(AuditEvent.target_id == filters.target_id)
    if filters.since:
        query = query.where(AuditEvent.created_at >= _start_of(filters.since))
    if filters.until:
        query = query.where(AuditEvent.created_at < _start_of(filters.until + timedelta(days=1)))
    return query


def history(target_type: str, target_id: int, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    """The latest `limit` events about one record (a certification, review or user), newest first."""
    filters = AuditFilters(target_type=target_type, target_id=target_id)
    return list(db.session.scalars(events(filters).limit(limit)))


def known_actions() -> list[str]:
    """Every action the log holds, for a filter's choices."""
    return list(db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action)))


def known_target_types() -> list[str]:
    """Every target type the log holds, for a filter's choices."""
    return list(db.session.scalars(select(AuditEvent.target_type).distinct().order_by(AuditEvent.target_type)))


def csv_lines(filters: AuditFilters) -> Iterator[str]:
    """The matching events as CSV text, a header first, in batches; cells are safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    query = events(filters).execution_options(yield_per=_CSV_BATCH)
    for count, event in enumerate(db.session.scalars(query), start=1):
        writer.writerow(csv_safe(cell) for cell in _csv_row(event))
        if count % _CSV_BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def csv_safe(value: Any) -> str:
    """A cell as text, with a leading quote when a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_row(event: AuditEvent) -> tuple[object, ...]:
    return (
        event.id,
        event.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"),
        event.actor_id,
        event.actor_email,
        event.action,
        event.target_type,
        event.target_id,
        json.dumps(event.details or {}, ensure_ascii=False, sort_keys=True),
    )


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def _start_of(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
