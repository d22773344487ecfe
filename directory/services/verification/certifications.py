"""A therapist's own certifications: submitting, correcting, answering questions and withdrawing.

Admins decide on certifications elsewhere; everything here acts for the therapist who holds them.
"""

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from directory import vocabulary
from directory.extensions import db
from directory.models import Certification, CertificationStatus, StoredFile, TherapistProfile, User
from directory.models.certification import EXPIRY_WARNING_DAYS
from directory.services.core import audit, uploads
from directory.services.core.text import N_, day_label, gettext
from directory.services.verification.decisions import reason_label

if TYPE_CHECKING:
    from directory.services.core.uploads import Upload

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
# Changing any of these on a verified certification means our team must look at it again.
RECHECKED_FIELDS = ("issuing_body", "issuing_body_other", "credential_id", "obtained_on", "expires_on")
EDITABLE_FIELDS = (*RECHECKED_FIELDS, "programme", "training_hours")
STALE_MESSAGE = N_(
    "This certification was changed in the meantime, perhaps by our team. "
    "Reload the page to see its current state, then make your change again."
)


class CertificationError(ValueError):
    """A certification change cannot be made; the message is for the user, `field` names the form field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class StaleCertification(CertificationError):
    """The certification changed since the therapist loaded it (optimistic locking)."""

    def __init__(self) -> None:
        super().__init__(gettext(STALE_MESSAGE))


@dataclass(frozen=True)
class CertificationData:
    """What the certification form sends; None means not given."""

    issuing_body: str
    issuing_body_other: str | None = None
    programme: str | None = None
    credential_id: str | None = None
    training_hours: int | None = None
    obtained_on: date | None = None
    expires_on: date | None = None


@dataclass(frozen=True)
class ChangeResult:
    certification: Certification
    resubmitted: bool = False  # went back to pending for our team to review again
    answered: bool = False  # an admin's request for information was answered


@dataclass(frozen=True)
class StatusView:
    """How a certification stands, in words, and what the therapist can do about it."""

    code: str  # pending, info_requested, verified, expiring, expired, rejected
    label: str
    next_step: str
    tone: str  # for the badge: "verified", "unverified" or "" (neutral)


def describe_status(certification: Certification, today: date | None = None) -> StatusView:
    """The state of a certification and the next step, from the therapist's side."""
    today = today or date.today()
    status = certification.status
    if status == CertificationStatus.PENDING and certification.info_requested:
        return StatusView(
            "info_requested",
            gettext("Information requested"),
            gettext(
                "Our team needs more information before deciding. "
                "Read their question and answer it by uploading a new evidence document."
            ),
            "unverified",
        )
    if status == CertificationStatus.PENDING:
        return StatusView(
            "pending",
            gettext("Awaiting verification"),
            gettext(
                "Our team will check it against the evidence. Nothing to do: you will get a notice when it is decided."
            ),
            "",
        )
    if certification.lapsed_on(today):
        return StatusView(
            "expired",
            gettext("Expired"),
            gettext(
                "It no longer counts towards your verified badge. "
                "Edit it with the renewed certificate and its new expiry date to send it for verification again."
            ),
            "unverified",
        )
    if status == CertificationStatus.VERIFIED:
        expires = certification.expires_on
        if expires and certification.expires_within(today, EXPIRY_WARNING_DAYS):
            return StatusView(
                "expiring",
                gettext("Verified, expires on %(day)s", day=day_label(expires)),
                gettext("Renew it in time: edit it with the renewed certificate and the new expiry date."),
                "verified",
            )
        return StatusView(
            "verified",
            gettext("Verified until %(day)s", day=day_label(expires)) if expires else gettext("Verified"),
            gettext(
                "Nothing to do. Changing the issuer, the credential number or the dates sends it back for verification."
            ),
            "verified",
        )
    if certification.reason:
        next_step = gettext(
            "Our team could not verify it. Reason given: %(reason)s Correct the details or upload clearer evidence "
            "and save to send it again, or withdraw it.",
            reason=reason_label(certification.reason),
        )
    else:
        next_step = gettext(
            "Our team could not verify it. Correct the details or upload clearer evidence "
            "and save to send it again, or withdraw it."
        )
    return StatusView(
        "rejected",
        gettext("Not accepted"),
        next_step,
        "unverified",
    )


def owned_certification(user: User, certification_id: int) -> Certification | None:
    """One of the therapist's own certifications, or None (also for someone else's)."""
    return db.session.scalar(
        select(Certification)
        .join(TherapistProfile, TherapistProfile.id == Certification.profile_id)
        .where(Certification.id == certification_id, TherapistProfile.user_id == user.id)
    )


def certifications_of(user: User) -> list[Certification]:
    """The therapist's certifications, oldest first."""
    if user.profile is None:
        return []
    return sorted(user.profile.certifications, key=lambda c: c.id)


def evidence_for_owner(user: User, certification_id: int) -> StoredFile | None:
    """The evidence document of one of the therapist's own certifications, or None."""
    certification = owned_certification(user, certification_id)
    return certification.evidence if certification is not None else None


def _check(data: CertificationData) -> None:
    """The rules whoever calls; raises CertificationError."""
    if data.issuing_body not in {code for code, _ in vocabulary.CERTIFYING_BODIES}:
        raise CertificationError(gettext("Choose the certifying body from the list, or Other."), "issuing_body")
    if data.issuing_body == "other" and not (data.issuing_body_other or "").strip():
        raise CertificationError(gettext("Name the program that certified you."), "issuing_body_other")
    if data.training_hours is not None and data.training_hours < 0:
        raise CertificationError(gettext("Training hours cannot be negative."), "training_hours")
    if data.obtained_on and data.expires_on and data.expires_on <= data.obtained_on:
        raise CertificationError(gettext("The expiry date must come after the date obtained."), "expires_on")


def _values(data: CertificationData) -> dict[str, Any]:
    values = {name: getattr(data, name) for name in EDITABLE_FIELDS}
    if data.issuing_body != "other":
        values["issuing_body_other"] = None
    return values


def _evidence(upload: "Upload") -> StoredFile:
    """The checked evidence file, ready to store; raises UploadError."""
    return uploads.check_evidence(upload.filename, upload.content, max_bytes=EVIDENCE_MAX_BYTES)


def add_certification(user: User, data: CertificationData, evidence: "Upload") -> Certification:
    """Submit a certification with its evidence for verification; raises CertificationError or UploadError."""
    if user.profile is None:
        raise CertificationError(gettext("Fill in your profile first, then add your certifications."))
    _check(data)
    stored = _evidence(evidence)
    certification = Certification(
        profile=user.profile, status=CertificationStatus.PENDING, evidence=stored, **_values(data)
    )
    db.session.add(certification)
    db.session.flush()
    audit.record(
        user, "certification.submitted", "certification", certification.id, issuing_body=certification.issuing_body
    )
    db.session.commit()
    return certification


def update_certification(
    user: User, certification: Certification, data: CertificationData, evidence: "Upload | None", version: int
) -> ChangeResult:
    """Correct a certification, optionally with new evidence.

    A verified one goes back to pending when its issuer, credential id, dates or evidence change;
    a rejected or expired one goes back to pending on any change. Raises CertificationError,
    StaleCertification or UploadError.
    """
    _check_version(certification, version)
    _check(data)
    stored = _evidence(evidence) if evidence is not None else None
    values = _values(data)
    changed = [name for name, value in values.items() if getattr(certification, name) != value]
    for name, value in values.items():
        setattr(certification, name, value)
    answered = False
    if stored is not None:
        _replace_evidence(certification, stored)
        changed.append("evidence")
        answered = bool(certification.info_requested)
        certification.info_requested = None
    resubmitted = _resubmit_if_needed(user, certification, changed)
    if answered and not resubmitted:
        audit.record(user, "certification.info_provided", "certification", certification.id)
    _commit()
    return ChangeResult(certification, resubmitted, answered)


def replace_evidence(user: User, certification: Certification, evidence: "Upload", version: int) -> ChangeResult:
    """Upload a new evidence document, which answers an admin's request for information.

    The certification stays (or becomes) pending. Raises StaleCertification or UploadError.
    """
    _check_version(certification, version)
    stored = _evidence(evidence)
    _replace_evidence(certification, stored)
    answered = bool(certification.info_requested)
    certification.info_requested = None
    resubmitted = _resubmit_if_needed(user, certification, ["evidence"])
    if answered and not resubmitted:
        audit.record(user, "certification.info_provided", "certification", certification.id)
    _commit()
    return ChangeResult(certification, resubmitted, answered)


def withdraw_certification(user: User, certification: Certification, version: int) -> None:
    """Delete a certification and its evidence; the audit trail keeps what it was. Raises StaleCertification."""
    _check_version(certification, version)
    audit.record(
        user,
        "certification.withdrawn",
        "certification",
        certification.id,
        status=certification.status,
        issuing_body=certification.issuing_body,
        credential_id=certification.credential_id,
    )
    evidence = certification.evidence
    db.session.delete(certification)
    if evidence is not None:
        db.session.delete(evidence)
    _commit()


def _check_version(certification: Certification, version: int) -> None:
    if certification.version != version:
        raise StaleCertification()


def _replace_evidence(certification: Certification, stored: StoredFile) -> None:
    previous = certification.evidence
    certification.evidence = stored
    if previous is not None:
        db.session.delete(previous)


def _resubmit_if_needed(user: User, certification: Certification, changed: list[str]) -> bool:
    """Send a decided certification back to pending when what was decided on changed; writes the audit event."""
    status = certification.status
    if status == CertificationStatus.PENDING or not changed:
        return False
    if status == CertificationStatus.VERIFIED and not set(changed) & {*RECHECKED_FIELDS, "evidence"}:
        return False
    audit.record(
        user,
        "certification.resubmitted",
        "certification",
        certification.id,
        previous_status=status,
        changed=sorted(changed),
        previous_reason=certification.reason,
    )
    certification.status = CertificationStatus.PENDING
    certification.reviewer_id = None
    certification.decided_at = None
    certification.reason = None
    return True


def _commit() -> None:
    """Commit, turning a concurrent change (optimistic locking) into StaleCertification."""
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise StaleCertification() from None
