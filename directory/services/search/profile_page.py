"""A practitioner's public page: the listed profile with what it shows, loaded at once."""

from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from sqlalchemy import (
    ColumnElement,
    Select,
    bindparam,
    select,
)
from sqlalchemy.orm import joinedload, selectinload

from directory import vocabulary
from directory.extensions import db
from directory.models import OutcomeSummary, SearchListing, TherapistProfile
from directory.services.core.text import gettext
from directory.services.search import listing
from directory.services.search.nearby import listed_clause

# Everything a public profile page shows, loaded in one go.
PUBLIC_PAGE_LOADS = (
    selectinload(TherapistProfile.headache_types),
    selectinload(TherapistProfile.consultation_modes),
    selectinload(TherapistProfile.languages),
    selectinload(TherapistProfile.accessibility),
    selectinload(TherapistProfile.availability),
    selectinload(TherapistProfile.certifications),
)


def public_profile(*criteria: ColumnElement[bool]) -> TherapistProfile | None:
    """The listed profile that meets the criteria (by slug or id), ready for its public page."""
    return db.session.scalar(select(TherapistProfile).where(*criteria, listed_clause()).options(*PUBLIC_PAGE_LOADS))


class PracticeLabels(NamedTuple):
    """What a profile page lists about a practice, as the words shown ('' or () when none is stated).

    Accessibility features stay separate: some have commas of their own ("Dim, quiet treatment room").
    """

    treats: str
    consultation_modes: str
    languages: str
    accessibility: tuple[str, ...]


def practice_labels(profile: TherapistProfile, masks: Sequence[int | None] | None = None) -> PracticeLabels:
    """The practice's headache types, modes, languages and accessibility, from its listing's masks when given (no query)."""
    # The masks come from an outer join: all None when the profile has no listing row.
    known = [mask for mask in masks or () if mask is not None]
    if len(known) != 4:
        # The rows' names are the vocabularies' English names (N_), shown in the page's language.
        treats, modes, languages = (
            ", ".join(gettext(entry.name) for entry in entries)
            for entries in (profile.headache_types, profile.consultation_modes, profile.languages)
        )
        return PracticeLabels(treats, modes, languages, tuple(gettext(entry.name) for entry in profile.accessibility))
    headache, mode, language, access = known
    # The same words and order as the vocabulary tables (services.vocabularies keeps them in step): languages by name.
    return PracticeLabels(
        ", ".join(
            vocabulary.label(vocabulary.HEADACHE_TYPES, code) for code in listing.codes(headache, listing.HEADACHE_BITS)
        ),
        ", ".join(
            vocabulary.label(vocabulary.CONSULTATION_MODES, code) for code in listing.codes(mode, listing.MODE_BITS)
        ),
        ", ".join(
            sorted(
                vocabulary.label(vocabulary.LANGUAGES, code) for code in listing.codes(language, listing.LANGUAGE_BITS)
            )
        ),
        tuple(
            vocabulary.label(vocabulary.ACCESSIBILITY_FEATURES, code)
            for code in listing.codes(access, listing.ACCESS_BITS)
        ),
    )


_ProfilePageRow = Select[TherapistProfile, int | None, int | None, int | None, int | None, OutcomeSummary | None]


@lru_cache(maxsize=1)
def _profile_page_statement() -> _ProfilePageRow:
    # Built once (building it took a tenth of the page's time); the slug is bound per request.
    return (
        select(
            TherapistProfile,
            SearchListing.headache_mask,
            SearchListing.mode_mask,
            SearchListing.language_mask,
            SearchListing.access_mask,
            OutcomeSummary,
        )
        .outerjoin(SearchListing, SearchListing.profile_id == TherapistProfile.id)
        .outerjoin(OutcomeSummary, OutcomeSummary.profile_id == TherapistProfile.id)
        .where(TherapistProfile.slug == bindparam("slug"), listed_clause())
        .options(joinedload(TherapistProfile.availability), joinedload(TherapistProfile.certifications))
    )


class ProfilePage(NamedTuple):
    profile: TherapistProfile
    practice: PracticeLabels
    # The stored outcome figures (services.outcomes.public decides what of them may be shown).
    outcome_summary: OutcomeSummary | None


def profile_page(slug: str) -> ProfilePage | None:
    """A listed profile by slug with what its public page shows, in one query.

    Opening hours and certifications are joined (a handful of rows); the sets of codes come
    from the profile's search listing, which is kept in step with them; the outcome figures from their summary.
    """
    row = db.session.execute(_profile_page_statement(), {"slug": slug}).unique().first()
    if row is None:
        return None
    profile, headache, mode, language, access, summary = row
    return ProfilePage(profile, practice_labels(profile, (headache, mode, language, access)), summary)
