"""Expiry: verified certifications past their date stop counting, with a reminder before and a notice after."""

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
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
            _l("Your certification has expired"),
            _l(
                "Your %(issuer)s certification%(credential)s expired on %(day)s, so your profile no longer shows as "
                "verified. What to do next: renew it with the issuing body, then add the new certificate in your "
                "account for verification.",
                **_mail_values(certification),
            ),
            certifications_link(),
        )
    for certification in reminded:
        days = (_expiry_date(certification) - today).days
        mail.notify(
            certification.profile.user,
            _l("Your certification expires soon"),
            mail.later(_expires_soon, days, _mail_values(certification)),
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


def _mail_values(certification: Certification) -> dict[str, object]:
    """What the expiry mails say of a certification; the day in the recipient's language."""
    return {
        "issuer": certification.issuer_name,
        "credential": credential_words(certification),
        "day": mail.later(day_label, _expiry_date(certification)),
    }


def _expires_soon(days: int, values: dict[str, object]) -> str:
    return str(
        ngettext(
            "Your %(issuer)s certification%(credential)s expires on %(day)s, in %(num)d day. After that day your profile "
            "no longer shows as verified. What to do next: renew it with the issuing body and add the new certificate in "
            "your account.",
            "Your %(issuer)s certification%(credential)s expires on %(day)s, in %(num)d days. After that day your profile "
            "no longer shows as verified. What to do next: renew it with the issuing body and add the new certificate in "
            "your account.",
            days,
            **values,
        )
    )
