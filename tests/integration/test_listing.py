"""The search listing follows every change to profiles, certifications and accounts."""

from datetime import date

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import (
    AvailabilitySlot,
    ConsultationRequest,
    HeadacheType,
    Notice,
    Role,
    SearchListing,
    TherapistProfile,
    User,
)
from directory.models.certification import NEVER_EXPIRES
from directory.services.search import listing
from tests import factories
from tests.sql import sent_statements


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def row(profile_id: int) -> SearchListing | None:
    db.session.expire_all()
    return db.session.get(SearchListing, profile_id)


def snapshot() -> list[tuple]:
    return [
        tuple(getattr(r, c.key) for c in SearchListing.__table__.columns)
        for r in db.session.scalars(select(SearchListing).order_by(SearchListing.profile_id))
    ]


def test_a_published_profile_is_listed_with_its_masks(ctx):
    profile = factories.make_profile(
        headache_types=("migraine", "cervicogenic"),
        modes=("video",),
        languages=("en", "es"),
        accessibility=("step_free",),
        slots=((5, 600, 720),),
        fee_min=80,
        gender="woman",
    )
    entry = row(profile.id)
    assert listing.codes(entry.headache_mask, listing.HEADACHE_BITS) == ("migraine", "cervicogenic")
    assert listing.codes(entry.mode_mask, listing.MODE_BITS) == ("video",)
    assert listing.codes(entry.language_mask, listing.LANGUAGE_BITS) == ("en", "es")
    assert listing.codes(entry.availability_mask, listing.PERIOD_BITS) == ("weekend",)
    assert (entry.fee_min, entry.gender, entry.verified_until) == (80, "woman", None)


def test_unpublished_and_unplaced_profiles_are_not_listed(ctx):
    draft = factories.make_profile(published=False)
    nowhere = factories.make_profile(latitude=None, longitude=None)
    assert row(draft.id) is None and row(nowhere.id) is None
    draft.published = True
    db.session.commit()
    assert row(draft.id) is not None


def test_suspension_removes_and_reactivation_restores(ctx):
    profile = factories.make_profile()
    user = db.session.get(User, profile.user_id)
    user.active = False
    db.session.commit()
    assert row(profile.id) is None
    user.active = True
    db.session.commit()
    assert row(profile.id) is not None


def test_certifications_set_the_verified_until_date(ctx):
    profile = factories.make_profile()
    pending = factories.make_certification(profile, status="pending", expires_on=date(2030, 1, 1))
    assert row(profile.id).verified_until is None
    pending.status = "verified"
    db.session.commit()
    assert row(profile.id).verified_until == date(2030, 1, 1)
    factories.make_certification(profile, status="verified", expires_on=None)
    assert row(profile.id).verified_until == NEVER_EXPIRES
    for certification in list(profile.certifications):
        db.session.delete(certification)
    db.session.commit()
    assert row(profile.id).verified_until is None


def test_collection_and_slot_changes_update_the_masks(ctx):
    profile = factories.make_profile(headache_types=("tension_type",))
    profile.headache_types.append(db.session.get(HeadacheType, "cluster"))
    profile.availability.append(AvailabilitySlot(weekday=0, start_minute=18 * 60, end_minute=20 * 60))
    db.session.commit()
    entry = row(profile.id)
    assert listing.codes(entry.headache_mask, listing.HEADACHE_BITS) == ("tension_type", "cluster")
    assert listing.codes(entry.availability_mask, listing.PERIOD_BITS) == ("weekday_evening",)


def test_deleting_the_account_removes_the_listing(ctx):
    profile = factories.make_profile()
    profile_id = profile.id
    db.session.delete(db.session.get(User, profile.user_id))
    db.session.commit()
    assert row(profile_id) is None


def test_incremental_updates_equal_a_full_rebuild(ctx):
    profiles = [factories.make_profile(headache_types=("migraine",), verified=i % 2 == 0) for i in range(6)]
    profiles[1].published = False
    profiles[2].review_count, profiles[2].rating_total = 3, 13
    db.session.get(User, profiles[3].user_id).active = False
    profiles[4].languages = []
    factories.make_user(Role.THERAPIST)
    db.session.commit()
    incremental = snapshot()
    assert listing.rebuild_all(db.session) == db.session.scalar(select(db.func.count()).select_from(TherapistProfile))
    db.session.commit()
    assert snapshot() == incremental
    assert len(incremental) == 4


def listing_statements():
    """Collect the SQL statements sent while inside that name the search_listing table."""
    return sent_statements("search_listing")


def test_a_consultation_request_and_a_notice_do_not_touch_the_listing(ctx):
    profile = factories.make_profile(verified=True)
    patient = factories.make_user(Role.PATIENT)
    with listing_statements() as seen:
        db.session.add(ConsultationRequest(patient_id=patient.id, profile_id=profile.id, mode="in_person"))
        db.session.add(Notice(user=db.session.get(User, profile.user_id), message="New consultation request"))
        db.session.commit()
    assert seen == []


def test_a_change_outside_the_listed_columns_writes_no_listing_row(ctx):
    profile = factories.make_profile(verified=True)
    before = snapshot()
    with listing_statements() as seen:
        profile.display_name = "A new name"
        db.session.commit()
    assert [s for s in seen if not s.lstrip().upper().startswith("SELECT")] == []
    assert snapshot() == before


def test_a_listed_change_updates_only_that_row(ctx):
    profile, other = factories.make_profile(fee_min=60), factories.make_profile(fee_min=70)
    with listing_statements() as seen:
        profile.fee_min = 90
        db.session.commit()
    writes = [s for s in seen if not s.lstrip().upper().startswith("SELECT")]
    assert len(writes) == 1 and "ON CONFLICT" in writes[0].upper()
    assert (row(profile.id).fee_min, row(other.id).fee_min) == (90, 70)


@pytest.mark.parametrize(
    ("weekday", "start", "end", "expected"),
    [
        (0, 8 * 60, 9 * 60, ("weekday_morning",)),
        (2, 11 * 60, 13 * 60, ("weekday_morning", "weekday_afternoon")),
        (4, 16 * 60, 18 * 60, ("weekday_afternoon", "weekday_evening")),
        (4, 22 * 60, 23 * 60, ()),
        (6, 9 * 60, 10 * 60, ("weekend",)),
    ],
)
def test_period_mask(weekday, start, end, expected):
    assert listing.codes(listing.period_mask(weekday, start, end), listing.PERIOD_BITS) == expected
