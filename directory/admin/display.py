"""How the admin pages show stored codes in the page's language: roles, statuses and the audit log's details.

The database keeps codes and English reasons (the filters, the CSV export and the mails use them); these tables
name them where a page shows them (N_ where they are defined, gettext here).
"""

from datetime import date
from typing import Any

from directory.models import Role
from directory.services.core import audit
from directory.services.core.text import N_, day_label, gettext, number_label
from directory.services.oversight import moderation
from directory.services.verification import decisions
from directory.vocabulary import CERTIFYING_BODIES, label

ROLE_LABELS = (
    (Role.PATIENT.value, N_("Patient")),
    (Role.THERAPIST.value, N_("Therapist")),
    (Role.ADMIN.value, N_("Administrator")),
)
_ROLES = dict(ROLE_LABELS)

CERTIFICATION_STATUS_LABELS = {
    "pending": N_("Pending"),
    "verified": N_("Verified"),
    "rejected": N_("Rejected"),
    "expired": N_("Expired"),
}
REVIEW_STATUS_LABELS = {"published": N_("Published"), "flagged": N_("Flagged"), "removed": N_("Hidden")}
# How a certification was verified (an audit event's "source").
SOURCE_LABELS = {"review": N_("one-by-one review"), "roster": N_("roster import")}

# The audit details' keys, as the log page names them; a key without a label is shown as stored.
DETAIL_LABELS = {
    "source": N_("How"),
    "reason": N_("Reason"),
    "message": N_("Message"),
    "profile_id": N_("Profile id"),
    "credential_id": N_("Credential id"),
    "issuing_body": N_("Issuing body"),
    "status": N_("Status"),
    "previous_status": N_("Previous status"),
    "previous_reason": N_("Previous reason"),
    "changed": N_("Changed"),
    "expires_on": N_("Expiry date"),
    "row": N_("Roster row"),
    "roster_name": N_("Name on roster"),
    "roster_expires_on": N_("Expiry on roster"),
    "filename": N_("File"),
    "verified": N_("Certifications verified"),
    "skipped": N_("Left pending"),
    "rating": N_("Rating"),
    "from_status": N_("Status before"),
    "email": N_("Email"),
    "role": N_("Role"),
    "counted_patients": N_("Patients counted"),
    "recomputed_patients": N_("Patients recomputed"),
    "removed_results": N_("Results removed"),
    "evaluable_patients": N_("Patients evaluable"),
    "practitioners_shown": N_("Practitioners shown"),
    "full": N_("Full refresh"),
}
# The certification fields an edit can change (a "certification.resubmitted" event's "changed").
FIELD_LABELS = {
    "issuing_body": N_("issuing body"),
    "issuing_body_other": N_("program name"),
    "credential_id": N_("credential id"),
    "obtained_on": N_("date obtained"),
    "expires_on": N_("expiry date"),
    "programme": N_("program"),
    "training_hours": N_("training hours"),
    "evidence": N_("evidence"),
}
_DATE_KEYS = frozenset({"expires_on", "roster_expires_on"})
_CERTIFICATION_STATUS_KEYS = frozenset({"status", "previous_status"})
_REASON_KEYS = frozenset({"reason", "previous_reason"})


def _named(table: dict[str, str], code: str) -> str:
    return gettext(table[code]) if code in table else code


def role_label(role: str) -> str:
    """A role, as the admin pages name it: 'Therapist', 'Profesional'."""
    return _named(_ROLES, role)


def certification_status_label(status: str) -> str:
    """A certification's status on a badge or in a list: 'Verified', 'Verificada'."""
    return _named(CERTIFICATION_STATUS_LABELS, status)


def review_status_label(status: str) -> str:
    """A review's status on a badge: 'Hidden', 'Oculta'."""
    return _named(REVIEW_STATUS_LABELS, status)


def source_label(source: str) -> str:
    """How a certification was verified: 'roster import'."""
    return _named(SOURCE_LABELS, source)


def detail_label(key: str) -> str:
    """An audit detail's key, as the log page names it."""
    return _named(DETAIL_LABELS, key)


def detail_value(key: str, value: Any) -> str:
    """An audit detail's value in the page's language: codes named, dates and numbers written as the page writes them."""
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return gettext("Yes") if value else gettext("No")
    if isinstance(value, int | float):
        return number_label(value) if key not in ("profile_id", "row") else str(value)
    if isinstance(value, list):
        return ", ".join(_named(FIELD_LABELS, item) if key == "changed" else str(item) for item in value)
    text = str(value)
    if key in _DATE_KEYS:
        try:
            return day_label(date.fromisoformat(text))
        except ValueError:
            return text
    if key in _CERTIFICATION_STATUS_KEYS:
        return decisions.status_word(text)
    if key == "from_status":
        return moderation.status_word(text)
    if key == "role":
        return role_label(text)
    if key == "source":
        return source_label(text)
    if key == "issuing_body":
        return label(CERTIFYING_BODIES, text)
    if key in _REASON_KEYS:
        return decisions.reason_label(text)
    return text


def event_details(event) -> list[tuple[str, str]]:
    """An audit event's details as (label, value) pairs in the page's language, in the stored keys' order."""
    return [(detail_label(key), detail_value(key, value)) for key, value in sorted((event.details or {}).items())]


def kilobytes(size: int) -> str:
    """A file's size in KB with one decimal, written as the page writes numbers: '12.3', '12,3'."""
    return number_label(size / 1024, decimals=1)


def helpers() -> dict[str, Any]:
    """The functions the admin templates call."""
    return {
        "action_label": audit.action_label,
        "target_label": audit.target_label,
        "role_label": role_label,
        "certification_status_label": certification_status_label,
        "review_status_label": review_status_label,
        "source_label": source_label,
        "reason_label": decisions.reason_label,
        "status_word": decisions.status_word,
        "event_details": event_details,
        "kilobytes": kilobytes,
    }
