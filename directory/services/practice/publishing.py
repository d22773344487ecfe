"""What a profile holds of what patients look for, and showing it in the directory or not."""

from collections.abc import Callable
from dataclasses import dataclass

from directory.extensions import db
from directory.models import TherapistProfile, User
from directory.services.core.text import N_, gettext, join_words
from directory.services.practice.errors import ProfileError


class PublishError(ProfileError):
    """The profile cannot be published yet; `missing` lists what it needs, in words."""

    def __init__(self, missing: list[str]):
        super().__init__(gettext("Before publishing, add %(missing)s.", missing=join_words(missing)))
        self.missing = tuple(missing)


@dataclass(frozen=True)
class Completeness:
    """How much of the profile is filled in, and what is missing, in words (in the page's language)."""

    done: int
    total: int
    missing_required: tuple[str, ...]
    missing_recommended: tuple[str, ...]

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

    @property
    def missing(self) -> tuple[str, ...]:
        return self.missing_required + self.missing_recommended


# What a profile should hold, in words, with how to tell whether it does.
_Item = tuple[str, Callable[[TherapistProfile], bool]]


_REQUIRED: tuple[_Item, ...] = (
    (N_("your name"), lambda p: bool(p.display_name)),
    (N_("your profession"), lambda p: bool(p.profession)),
    (N_("the practice's position on the map"), lambda p: p.latitude is not None and p.longitude is not None),
    (N_("at least one headache type you treat"), lambda p: bool(p.headache_types)),
    (N_("at least one way to hold a first consultation"), lambda p: bool(p.consultation_modes)),
)


_RECOMMENDED: tuple[_Item, ...] = (
    (N_("your licence number and where it was issued"), lambda p: bool(p.licence_number and p.licence_jurisdiction)),
    (N_("the practice address"), lambda p: bool(p.city or p.postal_code)),
    (N_("a phone number or website"), lambda p: bool(p.phone or p.website)),
    (N_("a few words about your work"), lambda p: bool(p.bio)),
    (N_("the year you started practising"), lambda p: p.practising_since is not None),
    (N_("the length of a session"), lambda p: p.session_minutes is not None),
    (N_("your fees"), lambda p: p.fee_min is not None),
    (N_("the languages you speak"), lambda p: bool(p.languages)),
    (N_("your weekly availability"), lambda p: bool(p.availability)),
    (N_("a photo"), lambda p: p.photo_id is not None),
    (N_("a dry-needling certification"), lambda p: bool(p.certifications)),
)


def completeness(profile: TherapistProfile | None) -> Completeness:
    """What the profile holds of what patients look for; required items come first."""
    total = len(_REQUIRED) + len(_RECOMMENDED)
    if profile is None:
        return Completeness(
            0, total, tuple(gettext(name) for name, _ in _REQUIRED), tuple(gettext(name) for name, _ in _RECOMMENDED)
        )
    required = tuple(gettext(name) for name, present in _REQUIRED if not present(profile))
    recommended = tuple(gettext(name) for name, present in _RECOMMENDED if not present(profile))
    return Completeness(total - len(required) - len(recommended), total, required, recommended)


def missing_for_publishing(user: User) -> list[str]:
    """What the therapist must still add before their profile can be published, in words."""
    missing = [] if user.email_confirmed else [gettext("a confirmed email address (open the link we mailed you)")]
    return missing + list(completeness(user.profile).missing_required)


def publish(user: User) -> TherapistProfile:
    """Show the profile in the directory; raises PublishError listing what is missing."""
    missing = missing_for_publishing(user)
    profile = user.profile
    if missing or profile is None:  # without a profile, everything required is missing
        raise PublishError(missing)
    profile.published = True
    db.session.commit()
    return profile


def unpublish(user: User) -> bool:
    """Take the profile off the directory; False when it was not published."""
    profile = user.profile
    if profile is None or not profile.published:
        return False
    profile.published = False
    db.session.commit()
    return True
