"""Admins' decisions on certifications: the queue, approving, rejecting and asking for more."""

from datetime import date
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from directory.extensions import db
from directory.models import Certification, CertificationStatus, TherapistProfile, User, utcnow
from directory.services.core import audit, mail
from directory.services.core.text import N_, day_label, escape_like, gettext, long_date_label

MAX_TEXT = 2000

# Common reasons offered when rejecting; "other" needs the admin's own words. The reason is stored (and mailed)
# in English; pages show it in their language with reason_label.
REJECTION_REASONS = (
    ("unreadable", N_("The evidence cannot be read or is incomplete.")),
    ("not_dry_needling", N_("The document does not show a dry-needling qualification.")),
    ("name_mismatch", N_("The name on the document does not match the profile.")),
    ("not_confirmed", N_("The issuing body could not confirm this credential.")),
    ("expired", N_("The certification has expired.")),
    ("other", N_("Another reason (explain below)")),
)
_REASON_TEXT = dict(REJECTION_REASONS)

# A certification's status as a word inside an admin's sentence ("... marked it verified"), in the page's language.
STATUS_WORDS = {
    CertificationStatus.PENDING.value: N_("pending"),
    CertificationStatus.VERIFIED.value: N_("verified"),
    CertificationStatus.REJECTED.value: N_("rejected"),
    CertificationStatus.EXPIRED.value: N_("expired"),
}


class DecisionError(ValueError):
    """A decision cannot be made; the message is for the admin."""


class AlreadyDecided(DecisionError):
    """The certification changed (another admin decided, or the therapist edited it) since the admin opened it."""


# ---------------------------------------------------------------- the queue


QUEUE_ORDERS = ("newest", "oldest")


def queue(
    issuing_body: str | None = None,
    waiting: str | None = None,
    text: str | None = None,
    evidence: str | None = None,
    expired: str | None = None,
    order: str = "newest",
    today: date | None = None,
) -> Select[Certification]:
    """Pending certifications with their profiles, newest (or oldest) first, narrowed by the queue's filters.

    `text`: part of the therapist's name or email, or of the credential id (any case; % and _ are
    plain characters); `waiting`: 'admin' or 'therapist'; `evidence`: 'with' or 'without' a document;
    `expired`: 'yes' (expiry date before `today`) or 'no'. Raises ValueError for another order.
    """
    if order not in QUEUE_ORDERS:
        raise ValueError(f"order must be one of {', '.join(QUEUE_ORDERS)}")
    newest = order == "newest"
    query = (
        select(Certification)
        .where(Certification.status == CertificationStatus.PENDING)
        .options(selectinload(Certification.profile).selectinload(TherapistProfile.user))
        .order_by(
            Certification.created_at.desc() if newest else Certification.created_at,
            Certification.id.desc() if newest else Certification.id,
        )
    )
    if issuing_body:
        query = query.where(Certification.issuing_body == issuing_body)
    if waiting == "admin":
        query = query.where(Certification.info_requested.is_(None))
    elif waiting == "therapist":
        query = query.where(Certification.info_requested.is_not(None))
    if evidence == "with":
        query = query.where(Certification.evidence_id.is_not(None))
    elif evidence == "without":
        query = query.where(Certification.evidence_id.is_(None))
    if expired in ("yes", "no"):
        before_today = Certification.expires_on < (today or date.today())
        query = query.where(
            before_today if expired == "yes" else or_(Certification.expires_on.is_(None), ~before_today)
        )
    text = (text or "").strip().lower()
    if text:
        pattern = f"%{escape_like(text)}%"
        query = (
            query.join(TherapistProfile, TherapistProfile.id == Certification.profile_id)
            .join(User, User.id == TherapistProfile.user_id)
            .where(
                or_(
                    func.lower(TherapistProfile.display_name).like(pattern, escape="\\"),
                    func.lower(User.name).like(pattern, escape="\\"),
                    func.lower(User.email).like(pattern, escape="\\"),
                    func.lower(Certification.credential_id).like(pattern, escape="\\"),
                )
            )
        )
    return query


# ---------------------------------------------------------------- decisions


def approve(certification_id: int, seen_version: int, admin: User, today: date | None = None) -> Certification:
    """Verify a pending certification; raises AlreadyDecided, or DecisionError when it has expired."""
    today = today or date.today()
    certification = _decidable(certification_id, seen_version)
    expires_on = certification.expires_on
    if expires_on is not None and certification.past_expiry_on(today):
        raise DecisionError(
            gettext(
                "This certification expired on %(day)s, so it cannot be verified. "
                "Reject it, or ask the therapist for a current certificate.",
                day=day_label(expires_on),
            )
        )
    _record_decision(
        certification,
        admin,
        "certification.verified",
        {"status": CertificationStatus.VERIFIED.value, "reason": None, "info_requested": None},
        source="review",
    )
    notify_verified(certification)
    db.session.commit()
    return certification


def reject(certification_id: int, seen_version: int, admin: User, reason_code: str, details: str = "") -> Certification:
    """Reject a pending certification with a reason; raises AlreadyDecided, or DecisionError for a missing reason."""
    reason = rejection_text(reason_code, details)
    certification = _decidable(certification_id, seen_version)
    _record_decision(
        certification,
        admin,
        "certification.rejected",
        {"status": CertificationStatus.REJECTED.value, "reason": reason, "info_requested": None},
        reason=reason,
    )
    mail.notify(
        certification.profile.user,
        _l("Your certification could not be verified"),
        _l(
            "We could not verify your %(issuer)s certification%(credential)s. Reason: %(reason)s\n\nWhat to do "
            "next: if you have a clearer or more complete certificate, or think this is a mistake, add the "
            "certification again in your account with the new evidence and we will review it.",
            issuer=certification.issuer_name,
            credential=credential_words(certification),
            reason=mail.later(reason_label, reason),
        ),
        certifications_link(),
    )
    db.session.commit()
    return certification


def request_information(certification_id: int, seen_version: int, admin: User, message: str) -> Certification:
    """Ask the therapist for more about a pending certification (it stays pending); raises AlreadyDecided, DecisionError."""
    message = (message or "").strip()
    if not message:
        raise DecisionError(gettext("Write what the therapist should send."))
    if len(message) > MAX_TEXT:
        raise DecisionError(gettext("Keep the request under %(max)d characters.", max=MAX_TEXT))
    certification = _decidable(certification_id, seen_version)
    _record_decision(certification, admin, "certification.info_requested", {"info_requested": message}, message=message)
    mail.notify(
        certification.profile.user,
        _l("We need more information about your certification"),
        _l(
            "Before we can verify your %(issuer)s certification%(credential)s, our reviewer asks:\n\n%(message)s\n\n"
            "What to do next: open the certification in your account and replace its evidence document with a file "
            "that answers this. We will review it again as soon as it arrives.",
            issuer=certification.issuer_name,
            credential=credential_words(certification),
            message=message,
        ),
        certifications_link(),
    )
    db.session.commit()
    return certification


def _record_decision(
    certification: Certification, admin: User, action: str, changes: dict[str, Any], **details: Any
) -> None:
    """Apply a decision's field changes with its reviewer and audit event, then flush (raises AlreadyDecided)."""
    # No autoflush: a lazy load half-way (an expired admin) would write half a decision early.
    with db.session.no_autoflush:
        for name, value in changes.items():
            setattr(certification, name, value)
        _decided_by(certification, admin)
        audit.record(
            admin,
            action,
            "certification",
            certification.id,
            profile_id=certification.profile_id,
            credential_id=certification.credential_id,
            **details,
        )
    _flush_decision()


def rejection_text(reason_code: str, details: str = "") -> str:
    """The reason stored and shown to the therapist; raises DecisionError when it is missing or unknown."""
    details = (details or "").strip()
    if reason_code not in _REASON_TEXT:
        raise DecisionError(gettext("Choose a reason for the rejection."))
    if len(details) > MAX_TEXT:
        raise DecisionError(gettext("Keep the explanation under %(max)d characters.", max=MAX_TEXT))
    if reason_code == "other":
        if not details:
            raise DecisionError(gettext("Explain the reason for the rejection."))
        return details
    return f"{_REASON_TEXT[reason_code]} {details}".strip()


def reason_label(reason: str | None) -> str:
    """A stored rejection reason in the page's language: the common reason it starts with translated, the admin's
    own words after it as written. Any other text (an "other" reason) is the admin's own words, shown as it is."""
    reason = reason or ""
    for code, text in REJECTION_REASONS:
        if code != "other" and (reason == text or reason.startswith(text + " ")):
            return str(gettext(text)) + reason[len(text) :]
    return reason


def status_word(status: str) -> str:
    """A certification's status as a word inside a sentence, in the page's language ('verified', 'verificada')."""
    return gettext(STATUS_WORDS[status]) if status in STATUS_WORDS else status


def notify_verified(certification: Certification) -> None:
    """Tell the therapist their certification is verified (adds; the caller commits)."""
    expires_on = certification.expires_on
    values = {"issuer": certification.issuer_name, "credential": credential_words(certification)}
    # A badge is never promised "until" a day that has already gone.
    if expires_on is not None and not certification.past_expiry_on(date.today()):
        body = _l(
            "Your %(issuer)s certification%(credential)s is verified. Your profile shows the verified badge in "
            "search until %(day)s. There is nothing more you need to do.",
            day=mail.later(long_date_label, expires_on),
            **values,
        )
    else:
        body = _l(
            "Your %(issuer)s certification%(credential)s is verified. Your profile shows the verified badge in "
            "search. There is nothing more you need to do.",
            **values,
        )
    mail.notify(certification.profile.user, _l("Your certification is verified"), body, certifications_link())


def _decidable(certification_id: int, seen_version: int) -> Certification:
    """The certification, freshly read, if it is still pending and unchanged since the admin saw it."""
    certification = db.session.get(Certification, certification_id, populate_existing=True)
    if certification is None:
        raise DecisionError(gettext("This certification no longer exists."))
    if certification.status != CertificationStatus.PENDING or certification.version != seen_version:
        raise AlreadyDecided(changed_message(certification))
    return certification


def changed_message(certification: Certification) -> str:
    """Why a decision on this certification was not saved, as the admin reads it."""
    who = certification.reviewer.email if certification.reviewer else gettext("another admin")
    decided_at = certification.decided_at
    when = {"day": day_label(decided_at), "time": f"{decided_at:%H:%M}"} if decided_at else {}
    if certification.status != CertificationStatus.PENDING:
        status = status_word(certification.status)
        if when:
            return str(
                gettext(
                    "This certification was already decided: %(who)s marked it %(status)s on %(day)s at %(time)s UTC. "
                    "Your decision was not saved.",
                    who=who,
                    status=status,
                    **when,
                )
            )
        return str(
            gettext(
                "This certification was already decided: %(who)s marked it %(status)s. Your decision was not saved.",
                who=who,
                status=status,
            )
        )
    if certification.info_requested:
        if when:
            return str(
                gettext(
                    "This certification changed since you opened it: %(who)s asked the therapist for more information "
                    "on %(day)s at %(time)s UTC. Your decision was not saved; check the certification again.",
                    who=who,
                    **when,
                )
            )
        return str(
            gettext(
                "This certification changed since you opened it: %(who)s asked the therapist for more information. "
                "Your decision was not saved; check the certification again.",
                who=who,
            )
        )
    return str(gettext("This certification changed since you opened it. Your decision was not saved; check it again."))


def _decided_by(certification: Certification, admin: User) -> None:
    certification.reviewer_id = admin.id
    certification.decided_at = utcnow()


def _flush_decision() -> None:
    """Write the decision now, so a concurrent one is caught before any mail leaves; raises AlreadyDecided."""
    try:
        db.session.flush()
    except StaleDataError:
        db.session.rollback()
        raise AlreadyDecided(
            gettext(
                "Another admin decided this certification at the same moment. Your decision was not saved; "
                "check it again."
            )
        ) from None


def credential_words(certification: Certification) -> str:
    return f" ({certification.credential_id})" if certification.credential_id else ""


def certifications_link() -> LazyString | None:
    """The therapist's certifications page, where they answer, in their language; None where no URL can be built."""
    try:
        url_for("therapist.list_certifications", _external=True)
    except RuntimeError:  # a command run without SERVER_NAME
        return None
    return mail.link("therapist.list_certifications")
