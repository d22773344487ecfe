"""Consultation requests: patients ask, therapists answer, everyone is told."""

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

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


NEW_YORK = ZoneInfo("America/New_York")  # the practice's zone: factories place profiles in Manhattan


def move_proposed_time(app, hours: float) -> None:
    """Move the proposed time to `hours` from now (negative: in the past), as if the clock had moved on."""
    with app.app_context():
        db.session.execute(update(ConsultationRequest).values(proposed_at=datetime.now(UTC) + timedelta(hours=hours)))
        db.session.commit()


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
    soon = (datetime.now(NEW_YORK) + timedelta(minutes=2)).replace(second=0, microsecond=0, tzinfo=None)
    client.post(f"/consultations/inbox/{consultation_id}/accept", data={"proposed_time": f"{soon:%Y-%m-%dT%H:%M}"})
    move_proposed_time(app, hours=-1)  # an hour ago: it took place
    client.post(f"/consultations/inbox/{consultation_id}/complete")
    consultation = the_request(app)
    assert consultation.status == "completed" and consultation.completed_at is not None
    subjects = [m.subject for m in outbox() if m.recipient == "maya@example.com"]
    assert subjects == ["Your consultation request was accepted", "How was your consultation?"]
    with app.app_context():
        notices = db.session.scalars(select(Notice.message).where(Notice.user_id == patient_id)).all()
        assert any(f"{soon:%H:%M} (New York time)" in notice for notice in notices)
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
        r'>Canceled</span>\s+<span class="meta">Request sent [A-Z][a-z]+, [A-Z][a-z]+ \d{1,2}, \d{4}, \d{2}:\d{2} \([A-Za-z ]+ time\) · Video first consultation</span>',
        page,
    )
    assert the_request(app).status == "cancelled"


# ---------------------------------------------------------------- proposed times


@pytest.fixture
def proposed(app, client, auth, practice):
    """A request the therapist accepted, proposing 1 June next year at 09:30 New York time; returns its id.

    Leaves the patient (maya@example.com) logged in.
    """
    auth.login(role="patient", email="maya@example.com", name="Maya")
    send(client)
    consultation_id = the_request(app).id
    auth.logout()
    auth.login(email="pt@example.com")
    year = datetime.now(UTC).year + 1
    response = client.post(
        f"/consultations/inbox/{consultation_id}/accept", data={"proposed_time": f"{year}-06-01T09:30"}
    )
    assert response.status_code == 302
    auth.logout()
    auth.login(email="maya@example.com")
    return consultation_id


def test_a_proposed_time_is_stored_as_a_moment_and_shown_in_the_practice_s_zone(app, client, proposed):
    consultation = the_request(app)
    year = datetime.now(UTC).year + 1
    # 09:30 in New York in June (EDT, UTC-4) is 13:30 UTC.
    assert consultation.proposed_at == datetime(year, 6, 1, 13, 30, tzinfo=UTC)
    label = f"{datetime(year, 6, 1):%A}, June 1, {year}, 09:30 (New York time)"
    assert consultation.proposed_time == label
    page = client.get("/consultations/").get_data(as_text=True)
    assert f"Proposed time: <strong>{label}</strong>" in page
    assert '<span class="badge status-accepted">Time proposed</span>' in page
    assert "Confirm this time" in page and "Ask for another time" in page
    assert "UTC" not in page


def test_the_patient_confirms_and_both_are_told_with_the_address_phone_and_local_time(app, client, proposed, outbox):
    with app.app_context():
        profile = db.session.scalar(select(ConsultationRequest)).profile
        profile.clinic_name, profile.street = "Calm Clinic Midtown", "350 5th Ave"
        profile.city, profile.region, profile.postal_code = "New York", "NY", "10118"
        profile.phone = "+1 212 555 0123"
        db.session.commit()
    label = the_request(app).proposed_time
    response = client.post(f"/consultations/{proposed}/confirm", follow_redirects=True)
    page = response.get_data(as_text=True)
    assert f"Confirmed: {label}. The practitioner has been told." in page
    assert f"Confirmed: <strong>{label}</strong>" in page
    assert "Calm Clinic Midtown, 350 5th Ave, New York, NY, 10118; phone +1 212 555 0123" in page
    assert the_request(app).confirmed_at is not None
    mail = {m.recipient: m for m in outbox() if m.subject != "Your consultation request was accepted"}
    assert mail["maya@example.com"].subject == "Your first consultation is confirmed"
    assert label in mail["maya@example.com"].body and "+1 212 555 0123" in mail["maya@example.com"].body
    assert "350 5th Ave" in mail["maya@example.com"].body
    assert (
        mail["pt@example.com"].subject == "A patient confirmed the proposed time"
        and label in mail["pt@example.com"].body
    )
    with app.app_context():
        notices = db.session.scalars(select(Notice.message).where(Notice.message.contains("is confirmed"))).all()
        assert len(notices) == 1 and "+1 212 555 0123" in notices[0] and label in notices[0]
    # Confirmed once: a second confirmation changes nothing and says why.
    again = client.post(f"/consultations/{proposed}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "There is no proposed time waiting for your answer on this request." in again


def test_asking_for_another_time_sends_the_request_back_to_the_therapist(app, client, auth, proposed, outbox):
    response = client.post(f"/consultations/{proposed}/another-time", data={"note": "Afternoons suit me better."})
    assert response.status_code == 302
    consultation = the_request(app)
    assert (consultation.status, consultation.proposed_at, consultation.proposed_time) == ("requested", None, None)
    told = [m for m in outbox() if m.recipient == "pt@example.com" and m.subject == "A patient asked for another time"]
    assert len(told) == 1 and "Afternoons suit me better." in told[0].body
    assert client.post(f"/consultations/{proposed}/confirm", follow_redirects=True).status_code == 200
    assert the_request(app).confirmed_at is None  # nothing proposed now: nothing to confirm
    # The therapist proposes again, from the same page.
    auth.logout()
    auth.login(email="pt@example.com")
    page = client.get(f"/consultations/inbox/{proposed}").get_data(as_text=True)
    assert "Accept and propose this time" in page
    # The request page says which time did not suit and what the patient wrote, until a new time is proposed.
    year = datetime.now(UTC).year + 1
    declined = f"{datetime(year, 6, 1):%A}, June 1, {year}, 09:30 (New York time)"
    assert f"<dt>The patient cannot come on</dt><dd>{declined}<br>They wrote: “Afternoons suit me better.”</dd>" in page
    client.post(f"/consultations/inbox/{proposed}/accept", data={"proposed_time": f"{year}-06-02T15:00"})
    page = client.get(f"/consultations/inbox/{proposed}").get_data(as_text=True)
    assert "The patient cannot come on" not in page and "Afternoons suit me better." not in page
    assert the_request(app).proposed_time == f"{datetime(year, 6, 2):%A}, June 2, {year}, 15:00 (New York time)"


def test_a_long_note_asking_for_another_time_is_a_400_that_keeps_it(app, client, proposed):
    response = client.post(f"/consultations/{proposed}/another-time", data={"note": "x" * 2001})
    assert response.status_code == 400
    assert "x" * 2001 in response.get_data(as_text=True)
    assert the_request(app).status == "accepted"


def test_other_users_cannot_confirm_or_ask_for_another_time(app, client, auth, proposed):
    auth.logout()
    auth.login(role="patient")  # another patient
    assert client.post(f"/consultations/{proposed}/confirm").status_code == 404
    assert client.post(f"/consultations/{proposed}/another-time", data={"note": "no"}).status_code == 404
    auth.logout()
    auth.login(email="pt@example.com")  # the therapist cannot confirm for the patient
    assert client.post(f"/consultations/{proposed}/confirm").status_code == 403
    consultation = the_request(app)
    assert (consultation.status, consultation.confirmed_at) == ("accepted", None)


def test_completed_before_the_time_is_refused_and_not_offered(app, client, auth, proposed):
    auth.logout()
    auth.login(email="pt@example.com")
    page = client.get(f"/consultations/inbox/{proposed}").get_data(as_text=True)
    assert "Mark as completed" not in page
    assert "You can mark it as completed once the consultation time has passed." in page
    response = client.post(f"/consultations/inbox/{proposed}/complete")
    assert response.status_code == 400
    assert "You can mark it as completed once the consultation time (" in response.get_data(as_text=True)
    assert the_request(app).status == "accepted"
    move_proposed_time(app, hours=-0.5)
    assert "Mark as completed" in client.get(f"/consultations/inbox/{proposed}").get_data(as_text=True)
    assert client.post(f"/consultations/inbox/{proposed}/complete").status_code == 302
    assert the_request(app).status == "completed"


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


def test_a_time_already_gone_cannot_be_proposed(app, client, auth, practice):
    auth.login(role="patient")
    send(client)
    consultation_id = the_request(app).id
    auth.logout()
    auth.login(email="pt@example.com")
    response = client.post(f"/consultations/inbox/{consultation_id}/accept", data={"proposed_time": "2020-01-01T09:00"})
    assert response.status_code == 400 and "Propose a time that is still to come." in response.get_data(as_text=True)
    response = client.post(f"/consultations/inbox/{consultation_id}/accept", data={"proposed_time": "Monday 10:00"})
    assert response.status_code == 400
    assert the_request(app).status == "requested"
