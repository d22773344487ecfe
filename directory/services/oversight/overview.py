"""The figures on the admin dashboard."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, select

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


def _count(query: Select[int]) -> int:
    """The number a count query returns (a count has exactly one row)."""
    return db.session.execute(query).scalar_one()


def overview(now: datetime | None = None) -> Overview:
    """Counts of pending certifications, flagged reviews, therapists who signed up in the last 7 days, suspended users."""
    now = now or utcnow()
    pending = select(func.count()).select_from(Certification).where(Certification.status == CertificationStatus.PENDING)
    return Overview(
        pending_certifications=_count(pending),
        awaiting_therapist=_count(pending.where(Certification.info_requested.is_not(None))),
        flagged_reviews=_count(select(func.count()).select_from(Review).where(Review.status == ReviewStatus.FLAGGED)),
        new_therapists=_count(
            select(func.count())
            .select_from(User)
            .where(User.role == Role.THERAPIST, User.created_at >= now - timedelta(days=NEW_THERAPIST_DAYS))
        ),
        suspended_users=_count(select(func.count()).select_from(User).where(User.active.is_(False))),
    )
