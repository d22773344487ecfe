"""Changes to one practitioner's listing made at the same instant, over HTTP, against one shared database."""

from datetime import date

from directory.extensions import db
from directory.models import Certification, Role, SearchListing
from directory.models.certification import NEVER_EXPIRES
from directory.services.search import listing
from tests import factories

ROUNDS = 10


def listing_row(served_app, profile_id: int) -> tuple | None:
    with served_app.app.app_context():
        row = db.session.get(SearchListing, profile_id)
        return None if row is None else tuple(getattr(row, c.key) for c in SearchListing.__table__.columns)


def rebuilt_row(served_app, profile_id: int) -> tuple | None:
    """The row a full rebuild gives (rolled back afterwards)."""
    with served_app.app.app_context():
        listing.rebuild_all(db.session)
        row = db.session.get(SearchListing, profile_id)
        values = None if row is None else tuple(getattr(row, c.key) for c in SearchListing.__table__.columns)
        db.session.rollback()
        return values


def new_admin(served_app) -> str:
    with served_app.app.app_context():
        return factories.make_user(Role.ADMIN).email


def pending_certifications(served_app, **profile_fields) -> tuple[int, list[tuple[int, int]]]:
    """A listed, unverified practice with two pending certifications; returns (profile id, [(id, version)])."""
    with served_app.app.app_context():
        profile = factories.make_profile(**profile_fields)
        certifications = [
            factories.make_certification(profile, status="pending", expires_on=expires_on)
            for expires_on in (date(2040, 1, 1), None)
        ]
        return profile.id, [(c.id, c.version) for c in certifications]


def approve(admin, certification: tuple[int, int]):
    certification_id, version = certification
    return admin.post(f"/admin/certifications/{certification_id}/approve", {"approve-version": version})


def test_two_certifications_verified_at_once_both_reach_the_listing(served_app, race):
    admins = [served_app.login(new_admin(served_app)) for _ in range(2)]
    for _ in range(ROUNDS):
        profile_id, certifications = pending_certifications(served_app)
        responses = race(*(lambda a=a, c=c: approve(a, c) for a, c in zip(admins, certifications, strict=False)))
        assert [r.status for r in responses] == [302, 302], [r.text[:2000] for r in responses if r.status != 302]
        row = listing_row(served_app, profile_id)
        assert row is not None and row == rebuilt_row(served_app, profile_id)
        with served_app.app.app_context():
            assert db.session.get(SearchListing, profile_id).verified_until == NEVER_EXPIRES


def test_unpublishing_while_a_certification_is_verified_leaves_no_listing(served_app, race):
    admin = served_app.login(new_admin(served_app))
    for _ in range(ROUNDS):
        with served_app.app.app_context():
            therapist = factories.make_user(Role.THERAPIST)
            profile = factories.make_profile(user=therapist)
            certification = factories.make_certification(profile, status="pending", expires_on=None)
            profile_id, email, pending = profile.id, therapist.email, (certification.id, certification.version)
        practitioner = served_app.login(email)
        responses = race(
            lambda pending=pending: approve(admin, pending),
            lambda practitioner=practitioner: practitioner.post("/therapist/profile/unpublish", {}),
        )
        assert [r.status for r in responses] == [302, 302], [r.text[:2000] for r in responses if r.status != 302]
        with served_app.app.app_context():
            assert db.session.get(Certification, pending[0]).status == "verified"
        assert listing_row(served_app, profile_id) is None
