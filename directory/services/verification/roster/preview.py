"""What a roster would do to the pending certifications, shown to the admin before anything changes."""

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, select

from directory.extensions import db
from directory.models import Certification, CertificationStatus, TherapistProfile, utcnow
from directory.models.certification import expired_by, issuer_display_name
from directory.services.core.text import gettext, ngettext, number_label
from directory.services.verification.roster.dates import parse_roster_date
from directory.services.verification.roster.mapping import check_mapping, field_label, required_column
from directory.services.verification.roster.names import (
    BODY_CODES,
    body_matches,
    names_match,
    normalise_credential,
)
from directory.services.verification.roster.reading import Roster, RosterError

UNMATCHED_SHOWN = 50


WARNINGS_SHOWN = 20


@dataclass(frozen=True)
class RosterItem:
    """One pending certification and what the roster says about it."""

    certification_id: int
    profile_name: str  # the display name on the certification's profile
    credential_id: str | None
    issuing_body: str
    version: int
    roster_row: int | None = None
    roster_name: str | None = None
    roster_obtained_on: date | None = None
    roster_expires_on: date | None = None
    reason: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnmatchedRow:
    """A roster row that names no pending certification."""

    row: int
    name: str
    credential_id: str


@dataclass(frozen=True)
class RosterPreview:
    """What applying a roster would do: certifications it confirms, finds expired, contradicts or does not mention."""

    confirmed: tuple[RosterItem, ...]
    expired: tuple[RosterItem, ...]
    contradicted: tuple[RosterItem, ...]
    not_mentioned: tuple[RosterItem, ...]
    unmatched_count: int
    unmatched_rows: tuple[UnmatchedRow, ...]
    warnings: tuple[str, ...]
    issuing_body: str | None
    today: date


@dataclass(frozen=True)
class _RowFacts:
    """The mapped cells of one roster row, dates parsed."""

    row: int
    name: str
    credential_id: str
    issuing_body: str
    obtained_on: date | None
    expires_on: date | None
    notes: tuple[str, ...]


def preview(
    roster: Roster, mapping: Mapping[str, int | None], issuing_body: str | None = None, *, today: date | None = None
) -> RosterPreview:
    """Classify every pending certification (of one body, if given); raises RosterError for a bad mapping or body."""
    check_mapping(mapping, roster.headers)
    if issuing_body is not None and issuing_body not in BODY_CODES:
        raise RosterError(gettext("Unknown issuing body '%(body)s'.", body=issuing_body))
    today = today or utcnow().date()
    index = _index_by_credential(roster, required_column(mapping, "credential_id"))
    groups: dict[str, list[RosterItem]] = {"confirmed": [], "expired": [], "contradicted": [], "not_mentioned": []}
    matched: set[str] = set()
    for certification in _pending_certifications(issuing_body):
        key = normalise_credential(certification.credential_id)
        rows = index.get(key) if key else None
        if rows:
            matched.add(key)
            kind, item = _classify(certification, [_row_facts(roster, mapping, i) for i in rows], today)
        else:
            kind, item = "not_mentioned", _not_mentioned(certification)
        groups[kind].append(item)
    unmatched = sorted(i for key, rows in index.items() if key not in matched for i in rows)
    return RosterPreview(
        confirmed=tuple(groups["confirmed"]),
        expired=tuple(groups["expired"]),
        contradicted=tuple(groups["contradicted"]),
        not_mentioned=tuple(groups["not_mentioned"]),
        unmatched_count=len(unmatched),
        unmatched_rows=tuple(_unmatched_row(roster, mapping, i) for i in unmatched[:UNMATCHED_SHOWN]),
        warnings=_preview_warnings(roster, index, groups),
        issuing_body=issuing_body,
        today=today,
    )


# id, credential_id, issuing_body, issuing_body_other, version, expires_on, display_name.
PendingRow = Row[int, str | None, str, str | None, int, date | None, str]


def _pending_certifications(issuing_body: str | None) -> list[PendingRow]:
    """Every pending certification with its therapist's display name, in one query."""
    query = (
        select(
            Certification.id,
            Certification.credential_id,
            Certification.issuing_body,
            Certification.issuing_body_other,
            Certification.version,
            Certification.expires_on,
            TherapistProfile.display_name,
        )
        .join(TherapistProfile, Certification.profile_id == TherapistProfile.id)
        .where(Certification.status == CertificationStatus.PENDING.value)
        .order_by(Certification.id)
    )
    if issuing_body is not None:
        query = query.where(Certification.issuing_body == issuing_body)
    return list(db.session.execute(query))


def _index_by_credential(roster: Roster, column: int) -> dict[str, list[int]]:
    """Row positions by normalised credential id ('' collects the rows without one)."""
    index: dict[str, list[int]] = defaultdict(list)
    for position, row in enumerate(roster.rows):
        index[normalise_credential(row[column])].append(position)
    return index


def _row_facts(roster: Roster, mapping: Mapping[str, int | None], position: int) -> _RowFacts:
    """Read the mapped cells of one row, noting dates that cannot be read."""
    row, number = roster.rows[position], roster.row_numbers[position]
    cells = {field: row[column] if column is not None else "" for field, column in mapping.items()}
    notes = []
    dates = {}
    for field in ("obtained_on", "expires_on"):
        text = cells.get(field, "")
        dates[field] = parse_roster_date(text) if text else None
        if text and dates[field] is None:
            notes.append(
                gettext(
                    "Row %(row)d: cannot read the %(field)s '%(text)s'.",
                    row=number,
                    field=field_label(field),
                    text=text,
                )
            )
    return _RowFacts(
        row=number,
        name=cells["name"],
        credential_id=cells["credential_id"],
        issuing_body=cells.get("issuing_body", ""),
        obtained_on=dates["obtained_on"],
        expires_on=dates["expires_on"],
        notes=tuple(notes),
    )


def _classify(certification: PendingRow, rows: list[_RowFacts], today: date) -> tuple[str, RosterItem]:
    """Confirmed by the first row without objection, expired by a matching row with a past date, else contradicted."""
    for facts in rows:
        if not _objections(certification, facts, today):
            return "confirmed", _item(certification, facts)
    for facts in rows:
        # The same rule as one-by-one approval: an expired certification is never verified.
        if not any(_mismatches(certification, facts)):
            return "expired", _item(certification, facts, _expiry(certification, facts, today))
    facts = rows[0]
    return "contradicted", _item(certification, facts, "; ".join(_objections(certification, facts, today)))


def _objections(certification: PendingRow, facts: _RowFacts, today: date) -> list[str]:
    """Why a row with the certification's credential id does not confirm it (empty when it does)."""
    name, body = _mismatches(certification, facts)
    return [reason for reason in (name, _expiry(certification, facts, today), body) if reason]


def _expiry(certification: PendingRow, facts: _RowFacts, today: date) -> str:
    """Why the certification counts as expired, by its own expiry date or the roster's ('' when it does not)."""
    if certification.expires_on is not None and expired_by(certification.expires_on, today):
        return str(gettext("The certification says it expired on %(day)s", day=certification.expires_on.isoformat()))
    if facts.expires_on is not None and expired_by(facts.expires_on, today):
        return str(gettext("Roster says it expired on %(day)s", day=facts.expires_on.isoformat()))
    return ""


def _mismatches(certification: PendingRow, facts: _RowFacts) -> tuple[str, str]:
    """Where the row and the certification disagree on the name and on the issuing body ('' where they agree)."""
    name = body = ""
    if not facts.name:
        name = gettext("Row %(row)d gives no name", row=facts.row)
    elif not names_match(facts.name, certification.display_name):
        name = gettext(
            "Name on roster is '%(roster)s', profile says '%(profile)s'",
            roster=facts.name,
            profile=certification.display_name,
        )
    code, other = certification.issuing_body, certification.issuing_body_other
    if facts.issuing_body and not body_matches(facts.issuing_body, code, other):
        named = issuer_display_name(code, other)
        body = gettext(
            "Roster names issuing body '%(roster)s', the certification says '%(named)s'",
            roster=facts.issuing_body,
            named=named,
        )
    return name, body


def _item(certification: PendingRow, facts: _RowFacts, reason: str = "") -> RosterItem:
    """A preview item for a certification the roster mentions."""
    return RosterItem(
        certification_id=certification.id,
        profile_name=certification.display_name,
        credential_id=certification.credential_id,
        issuing_body=certification.issuing_body,
        version=certification.version,
        roster_row=facts.row,
        roster_name=facts.name,
        roster_obtained_on=facts.obtained_on,
        roster_expires_on=facts.expires_on,
        reason=reason,
        notes=facts.notes,
    )


def _not_mentioned(certification: PendingRow) -> RosterItem:
    """A preview item for a certification the roster does not mention."""
    if normalise_credential(certification.credential_id):
        reason = gettext("Credential id not on the roster")
    else:
        reason = gettext("The certification has no credential id")
    return RosterItem(
        certification_id=certification.id,
        profile_name=certification.display_name,
        credential_id=certification.credential_id,
        issuing_body=certification.issuing_body,
        version=certification.version,
        reason=reason,
    )


def _unmatched_row(roster: Roster, mapping: Mapping[str, int | None], position: int) -> UnmatchedRow:
    """The row number, name and credential id of a row that matched nothing."""
    row = roster.rows[position]
    return UnmatchedRow(
        roster.row_numbers[position],
        row[required_column(mapping, "name")],
        row[required_column(mapping, "credential_id")],
    )


def _preview_warnings(
    roster: Roster, index: dict[str, list[int]], groups: dict[str, list[RosterItem]]
) -> tuple[str, ...]:
    """The file's warnings, rows without a credential id, repeated ids and unreadable dates (the first few)."""
    warnings = list(roster.warnings)
    if index.get(""):
        count = len(index[""])
        warnings.append(
            ngettext(
                "%(count)s row has no credential id.",
                "%(count)s rows have no credential id.",
                count,
                count=number_label(count),
            )
        )
    repeated = sum(1 for key, rows in index.items() if key and len(rows) > 1)
    if repeated:
        warnings.append(
            ngettext(
                "%(count)s credential id appears on more than one row; the first row that confirms is used.",
                "%(count)s credential ids appear on more than one row; the first row that confirms is used.",
                repeated,
                count=number_label(repeated),
            )
        )
    notes = [note for kind in ("confirmed", "expired", "contradicted") for item in groups[kind] for note in item.notes]
    warnings.extend(notes[:WARNINGS_SHOWN])
    if len(notes) > WARNINGS_SHOWN:
        more = len(notes) - WARNINGS_SHOWN
        warnings.append(
            ngettext(
                "... and %(count)s more date that cannot be read.",
                "... and %(count)s more dates that cannot be read.",
                more,
                count=number_label(more),
            )
        )
    return tuple(warnings)
