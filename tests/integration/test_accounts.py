"""Sign-up, confirmation, log-in, password reset and change, deletion, rate limits."""

import time

import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from config import TestingConfig
from directory.extensions import db, limiter
from directory.models import Notice, Review, User
from directory.services.core.accounts import RESET_SALT
from tests import factories

STRONG = "violet-harbour-lantern"


def signup(client, email="new.patient@example.com", password=STRONG, role="patient", confirm=None):
    return client.post(
        "/auth/signup",
        data={"role": role, "email": email, "password": password, "confirm": confirm or password, "name": "Ana"},
    )


def get_user(app, email):
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        db.session.expunge_all()
        return user


def test_signup_creates_an_unconfirmed_account_and_mails_a_link(app, client, outbox):
    response = signup(client, email="  New.Patient@Example.COM ")
    assert response.status_code == 302
    user = get_user(app, "new.patient@example.com")
    assert user.role == "patient" and user.email_confirmed_at is None
    assert "/auth/confirm/" in outbox.last_link("new.patient@example.com")


def test_signup_as_therapist(app, client):
    signup(client, email="pt@example.com", role="therapist")
    assert get_user(app, "pt@example.com").role == "therapist"


def test_signup_names_every_password_problem_at_once(app, client):
    data = {"role": "patient", "email": "aaaa@example.com", "password": "aaaa", "confirm": "different"}
    page = client.post("/auth/signup", data=data).get_data(as_text=True)
    assert "Use at least 10 characters." in page
    assert "This password repeats too few characters; choose one that is harder to guess." in page
    assert "Do not use your email address in your password." in page
    assert "The two passwords differ." in page


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "short1"}, "at least 10 characters"),
        ({"password": "password123"}, "too common"),
        ({"password": "qwertyuiop"}, "too common"),
        ({"email": "not-an-address"}, "must have an @-sign"),
        ({"email": ""}, "This field is required"),
        ({"role": "admin"}, "Not a valid choice"),
        ({"confirm": "something-else-entirely"}, "The two passwords differ"),
    ],
)
def test_signup_rejects_bad_input_and_keeps_what_was_typed(app, client, fields, message):
    data = {
        "role": "patient",
        "email": "keep.me@example.com",
        "password": STRONG,
        "confirm": STRONG,
        "name": "Zoë 🌿",
    } | fields
    if "password" in fields and "confirm" not in fields:
        data["confirm"] = fields["password"]
    response = client.post("/auth/signup", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert "Zoë 🌿" in page
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_signup_logs_nobody_in_and_asks_to_check_the_mail(client):
    response = signup(client, email="fresh@example.com")
    assert response.headers["Location"].endswith("/auth/signup/check-mail")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Check your mail" in page and "We sent a link to fresh@example.com." in page
    assert client.get("/account/").status_code == 302


def test_the_account_is_usable_after_confirming_the_address(app, client, outbox):
    signup(client, email="fresh@example.com")
    assert "/auth/login" in client.get(outbox.last_link("fresh@example.com")).headers["Location"]
    response = client.post("/auth/login", data={"email": "fresh@example.com", "password": STRONG})
    assert response.status_code == 302
    assert "Hello, Ana" in client.get("/account/").get_data(as_text=True)


def test_signup_with_a_taken_address_answers_as_for_a_new_one_and_mails_the_owner(app, client, outbox):
    with app.app_context():
        factories.make_user(email="taken@example.com", name="Owner")

    def answer(email):
        response = signup(client, email=email)
        page = client.get(response.headers["Location"]).get_data(as_text=True)
        return response.status_code, response.headers["Location"], page.replace(email.lower(), "ADDRESS")

    assert answer("New@example.com") == answer("TAKEN@example.com")
    assert client.get("/account/").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User).where(User.email == "taken@example.com")) == 1
        owner = db.session.scalar(select(User).where(User.email == "taken@example.com"))
        assert (owner.name, owner.password_hash) == ("Owner", factories.password_hash())
    mail = [m for m in outbox() if m.recipient == "taken@example.com"][-1]
    assert mail.subject == "Someone tried to sign up with your address"
    assert "http://localhost/auth/login" in mail.body and "http://localhost/auth/forgot" in mail.body


def test_signup_escapes_script_in_the_name(app, client):
    signup(client, email="xss@example.com")
    client.post("/auth/login", data={"email": "xss@example.com", "password": STRONG})
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "xss@example.com"))
        user.name = "<script>alert(1)</script>"
        db.session.commit()
    page = client.get("/account/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_email_confirmation_link_confirms_the_address(app, client, outbox):
    signup(client)
    response = client.get(outbox.last_link("new.patient@example.com"))
    assert response.status_code == 302
    assert get_user(app, "new.patient@example.com").email_confirmed_at is not None


def test_forged_confirmation_link_is_refused(client):
    response = client.get("/auth/confirm/not-a-real-token")
    assert response.status_code == 400
    assert "not valid" in response.get_data(as_text=True)


def test_resend_confirmation_sends_a_new_link(app, client, outbox):
    signup(client)
    client.post("/auth/login", data={"email": "new.patient@example.com", "password": STRONG})
    client.post("/auth/confirm/resend")
    assert len([m for m in outbox() if m.recipient == "new.patient@example.com"]) == 2


def test_login_and_logout(app, client, auth):
    auth.login(email="someone@example.com")
    assert client.get("/account/").status_code == 200
    auth.logout()
    assert client.get("/account/").status_code == 302


def test_login_with_a_wrong_password_is_refused(app, client):
    with app.app_context():
        factories.make_user(email="real@example.com")
    response = client.post("/auth/login", data={"email": "real@example.com", "password": "wrong-password-here"})
    assert response.status_code == 400
    assert "not right" in response.get_data(as_text=True)
    assert client.get("/account/").status_code == 302


def test_login_for_an_unknown_address_gives_the_same_message(client):
    response = client.post("/auth/login", data={"email": "nobody@example.com", "password": "whatever-password"})
    assert response.status_code == 400
    assert "The email address or the password is not right." in response.get_data(as_text=True)


def test_suspended_user_cannot_log_in(app, client):
    with app.app_context():
        factories.make_user(email="gone@example.com", active=False)
    response = client.post("/auth/login", data={"email": "gone@example.com", "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "suspended" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/account/settings", "/account/settings"),
        ("https://evil.example/phish", "/account/"),
        ("//evil.example/phish", "/account/"),
        ("/\\evil.example", "/account/"),
        ("javascript:alert(1)", "/account/"),
    ],
)
def test_login_redirects_only_to_local_next(app, client, target, expected):
    with app.app_context():
        factories.make_user(email="next@example.com")
    response = client.post(
        "/auth/login", data={"email": "next@example.com", "password": factories.PASSWORD, "next": target}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == expected


def test_password_reset_with_the_emailed_link(app, client, outbox):
    with app.app_context():
        factories.make_user(email="forgetful@example.com")
    client.post("/auth/forgot", data={"email": "Forgetful@example.com"})
    link = outbox.last_link("forgetful@example.com")
    response = client.post(link, data={"password": STRONG, "confirm": STRONG})
    assert response.status_code == 302
    login = client.post("/auth/login", data={"email": "forgetful@example.com", "password": STRONG})
    assert login.status_code == 302


def test_password_reset_link_works_only_once(app, client, outbox):
    with app.app_context():
        factories.make_user(email="once@example.com")
    client.post("/auth/forgot", data={"email": "once@example.com"})
    link = outbox.last_link("once@example.com")
    client.post(link, data={"password": STRONG, "confirm": STRONG})
    again = client.post(link, data={"password": "another-fine-passphrase", "confirm": "another-fine-passphrase"})
    assert again.status_code == 400
    assert "already been used" in again.get_data(as_text=True)


def test_expired_password_reset_link_is_refused(app, client, monkeypatch):
    with app.app_context():
        user = factories.make_user(email="late@example.com")
        serializer = URLSafeTimedSerializer(app.config["SECRET_KEY"], salt=RESET_SALT)
        # Signed two hours ago: past the one-hour limit.
        two_hours_ago = time.time() - 2 * 3600
        with monkeypatch.context() as patch:
            patch.setattr(time, "time", lambda: two_hours_ago)
            token = serializer.dumps({"id": user.id, "v": user.session_version})
    response = client.get(f"/auth/reset/{token}")
    assert response.status_code == 400
    assert "expired" in response.get_data(as_text=True)


def test_forgot_password_does_not_reveal_whether_an_account_exists(client, outbox):
    response = client.post("/auth/forgot", data={"email": "stranger@example.com"})
    assert response.status_code == 302
    assert outbox() == []


def test_change_password_logs_out_other_sessions(app, client, auth):
    auth.login(email="changer@example.com")
    other = app.test_client()
    other.post("/auth/login", data={"email": "changer@example.com", "password": factories.PASSWORD})
    response = client.post(
        "/account/settings", data={"current": factories.PASSWORD, "password": STRONG, "confirm": STRONG}
    )
    assert response.status_code == 302
    assert client.get("/account/").status_code == 200
    assert other.get("/account/").status_code == 302


def test_change_password_needs_the_current_one(client, auth):
    auth.login()
    response = client.post(
        "/account/settings", data={"current": "not-my-password", "password": STRONG, "confirm": STRONG}
    )
    assert response.status_code == 400
    assert "current password is not right" in response.get_data(as_text=True)


def test_delete_account_removes_the_user_and_their_notices(app, client, auth):
    user_id = auth.login(email="leaving@example.com")
    with app.app_context():
        db.session.add(Notice(user_id=user_id, message="hello"))
        db.session.commit()
    response = client.post("/account/delete", data={"password": factories.PASSWORD})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, user_id) is None
        assert db.session.scalar(select(func.count()).select_from(Notice)) == 0
    assert client.get("/account/").status_code == 302


def test_deleting_a_patient_keeps_their_reviews_anonymous(app, client, auth):
    user_id = auth.login(email="reviewer@example.com")
    with app.app_context():
        profile = factories.make_profile()
        db.session.add(
            Review(author_id=user_id, profile_id=profile.id, rating=4, text="Helpful and careful assessment.")
        )
        db.session.commit()
    client.post("/account/delete", data={"password": factories.PASSWORD})
    with app.app_context():
        review = db.session.scalar(select(Review))
        assert review.author_id is None


def test_delete_account_needs_the_password(app, client, auth):
    user_id = auth.login()
    response = client.post("/account/delete", data={"password": "wrong-password-given"})
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(User, user_id) is not None


class RateLimitedConfig(TestingConfig):
    RATELIMIT_ENABLED = True
    LOGIN_RATE_LIMIT = "3 per minute"


def test_login_is_rate_limited(make_app):
    app = make_app(RateLimitedConfig)
    with app.app_context():
        limiter.reset()
    client = app.test_client()
    statuses = [
        client.post("/auth/login", data={"email": "x@example.com", "password": "wrong-password-x"}).status_code
        for _ in range(4)
    ]
    assert statuses == [400, 400, 400, 429]
    assert "Too many attempts" in client.post("/auth/login", data={}).get_data(as_text=True)
    with app.app_context():
        limiter.reset()


def test_logout_forgets_what_the_session_held(client, auth):
    auth.login()
    with client.session_transaction() as session:
        session["questionnaire_token"] = "unsaved-answers-token"
    auth.logout()
    with client.session_transaction() as session:
        assert "questionnaire_token" not in session


def test_deleting_a_therapist_removes_their_photo_and_evidence(app, client, auth):
    from directory.models import StoredFile, TherapistProfile

    user_id = auth.login(role="therapist")
    with app.app_context():
        profile = factories.make_profile(user=db.session.get(User, user_id))
        factories.make_photo(profile)
        factories.make_certification(profile, evidence=factories.make_evidence("pdf"))
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 2
    assert client.post("/account/delete", data={"password": factories.PASSWORD}).status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(StoredFile)) == 0
        assert db.session.scalar(select(func.count()).select_from(TherapistProfile)) == 0
