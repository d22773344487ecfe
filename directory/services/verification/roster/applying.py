"""Applying a previewed roster: verifying the certifications it confirms, skipping any that changed since."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from directory.extensions import db
from directory.models import Certification, CertificationStatus, TherapistProfile, User, utcnow
from directory.models.certification import expired_by
from directory.services.core import audit
from directory.services.core.text import gettext
from directory.services.verification.decisions import status_word
from directory.services.verification.roster.names import names_match
from directory.services.verification.roster.preview import RosterItem, RosterPreview
from directory.services.verification.roster.reading import RosterError


@dataclass(frozen=True)
class SkippedCertification:
    """A confirmed certification that applying left alone, and why."""

    certification_id: int
    reason: str


@dataclass(frozen=True)
class ApplyResult:
    """What applying a preview did; verified holds the objects so the caller can notify their therapists."""

    verified_ids: tuple[int, ...]
    skipped: tuple[SkippedCertification, ...]
    verified: tuple[Certification, ...]

    @property
    def skipped_ids(self) -> tuple[int, ...]:
        """The ids of the skipped certifications."""
        return tuple(skip.certification_id for skip in self.skipped)


def apply_preview(preview: RosterPreview, admin: User, today: date) -> ApplyResult:
    """Verify the confirmed certifications in one transaction, an audit event each; raises RosterError on a clash."""
    items = {item.certification_id: item for item in preview.confirmed}
    found = _lock_for_update(items)
    verified, skipped = [], []
    # No autoflush: reading an expired admin mid-way would flush half-made changes (two version bumps).
    with db.session.no_autoflush:
        for certification_id, item in items.items():
            reason = _skip_reason(found.get(certification_id), item, today)
            if reason:
                skipped.append(SkippedCertification(certification_id, reason))
            else:
                verified.append(_verify(found[certification_id][0], item, admin))
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise RosterError(
            gettext(
                "Another admin changed one of these certifications at the same moment; nothing was verified. "
                "Preview the roster again."
            )
        ) from None
    return ApplyResult(tuple(c.id for c in verified), tuple(skipped), tuple(verified))


def _lock_for_update(items: Mapping[int, RosterItem]) -> dict[int, tuple[Certification, str]]:
    """Re-read the certifications (fresh, locked where the database can) with their therapists' current names."""
    query = (
        select(Certification, TherapistProfile.display_name)
        .join(TherapistProfile, Certification.profile_id == TherapistProfile.id)
        .where(Certification.id.in_(list(items)))
        .order_by(Certification.id)
        .with_for_update(of=Certification)
        .execution_options(populate_existing=True)
    )
    return {certification.id: (certification, name) for certification, name in db.session.execute(query)}


def _skip_reason(found: tuple[Certification, str] | None, item: RosterItem, today: date) -> str:
    """Why a confirmed certification must not be verified now ('' when it can be), in the page's language."""
    if found is None:
        return str(gettext("The certification no longer exists"))
    certification, display_name = found
    if certification.status != CertificationStatus.PENDING:
        return str(gettext("No longer pending: it was %(status)s meanwhile", status=status_word(certification.status)))
    if certification.version != item.version:
        return str(gettext("The certification changed after the preview"))
    if not names_match(item.roster_name or "", display_name):
        return str(gettext("The profile name changed to '%(name)s' after the preview", name=display_name))
    if item.roster_expires_on is not None and expired_by(item.roster_expires_on, today):
        return str(gettext("Roster says it expired on %(day)s", day=item.roster_expires_on.isoformat()))
    if certification.expires_on is not None and certification.past_expiry_on(today):
        return str(gettext("The certification says it expired on %(day)s", day=certification.expires_on.isoformat()))
    return ""


def _verify(certification: Certification, item: RosterItem, admin: User) -> Certification:
    """Mark one certification verified by the roster and record it in the audit trail."""
    certification.status = CertificationStatus.VERIFIED.value
    certification.reviewer_id = admin.id
    certification.decided_at = utcnow()
    if certification.expires_on is None and item.roster_expires_on is not None:
        certification.expires_on = item.roster_expires_on
    audit.record(
        admin,
        "certification.verified",
        "certification",
        certification.id,
        source="roster",
        row=item.roster_row,
        credential_id=certification.credential_id,
        roster_name=item.roster_name,
        roster_expires_on=item.roster_expires_on.isoformat() if item.roster_expires_on else None,
    )
    return certification
