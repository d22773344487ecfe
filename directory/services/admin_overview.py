"""The figures on the admin dashboard."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from directory.extensions import db
from directory.models import Certification, CertificationStatus, Review, ReviewStatus, Role, User, utcnow

NEW_THERAPIST_DAYS = 7


@dataclass(frozen=True)
class Overview:
    """What waits for an admin."""

    pending_certifications: int
    awaiting_therapist: int
    flagged_reviews: int
    new_therapists: int
    suspended_users: int


def overview(now: datetime | None = None) -> Overview:
    """Counts of pending certifications, flagged reviews, therapists who signed up in the last 7 days, suspended users."""
    now = now or utcnow()
    pending = select(func.count()).select_from(Certification).where(Certification.status == CertificationStatus.PENDING)
    return Overview(
        pending_certifications=db.session.scalar(pending),
        awaiting_therapist=db.session.scalar(pending.where(Certification.info_requested.is_not(None))),
        flagged_reviews=db.session.scalar(
            select(func.count()).select_from(Review).where(Review.status == ReviewStatus.FLAGGED)
        ),
        new_therapists=db.session.scalar(
            select(func.count()).select_from(User).where(
                User.role == Role.THERAPIST, User.created_at >= now - timedelta(days=NEW_THERAPIST_DAYS)
            )
        ),
        suspended_users=db.session.scalar(select(func.count()).select_from(User).where(User.active.is_(False))),
    )
