"""Review moderation with the rating counters, and suspending or reactivating accounts.

Flagged reviews stay visible and counted until a moderator hides them (VISIBLE_REVIEW_STATUSES).
"""

import pytest
from sqlalchemy import select, update

from directory.extensions import db
from directory.models import AuditEvent, OutboxMessage, Review, Role, TherapistProfile, User
from directory.services.oversight import moderation
from directory.services.search import ratings
from tests import factories
from tests.conftest import AuthActions


def counters(app, profile_id: int) -> tuple[int, int]:
    with app.app_context():
        profile = db.session.get(TherapistProfile, profile_id)
        return profile.review_count, profile.rating_total


def audit_trail(app, target_type: str, target_id: int) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.details)
            .where(AuditEvent.target_type == target_type, AuditEvent.target_id == target_id)
            .order_by(AuditEvent.id)
        ).all()


def recipients(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(m.recipient, m.subject) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


@pytest.fixture
def reviewed(app):
    """A profile with a published 5-star review and a flagged 1-star one (flags given); returns ids."""
    with app.app_context():
        therapist = factories.make_user(role=Role.THERAPIST, email="doc@example.com")
        profile = factories.make_profile(user=therapist, display_name="Dana Doc")
        published = factories.make_review(profile, author=factories.make_user(email="happy@example.com"), rating=5)
        flagged = factories.make_review(
            profile,
            author=factories.make_user(email="angry@example.com"),
            rating=1,
            status="flagged",
            text="Terrible, and here is the therapist's home address.",
            flags=("Contains a home address", "Abusive"),
        )
        return {"profile": profile.id, "published": published.id, "flagged": flagged.id, "slug": profile.slug}


# ---------------------------------------------------------------- the counter arithmetic


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        ("published", "removed", (0, 0)),
        ("published", "flagged", (1, 3)),
        ("flagged", "published", (2, 7)),
        ("removed", "published", (2, 7)),
        ("flagged", "removed", (1, 3)),
        ("removed", "flagged", (2, 7)),
    ],
)
def test_counters_count_published_reviews_only(app, before, after, expected):
    with app.app_context():
        profile = factories.make_profile()
        if before != "published":
            factories.make_review(profile, rating=3)  # another published review already counted
        review = factories.make_review(profile, rating=4 if before != "published" else 3, status=before)
        moderation.set_review_status(review, after)
        db.session.commit()
        assert (profile.review_count, profile.rating_total) == expected
        summary = ratings.summary(profile)
        assert summary.count == profile.review_count


# ---------------------------------------------------------------- the queue and decisions


def test_the_queue_lists_flagged_reviews_with_their_flags(client, auth, reviewed):
    auth.login(role=Role.ADMIN)
    html = client.get("/admin/reviews").get_data(as_text=True)
    assert "1 flagged review, oldest first" in html
    assert "1-star review of Dana Doc" in html and "5-star review" not in html
    assert "Contains a home address" in html and "Abusive" in html and "2 flags" in html
    html = client.get(f"/admin/reviews/{reviewed['flagged']}").get_data(as_text=True)
    assert "angry@example.com" in html and "Contains a home address" in html
    assert "Hide the review" in html and "Keep the review" in html


def test_hiding_a_flagged_review_needs_a_reason_and_tells_both_sides(client, auth, app, reviewed):
    admin_id = auth.login(role=Role.ADMIN)
    url = f"/admin/reviews/{reviewed['flagged']}"
    response = client.post(f"{url}/hide", data={"seen_status": "flagged", "reason": ""})
    assert response.status_code == 400 and "Give a reason." in response.get_data(as_text=True)

    response = client.post(f"{url}/hide", data={"seen_status": "flagged", "reason": "Personal data of the therapist."})
    assert response.status_code == 302
    with app.app_context():
        review = db.session.get(Review, reviewed["flagged"])
        assert (review.status, review.moderation_reason) == ("removed", "Personal data of the therapist.")
    # A flagged review still counted; hiding it takes it out of the rating.
    assert counters(app, reviewed["profile"]) == (1, 5)
    [(action, actor, details)] = audit_trail(app, "review", reviewed["flagged"])
    assert (action, actor, details["from_status"], details["reason"]) == (
        "review.hidden",
        admin_id,
        "flagged",
        "Personal data of the therapist.",
    )
    assert recipients(app) == [
        ("angry@example.com", "Your review is hidden"),
        ("doc@example.com", "A review of your practice is hidden"),
    ]


def test_keeping_a_flagged_review_publishes_it_and_leaves_the_rating_alone(client, auth, app, reviewed):
    assert counters(app, reviewed["profile"]) == (2, 6)
    auth.login(role=Role.ADMIN)
    client.post(
        f"/admin/reviews/{reviewed['flagged']}/restore", data={"seen_status": "flagged", "reason": "Fair criticism."}
    )
    with app.app_context():
        assert db.session.get(Review, reviewed["flagged"]).status == "published"
    assert counters(app, reviewed["profile"]) == (2, 6)
    assert audit_trail(app, "review", reviewed["flagged"])[0][0] == "review.restored"
    assert ("angry@example.com", "Your review stays on the site") in recipients(app)
    assert "Terrible" in client.get(f"/practitioners/{reviewed['slug']}").get_data(as_text=True)


def test_hiding_then_restoring_a_published_review_keeps_the_counters_right(client, auth, app, reviewed):
    auth.login(role=Role.ADMIN)
    url = f"/admin/reviews/{reviewed['published']}"
    client.post(f"{url}/hide", data={"seen_status": "published", "reason": "Paid review."})
    assert counters(app, reviewed["profile"]) == (1, 1)
    assert "Dana Doc" in client.get(f"/practitioners/{reviewed['slug']}").get_data(as_text=True)
    assert "Helpful and careful" not in client.get(f"/practitioners/{reviewed['slug']}").get_data(as_text=True)
    html = client.get("/admin/reviews?status=removed").get_data(as_text=True)
    assert "5-star review of Dana Doc" in html and "Paid review." in html
    client.post(f"{url}/restore", data={"seen_status": "removed", "reason": "The author proved the visit."})
    assert counters(app, reviewed["profile"]) == (2, 6)
    assert [action for action, *_ in audit_trail(app, "review", reviewed["published"])] == [
        "review.hidden",
        "review.restored",
    ]


def test_a_second_admin_moderating_the_same_review_changes_nothing(app, reviewed):
    first, second = app.test_client(), app.test_client()
    AuthActions(app, first).login(role=Role.ADMIN, email="first@example.com")
    AuthActions(app, second).login(role=Role.ADMIN, email="second@example.com")
    url = f"/admin/reviews/{reviewed['published']}"
    first.post(f"{url}/hide", data={"seen_status": "published", "reason": "Spam."})
    html = second.post(
        f"{url}/hide", data={"seen_status": "published", "reason": "Also spam."}, follow_redirects=True
    ).get_data(as_text=True)
    assert "This review was moderated meanwhile: it is now hidden. Nothing was changed." in html
    assert counters(app, reviewed["profile"]) == (1, 1)  # subtracted once
    assert len(audit_trail(app, "review", reviewed["published"])) == 1


# ---------------------------------------------------------------- users


@pytest.fixture
def people(app):
    with app.app_context():
        therapist = factories.make_user(role=Role.THERAPIST, email="tess@example.com", name="Tess Ter")
        profile = factories.make_profile(
            user=therapist, display_name="Tess Therapist", verified=True, latitude=40.7549, longitude=-73.984
        )
        patient = factories.make_user(role=Role.PATIENT, email="pat@example.com", name="Pat Patient")
        other_admin = factories.make_user(role=Role.ADMIN, email="boss@example.com")
        return {
            "therapist": therapist.id,
            "profile": profile.id,
            "slug": profile.slug,
            "patient": patient.id,
            "admin": other_admin.id,
        }


def test_users_can_be_searched_by_email_name_role_and_status(client, auth, people):
    auth.login(role=Role.ADMIN)
    html = client.get("/admin/users?q=TESS").get_data(as_text=True)
    assert "tess@example.com" in html and "pat@example.com" not in html
    html = client.get("/admin/users?q=Pat+Pat").get_data(as_text=True)
    assert "pat@example.com" in html and "tess@example.com" not in html
    html = client.get("/admin/users?q=therapist").get_data(as_text=True)  # the profile's display name
    assert "tess@example.com" in html
    html = client.get("/admin/users?role=admin").get_data(as_text=True)
    assert "boss@example.com" in html and "tess@example.com" not in html
    assert "No account matches." in client.get("/admin/users?status=suspended").get_data(as_text=True)
    assert "No account matches." in client.get("/admin/users?q=%25").get_data(as_text=True)
    assert client.get("/admin/users?role=king").status_code == 400


def test_a_suspended_therapist_cannot_log_in_and_vanishes_from_search_and_the_api(app, client, auth, people):
    therapist_client = app.test_client()
    AuthActions(app, therapist_client).login(email="tess@example.com")
    near = "/api/v1/practitioners?near=40.7549|-73.984|10|km"
    assert [item["id"] for item in client.get(near).get_json()["items"]] == [people["profile"]]
    assert "Tess Therapist" in client.get("/search?lat=40.7549&lon=-73.984&show=all").get_data(as_text=True)

    admin_id = auth.login(role=Role.ADMIN)
    response = client.post(f"/admin/users/{people['therapist']}/suspend", data={"reason": "Fake credentials."})
    assert response.status_code == 302
    assert "The account is suspended" in client.get(response.headers["Location"]).get_data(as_text=True)

    # The open session ends, and logging in again is refused.
    assert therapist_client.get("/account/").status_code == 302
    response = therapist_client.post("/auth/login", data={"email": "tess@example.com", "password": factories.PASSWORD})
    assert response.status_code == 400 and "This account is suspended" in response.get_data(as_text=True)
    # Somewhere to write, not a bare "contact us".
    assert "If you think this is a mistake, write to help@localhost." in response.get_data(as_text=True)
    # Gone from the search page, the API list and detail, and the profile page.
    assert "Tess Therapist" not in client.get("/search?lat=40.7549&lon=-73.984&show=all").get_data(as_text=True)
    assert client.get(near).get_json()["items"] == []
    assert client.get(f"/api/v1/practitioners/{people['profile']}").status_code == 404
    assert client.get(f"/practitioners/{people['slug']}").status_code == 404

    [(action, actor, details)] = audit_trail(app, "user", people["therapist"])
    assert (action, actor, details["reason"]) == ("user.suspended", admin_id, "Fake credentials.")
    assert ("tess@example.com", "Your account is suspended") in recipients(app)
    with app.app_context():
        mailed = db.session.scalars(select(OutboxMessage).where(OutboxMessage.subject == "Your account is suspended"))
        body = mailed.one().body
    assert "write to help@localhost" in body and "reply to this message" not in body

    client.post(f"/admin/users/{people['therapist']}/reactivate", data={"reason": "Credentials checked by phone."})
    assert [item["id"] for item in client.get(near).get_json()["items"]] == [people["profile"]]
    assert client.get(f"/api/v1/practitioners/{people['profile']}").status_code == 200
    response = therapist_client.post("/auth/login", data={"email": "tess@example.com", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert [action for action, *_ in audit_trail(app, "user", people["therapist"])] == [
        "user.suspended",
        "user.reactivated",
    ]


def test_suspension_ends_remembered_sessions_for_good(app, client, auth, people):
    patient_client = app.test_client()
    patient_client.post(
        "/auth/login", data={"email": "pat@example.com", "password": factories.PASSWORD, "remember": "y"}
    )
    auth.login(role=Role.ADMIN)
    client.post(f"/admin/users/{people['patient']}/suspend", data={"reason": "Harassment."})
    client.post(f"/admin/users/{people['patient']}/reactivate", data={"reason": "Apologised."})
    # Reactivated, but the old session does not come back to life.
    assert patient_client.get("/account/").status_code == 302


def test_suspending_needs_a_reason(client, auth, app, people):
    auth.login(role=Role.ADMIN)
    response = client.post(f"/admin/users/{people['patient']}/suspend", data={"reason": " "})
    assert response.status_code == 400 and "Give a reason." in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(User, people["patient"]).active


def test_admins_cannot_suspend_themselves_or_other_admins(client, auth, app, people):
    admin_id = auth.login(role=Role.ADMIN)
    html = client.post(f"/admin/users/{admin_id}/suspend", data={"reason": "Oops."}, follow_redirects=True).get_data(
        as_text=True
    )
    assert '<p class="flash flash-error">You cannot suspend your own account.</p>' in html
    html = client.post(f"/admin/users/{admin_id}/reactivate", data={"reason": "Oops."}, follow_redirects=True).get_data(
        as_text=True
    )
    assert '<p class="flash flash-error">You cannot reactivate your own account.</p>' in html
    html = client.post(
        f"/admin/users/{people['admin']}/suspend", data={"reason": "Coup."}, follow_redirects=True
    ).get_data(as_text=True)
    assert (
        '<p class="flash flash-error">Admin accounts cannot be suspended or reactivated through the site.</p>' in html
    )
    with app.app_context():
        assert db.session.get(User, admin_id).active and db.session.get(User, people["admin"]).active
        assert db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("user.%"))).all() == []


def test_suspending_twice_or_reactivating_an_active_account_is_refused(client, auth, app, people):
    auth.login(role=Role.ADMIN)
    client.post(f"/admin/users/{people['patient']}/suspend", data={"reason": "Spam."})
    html = client.post(
        f"/admin/users/{people['patient']}/suspend", data={"reason": "Spam again."}, follow_redirects=True
    ).get_data(as_text=True)
    assert "This account is already suspended." in html
    html = client.post(
        f"/admin/users/{people['therapist']}/reactivate", data={"reason": "?"}, follow_redirects=True
    ).get_data(as_text=True)
    assert "This account is not suspended." in html
    assert len(audit_trail(app, "user", people["patient"])) == 1


def test_an_account_gone_since_the_page_was_shown_is_refused_in_words(app, people):
    with app.app_context():
        admin = db.session.get(User, people["admin"])
        with pytest.raises(moderation.ModerationError) as refused:
            moderation.suspend_user(people["patient"] + 1000, admin, "Spam.")
        assert str(refused.value) == "This account no longer exists."


def test_suspending_reads_the_account_afresh_not_what_the_session_last_saw(app, people):
    # Another admin suspended the account a moment ago; this session still holds it as active.
    with app.app_context():
        admin = db.session.get(User, people["admin"])
        seen = db.session.get(User, people["patient"])
        assert seen.active
        db.session.execute(
            update(User).where(User.id == people["patient"]).values(active=False),
            execution_options={"synchronize_session": False},
        )
        with pytest.raises(moderation.ModerationError) as refused:
            moderation.suspend_user(people["patient"], admin, "Spam.")
        assert str(refused.value) == "This account is already suspended."
