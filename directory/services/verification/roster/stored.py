"""Roster uploads kept between preview and apply, and applying them with notices to the therapists."""

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from directory.extensions import db
from directory.models import Certification, StoredFile, TherapistProfile, User, utcnow
from directory.services.core import audit
from directory.services.core.text import gettext
from directory.services.verification import decisions
from directory.services.verification.roster import applying, preview, reading
from directory.services.verification.roster.applying import ApplyResult
from directory.services.verification.roster.preview import RosterPreview
from directory.services.verification.roster.reading import Roster, RosterError

# The content type that marks a StoredFile as a roster upload (evidence is PDF, PNG or JPEG).
ROSTER_CONTENT_TYPE = "text/csv"
KEPT_FOR = timedelta(days=1)
_NOTIFY_BATCH = 500


class RosterGone(RosterError):
    """The uploaded roster is no longer kept (applied already, or older than a day)."""


class RosterChanged(RosterError):
    """What the roster confirms changed between the preview the admin saw and the apply."""


@dataclass(frozen=True)
class RosterUpload:
    """A kept upload and its parsed table."""

    file_id: int
    filename: str
    size: int
    roster: Roster


def store(filename: str, data: bytes) -> int:
    """Check and keep an uploaded roster for a day, returning its id; raises RosterError for a file that cannot be read.

    Rosters older than a day are deleted on the way, so abandoned previews do not pile up.
    """
    reading.read_roster(data)
    name = (filename or "reading.csv").replace("\\", "/").rsplit("/", 1)[-1].strip()[:200] or "reading.csv"
    upload = StoredFile(
        filename=name,
        content_type=ROSTER_CONTENT_TYPE,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
    )
    db.session.execute(
        delete(StoredFile).where(
            StoredFile.content_type == ROSTER_CONTENT_TYPE, StoredFile.created_at < utcnow() - KEPT_FOR
        )
    )
    db.session.add(upload)
    db.session.commit()
    return upload.id


def load(file_id: int) -> RosterUpload:
    """A kept roster, parsed again; raises RosterGone when it is not kept any more."""
    upload = db.session.scalar(
        select(StoredFile).where(StoredFile.id == file_id, StoredFile.content_type == ROSTER_CONTENT_TYPE)
    )
    if upload is None or upload.created_at < utcnow() - KEPT_FOR:
        raise RosterGone(
            gettext("This roster upload is no longer kept (it was applied, or is older than a day). Upload it again.")
        )
    return RosterUpload(upload.id, upload.filename, upload.size, reading.read_roster(upload.content))


def preview_token(result: RosterPreview) -> str:
    """A short fingerprint of what a preview would verify: the confirmed certifications, their versions and rows."""
    digest = hashlib.sha256()
    for item in result.confirmed:
        digest.update(f"{item.certification_id}:{item.version}:{item.roster_row};".encode())
    return digest.hexdigest()[:32]


def apply(
    file_id: int, mapping: Mapping[str, int | None], issuing_body: str | None, token: str, admin: User, today: date
) -> ApplyResult:
    """Verify what the roster confirms, exactly as the admin previewed it, then notify each therapist.

    Raises RosterGone, RosterChanged when the confirmations differ from the preview's token, or
    RosterError (a bad mapping, or another admin changing a certification at the same moment,
    in which case nothing is verified). The verifications and their audit events are one
    transaction (applying.apply_preview commits it); the notices and the upload's deletion follow
    in a second one, so that a failure there cannot undo a verification.
    """
    upload = load(file_id)
    result = preview.preview(upload.roster, mapping, issuing_body, today=today)
    if preview_token(result) != token:
        raise RosterChanged(
            gettext(
                "The pending certifications changed since the preview (another admin decided some, or a therapist "
                "edited one). Nothing was verified: check the new preview and apply again."
            )
        )
    applied = applying.apply_preview(result, admin, today)
    for certification in _with_holders(applied.verified_ids):
        decisions.notify_verified(certification)
    audit.record(
        admin,
        "roster.applied",
        "roster",
        upload.file_id,
        filename=upload.filename,
        issuing_body=issuing_body,
        verified=len(applied.verified_ids),
        skipped=len(applied.skipped),
    )
    db.session.execute(delete(StoredFile).where(StoredFile.id == upload.file_id))
    db.session.commit()
    return applied


def _with_holders(ids: tuple[int, ...]) -> list[Certification]:
    """The certifications with their profiles and users loaded, in batches (a roster can verify thousands)."""
    found: list[Certification] = []
    holders = selectinload(Certification.profile).selectinload(TherapistProfile.user)
    for start in range(0, len(ids), _NOTIFY_BATCH):
        batch = list(ids[start : start + _NOTIFY_BATCH])
        found += db.session.scalars(
            select(Certification).where(Certification.id.in_(batch)).options(holders).order_by(Certification.id)
        ).all()
    return found
