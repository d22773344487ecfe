"""Consultation requests: patients ask, therapists answer, everyone is told."""

import re

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import ConsultationRequest, Notice, QuestionnaireResponse, Role
from directory.services.questionnaire import clinical
from tests import factories


@pytest.fixture
def practice(app):
    """A listed practice with two weekly openings; returns (profile id, slug, therapist email)."""
    with app.app_context():
        therapist = factories.make_user(Role.THERAPIST, email="pt@example.com", name="Pat Therapist")
        profile = factories.make_profile(
            user=therapist,
            slug="calm-clinic",
            display_name="Calm Clinic",
            modes=("in_person", "video"),
            slots=((0, 9 * 60, 12 * 60), (2, 17 * 60, 20 * 60)),
            verified=True,
        )
        return profile.id, profile.slug, therapist.email


def the_request(app) -> ConsultationRequest:
    with app.app_context():
        consultation = db.session.scalar(select(ConsultationRequest))
        db.session.expunge_all()
        return consultation


def send(client, slug="calm-clinic", **fields):
    data = {
        "mode": "video",
        "preferred_times": ["Monday 09:00–12:00"],
        "message": "Headaches most afternoons.",
    } | fields
    return client.post(f"/consultations/new/{slug}", data=data)


def test_the_form_offers_the_practitioners_modes_and_times(client, auth, practice):
    auth.login(role="patient")
    page = client.get("/consultations/new/calm-clinic").get_data(as_text=True)
    assert "Video first consultation" in page and "Home visit" not in page
    assert "Wednesday 17:00–20:00" in page
    assert 'name="share_answers"' not in page  # no answers to share yet


def test_a_patient_requests_and_the_therapist_is_told(app, client, auth, practice, outbox):
    auth.login(role="patient", name="Maya")
    response = send(client)
    assert response.status_code == 302
    consultation = the_request(app)
    assert (consultation.mode, consultation.status, consultation.preferred_times) == (
        "video",
        "requested",
        "Monday 09:00–12:00",
    )
    assert consultation.questionnaire_summary is None
    assert any(m.recipient == "pt@example.com" and m.subject == "New consultation request" for m in outbox())


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"mode": "home_visit"}, "Not a valid choice"),
        ({"preferred_times": ["Sunday 03:00–04:00"]}, "is not a valid choice"),
        ({"message": "x" * 2001}, "Field cannot be longer than 2000 characters"),
    ],
)
def test_invalid_requests_are_refused_and_keep_the_input(app, client, auth, practice, fields, message):
    auth.login(role="patient")
    response = send(client, **fields)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert the_request(app) is None


def test_an_unconfirmed_patient_is_asked_to_confirm_first(app, client, auth, practice):
    auth.login(role="patient", confirmed=False)
    response = send(client)
    assert response.status_code == 400 and "confirm your email" in response.get_data(as_text=True)
    assert the_request(app) is None


def test_only_one_open_request_per_practitioner(app, client, auth, practice):
    auth.login(role="patient")
    send(client)
    assert "already have an open request" in send(client).get_data(as_text=True)


def test_a_practice_not_taking_patients_refuses(app, client, auth):
    with app.app_context():
        factories.make_profile(slug="full", accepting_new_patients=False, verified=True)
    auth.login(role="patient")
    assert "not taking new patients" in send(client, slug="full", mode="in_person", preferred_times=[]).get_data(
        as_text=True
    )


def _patient_with_answers(app, client, auth):
    user_id = auth.login(role="patient")
    answers = {"age": 52, "red_flags": {"onset_after_50": "yes"}, "needling_safety": ["blood_thinners"]}
    with app.app_context():
        db.session.add(
            QuestionnaireResponse(
                token="t" * 43,
                answers=answers,
                assessment=clinical.to_api_dict(clinical.assess(answers)),
                user_id=user_id,
            )
        )
        db.session.commit()
    return user_id


def test_without_the_consent_box_the_therapist_sees_no_answers(app, client, auth, practice):
    _patient_with_answers(app, client, auth)
    assert 'name="share_answers"' in client.get("/consultations/new/calm-clinic").get_data(as_text=True)
    send(client)
    assert the_request(app).questionnaire_summary is None


def test_with_consent_the_summary_travels_and_only_that_therapist_sees_it(app, client, auth, practice):
    _patient_with_answers(app, client, auth)
    send(client, share_answers="y")
    consultation = the_request(app)
    assert consultation.questionnaire_summary["see_doctor_soon"] == ["onset_after_50"]
    assert consultation.questionnaire_summary["needling_safety"] == ["blood_thinners"]
    auth.logout()
    auth.login(email="pt@example.com")
    page = client.get(f"/consultations/inbox/{consultation.id}").get_data(as_text=True)
    assert "onset_after_50" in page and "blood_thinners" in page
    auth.logout()
    auth.login(role="therapist")  # another therapist
    assert client.get(f"/consultations/inbox/{consultation.id}").status_code == 404


def test_the_therapist_accepts_completes_and_the_patient_sees_each_change(app, client, auth, practice, outbox):
    patient_id = auth.login(role="patient", email="maya@example.com")
    send(client)
    consultation_id = the_request(app).id
    auth.logout()
    auth.login(email="pt@example.com")
    empty = client.post(f"/consultations/inbox/{consultation_id}/accept", data={"proposed_time": ""})
    assert empty.status_code == 400
    assert "Propose a day and time for the first consultation." in empty.get_data(as_text=True)
    assert "This field is required." not in empty.get_data(as_text=True)
    client.post(f"/consultations/inbox/{consultation_id}/accept", data={"proposed_time": "Monday 10:00"})
    client.post(f"/consultations/inbox/{consultation_id}/complete")
    consultation = the_request(app)
    assert consultation.status == "completed" and consultation.completed_at is not None
    subjects = [m.subject for m in outbox() if m.recipient == "maya@example.com"]
    assert subjects == ["Your consultation request was accepted", "How was your consultation?"]
    with app.app_context():
        notices = db.session.scalars(select(Notice.message).where(Notice.user_id == patient_id)).all()
        assert any("Monday 10:00" in notice for notice in notices)
        # A subject that is a question is followed by a space, not "?:".
        assert any(notice.startswith("How was your consultation? ") for notice in notices)
        assert not any("?:" in notice for notice in notices)


def test_decline_needs_a_reason_and_completed_cannot_be_declined(app, client, auth, practice):
    auth.login(role="patient")
    send(client)
    consultation_id = the_request(app).id
    auth.logout()
    auth.login(email="pt@example.com")
    assert client.post(f"/consultations/inbox/{consultation_id}/decline", data={"reason": ""}).status_code == 400
    client.post(f"/consultations/inbox/{consultation_id}/decline", data={"reason": "I am fully booked until March."})
    assert the_request(app).status == "declined"
    response = client.post(f"/consultations/inbox/{consultation_id}/complete")
    assert response.status_code == 400 and the_request(app).status == "declined"


def test_patients_cancel_only_their_own_requests(app, client, auth, practice):
    auth.login(role="patient", email="asker@example.com")
    send(client)
    consultation_id = the_request(app).id
    auth.logout()
    auth.login(role="patient")  # someone else
    assert client.post(f"/consultations/{consultation_id}/cancel").status_code == 404
    assert the_request(app).status == "requested"
    auth.logout()
    auth.login(email="asker@example.com")  # the patient who asked
    response = client.post(f"/consultations/{consultation_id}/cancel", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert "Your request is canceled." in page
    assert re.search(
        r'>Canceled</span>\s+<span class="meta">Request sent [A-Z][a-z]{2} \d{1,2}, \d{4} · Video first consultation</span>',
        page,
    )
    assert the_request(app).status == "cancelled"


def test_a_single_offered_mode_is_chosen_already(app, client, auth):
    with app.app_context():
        factories.make_profile(slug="video-only", modes=("video",), verified=True)
    auth.login(role="patient")
    page = client.get("/consultations/new/video-only").get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*value="video"|<input[^>]*value="video"[^>]*checked', page)


def test_two_offered_modes_are_left_to_the_patient(app, client, auth, practice):
    auth.login(role="patient")
    page = client.get("/consultations/new/calm-clinic").get_data(as_text=True)
    assert "checked" not in re.search(r"<fieldset.*?</fieldset>", page, re.S).group(0)


def test_declining_is_folded_below_accepting(app, client, auth, practice):
    auth.login(role="patient", email="maya@example.com")
    send(client)
    consultation_id = the_request(app).id
    auth.logout()
    auth.login(email="pt@example.com")
    page = client.get(f"/consultations/inbox/{consultation_id}").get_data(as_text=True)
    assert page.index("Accept and propose this time") < page.index('<details class="card decline-details">')
    assert '<button type="submit" class="button button-secondary">Decline the request</button>' in page
    assert '<button type="submit" class="button">Accept and propose this time</button>' in page
