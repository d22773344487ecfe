"""The consultation-request limit counts requests that were sent, and explains a wait on the form itself."""

import re

import pytest
from sqlalchemy import func, select

from config import TestingConfig
from directory.extensions import db
from directory.models import ConsultationRequest, Role
from directory.rate_limits import wait_in_words
from tests import factories


class LimitedConsultationsConfig(TestingConfig):
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    CONSULTATION_RATE_LIMIT = "2 per hour"


@pytest.fixture
def app(make_app):
    return make_app(LimitedConsultationsConfig)


@pytest.fixture
def practices(app):
    """Three listed practices offering video first consultations; returns their slugs."""
    with app.app_context():
        slugs = []
        for n in range(3):
            therapist = factories.make_user(Role.THERAPIST, email=f"pt{n}@example.com")
            profile = factories.make_profile(
                user=therapist,
                slug=f"clinic-{n}",
                display_name=f"Clinic {n}",
                modes=("in_person", "video"),
                verified=True,
            )
            slugs.append(profile.slug)
        return slugs


def send(client, slug, **fields):
    data = {"mode": "video", "message": "Headaches most afternoons, worse after screens."} | fields
    return client.post(f"/consultations/new/{slug}", data=data)


def sent_requests(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(ConsultationRequest))


def test_forms_with_mistakes_and_refused_requests_do_not_count(app, client, auth, practices):
    auth.login("patient")
    for _ in range(3):
        assert send(client, practices[0], mode="home_visit").status_code == 400
    assert send(client, practices[0]).status_code == 302
    refused = send(client, practices[0])  # already an open request with this practice
    assert refused.status_code == 400 and "already have an open request" in refused.get_data(as_text=True)
    assert send(client, practices[1]).status_code == 302
    assert sent_requests(app) == 2


def test_over_the_limit_the_form_comes_back_with_the_text_and_the_wait(app, client, auth, practices):
    auth.login("patient")
    assert send(client, practices[0]).status_code == 302
    assert send(client, practices[1]).status_code == 302
    response = send(client, practices[2], message="Third try: please keep this text.")
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert 3500 <= int(response.headers["Retry-After"]) <= 3600
    assert re.search(r"You can send this one in (59|60) minutes; what you wrote is kept below\.", page)
    assert "Third try: please keep this text." in page
    assert re.search(r'<input[^>]*checked[^>]*value="video"|<input[^>]*value="video"[^>]*checked', page)
    assert "Request a first consultation" in page  # the form, not the bare error page
    assert sent_requests(app) == 2


@pytest.mark.parametrize(
    ("seconds", "words"),
    [
        (1, "in 1 second"),
        (45, "in 45 seconds"),
        (60, "in 1 minute"),
        (61, "in 2 minutes"),
        (3600, "in 60 minutes"),
        (7 * 3600, "in about 7 hours"),
    ],
)
def test_a_wait_is_said_in_words(seconds, words):
    assert wait_in_words(seconds) == words
