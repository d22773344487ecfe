"""A patient's shortlist of saved practitioners: add, remove, list."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from directory.extensions import db
from directory.models import SavedPractitioner, TherapistProfile, User
from directory.services.search import nearby


def listed_profile(slug: str) -> TherapistProfile | None:
    """The listed (published, active) profile with this slug, or None."""
    return db.session.scalars(
        select(TherapistProfile).where(TherapistProfile.slug == slug, nearby.listed_clause())
    ).first()


def is_saved(user: User, profile_id: int) -> bool:
    """Whether this practitioner is on the user's shortlist."""
    return (
        db.session.scalar(
            select(SavedPractitioner.id).where(
                SavedPractitioner.user_id == user.id, SavedPractitioner.profile_id == profile_id
            )
        )
        is not None
    )


def save(user: User, profile: TherapistProfile) -> bool:
    """Put a practitioner on the shortlist; False when already there (saving twice keeps one row)."""
    if is_saved(user, profile.id):
        return False
    db.session.add(SavedPractitioner(user_id=user.id, profile_id=profile.id))
    try:
        db.session.commit()
    except IntegrityError:
        # Saved from two tabs at once: the other request's row stands.
        db.session.rollback()
        return False
    return True


def remove(user: User, profile_id: int) -> bool:
    """Take a practitioner off the shortlist; False when it was not there."""
    row = db.session.scalar(
        select(SavedPractitioner).where(
            SavedPractitioner.user_id == user.id, SavedPractitioner.profile_id == profile_id
        )
    )
    if row is None:
        return False
    db.session.delete(row)
    db.session.commit()
    return True


def saved_profiles(user: User) -> list[TherapistProfile]:
    """The listed practitioners on the user's shortlist, last saved first (unlisted ones wait, unseen)."""
    return list(
        db.session.scalars(
            select(TherapistProfile)
            .join(SavedPractitioner, SavedPractitioner.profile_id == TherapistProfile.id)
            .where(SavedPractitioner.user_id == user.id, nearby.listed_clause())
            .order_by(SavedPractitioner.created_at.desc(), SavedPractitioner.id.desc())
        )
    )
