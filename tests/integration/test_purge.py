"""Expired unsaved answers are deleted by the app itself, in bounded batches, without anyone running a command."""

from datetime import timedelta

from sqlalchemy import select

from config import TestingConfig
from directory.extensions import db
from directory.models import QuestionnaireResponse, Role, utcnow
from tests import factories


class SmallBatches(TestingConfig):
    QUESTIONNAIRE_PURGE_BATCH = 2


class EveryRequest(SmallBatches):
    QUESTIONNAIRE_PURGE_INTERVAL_SECONDS = 0


def add_answers(app, expired: int) -> None:
    with app.app_context():
        patient = factories.make_user(Role.PATIENT)
        past, future = utcnow() - timedelta(days=1), utcnow() + timedelta(days=1)
        db.session.add_all(
            [
                QuestionnaireResponse(token=f"expired-{n}", answers={"age": 30}, expires_at=past - timedelta(hours=n))
                for n in range(expired)
            ]
            + [
                QuestionnaireResponse(token="current", answers={"age": 32}, expires_at=future),
                QuestionnaireResponse(token="saved", answers={"age": 33}, expires_at=None, user_id=patient.id),
            ]
        )
        db.session.commit()


def tokens(app) -> set[str]:
    with app.app_context():
        return set(db.session.scalars(select(QuestionnaireResponse.token)))


def test_any_page_view_deletes_expired_unsaved_answers(app, client):
    add_answers(app, expired=2)
    assert client.get("/").status_code == 200
    assert tokens(app) == {"current", "saved"}


def test_the_purge_is_bounded_and_runs_at_most_once_per_interval(make_app):
    app = make_app(SmallBatches)
    add_answers(app, expired=3)
    client = app.test_client()
    client.get("/")
    # The oldest two went first; within the interval no further purge runs.
    assert tokens(app) == {"expired-0", "current", "saved"}
    client.get("/")
    assert tokens(app) == {"expired-0", "current", "saved"}


def test_the_next_run_takes_the_rest(make_app):
    app = make_app(EveryRequest)
    add_answers(app, expired=3)
    client = app.test_client()
    client.get("/")
    client.get("/")
    assert tokens(app) == {"current", "saved"}


def test_static_files_do_not_purge(app, client):
    add_answers(app, expired=1)
    client.get("/static/css/site.css").close()
    assert "expired-0" in tokens(app)


def test_a_failing_purge_does_not_fail_the_page(client, monkeypatch):
    from sqlalchemy.exc import OperationalError

    from directory.services.questionnaire import responses

    def broken(**kwargs):
        raise OperationalError("DELETE", {}, Exception("database is locked"))

    monkeypatch.setattr(responses, "purge_expired", broken)
    assert client.get("/").status_code == 200
