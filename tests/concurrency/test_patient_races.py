"""A patient's own writes sent twice at the same instant (two taps, two tabs), over HTTP, against one database."""

from datetime import date

from sqlalchemy import func, select

from directory.extensions import db
from directory.models import DiaryEntry, DiaryShare, Role, SavedPractitioner
from tests import factories

ROUNDS = 5


def _patient_and_practice(served_app, consulted: bool = False) -> tuple[int, str, int, str]:
    """A patient and a listed practice (with a completed consultation between them when consulted)."""
    with served_app.app.app_context():
        patient = factories.make_user(Role.PATIENT)
        profile = factories.make_profile(verified=True)
        if consulted:
            factories.make_completed_consultation(patient, profile)
        db.session.commit()
        return patient.id, patient.email, profile.id, profile.slug


def _count(served_app, model, *criteria) -> int:
    with served_app.app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).where(*criteria))


def test_no_headache_today_tapped_twice_at_once_keeps_one_entry(served_app, race):
    today = date.today().isoformat()
    for _ in range(ROUNDS):
        patient_id, email, _, _ = _patient_and_practice(served_app)
        visitor = served_app.login(email)
        responses = race(
            *(lambda v=visitor: v.post(f"/diary/days/{today}", {"one_tap": "no_headache"}) for _ in range(2))
        )
        assert all(r.status < 500 for r in responses), [r.text[:2000] for r in responses if r.status >= 500]
        assert _count(served_app, DiaryEntry, DiaryEntry.patient_id == patient_id) == 1


def test_saving_a_practitioner_twice_at_once_keeps_one_row(served_app, race):
    for _ in range(ROUNDS):
        patient_id, email, profile_id, slug = _patient_and_practice(served_app)
        visitor = served_app.login(email)
        responses = race(*(lambda v=visitor, slug=slug: v.post(f"/account/saved/{slug}", {}) for _ in range(2)))
        assert [r.status for r in responses] == [302, 302], [r.text[:2000] for r in responses if r.status != 302]
        saved = (SavedPractitioner.user_id == patient_id, SavedPractitioner.profile_id == profile_id)
        assert _count(served_app, SavedPractitioner, *saved) == 1


def test_sharing_a_diary_twice_at_once_keeps_one_share(served_app, race):
    for _ in range(ROUNDS):
        patient_id, email, profile_id, _ = _patient_and_practice(served_app, consulted=True)
        visitor = served_app.login(email)
        responses = race(*(lambda v=visitor, p=profile_id: v.post(f"/diary/sharing/{p}", {}) for _ in range(2)))
        assert all(r.status < 500 for r in responses), [r.text[:2000] for r in responses if r.status >= 500]
        shares = (DiaryShare.patient_id == patient_id, DiaryShare.profile_id == profile_id)
        assert _count(served_app, DiaryShare, *shares, DiaryShare.revoked_at.is_(None)) == 1
