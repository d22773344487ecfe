"""The API's practitioner detail, assembled by services.search.details and serialised by the view."""

from datetime import date, timedelta

import pytest

from directory.services.search.details import practitioner_details
from tests import factories

TODAY = date(2026, 11, 22)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def practitioner(app):
    """A listed practitioner with openings, three certifications (one expired, one from another body) and reviews."""
    with app.app_context():
        profile = factories.make_profile(
            display_name="Detailed",
            headache_types=("migraine", "tension_type"),
            modes=("in_person", "video"),
            languages=("en", "es"),
            accessibility=("step_free",),
            slots=((0, 9 * 60, 12 * 60 + 30), (4, 14 * 60, 18 * 60)),
        )
        factories.make_certification(profile, expires_on=TODAY - timedelta(days=1), programme="Level 1")
        factories.make_certification(profile, issuing_body="other", issuing_body_other="Needling Academy Zürich")
        factories.make_certification(profile, status="pending", issuing_body="kinetacore", obtained_on=None)
        factories.make_review(profile, rating=5)
        factories.make_review(profile, rating=3)
        return profile.id


def test_details_say_what_the_public_may_read(ctx, practitioner):
    details = practitioner_details(practitioner, today=TODAY)
    assert details.profile.display_name == "Detailed"
    assert details.headache_types == ("migraine", "tension_type")
    assert details.consultation_modes == ("in_person", "video")
    assert details.languages == ("en", "es")
    assert details.accessibility == ("step_free",)
    assert details.availability == ("Monday 09:00-12:30", "Friday 14:00-18:00")
    assert details.rating.count == 2 and details.rating.distribution == {5: 1, 4: 0, 3: 1, 2: 0, 1: 0}


def test_certifications_come_in_submission_order_with_bodies_named_and_expiry_enforced(ctx, practitioner):
    certifications = practitioner_details(practitioner, today=TODAY).certifications
    assert [(c.issuing_body, c.status) for c in certifications] == [
        ("Myopain Seminars", "expired"),
        ("Needling Academy Zürich", "verified"),
        ("KinetaCore", "pending"),
    ]
    assert certifications[0].programme == "Level 1" and certifications[0].expires_on == TODAY - timedelta(days=1)
    assert certifications[2].obtained_on is None


def test_verified_means_an_unexpired_verified_certification_on_the_day(ctx, practitioner):
    assert practitioner_details(practitioner, today=TODAY).verified is True
    only_expired = factories.make_profile()
    factories.make_certification(only_expired, expires_on=TODAY - timedelta(days=1))
    assert practitioner_details(only_expired.id, today=TODAY).verified is False
    assert practitioner_details(only_expired.id, today=TODAY - timedelta(days=1)).verified is True


def test_an_unlisted_or_unknown_practitioner_has_no_details(ctx):
    draft = factories.make_profile(published=False)
    assert practitioner_details(draft.id) is None
    assert practitioner_details(987654) is None


def test_the_api_serialises_the_details(client, practitioner):
    body = client.get(f"/api/v1/practitioners/{practitioner}").get_json()
    assert body["name"] == "Detailed" and body["verified"] is True
    assert body["headache_types"] == ["migraine", "tension_type"]
    assert body["accessibility"] == ["step_free"]
    assert body["availability"] == ["Monday 09:00-12:30", "Friday 14:00-18:00"]
    expired, other, pending = body["certifications"]
    # Expiry is measured against the real today here: the first certification expired yesterday at the latest.
    assert expired["issuing_body"] == "Myopain Seminars" and expired["programme"] == "Level 1"
    assert expired["expires_on"] == (TODAY - timedelta(days=1)).isoformat() and expired["status"] == "expired"
    assert other == {
        "issuing_body": "Needling Academy Zürich",
        "programme": None,
        "status": "verified",
        "obtained_on": (date.today() - timedelta(days=400)).isoformat(),
        "expires_on": None,
    }
    assert pending["status"] == "pending" and pending["obtained_on"] is None
    assert body["rating_distribution"] == {"5": 1, "4": 0, "3": 1, "2": 0, "1": 0}
    assert body["review_count"] == 2 and body["average_rating"] == 4.0
