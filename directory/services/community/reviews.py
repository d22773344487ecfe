"""Reviews: only after a completed consultation, one per patient and practitioner."""

from datetime import timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, bindparam, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from directory.extensions import db
from directory.models import (
    VISIBLE_REVIEW_STATUSES,
    ConsultationRequest,
    ConsultationStatus,
    Review,
    ReviewFlag,
    ReviewStatus,
    Role,
    TherapistProfile,
    User,
    utcnow,
)
from directory.services.core.mail import link, notify
from directory.services.core.text import gettext
from directory.services.oversight.moderation import set_review_status

MIN_TEXT, MAX_TEXT = 20, 2000
MIN_FLAG_REASON = 5
EDIT_DAYS = 30
VISIBLE = VISIBLE_REVIEW_STATUSES


class ReviewError(ValueError):
    """The review action is not allowed or not valid; the message is for the user, in the page's language."""


def completed_consultation(patient: User, profile: TherapistProfile) -> ConsultationRequest | None:
    """The patient's most recent completed consultation with this practitioner, if any."""
    return db.session.scalar(
        select(ConsultationRequest)
        .where(
            ConsultationRequest.patient_id == patient.id,
            ConsultationRequest.profile_id == profile.id,
            ConsultationRequest.status == ConsultationStatus.COMPLETED,
        )
        .order_by(ConsultationRequest.completed_at.desc(), ConsultationRequest.id.desc())
    )


def existing_review(patient: User, profile: TherapistProfile) -> Review | None:
    """The patient's review of this practitioner, if they wrote one."""
    return db.session.scalar(select(Review).where(Review.author_id == patient.id, Review.profile_id == profile.id))


def can_review(user: User, profile: TherapistProfile) -> bool:
    """Whether this user may write a review of this practitioner now."""
    return (
        user.role == Role.PATIENT
        and completed_consultation(user, profile) is not None
        and existing_review(user, profile) is None
    )


def _check(rating: int, text: str) -> str:
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise ReviewError(gettext("Choose a rating from 1 to 5."))
    text = (text or "").strip()
    if not MIN_TEXT <= len(text) <= MAX_TEXT:
        raise ReviewError(gettext("Write between %(min)d and %(max)d characters.", min=MIN_TEXT, max=MAX_TEXT))
    return text


def write_review(patient: User, profile: TherapistProfile, rating: int, text: str) -> Review:
    """Publish a review; raises ReviewError unless the patient completed a consultation and has not reviewed yet."""
    if patient.role != Role.PATIENT:
        raise ReviewError(gettext("Only patients who were seen can review a practitioner."))
    consultation = completed_consultation(patient, profile)
    if consultation is None:
        raise ReviewError(gettext("You can review a practitioner once your consultation with them has taken place."))
    if existing_review(patient, profile):
        raise ReviewError(gettext("You have already reviewed this practitioner; you can edit your review instead."))
    review = Review(
        author_id=patient.id,
        profile=profile,
        consultation_id=consultation.id,
        rating=rating,
        text=_check(rating, text),
        status=ReviewStatus.REMOVED,  # counted in when published just below
    )
    db.session.add(review)
    set_review_status(review, ReviewStatus.PUBLISHED)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise ReviewError(gettext("You have already reviewed this practitioner.")) from None
    notify(
        profile.user,
        _l("You have a new review"),
        _l("A patient rated you %(rating)d out of 5.", rating=rating),
        link("practitioners.show", slug=profile.slug),
    )
    db.session.commit()
    return review


def editable(review: Review) -> bool:
    """Whether the author may still edit the review (for 30 days, unless an admin removed it)."""
    return review.status != ReviewStatus.REMOVED and utcnow() - review.created_at <= timedelta(days=EDIT_DAYS)


def edit_review(review: Review, author: User, rating: int, text: str) -> None:
    """Change one's own review within 30 days; raises ReviewError."""
    if review.author_id != author.id:
        raise ReviewError(gettext("You can only edit your own review."))
    if not editable(review):
        raise ReviewError(gettext("Reviews can be edited for %(days)d days after they are written.", days=EDIT_DAYS))
    text = _check(rating, text)
    if review.status in VISIBLE and rating != review.rating:
        profile = review.profile
        profile.rating_total = TherapistProfile.rating_total + (rating - review.rating)
    review.rating, review.text = rating, text
    db.session.commit()


def reply(review: Review, therapist: User, text: str) -> None:
    """The practitioner's one public reply; raises ReviewError."""
    if review.profile.user_id != therapist.id:
        raise ReviewError(gettext("You can only reply to reviews of your own practice."))
    if review.reply:
        raise ReviewError(gettext("You have already replied to this review."))
    text = (text or "").strip()
    if not 1 <= len(text) <= MAX_TEXT:
        raise ReviewError(gettext("Write a reply of at most %(max)d characters.", max=MAX_TEXT))
    review.reply, review.replied_at = text, utcnow()
    db.session.commit()


def flag(review: Review, user: User, reason: str) -> None:
    """Report a review to the moderators with a reason; raises ReviewError."""
    reason = (reason or "").strip()
    if not MIN_FLAG_REASON <= len(reason) <= MAX_TEXT:
        raise ReviewError(gettext("Tell the moderators in a few words what is wrong with this review."))
    if review.status == ReviewStatus.REMOVED:
        raise ReviewError(gettext("This review is already hidden."))
    if db.session.scalar(select(ReviewFlag.id).where(ReviewFlag.review_id == review.id, ReviewFlag.user_id == user.id)):
        raise ReviewError(gettext("You have already reported this review; the moderators will look at it."))
    db.session.add(ReviewFlag(review=review, user_id=user.id, reason=reason))
    set_review_status(review, ReviewStatus.FLAGGED)
    db.session.commit()


def visible_reviews(profile: TherapistProfile) -> Select[Review]:
    """The reviews shown on a profile, newest first."""
    return (
        select(Review)
        .where(Review.profile_id == profile.id, Review.status.in_(VISIBLE))
        .order_by(Review.created_at.desc(), Review.id.desc())
    )


def latest_visible_reviews(profile: TherapistProfile, limit: int) -> list[Review]:
    """The newest `limit` reviews shown on a profile (visible_reviews, from a statement built once per limit)."""
    return list(db.session.scalars(_latest_visible_reviews_statement(limit), {"profile_id": profile.id}))


@lru_cache(maxsize=8)
def _latest_visible_reviews_statement(limit: int) -> Select[Review]:
    # The public profile page asks this on every view; building the statement cost as much as running it.
    return (
        select(Review)
        .where(Review.profile_id == bindparam("profile_id"), Review.status.in_(VISIBLE))
        .order_by(Review.created_at.desc(), Review.id.desc())
        .limit(limit)
    )


def reviews_by(patient: User) -> Select[Review]:
    """A patient's own reviews, newest first."""
    return (
        select(Review)
        .where(Review.author_id == patient.id)
        .options(selectinload(Review.profile))
        .order_by(Review.created_at.desc())
    )
