"""Expiry: a certification counts through its expiry day, `flask certifications expire` marks it the day after,
and its holder is reminded once, 30 days ahead."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import AuditEvent, Certification, Notice, OutboxMessage, Role
from directory.services.verification import expiry
from tests import factories

TODAY = date(2026, 6, 15)


@pytest.fixture
def holder(app):
    """A therapist with one verified certification that expires on TODAY."""
    with app.app_context():
        user = factories.make_user(role=Role.THERAPIST, email="holder@example.com")
        profile = factories.make_profile(user=user, display_name="Hana Holder")
        certification = factories.make_certification(profile, status="verified", expires_on=TODAY, credential_id="MP-9")
        return {"certification": certification.id, "user": user.id, "profile": profile.id}


def run(app, today: date) -> expiry.ExpiryRun:
    with app.app_context():
        return expiry.expire_certifications(today)


def state(app, certification_id: int) -> tuple:
    with app.app_context():
        certification = db.session.get(Certification, certification_id)
        return certification.status, certification.expiry_notice_sent_on, certification.counts_on(TODAY)


def mails(app) -> list[tuple[str, str]]:
    with app.app_context():
        return [(m.recipient, m.subject) for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_certification_expiring_today_still_counts(app, holder):
    assert run(app, TODAY).expired_ids == ()
    assert state(app, holder["certification"])[0] == "verified"
    with app.app_context():
        certification = db.session.get(Certification, holder["certification"])
        assert certification.counts_on(TODAY) and certification.profile.verified_on(TODAY)
        assert not certification.profile.verified_on(TODAY + timedelta(days=1))


def test_the_day_after_its_expiry_it_is_marked_expired_audited_and_the_therapist_told(app, holder):
    result = run(app, TODAY + timedelta(days=1))
    assert result.expired_ids == (holder["certification"],)
    assert state(app, holder["certification"])[0] == "expired"
    with app.app_context():
        [event] = db.session.scalars(select(AuditEvent)).all()
        assert (event.action, event.actor_id, event.target_type, event.target_id) == (
            "certification.expired",
            None,
            "certification",
            holder["certification"],
        )
        assert event.details == {"profile_id": holder["profile"], "expires_on": TODAY.isoformat()}
        [notice] = db.session.scalars(select(Notice.message).where(Notice.user_id == holder["user"])).all()
        assert notice.startswith("Your certification has expired") and "renew it" in notice
    assert mails(app) == [("holder@example.com", "Your certification has expired")]
    # A second run finds nothing more to do.
    assert run(app, TODAY + timedelta(days=2)).expired_ids == ()
    assert len(mails(app)) == 1


def test_only_verified_certifications_expire(app):
    with app.app_context():
        profile = factories.make_profile()
        for status in ("pending", "rejected"):
            factories.make_certification(profile, status=status, expires_on=TODAY - timedelta(days=10))
    assert run(app, TODAY).expired_ids == ()
    with app.app_context():
        assert sorted(db.session.scalars(select(Certification.status))) == ["pending", "rejected"]


def test_search_drops_the_badge_the_day_after_expiry_even_if_the_command_never_ran(client, app):
    today = date.today()
    with app.app_context():
        for name, expires_on in (("Still Valid", today), ("Lapsed Yesterday", today - timedelta(days=1))):
            factories.make_certification(
                factories.make_profile(display_name=name), status="verified", expires_on=expires_on
            )
    body = client.get("/api/v1/practitioners?near=40.7549|-73.984|10|km").get_json()
    assert [item["name"] for item in body["items"]] == ["Still Valid"]
    body = client.get("/api/v1/practitioners?near=40.7549|-73.984|10|km&verified_only=false").get_json()
    assert {item["name"]: item["verified"] for item in body["items"]} == {
        "Still Valid": True,
        "Lapsed Yesterday": False,
    }


def test_the_reminder_goes_exactly_30_days_ahead_and_only_once(app, holder):
    assert run(app, TODAY - timedelta(days=31)).reminded_ids == ()
    assert mails(app) == []
    assert run(app, TODAY - timedelta(days=30)).reminded_ids == (holder["certification"],)
    assert state(app, holder["certification"])[:2] == ("verified", TODAY - timedelta(days=30))
    assert mails(app) == [("holder@example.com", "Your certification expires soon")]
    with app.app_context():
        body = db.session.scalar(select(OutboxMessage.body))
        assert "in 30 days" in body and "expires on Jun 15, 2026, in 30 days" in body
    for days_before in (30, 29, 1, 0):
        assert run(app, TODAY - timedelta(days=days_before)).reminded_ids == ()
    assert len(mails(app)) == 1


def test_a_missed_day_still_sends_the_reminder_late(app, holder):
    assert run(app, TODAY - timedelta(days=12)).reminded_ids == (holder["certification"],)
    with app.app_context():
        assert "in 12 days" in db.session.scalar(select(OutboxMessage.body))


def test_a_renewed_certification_earns_a_new_reminder(app, holder):
    run(app, TODAY - timedelta(days=30))
    with app.app_context():
        db.session.get(Certification, holder["certification"]).expires_on = TODAY + timedelta(days=365)
        db.session.commit()
    assert run(app, TODAY + timedelta(days=334)).reminded_ids == ()
    assert run(app, TODAY + timedelta(days=335)).reminded_ids == (holder["certification"],)
    assert len(mails(app)) == 2


def test_the_command_runs_for_a_given_day(app, runner, holder):
    result = runner.invoke(args=["certifications", "expire", "--date", (TODAY + timedelta(days=1)).isoformat()])
    assert result.exit_code == 0, result.output
    assert "1 certification expired; 0 expiry reminders sent." in result.output
    assert state(app, holder["certification"])[0] == "expired"
    result = runner.invoke(args=["certifications", "expire", "--date", "tomorrow"])
    assert result.exit_code != 0
