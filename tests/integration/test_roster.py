"""Roster import against the database: classifying pending certifications and verifying the confirmed ones."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import event, select, update

from directory.extensions import db
from directory.models import AuditEvent, Certification, Role
from directory.services.verification.roster.applying import apply_preview
from directory.services.verification.roster.mapping import guess_mapping
from directory.services.verification.roster.preview import preview
from directory.services.verification.roster.reading import RosterError, read_roster
from tests import factories

TODAY = date(2025, 6, 1)

ROSTER = """\ufeffFull name;Certificate number;Provider;Completion date;Valid until
"Dr. Jose Munoz, DPT";mp 100;Myopain Seminars;01.03.2024;2027-03-01
"Smith, Jane";KC-200;KinetaCore;3/1/2024;
Jane Doe;MP-300;Myopain;2024-03-01;2027-03-01
Ann Lee;MP-400;Myopain;2022-01-01;2024-12-31
Chris Park;KC-700;Myopain Seminars;2024-03-01;2027-03-01
J. Walsh;mp-800;Myopain;1 March 2024;soon
Nobody Known;ZZ-999;Myopain;2024-03-01;2027-03-01
Vera Verified;MP-600;Myopain;2024-03-01;2027-03-01
;;;;
Pat Quinn;;Myopain;2024-03-01;2027-03-01
"""


def snapshot(app) -> dict[int, tuple]:
    with app.app_context():
        rows = db.session.execute(
            select(
                Certification.id,
                Certification.status,
                Certification.reviewer_id,
                Certification.decided_at,
                Certification.expires_on,
                Certification.version,
            )
        ).all()
        return {row.id: tuple(row[1:]) for row in rows}


@pytest.fixture
def certs(app) -> dict[str, int]:
    """Pending and decided certifications keyed by a short label."""
    specs = {
        "munoz": ("José Muñoz", "myopain", "MP-100", "pending", None),
        "smith": ("Jane Smith", "kinetacore", "KC 200", "pending", date(2026, 1, 1)),
        "wrong_name": ("John Smith", "myopain", "MP-300", "pending", None),
        "expired": ("Ann Lee", "myopain", "MP-400", "pending", None),
        "unmentioned": ("Bob Stone", "myopain", "MP-500", "pending", None),
        "verified": ("Vera Verified", "myopain", "MP-600", "verified", None),
        "wrong_body": ("Chris Park", "kinetacore", "KC-700", "pending", None),
        "initial": ("Jennifer Walsh", "myopain", "MP-800", "pending", None),
        "no_id": ("Pat Quinn", "myopain", None, "pending", None),
    }
    ids = {}
    with app.app_context():
        for key, (name, body, credential, status, expires) in specs.items():
            profile = factories.make_profile(display_name=name)
            ids[key] = factories.make_certification(
                profile, status=status, issuing_body=body, credential_id=credential, expires_on=expires
            ).id
    return ids


ROSTER_BYTES = ROSTER.encode("utf-8")


def run_preview(app, issuing_body=None, data=ROSTER_BYTES):
    roster = read_roster(data)
    with app.app_context():
        return preview(roster, guess_mapping(roster.headers), issuing_body, today=TODAY)


def by_id(items):
    return {item.certification_id: item for item in items}


def test_preview_classifies_every_pending_certification(app, certs):
    result = run_preview(app)
    assert [item.certification_id for item in result.confirmed] == [certs["munoz"], certs["smith"], certs["initial"]]
    assert [item.certification_id for item in result.expired] == [certs["expired"]]
    assert [item.certification_id for item in result.contradicted] == [certs["wrong_name"], certs["wrong_body"]]
    assert [item.certification_id for item in result.not_mentioned] == [certs["unmentioned"], certs["no_id"]]
    contradicted = by_id(result.contradicted)
    assert contradicted[certs["wrong_name"]].reason == "Name on roster is 'Jane Doe', profile says 'John Smith'"
    assert result.expired[0].reason == "Roster says it expired on 2024-12-31"
    assert contradicted[certs["wrong_body"]].reason == (
        "Roster names issuing body 'Myopain Seminars', the certification says 'KinetaCore'"
    )
    assert [item.reason for item in result.not_mentioned] == [
        "Credential id not on the roster",
        "The certification has no credential id",
    ]


def test_confirmed_items_carry_the_row_names_and_roster_dates(app, certs):
    confirmed = by_id(run_preview(app).confirmed)
    munoz, smith, initial = confirmed[certs["munoz"]], confirmed[certs["smith"]], confirmed[certs["initial"]]
    assert (munoz.profile_name, munoz.credential_id, munoz.roster_row, munoz.roster_name) == (
        "José Muñoz",
        "MP-100",
        2,
        "Dr. Jose Munoz, DPT",
    )
    assert (munoz.roster_obtained_on, munoz.roster_expires_on) == (date(2024, 3, 1), date(2027, 3, 1))
    assert (smith.roster_row, smith.roster_obtained_on, smith.roster_expires_on) == (3, date(2024, 3, 1), None)
    assert (initial.roster_row, initial.roster_expires_on) == (7, None)
    assert initial.notes == ("Row 7: cannot read the expiry date 'soon'.",)


def test_preview_lists_rows_that_match_no_pending_certification(app, certs):
    result = run_preview(app)
    # ZZ-999 is unknown, MP-600 is already verified, and Pat Quinn's row has no credential id.
    assert result.unmatched_count == 3
    assert [(row.row, row.name, row.credential_id) for row in result.unmatched_rows] == [
        (8, "Nobody Known", "ZZ-999"),
        (9, "Vera Verified", "MP-600"),
        (11, "Pat Quinn", ""),
    ]
    assert result.warnings == (
        "1 row has no credential id.",
        "Row 7: cannot read the expiry date 'soon'.",
    )


def test_issuing_body_filter_only_considers_that_body(app, certs):
    result = run_preview(app, issuing_body="kinetacore")
    assert [item.certification_id for item in result.confirmed] == [certs["smith"]]
    assert [item.certification_id for item in result.contradicted] == [certs["wrong_body"]]
    assert result.not_mentioned == ()
    assert result.unmatched_count == 7
    assert result.issuing_body == "kinetacore"


def test_unknown_issuing_body_is_refused(app, certs):
    with pytest.raises(RosterError, match=r"^Unknown issuing body 'nasa'\.$"):
        run_preview(app, issuing_body="nasa")


def test_roster_name_mismatch_and_expiry_are_both_reported(app):
    with app.app_context():
        profile = factories.make_profile(display_name="Maria Garcia")
        cert_id = factories.make_certification(profile, status="pending", credential_id="EIM-1", issuing_body="eim").id
    data = b"Name,Credential ID,Expiry\nMaria Lopez,eim 1,31/12/2024\n"
    result = run_preview(app, data=data)
    assert [item.certification_id for item in result.contradicted] == [cert_id]
    assert result.contradicted[0].reason == (
        "Name on roster is 'Maria Lopez', profile says 'Maria Garcia'; Roster says it expired on 2024-12-31"
    )


def test_a_repeated_credential_id_confirms_by_its_valid_row(app):
    with app.app_context():
        profile = factories.make_profile(display_name="Ana Ruiz")
        cert_id = factories.make_certification(profile, status="pending", credential_id="DN-5").id
    data = b"Name,Credential ID,Expiry\nAna Ruiz,DN-5,2020-01-01\nAna Ruiz,DN-5,2028-01-01\n"
    result = run_preview(app, data=data)
    assert [(item.certification_id, item.roster_row) for item in result.confirmed] == [(cert_id, 3)]
    assert result.warnings == ("1 credential id appears on more than one row; the first row that confirms is used.",)


def test_two_claims_on_one_credential_id_are_told_apart_by_name(app):
    with app.app_context():
        ana, eve = factories.make_profile(display_name="Ana Ruiz"), factories.make_profile(display_name="Eve Mallory")
        real = factories.make_certification(ana, status="pending", credential_id="DN-5").id
        copycat = factories.make_certification(eve, status="pending", credential_id="dn5").id
    result = run_preview(app, data=b"Name,Credential ID\nAna Ruiz,DN-5\n")
    assert [item.certification_id for item in result.confirmed] == [real]
    assert [(item.certification_id, item.reason) for item in result.contradicted] == [
        (copycat, "Name on roster is 'Ana Ruiz', profile says 'Eve Mallory'")
    ]


def test_preview_refuses_a_mapping_without_credential_column(app, certs):
    roster = read_roster(ROSTER.encode())
    with app.app_context(), pytest.raises(RosterError, match=r"^Choose the column that holds the credential id\.$"):
        preview(roster, {"name": 0, "credential_id": None}, today=TODAY)


def test_apply_verifies_only_confirmed_ones_with_one_audit_event_each(app, certs):
    result = run_preview(app)
    before = snapshot(app)
    with app.app_context():
        admin = factories.make_user(role=Role.ADMIN)
        commits = []

        def count_commit(session):
            commits.append(session)

        event.listen(db.session, "after_commit", count_commit)
        try:
            applied = apply_preview(result, admin, TODAY)
        finally:
            event.remove(db.session, "after_commit", count_commit)
        assert len(commits) == 1
        admin_id, admin_email = admin.id, admin.email
        assert [c.status for c in applied.verified] == ["verified"] * 3
    assert applied.verified_ids == (certs["munoz"], certs["smith"], certs["initial"])
    assert applied.skipped == ()
    after = snapshot(app)
    changed = {cid for cid in before if before[cid] != after[cid]}
    assert changed == {certs["munoz"], certs["smith"], certs["initial"]}
    for cid in changed:
        status, reviewer_id, decided_at, _, version = after[cid]
        assert (status, reviewer_id, version) == ("verified", admin_id, 2)
        assert decided_at.tzinfo is not None and abs(decided_at - datetime.now(UTC)).total_seconds() < 60
    # The roster's expiry fills a missing one and never overwrites one already there.
    assert after[certs["munoz"]][3] == date(2027, 3, 1)
    assert after[certs["smith"]][3] == date(2026, 1, 1)
    assert after[certs["initial"]][3] is None
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.target_id)).all()
        assert [(e.action, e.target_type, e.target_id, e.actor_id, e.actor_email) for e in events] == [
            ("certification.verified", "certification", cid, admin_id, admin_email)
            for cid in (certs["munoz"], certs["smith"], certs["initial"])
        ]
        assert events[0].details == {
            "source": "roster",
            "row": 2,
            "credential_id": "MP-100",
            "roster_name": "Dr. Jose Munoz, DPT",
            "roster_expires_on": "2027-03-01",
        }


def test_certification_decided_between_preview_and_apply_is_skipped(app, certs):
    result = run_preview(app)
    with app.app_context():
        other_admin = factories.make_user(role=Role.ADMIN)
        rejected = db.session.get(Certification, certs["smith"])
        rejected.status, rejected.reviewer_id, rejected.reason = "rejected", other_admin.id, "Not on the official list."
        db.session.commit()
        other_admin_id = other_admin.id
    before = snapshot(app)
    with app.app_context():
        admin = factories.make_user(role=Role.ADMIN)
        applied = apply_preview(result, admin, TODAY)
    assert applied.verified_ids == (certs["munoz"], certs["initial"])
    assert applied.skipped_ids == (certs["smith"],)
    assert applied.skipped[0].reason == "No longer pending: it was rejected meanwhile"
    after = snapshot(app)
    assert after[certs["smith"]] == before[certs["smith"]]
    assert after[certs["smith"]][:2] == ("rejected", other_admin_id)
    assert {cid for cid in before if before[cid] != after[cid]} == {certs["munoz"], certs["initial"]}
    with app.app_context():
        assert db.session.scalars(select(AuditEvent.target_id).order_by(AuditEvent.target_id)).all() == [
            certs["munoz"],
            certs["initial"],
        ]


def test_certification_edited_after_preview_is_skipped(app, certs):
    result = run_preview(app)
    with app.app_context():
        db.session.get(Certification, certs["initial"]).credential_id = "MP-801"
        db.session.commit()
    with app.app_context():
        applied = apply_preview(result, factories.make_user(role=Role.ADMIN), TODAY)
    assert applied.verified_ids == (certs["munoz"], certs["smith"])
    assert [(s.certification_id, s.reason) for s in applied.skipped] == [
        (certs["initial"], "The certification changed after the preview")
    ]


def test_roster_expiry_passed_by_apply_day_is_skipped(app, certs):
    result = run_preview(app)
    with app.app_context():
        applied = apply_preview(result, factories.make_user(role=Role.ADMIN), date(2027, 3, 2))
    assert applied.verified_ids == (certs["initial"],)
    assert [(s.certification_id, s.reason) for s in applied.skipped] == [
        (certs["munoz"], "Roster says it expired on 2027-03-01"),
        (certs["smith"], "The certification says it expired on 2026-01-01"),
    ]


def test_certification_past_its_own_expiry_is_expired_whatever_the_roster_says(app):
    with app.app_context():
        profile = factories.make_profile(display_name="Ann Lee")
        cert_id = factories.make_certification(
            profile, status="pending", issuing_body="myopain", credential_id="MP-9", expires_on=date(2024, 6, 26)
        ).id
    for data in (b"Name,Credential ID\nAnn Lee,MP-9\n", b"Name,Credential ID,Expiry\nAnn Lee,MP-9,2030-01-01\n"):
        result = run_preview(app, data=data)
        assert (result.confirmed, result.contradicted) == ((), ())
        assert [(item.certification_id, item.reason) for item in result.expired] == [
            (cert_id, "The certification says it expired on 2024-06-26")
        ]


def test_concurrent_change_during_apply_verifies_nothing(app, certs):
    result = run_preview(app)
    before = snapshot(app)

    def another_admin_commits_first(session, flush_context, instances):
        # Bumps the version under the apply, as a second admin's committed decision would.
        session.connection().execute(
            update(Certification.__table__).where(Certification.__table__.c.id == certs["smith"]).values(version=99)
        )

    with app.app_context():
        admin = factories.make_user(role=Role.ADMIN)
        event.listen(db.session, "before_flush", another_admin_commits_first)
        try:
            with pytest.raises(RosterError, match=r"^Another admin changed one of these certifications"):
                apply_preview(result, admin, TODAY)
        finally:
            event.remove(db.session, "before_flush", another_admin_commits_first)
    assert snapshot(app) == before
    with app.app_context():
        assert db.session.scalars(select(AuditEvent)).all() == []


def test_applying_a_preview_with_nothing_confirmed_changes_nothing(app, certs):
    result = run_preview(app, data=b"Name,Credential ID\nSomeone Else,MP-100\n")
    assert result.confirmed == ()
    before = snapshot(app)
    with app.app_context():
        applied = apply_preview(result, factories.make_user(role=Role.ADMIN), TODAY)
    assert (applied.verified, applied.skipped) == ((), ())
    assert snapshot(app) == before
