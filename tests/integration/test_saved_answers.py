"""Answers saved to an account open for their owner only, even to someone who holds their token."""

from datetime import timedelta

from directory.extensions import db
from directory.models import QuestionnaireResponse, Role, utcnow
from directory.services.questionnaire import responses
from tests import factories
from tests.conftest import AuthActions
from tests.integration.test_questionnaire import RESULTS, answer_all, places, session_token  # noqa: F401

INTRODUCTION = "/questionnaire/"


def saved_by(app, client, email: str) -> str:
    """A patient with this address answers every step and saves the answers; returns their token."""
    AuthActions(app, client).login(role=Role.PATIENT, email=email)
    answer_all(client)
    assert client.post("/questionnaire/save").headers["Location"].endswith(RESULTS)
    return session_token(client)


def hold(client, token: str) -> None:
    with client.session_transaction() as session:
        session[responses.TOKEN_KEY] = token


def test_saved_answers_open_for_their_owner_only_even_with_their_token(app, places):  # noqa: F811
    owner = app.test_client()
    token = saved_by(app, owner, "owner@example.com")
    assert owner.get(RESULTS).status_code == 200

    # Another patient whose session holds the owner's token (a copied cookie): still logged in, no answers.
    other = app.test_client()
    AuthActions(app, other).login(role=Role.PATIENT, email="other@example.com")
    hold(other, token)
    response = other.get(RESULTS)
    assert response.status_code == 302 and response.headers["Location"].endswith(INTRODUCTION)
    assert session_token(other) is None  # the token is dropped, not kept for later

    anonymous = app.test_client()
    hold(anonymous, token)
    assert anonymous.get(RESULTS).headers["Location"].endswith(INTRODUCTION)

    # The owner, in a fresh browser holding the same token, gets them.
    again = app.test_client()
    AuthActions(app, again).login(email="owner@example.com")
    hold(again, token)
    assert again.get(RESULTS).status_code == 200


def test_open_saved_answers_brings_back_ones_own_only(app, places):  # noqa: F811
    saved_by(app, app.test_client(), "owner@example.com")
    other = app.test_client()
    AuthActions(app, other).login(role=Role.PATIENT, email="other@example.com")
    page = other.post("/questionnaire/saved", follow_redirects=True).get_data(as_text=True)
    assert "You have no saved answers." in page and session_token(other) is None

    owner = app.test_client()
    AuthActions(app, owner).login(email="owner@example.com")
    assert owner.post("/questionnaire/saved").headers["Location"].endswith(RESULTS)
    assert owner.get(RESULTS).status_code == 200


def test_find_response_rules(app):
    """Tokens up to 64 characters are looked up; unsaved answers need a future expiry; saved ones their owner."""
    with app.app_context():
        patient = factories.make_user(Role.PATIENT)
        future, past = utcnow() + timedelta(hours=1), utcnow() - timedelta(seconds=1)
        rows = [
            QuestionnaireResponse(token="t" * 64, answers={"age": 30}, expires_at=future),
            QuestionnaireResponse(
                token="", answers={"age": 28}, expires_at=future
            ),  # an empty token is never looked up
            QuestionnaireResponse(token="no-expiry", answers={"age": 31}, expires_at=None),
            QuestionnaireResponse(token="expired", answers={"age": 32}, expires_at=past),
            QuestionnaireResponse(token="saved", answers={"age": 33}, expires_at=None, user_id=patient.id),
        ]
        if db.engine.dialect.name == "sqlite":
            # SQLite does not enforce the column's 64 characters (PostgreSQL refuses the row): a longer
            # token stored there must still never be looked up.
            rows.append(QuestionnaireResponse(token="t" * 65, answers={"age": 29}, expires_at=future))
        db.session.add_all(rows)
        db.session.commit()
        assert responses.find_response("t" * 64).answers == {"age": 30}
        assert responses.find_response("t" * 65) is None
        assert responses.find_response("no-expiry") is None
        assert responses.find_response("expired") is None
        assert responses.find_response("saved") is None
        assert responses.find_response("saved", patient.id + 1) is None
        assert responses.find_response("saved", patient.id).answers == {"age": 33}
        assert responses.find_response("") is None and responses.find_response(None) is None
        assert responses.find_response(12345) is None  # a session holding something else than a token


def test_unsaved_answers_expire_at_their_expiry_instant(app, monkeypatch):
    instant = utcnow()
    monkeypatch.setattr(responses, "utcnow", lambda: instant)
    with app.app_context():
        db.session.add_all(
            [
                QuestionnaireResponse(token="expires-now", answers={"age": 30}, expires_at=instant),
                QuestionnaireResponse(
                    token="expires-next", answers={"age": 31}, expires_at=instant + timedelta(microseconds=1)
                ),
            ]
        )
        db.session.commit()
        assert responses.find_response("expires-now") is None
        assert responses.find_response("expires-next").answers == {"age": 31}


def test_saved_response_is_the_patients_latest_by_time_then_by_id(app):
    now = utcnow()
    with app.app_context():
        first, second = factories.make_user(Role.PATIENT), factories.make_user(Role.PATIENT)
        db.session.add_all(
            [
                QuestionnaireResponse(token="first-new", answers={"age": 41}, user_id=first.id, created_at=now),
                QuestionnaireResponse(token="second-a", answers={"age": 50}, user_id=second.id, created_at=now),
                QuestionnaireResponse(token="second-b", answers={"age": 51}, user_id=second.id, created_at=now),
                QuestionnaireResponse(
                    token="first-old", answers={"age": 40}, user_id=first.id, created_at=now - timedelta(hours=1)
                ),
            ]
        )
        db.session.commit()
        assert responses.saved_response(first.id).token == "first-new"  # the later time, though the lower id
        assert responses.saved_response(second.id).token == "second-b"  # the same time: the higher id
        assert responses.saved_response(second.id + 1) is None
