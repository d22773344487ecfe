"""Consultation requests sent at the same instant, over HTTP, against one shared database."""

from sqlalchemy import func, select

from directory.extensions import db
from directory.models import ConsultationRequest, Role
from directory.services.community.consultations import OPEN
from tests import factories

ROUNDS = 10
FORM = {"mode": "video", "preferred_times": ["Monday 09:00–12:00"], "message": "Headaches most afternoons."}


def new_practice(served_app) -> tuple[int, str]:
    """A listed practice taking video requests on Monday mornings; returns (profile id, slug)."""
    with served_app.app.app_context():
        profile = factories.make_profile(modes=("in_person", "video"), slots=((0, 9 * 60, 12 * 60),), verified=True)
        return profile.id, profile.slug


def new_patient(served_app) -> tuple[int, str]:
    """A confirmed patient; returns (user id, email)."""
    with served_app.app.app_context():
        patient = factories.make_user(Role.PATIENT)
        return patient.id, patient.email


def stored_requests(served_app, profile_id: int, patient_id: int | None = None, statuses=None) -> int:
    with served_app.app.app_context():
        query = (
            select(func.count()).select_from(ConsultationRequest).where(ConsultationRequest.profile_id == profile_id)
        )
        if patient_id is not None:
            query = query.where(ConsultationRequest.patient_id == patient_id)
        if statuses is not None:
            query = query.where(ConsultationRequest.status.in_(statuses))
        return db.session.scalar(query)


def test_two_patients_requesting_one_practitioner_at_once_are_both_saved(served_app, race):
    for _ in range(ROUNDS):
        profile_id, slug = new_practice(served_app)
        patients = [served_app.login(new_patient(served_app)[1]) for _ in range(2)]
        responses = race(*(lambda p=p, slug=slug: p.post(f"/consultations/new/{slug}", FORM) for p in patients))
        assert [r.status for r in responses] == [302, 302], [r.text[:2000] for r in responses if r.status != 302]
        assert all(r.location.endswith("/consultations/") for r in responses)
        assert stored_requests(served_app, profile_id) == 2


def test_identical_requests_sent_at_once_keep_one_open_request(served_app, race):
    for _ in range(ROUNDS):
        profile_id, slug = new_practice(served_app)
        patient_id, email = new_patient(served_app)
        patient = served_app.login(email)
        responses = race(
            *(lambda patient=patient, slug=slug: patient.post(f"/consultations/new/{slug}", FORM) for _ in range(3))
        )
        assert all(r.status < 500 for r in responses), [r.text[:2000] for r in responses if r.status >= 500]
        sent = [r for r in responses if r.status == 302]
        refused = [r for r in responses if r.status != 302]
        assert len(sent) == 1
        assert all(
            r.status == 400 and "You already have an open request with this practitioner." in r.text for r in refused
        )
        assert stored_requests(served_app, profile_id, patient_id) == 1
        assert stored_requests(served_app, profile_id, patient_id, OPEN) == 1
