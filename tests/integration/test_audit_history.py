"""audit.history: the events about one record, as the admin's certification, review and user pages list them."""

from datetime import UTC, datetime, timedelta

import pytest

from directory.extensions import db
from directory.models import AuditEvent, Role
from directory.services.core import audit
from tests import factories

START = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def add_event(action: str, target_type: str, target_id: int, minutes: int) -> None:
    db.session.add(
        AuditEvent(
            action=action,
            target_type=target_type,
            target_id=target_id,
            details={},
            created_at=START + timedelta(minutes=minutes),
        )
    )


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def test_history_holds_only_the_target_s_events_newest_first(ctx):
    add_event("user.suspended", "user", 7, minutes=1)
    add_event("review.hidden", "review", 7, minutes=2)  # the same id, another kind of record
    add_event("user.reactivated", "user", 7, minutes=3)
    add_event("user.suspended", "user", 8, minutes=4)  # another user
    add_event("user.confirmed", "user", 7, minutes=0)
    db.session.commit()
    assert [event.action for event in audit.history("user", 7)] == [
        "user.reactivated",
        "user.suspended",
        "user.confirmed",
    ]
    assert [event.action for event in audit.history("review", 7)] == ["review.hidden"]
    assert audit.history("certification", 7) == []


def test_events_recorded_at_the_same_moment_come_latest_recorded_first(ctx):
    for action in ("first", "second", "third"):
        add_event(action, "certification", 1, minutes=5)
    db.session.commit()
    assert [event.action for event in audit.history("certification", 1)] == ["third", "second", "first"]


def test_history_keeps_the_latest_twenty_unless_told_otherwise(ctx):
    for minute in range(25):
        add_event(f"step {minute}", "review", 3, minutes=minute)
    db.session.commit()
    shown = audit.history("review", 3)
    assert audit.HISTORY_LIMIT == 20
    assert [event.action for event in shown] == [f"step {minute}" for minute in range(24, 4, -1)]
    assert [event.action for event in audit.history("review", 3, limit=2)] == ["step 24", "step 23"]


def test_the_three_admin_pages_list_their_record_s_history(app, client, auth):
    auth.login(role=Role.ADMIN)
    with app.app_context():
        profile = factories.make_profile()
        certification = factories.make_certification(profile, status="pending")
        review = factories.make_review(profile)
        pages = {
            "certification": (certification.id, f"/admin/certifications/{certification.id}"),
            "review": (review.id, f"/admin/reviews/{review.id}"),
            "user": (profile.user_id, f"/admin/users/{profile.user_id}"),
        }
        for target_type, (target_id, _) in pages.items():
            add_event(f"{target_type}.older", target_type, target_id, minutes=1)
            add_event(f"{target_type}.newer", target_type, target_id, minutes=2)
            add_event(f"{target_type}.of_another", target_type, target_id + 1000, minutes=3)
        db.session.commit()
    for target_type, (_, url) in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.get_data(as_text=True)
        history = page[page.index('id="history-heading"') :]
        newer, older = history.index(f"{target_type}.newer"), history.index(f"{target_type}.older")
        assert newer < older
        assert "of_another" not in history
