"""The audit log: filters, pagination, CSV export without formula injection, and no way to change an entry."""

import csv
import io
import re
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import AuditEvent, Role
from directory.services.core import audit
from tests import factories


def at(day: int, hour: int = 12) -> datetime:
    return datetime(2025, 3, day, hour, tzinfo=UTC)


@pytest.fixture
def trail(app):
    """Five events by two admins and the system, on 1-5 March 2025."""
    with app.app_context():
        alice = factories.make_user(role=Role.ADMIN, email="alice@example.com")
        bob = factories.make_user(role=Role.ADMIN, email="=bob+1@example.com")
        for actor, action, target_type, target_id, day, details in (
            (alice, "certification.verified", "certification", 7, 1, {"source": "review"}),
            (alice, "certification.rejected", "certification", 8, 2, {"reason": '=HYPERLINK("http://x")'}),
            (bob, "review.hidden", "review", 3, 3, {"reason": "Spam."}),
            (None, "certification.expired", "certification", 7, 4, {"expires_on": "2025-03-03"}),
            (bob, "user.suspended", "user", 12, 5, {"reason": "-1+1"}),
        ):
            event = audit.record(actor, action, target_type, target_id, **details)
            event.created_at = at(day)
        db.session.commit()
        return {"alice": alice.id, "bob": bob.id}


def listed_actions(client, query: str = "") -> list[str]:
    html = client.get(f"/admin/audit{query}").get_data(as_text=True)
    return re.findall(r'<td data-label="Action" data-action="([^"]+)">', html)


def test_the_log_lists_every_event_newest_first(client, auth, trail):
    auth.login(role=Role.ADMIN)
    assert listed_actions(client) == [
        "user.suspended",
        "certification.expired",
        "review.hidden",
        "certification.rejected",
        "certification.verified",
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?actor=alice", ["certification.rejected", "certification.verified"]),
        ("?actor=BOB", ["user.suspended", "review.hidden"]),
        ("?actor=system", ["certification.expired"]),
        ("?action=review.hidden", ["review.hidden"]),
        ("?target_type=certification&target_id=7", ["certification.expired", "certification.verified"]),
        ("?since=2025-03-02&until=2025-03-04", ["certification.expired", "review.hidden", "certification.rejected"]),
        ("?since=2025-03-05", ["user.suspended"]),
        ("?until=2025-03-01", ["certification.verified"]),
        ("?actor=alice&since=2025-03-02", ["certification.rejected"]),
    ],
)
def test_the_log_filters_by_actor_action_target_and_dates(client, auth, trail, query, expected):
    auth.login(role=Role.ADMIN)
    assert listed_actions(client, query) == expected


def test_bad_filters_are_a_400(client, auth, trail):
    auth.login(role=Role.ADMIN)
    response = client.get("/admin/audit?since=2025-03-05&until=2025-03-01")
    assert response.status_code == 400 and "The end date is before the start date." in response.get_data(as_text=True)
    assert client.get("/admin/audit?since=yesterday").status_code == 400
    assert client.get("/admin/audit?target_id=abc").status_code == 400
    assert client.get("/admin/audit.csv?since=yesterday").status_code == 400


def test_the_log_is_paginated_keeping_the_filters(client, auth, app):
    with app.app_context():
        for number in range(30):
            audit.record(None, "certification.expired", "certification", number)
        db.session.commit()
    auth.login(role=Role.ADMIN)
    html = client.get("/admin/audit?action=certification.expired").get_data(as_text=True)
    assert "30 entries." in html and "Page 1 of 2" in html
    assert "page=2" in html and "action=certification.expired" in html.split('rel="next"')[1].split(">")[0]
    assert len(listed_actions(client, "?action=certification.expired&page=2")) == 5


def test_csv_export_takes_the_same_filters_and_defuses_formulas(client, auth, trail):
    auth.login(role=Role.ADMIN)
    response = client.get("/admin/audit.csv?actor=bob")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="audit-log-')
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0] == ["id", "time_utc", "actor_id", "actor_email", "action", "target_type", "target_id", "details"]
    assert [(row[1], row[3], row[4], row[6]) for row in rows[1:]] == [
        ("2025-03-05 12:00:00", "'=bob+1@example.com", "user.suspended", "12"),
        ("2025-03-03 12:00:00", "'=bob+1@example.com", "review.hidden", "3"),
    ]
    assert rows[1][7] == '{"reason": "-1+1"}'
    # The page links to the export with the same filters.
    assert 'href="/admin/audit.csv?actor=bob"' in client.get("/admin/audit?actor=bob").get_data(as_text=True)


def test_csv_export_of_everything_has_every_event(client, auth, trail):
    auth.login(role=Role.ADMIN)
    rows = list(csv.reader(io.StringIO(client.get("/admin/audit.csv").get_data(as_text=True))))
    assert len(rows) == 6
    assert rows[2][3] == ""  # the system's event has no actor


@pytest.mark.parametrize(
    ("value", "safe"),
    [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("plain", "plain"),
        ("a=b", "a=b"),
        (None, ""),
        (12, "12"),
    ],
)
def test_csv_cells_that_a_spreadsheet_would_run_are_quoted(value, safe):
    assert audit.csv_safe(value) == safe


def test_no_route_can_change_or_delete_an_entry(app, client, auth, trail):
    for rule in app.url_map.iter_rules():
        if "audit" in rule.rule:
            assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule
    auth.login(role=Role.ADMIN)
    for method in ("POST", "PUT", "PATCH", "DELETE"):
        assert client.open("/admin/audit", method=method).status_code == 405
    with app.app_context():
        assert db.session.scalar(select(AuditEvent).where(AuditEvent.action == "user.suspended")) is not None
