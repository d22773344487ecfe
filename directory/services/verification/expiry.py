"""Expiry: verified certifications past their date stop counting, with a reminder before and a notice after."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from directory.extensions import db
from directory.models import Certification, CertificationStatus, TherapistProfile
from directory.models.certification import EXPIRY_NOTICE_DAYS
from directory.services.core import audit, mail
from directory.services.core.text import day_label
from directory.services.verification.decisions import certifications_link, credential_words


class ExpiryConflict(RuntimeError):
    """A certification changed while the expiry run was working; nothing was saved."""


@dataclass(frozen=True)
class ExpiryRun:
    """What one expiry run did."""

    expired_ids: tuple[int, ...]
    reminded_ids: tuple[int, ...]


def expire_certifications(today: date | None = None) -> ExpiryRun:
    """Mark verified certifications past their expiry as expired and remind holders 30 days ahead; raises ExpiryConflict.

    A certification counts through its expiry day and expires the day after. The reminder is
    sent once per expiry date: expiry_notice_sent_on records it, and a later expiry date (a
    renewal) earns a new one.
    """
    today = today or date.today()
    holders = selectinload(Certification.profile).selectinload(TherapistProfile.user)
    verified = select(Certification).where(Certification.status == CertificationStatus.VERIFIED).options(holders)
    # The model's rules as SQL (hybrids): verified ones past their expiry date, then those inside the reminder window.
    expired = db.session.scalars(verified.where(Certification.past_expiry_on(today)).order_by(Certification.id)).all()
    for certification in expired:
        certification.status = CertificationStatus.EXPIRED.value
        audit.record(
            None,
            "certification.expired",
            "certification",
            certification.id,
            profile_id=certification.profile_id,
            expires_on=_expiry_date(certification).isoformat(),
        )
    soon = db.session.scalars(
        verified.where(Certification.expires_within(today, EXPIRY_NOTICE_DAYS)).order_by(Certification.id)
    ).all()
    reminded = [certification for certification in soon if _reminder_due(certification)]
    for certification in reminded:
        certification.expiry_notice_sent_on = today
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise ExpiryConflict(
            "A certification changed during the run; nothing was saved. Run the command again."
        ) from None
    for certification in expired:
        mail.notify(
            certification.profile.user,
            "Your certification has expired",
            f"Your {certification.issuer_name} certification{credential_words(certification)} expired on "
            f"{day_label(_expiry_date(certification))}, so your profile no longer shows as verified. What to do next: "
            "renew it with the issuing body, then add the new certificate in your account for verification.",
            certifications_link(),
        )
    for certification in reminded:
        days = (_expiry_date(certification) - today).days
        mail.notify(
            certification.profile.user,
            "Your certification expires soon",
            f"Your {certification.issuer_name} certification{credential_words(certification)} expires on "
            f"{day_label(_expiry_date(certification))}, in {days} day{'' if days == 1 else 's'}. After that day your "
            "profile no longer shows as verified. What to do next: renew it with the issuing body and add the new "
            "certificate in your account.",
            certifications_link(),
        )
    run = ExpiryRun(tuple(c.id for c in expired), tuple(c.id for c in reminded))
    db.session.commit()
    return run


def _expiry_date(certification: Certification) -> date:
    """The expiry date of a certification that the expiry queries chose for having one."""
    if certification.expires_on is None:
        raise ValueError(f"Certification {certification.id} has no expiry date")
    return certification.expires_on


def _reminder_due(certification: Certification) -> bool:
    """Whether no reminder went out yet for the certification's current expiry date."""
    window_opens = _expiry_date(certification) - timedelta(days=EXPIRY_NOTICE_DAYS)
    sent = certification.expiry_notice_sent_on
    return sent is None or sent < window_opens
