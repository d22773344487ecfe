"""Logging out ends the session for good: remember cookie, copied cookies, and unsaved answers in the database."""

from sqlalchemy import func, select

from directory.extensions import db
from directory.models import QuestionnaireResponse, User
from tests import factories
from tests.integration.test_questionnaire import post

SETTINGS = "/account/settings"


def log_in_remembered(app, client, email="shared.computer@example.com") -> None:
    with app.app_context():
        factories.make_user(email=email)
    response = client.post("/auth/login", data={"email": email, "password": factories.PASSWORD, "remember": "y"})
    assert response.status_code == 302
    assert client.get_cookie("remember_token") is not None


def answer_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(QuestionnaireResponse))


def test_logout_deletes_the_remember_cookie_and_the_next_visit_is_logged_out(app, client):
    log_in_remembered(app, client)
    client.post("/auth/logout")
    assert client.get_cookie("remember_token") is None
    assert client.get(SETTINGS).status_code == 302


def test_copied_session_and_remember_cookies_stop_working_after_logout(app, client):
    log_in_remembered(app, client)
    copied = {name: client.get_cookie(name).value for name in ("session", "remember_token")}
    client.post("/auth/logout")
    for name, value in copied.items():
        other = app.test_client()
        other.set_cookie(name, value, domain="localhost")
        assert other.get(SETTINGS).status_code == 302, name


def test_logging_in_again_after_logout_works(app, client, auth):
    auth.login(email="back.again@example.com")
    auth.logout()
    auth.login(email="back.again@example.com")
    assert client.get(SETTINGS).status_code == 200


def test_logout_deletes_unsaved_answers_from_the_database(app, client, auth):
    auth.login()
    assert post(client, 1, {"age": "34", "diagnosed_types": []}).status_code == 302
    copied = client.get_cookie("session").value
    assert answer_count(app) == 1
    auth.logout()
    assert answer_count(app) == 0
    other = app.test_client()
    other.set_cookie("session", copied, domain="localhost")
    assert other.get("/questionnaire/step/2").headers["Location"].endswith("/questionnaire/step/1")


def test_anonymous_logout_deletes_unsaved_answers_too(app, client):
    post(client, 1, {"age": "34", "diagnosed_types": []})
    client.post("/auth/logout")
    assert answer_count(app) == 0


def test_logout_keeps_answers_saved_to_the_account(app, client, auth):
    user_id = auth.login()
    post(client, 1, {"age": "34", "diagnosed_types": []})
    assert client.post("/questionnaire/save").status_code == 302
    auth.logout()
    with app.app_context():
        assert db.session.scalar(select(QuestionnaireResponse.user_id)) == user_id
        assert db.session.get(User, user_id) is not None
