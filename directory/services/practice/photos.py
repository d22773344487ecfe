"""The profile photo: replacing it with a clean JPEG, removing it, and who may see it."""

from sqlalchemy import select

from directory.extensions import db
from directory.models import (
    StoredFile,
    TherapistProfile,
    User,
)
from directory.services.core import uploads
from directory.services.core.text import gettext
from directory.services.core.uploads import Upload
from directory.services.practice.errors import ProfileError
from directory.services.search import nearby

PHOTO_MAX_BYTES = 2 * 1024 * 1024


def _require_profile(user: User) -> TherapistProfile:
    if user.profile is None:
        raise ProfileError(gettext("Save your profile first."))
    return user.profile


def set_photo(user: User, upload: Upload) -> StoredFile:
    """Replace the profile photo with an upright JPEG without metadata; raises UploadError or ProfileError."""
    profile = _require_profile(user)
    photo = uploads.process_photo(upload.filename, upload.content, max_bytes=PHOTO_MAX_BYTES)
    previous = profile.photo
    profile.photo = photo
    if previous is not None:
        db.session.delete(previous)
    db.session.commit()
    return photo


def remove_photo(user: User) -> bool:
    """Remove the profile photo; False when there was none."""
    profile = user.profile
    if profile is None or profile.photo is None:
        return False
    previous = profile.photo
    profile.photo = None
    db.session.delete(previous)
    db.session.commit()
    return True


def photo_for(profile_id: int, viewer: User | None) -> tuple[StoredFile, bool] | None:
    """A profile's photo and whether it is public: anyone may see a listed profile's, only the owner another's."""
    row = db.session.execute(
        select(TherapistProfile.user_id, nearby.listed_clause().label("listed"), StoredFile)
        .join(StoredFile, StoredFile.id == TherapistProfile.photo_id)
        .where(TherapistProfile.id == profile_id)
    ).first()
    if row is None:
        return None
    user_id, listed, photo = row
    if listed:
        return photo, True
    if viewer is not None and viewer.id == user_id:
        return photo, False
    return None
