"""With the shared rate-limit store (Redis) unreachable, limited pages still work: no 500."""

import pytest

from config import TestingConfig
from tests import factories
from tests.conftest import free_port


@pytest.fixture
def app_without_redis(make_app):
    class NoRedisConfig(TestingConfig):
        RATELIMIT_ENABLED = True
        # Nothing listens on this port: every call to the store fails.
        RATELIMIT_STORAGE_URI = f"redis://127.0.0.1:{free_port()}/0"
        LOGIN_RATE_LIMIT = "3 per minute"
        CONSULTATION_RATE_LIMIT = "2 per hour"

    return make_app(NoRedisConfig)


def test_login_works_while_the_store_is_down(app_without_redis):
    client = app_without_redis.test_client()
    with app_without_redis.app_context():
        user = factories.make_user(role="patient")
        email = user.email
    response = client.post("/auth/login", data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_login_limit_falls_back_to_counting_in_memory(app_without_redis):
    client = app_without_redis.test_client()
    statuses = [
        client.post("/auth/login", data={"email": "nobody@example.com", "password": "wrong-password"}).status_code
        for _ in range(5)
    ]
    assert 500 not in statuses
    assert statuses[-1] == 429


def test_a_consultation_request_is_sent_while_the_store_is_down(app_without_redis):
    from sqlalchemy import func, select

    from directory.extensions import db
    from directory.models import ConsultationRequest, Role

    client = app_without_redis.test_client()
    with app_without_redis.app_context():
        patient = factories.make_user(Role.PATIENT, email="patient@example.com")
        therapist = factories.make_user(Role.THERAPIST, email="pt@example.com")
        factories.make_profile(
            user=therapist, slug="clinic", display_name="Clinic", modes=("in_person", "video"), verified=True
        )
        email = patient.email
    assert client.post("/auth/login", data={"email": email, "password": factories.PASSWORD}).status_code == 302
    response = client.post("/consultations/new/clinic", data={"mode": "video", "message": "Headaches most days."})
    assert response.status_code == 302
    with app_without_redis.app_context():
        assert db.session.scalar(select(func.count()).select_from(ConsultationRequest)) == 1


def test_the_sent_request_limit_lets_people_on_while_the_store_is_down(app_without_redis):
    from directory.rate_limits import SuccessLimit

    limit = SuccessLimit("consultation-request", "CONSULTATION_RATE_LIMIT")
    with app_without_redis.test_request_context("/consultations/new/clinic", method="POST"):
        # Asked directly, before any limited page has found the store down.
        assert limit.seconds_to_wait() == 0
        limit.count()
        assert limit.seconds_to_wait() == 0
