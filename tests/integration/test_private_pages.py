"""Pages with health data or secrets are sent with Cache-Control: no-store; public pages may be cached."""

import re

import pytest

from directory import NO_STORE_BLUEPRINTS, NO_STORE_ENDPOINTS
from directory.extensions import db
from directory.models import ConsultationRequest
from tests.integration.test_access import ADMIN, ANON, PATIENT, ROUTES, THERAPIST
from tests.integration.test_questionnaire import answer_all, post

# Private GET pages no role can open with the shared records alone; each gets its own test below.
NEED_THEIR_OWN_SETUP = {
    "consultations.inbox_detail",
    "questionnaire.show_stop",
    "questionnaire.show_results",
    "auth.reset_password",
    "diary.show_shared",
    "diary.consultation_sessions",
}
PRIVATE = sorted(
    endpoint
    for endpoint, (method, _, _) in ROUTES.items()
    if method == "GET" and (endpoint.split(".")[0] in NO_STORE_BLUEPRINTS or endpoint in NO_STORE_ENDPOINTS)
)


def _role_that_opens(expected: dict) -> str:
    return next(role for role in (PATIENT, THERAPIST, ADMIN, ANON) if expected[role] == 200)


def assert_not_stored(response) -> None:
    assert response.status_code == 200, response.status_code
    assert "no-store" in response.headers.get("Cache-Control", "")


def test_the_private_list_covers_the_pages_the_issue_names():
    for endpoint in (
        "account.dashboard",
        "account.settings",
        "consultations.my_requests",
        "consultations.inbox",
        "consultations.inbox_detail",
        "admin.outbox",
        "questionnaire.show_results",
    ):
        assert endpoint in PRIVATE


@pytest.mark.parametrize("endpoint", [endpoint for endpoint in PRIVATE if endpoint not in NEED_THEIR_OWN_SETUP])
def test_private_page_is_not_stored(client, auth, records, endpoint):
    _, path, expected = ROUTES[endpoint]
    role = _role_that_opens(expected)
    if role != ANON:
        auth.login(role=role)
    response = client.get(path.format(**records))
    response.close()
    assert_not_stored(response)


def test_inbox_detail_with_the_shared_summary_is_not_stored(app, client, auth, records):
    with app.app_context():
        consultation = db.session.get(ConsultationRequest, records["request_id"])
        consultation.questionnaire_summary = {"see_doctor_soon": ["onset_after_50"]}
        therapist_email = consultation.profile.user.email
        db.session.commit()
    auth.login(email=therapist_email)
    assert_not_stored(client.get(f"/consultations/inbox/{records['request_id']}"))


def test_questionnaire_results_and_stop_pages_are_not_stored(client, places):
    answer_all(client, preferences={"location": "New York", "max_distance_km": "25", "first_consultation": "either"})
    assert_not_stored(client.get("/questionnaire/results"))
    post(client, 1, {"age": "15", "diagnosed_types": []})
    assert_not_stored(client.get("/questionnaire/stop"))


def test_password_reset_page_is_not_stored(app, client, auth, outbox):
    auth.login(email="resets@example.com")
    auth.logout()
    client.post("/auth/forgot", data={"email": "resets@example.com"})
    link = re.search(r"https?://\S+", outbox()[-1].body).group(0)
    assert_not_stored(client.get(link))


@pytest.mark.parametrize("path", ["/", "/auth/login", "/search?lat=40.75&lon=-73.98"])
def test_public_pages_may_be_cached(client, path):
    assert "no-store" not in client.get(path).headers.get("Cache-Control", "")


def test_a_shared_diary_and_its_sessions_are_not_stored(app, client, auth):
    from directory.models import DiaryShare, Role, User
    from tests import factories

    therapist_id = auth.login(role="therapist")
    with app.app_context():
        profile = factories.make_profile(user=db.session.get(User, therapist_id))
        patient = factories.make_user(Role.PATIENT)
        consultation = factories.make_completed_consultation(patient, profile)
        db.session.add(DiaryShare(patient_id=patient.id, profile_id=profile.id))
        db.session.commit()
        patient_id, consultation_id = patient.id, consultation.id
    assert_not_stored(client.get(f"/diary/shared/{patient_id}"))
    assert_not_stored(client.get(f"/diary/consultations/{consultation_id}/sessions"))
