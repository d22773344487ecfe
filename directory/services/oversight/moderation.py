"""Moderation by admins: hiding and restoring reviews, suspending and reactivating accounts."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString
from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import selectinload

from directory.extensions import db
from directory.models import VISIBLE_REVIEW_STATUSES, Review, ReviewStatus, Role, TherapistProfile, User
from directory.services.core import audit, mail
from directory.services.core.text import N_, escape_like, gettext

MAX_REASON = 2000
USER_STATUSES = ("active", "suspended")
# A review's status as a word inside an admin's sentence, in the page's language.
_STATUS_WORDS = {"removed": N_("hidden"), "published": N_("published"), "flagged": N_("flagged")}


class ModerationError(ValueError):
    """A moderation action cannot be done; the message is for the admin."""


# ---------------------------------------------------------------- reviews


def _contact() -> str:
    """The address people write to: mail comes from a sender that takes no replies."""
    return str(current_app.config["CONTACT_EMAIL"])


def set_review_status(review: Review, status: str) -> None:
    """Give a review a new status, keeping its profile's review_count and rating_total in step (adds; the caller commits).

    The counters count visible reviews (published, or flagged and awaiting a moderator):
    leaving them subtracts the rating, entering them adds it. They change by SQL arithmetic
    (count = count + 1), so that two changes to one profile at the same moment cannot lose one another.
    """
    delta = int(status in VISIBLE_REVIEW_STATUSES) - int(review.status in VISIBLE_REVIEW_STATUSES)
    review.status = status
    if delta:
        profile = review.profile
        profile.review_count = TherapistProfile.review_count + delta
        profile.rating_total = TherapistProfile.rating_total + delta * review.rating


def flagged_reviews(status: str = ReviewStatus.FLAGGED) -> Select[Review]:
    """Reviews of one status (flagged by default) with their flags, oldest first."""
    return (
        select(Review)
        .where(Review.status == status)
        .options(selectinload(Review.flags), selectinload(Review.profile), selectinload(Review.author))
        .order_by(Review.created_at, Review.id)
    )


def hide_review(review_id: int, seen_status: str, admin: User, reason: str) -> Review:
    """Hide a flagged or published review (status removed) with a reason; raises ModerationError."""
    return _moderate(review_id, seen_status, admin, reason, ReviewStatus.REMOVED, "review.hidden")


def restore_review(review_id: int, seen_status: str, admin: User, reason: str) -> Review:
    """Publish a flagged review (clearing the flag) or a hidden one again, with a reason; raises ModerationError."""
    return _moderate(review_id, seen_status, admin, reason, ReviewStatus.PUBLISHED, "review.restored")


def _moderate(review_id: int, seen_status: str, admin: User, reason: str, status: str, action: str) -> Review:
    reason = _reason(reason)
    # Locked (where the database can) so that two admins cannot both move it and count it twice.
    review = db.session.get(Review, review_id, populate_existing=True, with_for_update=True)
    if review is None:
        raise ModerationError(gettext("This review no longer exists."))
    if review.status != seen_status or review.status == status:
        raise ModerationError(
            gettext(
                "This review was moderated meanwhile: it is now %(status)s. Nothing was changed.",
                status=status_word(review.status),
            )
        )
    old = review.status
    set_review_status(review, status)
    review.moderation_reason = reason
    audit.record(
        admin,
        action,
        "review",
        review.id,
        profile_id=review.profile_id,
        rating=review.rating,
        from_status=old,
        reason=reason,
    )
    author_message, therapist_message = _moderation_messages(review, old, reason)
    if review.author is not None:
        mail.notify(review.author, *author_message)
    mail.notify(review.profile.user, *therapist_message)
    db.session.commit()
    return review


def _moderation_messages(
    review: Review, old: str, reason: str
) -> tuple[tuple[LazyString, LazyString], tuple[LazyString, LazyString]]:
    """What the review's author and the therapist are told about a moderation decision."""
    values = {"name": review.profile.display_name, "rating": review.rating, "reason": reason, "contact": _contact()}
    if review.status == ReviewStatus.REMOVED:
        return (
            (
                _l("Your review is hidden"),
                _l(
                    "Your review of %(name)s is no longer shown on the site. Reason: %(reason)s\n\n"
                    "If you think this is a mistake, write to %(contact)s and tell us why.",
                    **values,
                ),
            ),
            (
                _l("A review of your practice is hidden"),
                _l(
                    "After moderation, a %(rating)d-star review is no longer shown on your profile and no longer "
                    "counts in your rating. Reason: %(reason)s",
                    **values,
                ),
            ),
        )
    if old == ReviewStatus.FLAGGED:
        return (
            (
                _l("Your review stays on the site"),
                _l(
                    "Someone reported your review of %(name)s; we checked it and it stays on the site. Note: %(reason)s",
                    **values,
                ),
            ),
            (
                _l("A reported review stays on your profile"),
                _l(
                    "We checked a reported %(rating)d-star review of your practice; it stays on your profile. "
                    "Note: %(reason)s",
                    **values,
                ),
            ),
        )
    return (
        (
            _l("Your review is shown again"),
            _l("After moderation, your review of %(name)s is shown on the site again. Note: %(reason)s", **values),
        ),
        (
            _l("A review of your practice is shown again"),
            _l(
                "After moderation, a %(rating)d-star review is shown on your profile again and counts in your "
                "rating. Note: %(reason)s",
                **values,
            ),
        ),
    )


def status_word(status: str) -> str:
    """A review's status as a word inside a sentence, in the page's language ('hidden', 'oculta')."""
    return gettext(_STATUS_WORDS[status]) if status in _STATUS_WORDS else status


# ---------------------------------------------------------------- users


def search_users(text: str | None = None, role: str | None = None, status: str | None = None) -> Select[User]:
    """Users whose email or name contains `text` (any case), of one role and status, newest first."""
    query = select(User).options(selectinload(User.profile)).order_by(User.created_at.desc(), User.id.desc())
    text = (text or "").strip().lower()
    if text:
        pattern = f"%{escape_like(text)}%"
        query = query.outerjoin(TherapistProfile, TherapistProfile.user_id == User.id).where(
            or_(
                func.lower(User.email).like(pattern, escape="\\"),
                func.lower(User.name).like(pattern, escape="\\"),
                func.lower(TherapistProfile.display_name).like(pattern, escape="\\"),
            )
        )
    if role:
        query = query.where(User.role == role)
    if status in USER_STATUSES:
        query = query.where(User.active.is_(status == "active"))
    return query


def suspend_user(user_id: int, admin: User, reason: str) -> User:
    """Suspend an account: it cannot log in and a therapist's profile leaves search; raises ModerationError.

    Admins cannot suspend themselves or another admin: admin accounts are made on the command
    line, and one admin (or a stolen admin session) locking the others out would leave nobody to undo it.
    """
    reason = _reason(reason)
    user = _target(user_id, admin, suspending=True)
    if not user.active:
        raise ModerationError(gettext("This account is already suspended."))
    user.active = False
    # A new session version ends every open session and "remember me" cookie for good,
    # so that reactivating the account later does not bring them back.
    user.session_version = User.session_version + 1
    audit.record(admin, "user.suspended", "user", user.id, email=user.email, role=user.role, reason=reason)
    mail.notify(
        user,
        _l("Your account is suspended"),
        _l(
            "Your account can no longer be used to log in, and your profile is not shown in search. Reason: "
            "%(reason)s\n\nIf you think this is a mistake, write to %(contact)s.",
            reason=reason,
            contact=_contact(),
        )
        if user.is_therapist
        else _l(
            "Your account can no longer be used to log in. Reason: %(reason)s\n\n"
            "If you think this is a mistake, write to %(contact)s.",
            reason=reason,
            contact=_contact(),
        ),
    )
    db.session.commit()
    return user


def reactivate_user(user_id: int, admin: User, reason: str) -> User:
    """Let a suspended account log in again; raises ModerationError."""
    reason = _reason(reason)
    user = _target(user_id, admin, suspending=False)
    if user.active:
        raise ModerationError(gettext("This account is not suspended."))
    user.active = True
    audit.record(admin, "user.reactivated", "user", user.id, email=user.email, role=user.role, reason=reason)
    mail.notify(
        user,
        _l("Your account is active again"),
        _l("You can log in again and your profile is shown in search as before. Note: %(reason)s", reason=reason)
        if user.is_therapist
        else _l("You can log in again. Note: %(reason)s", reason=reason),
    )
    db.session.commit()
    return user


def _target(user_id: int, admin: User, suspending: bool) -> User:
    # The account's row is locked before it is read, so that of two admins acting on it at once the second
    # waits and then reads what the first wrote ("already suspended"). A no-op UPDATE locks on both engines:
    # SQLite has no SELECT ... FOR UPDATE, and its reads hold no lock until the transaction's first write.
    db.session.execute(
        update(User).where(User.id == user_id).values(active=User.active).execution_options(synchronize_session=False)
    )
    user = db.session.get(User, user_id, populate_existing=True)
    if user is None:
        raise ModerationError(gettext("This account no longer exists."))
    if user.id == admin.id:
        raise ModerationError(
            gettext("You cannot suspend your own account.")
            if suspending
            else gettext("You cannot reactivate your own account.")
        )
    if user.role == Role.ADMIN:
        raise ModerationError(gettext("Admin accounts cannot be suspended or reactivated through the site."))
    return user


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(gettext("Give a reason."))
    if len(reason) > MAX_REASON:
        raise ModerationError(gettext("Keep the reason under %(max)d characters.", max=MAX_REASON))
    return reason
