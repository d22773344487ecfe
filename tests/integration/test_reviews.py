"""Reviews: only after a completed consultation, once, editable for 30 days, one reply, flags."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import ConsultationRequest, Review, ReviewFlag, Role, TherapistProfile, utcnow
from directory.services.search.ratings import bayesian_average
from tests import factories

TEXT = "Careful assessment, and my headaches eased after a few sessions."


@pytest.fixture
def practice(app):
    with app.app_context():
        therapist = factories.make_user(Role.THERAPIST, email="pt@example.com")
        profile = factories.make_profile(user=therapist, slug="calm-clinic", verified=True)
        return profile.id


def consult(app, patient_id: int, profile_id: int, status: str = "completed") -> None:
    with app.app_context():
        db.session.add(
            ConsultationRequest(
                patient_id=patient_id,
                profile_id=profile_id,
                mode="in_person",
                status=status,
                completed_at=utcnow() if status == "completed" else None,
            )
        )
        db.session.commit()


def reviews(app) -> list[Review]:
    with app.app_context():
        found = db.session.scalars(select(Review).order_by(Review.id)).all()
        db.session.expunge_all()
        return found


def counters(app, profile_id):
    with app.app_context():
        profile = db.session.get(TherapistProfile, profile_id)
        return profile.review_count, profile.rating_total


@pytest.mark.parametrize("status", [None, "requested", "accepted", "declined", "cancelled"])
def test_no_review_without_a_completed_consultation(app, client, auth, practice, status):
    patient_id = auth.login(role="patient")
    if status:
        consult(app, patient_id, practice, status)
    assert client.get("/reviews/new/calm-clinic").status_code == 303
    client.post("/reviews/new/calm-clinic", data={"rating": 5, "text": TEXT})
    assert reviews(app) == []


def test_a_seen_patient_reviews_and_the_profile_and_search_show_it(app, client, auth, practice, outbox):
    patient_id = auth.login(role="patient")
    consult(app, patient_id, practice)
    response = client.post("/reviews/new/calm-clinic", data={"rating": 4, "text": TEXT})
    assert response.status_code == 302
    assert counters(app, practice) == (1, 4)
    page = client.get("/practitioners/calm-clinic").get_data(as_text=True)
    assert TEXT in page and "from 1 review" in page
    api = client.get("/api/v1/practitioners?near=40.7549|-73.984|5|km").get_json()
    assert api["items"][0]["review_count"] == 1 and api["items"][0]["rating"] == 4.0
    assert any(m.recipient == "pt@example.com" and m.subject == "You have a new review" for m in outbox())


def test_one_review_per_patient_and_practitioner(app, client, auth, practice):
    patient_id = auth.login(role="patient")
    consult(app, patient_id, practice)
    consult(app, patient_id, practice)
    client.post("/reviews/new/calm-clinic", data={"rating": 4, "text": TEXT})
    again = client.post("/reviews/new/calm-clinic", data={"rating": 1, "text": TEXT})
    assert again.status_code == 302 and "/edit" in again.headers["Location"]
    assert len(reviews(app)) == 1


@pytest.mark.parametrize(
    ("rating", "text"), [("0", TEXT), ("6", TEXT), ("five", TEXT), ("4", "Too short"), ("4", "x" * 2001), ("", TEXT)]
)
def test_rating_and_text_are_checked(app, client, auth, practice, rating, text):
    patient_id = auth.login(role="patient")
    consult(app, patient_id, practice)
    response = client.post("/reviews/new/calm-clinic", data={"rating": rating, "text": text})
    assert response.status_code == 400
    assert reviews(app) == []


def test_an_empty_review_is_asked_for_in_plain_words(app, client, auth, practice):
    patient_id = auth.login(role="patient")
    consult(app, patient_id, practice)
    page = client.post("/reviews/new/calm-clinic", data={"rating": "5", "text": ""}).get_data(as_text=True)
    assert "Write a few words about your consultation." in page
    assert "This field is required." not in page


@pytest.mark.parametrize("role", ["therapist", "admin"])
def test_therapists_and_admins_cannot_review(app, client, auth, practice, role):
    user_id = auth.login(role=role)
    consult(app, user_id, practice)
    assert client.post("/reviews/new/calm-clinic", data={"rating": 5, "text": TEXT}).status_code == 403
    assert reviews(app) == []


def test_the_author_edits_within_30_days_and_the_rating_follows(app, client, auth, practice):
    patient_id = auth.login(role="patient")
    consult(app, patient_id, practice)
    client.post("/reviews/new/calm-clinic", data={"rating": 2, "text": TEXT})
    review_id = reviews(app)[0].id
    client.post(f"/reviews/{review_id}/edit", data={"rating": 5, "text": TEXT + " Updated."})
    assert reviews(app)[0].rating == 5 and counters(app, practice) == (1, 5)
    with app.app_context():
        db.session.get(Review, review_id).created_at = utcnow() - timedelta(days=31)
        db.session.commit()
    response = client.post(f"/reviews/{review_id}/edit", data={"rating": 1, "text": TEXT})
    assert "30 days" in response.get_data(as_text=True) and reviews(app)[0].rating == 5


def test_nobody_else_edits_a_review(app, client, auth, practice):
    patient_id = auth.login(role="patient")
    consult(app, patient_id, practice)
    client.post("/reviews/new/calm-clinic", data={"rating": 4, "text": TEXT})
    review_id = reviews(app)[0].id
    auth.logout()
    auth.login(role="patient")
    assert client.post(f"/reviews/{review_id}/edit", data={"rating": 1, "text": TEXT}).status_code == 404


def test_the_practitioner_replies_once(app, client, auth, practice):
    patient_id = auth.login(role="patient")
    consult(app, patient_id, practice)
    client.post("/reviews/new/calm-clinic", data={"rating": 4, "text": TEXT})
    review_id = reviews(app)[0].id
    auth.logout()
    auth.login(role="therapist")  # not the owner
    assert client.post(f"/reviews/{review_id}/reply", data={f"reply-{review_id}-text": "Hi"}).status_code == 404
    auth.logout()
    auth.login(email="pt@example.com")
    client.post(f"/reviews/{review_id}/reply", data={f"reply-{review_id}-text": "Thank you for your kind words."})
    client.post(f"/reviews/{review_id}/reply", data={f"reply-{review_id}-text": "A second reply."})
    assert reviews(app)[0].reply == "Thank you for your kind words."
    assert "Thank you for your kind words." in client.get("/practitioners/calm-clinic").get_data(as_text=True)


def test_a_flag_sends_the_review_to_moderation_without_hiding_it(app, client, auth, practice):
    patient_id = auth.login(role="patient")
    consult(app, patient_id, practice)
    client.post("/reviews/new/calm-clinic", data={"rating": 5, "text": TEXT})
    review_id = reviews(app)[0].id
    auth.logout()
    assert client.post(f"/reviews/{review_id}/flag", data={f"flag-{review_id}-reason": "Spam"}).status_code == 302
    assert reviews(app)[0].status == "published"  # anonymous flags are refused (sent to log in)
    auth.login(role="therapist")
    client.post(f"/reviews/{review_id}/flag", data={f"flag-{review_id}-reason": "This is not a real patient."})
    assert reviews(app)[0].status == "flagged"
    assert counters(app, practice) == (1, 5)
    assert TEXT in client.get("/practitioners/calm-clinic").get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(ReviewFlag.reason)) == "This is not a real patient."


@pytest.mark.parametrize(
    ("total", "count", "prior_mean", "m", "expected"),
    [
        (5, 1, 4.0, 10, 4.0909091),  # 45/11: one 5-star review barely moves a new practitioner
        (184, 40, 4.2, 10, 4.52),  # (40/50)*4.6 + (10/50)*4.2
        (30, 10, 4.0, 10, 3.5),  # ten 3-star reviews: halfway between 3 and the site mean
        (0, 0, 4.0, 10, None),
    ],
)
def test_bayesian_average_worked_figures(total, count, prior_mean, m, expected):
    result = bayesian_average(total, count, prior_mean, m)
    assert result == (None if expected is None else pytest.approx(expected))


def test_one_s_own_review_offers_edit_not_report(app, client, auth, practice):
    patient_id = auth.login(role="patient")
    consult(app, patient_id, practice)
    client.post("/reviews/new/calm-clinic", data={"rating": 4, "text": TEXT})
    review_id = reviews(app)[0].id
    page = client.get("/practitioners/calm-clinic").get_data(as_text=True)
    assert f'Your review · <a href="/reviews/{review_id}/edit">Edit your review</a>' in page
    assert "Report this review" not in page
    with app.app_context():
        db.session.get(Review, review_id).created_at = utcnow() - timedelta(days=31)
        db.session.commit()
    page = client.get("/practitioners/calm-clinic").get_data(as_text=True)
    assert "Your review (it can no longer be edited)" in page and "Report this review" not in page
    # Another patient may report it.
    auth.logout()
    auth.login(role="patient")
    page = client.get("/practitioners/calm-clinic").get_data(as_text=True)
    assert "Report this review" in page and "Your review" not in page
