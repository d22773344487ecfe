"""The verification queue and decisions on one certification: approve, reject, ask for more, and concurrent admins."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import event, select, update

from directory.extensions import db
from directory.models import AuditEvent, Certification, Notice, OutboxMessage, Role
from directory.services.verification import decisions
from tests import factories
from tests.conftest import AuthActions


@pytest.fixture
def pending(app):
    """A pending certification with a PDF as evidence, of a published profile; returns ids and addresses."""
    with app.app_context():
        user = factories.make_user(role=Role.THERAPIST, email="jane@example.com")
        profile = factories.make_profile(user=user, display_name="Jane Smith")
        certification = factories.make_certification(
            profile,
            status="pending",
            credential_id="MP-100",
            programme="DN-1",
            training_hours=27,
            evidence=factories.make_evidence("pdf", filename='../../my "certificate".pdf'),
        )
        return {"id": certification.id, "profile_id": profile.id, "user_id": user.id, "email": user.email}


def seen_version(html: str, prefix: str = "approve") -> int:
    match = re.search(rf'name="{prefix}-version" type="hidden" value="(\d+)"', html)
    assert match, f"no {prefix} version field on the page"
    return int(match.group(1))


def certification(app, certification_id: int) -> Certification:
    with app.app_context():
        found = db.session.get(Certification, certification_id)
        db.session.expunge(found)
        return found


def recorded_decisions(app, certification_id: int) -> list[tuple]:
    with app.app_context():
        return db.session.execute(
            select(AuditEvent.action, AuditEvent.actor_id, AuditEvent.details)
            .where(AuditEvent.target_type == "certification", AuditEvent.target_id == certification_id)
            .order_by(AuditEvent.id)
        ).all()


def mail_to(app, address: str) -> list[OutboxMessage]:
    with app.app_context():
        found = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == address)).all()
        db.session.expunge_all()
        return found


def notices_of(app, user_id: int) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Notice.message).where(Notice.user_id == user_id).order_by(Notice.id)))


# ---------------------------------------------------------------- the queue


def queue_names(html: str) -> list[str]:
    """The therapists' names in the queue's table, in order."""
    return re.findall(r'data-label="Therapist"><a href="[^"]+">([^<]+)</a>', html)


def test_queue_lists_pending_certifications_newest_first_or_oldest_first(client, auth, app):
    with app.app_context():
        now = datetime.now(UTC)
        for name, body, days_ago, status in (
            ("Newest Kinetacore", "kinetacore", 1, "pending"),
            ("Oldest Myopain", "myopain", 9, "pending"),
            ("Middle Myopain", "myopain", 5, "pending"),
            ("Already Verified", "myopain", 20, "verified"),
            ("Already Rejected", "myopain", 20, "rejected"),
        ):
            profile = factories.make_profile(display_name=name)
            factories.make_certification(
                profile, status=status, issuing_body=body, created_at=now - timedelta(days=days_ago)
            )
    auth.login(role=Role.ADMIN)
    html = client.get("/admin/certifications").get_data(as_text=True)
    assert queue_names(html) == ["Newest Kinetacore", "Middle Myopain", "Oldest Myopain"]
    assert "3 pending certifications, newest first" in html
    html = client.get("/admin/certifications?order=oldest").get_data(as_text=True)
    assert queue_names(html) == ["Oldest Myopain", "Middle Myopain", "Newest Kinetacore"]
    assert "3 pending certifications, oldest first" in html
    assert client.get("/admin/certifications?order=random").status_code == 400

    html = client.get("/admin/certifications?body=kinetacore").get_data(as_text=True)
    assert "Newest Kinetacore" in html and "Oldest Myopain" not in html
    assert client.get("/admin/certifications?body=nasa").status_code == 400


def test_queue_is_paginated_and_keeps_the_filter(client, auth, app):
    with app.app_context():
        profile = factories.make_profile()
        for _ in range(27):
            factories.make_certification(profile, status="pending", issuing_body="eim")
    auth.login(role=Role.ADMIN)
    html = client.get("/admin/certifications?body=eim").get_data(as_text=True)
    assert "Page 1 of 2" in html
    assert "/admin/certifications?page=2&amp;body=eim" in html or "/admin/certifications?body=eim&amp;page=2" in html
    assert (
        client.get("/admin/certifications?body=eim&page=2").get_data(as_text=True).count('data-label="Therapist"') == 2
    )


@pytest.fixture
def searchable_queue(app):
    """Pending certifications to search and filter: names, emails and credential ids with % and _ in them."""
    with app.app_context():
        today = date.today()
        rows = (
            ("Zoë Ünal", "zoe@example.com", "MP-7781", True, None),
            ("Jane Smith", "jane_smith@example.com", "KC_100%", False, today - timedelta(days=1)),
            ("Janet Smythe", "janet@clinic.example", "EIM-42", True, today + timedelta(days=30)),
            ("Omar Haddad", "omar@example.com", None, False, today),
        )
        for name, email, credential, evidence, expires_on in rows:
            profile = factories.make_profile(
                user=factories.make_user(role=Role.THERAPIST, email=email), display_name=name
            )
            factories.make_certification(
                profile,
                status="pending",
                credential_id=credential,
                expires_on=expires_on,
                evidence=factories.make_evidence("pdf") if evidence else None,
            )


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=jane", ["Janet Smythe", "Jane Smith"]),
        ("q=JANE+SMITH", ["Jane Smith"]),
        ("q=clinic.example", ["Janet Smythe"]),
        ("q=mp-7781", ["Zoë Ünal"]),
        ("q=%25", ["Jane Smith"]),  # a literal %, in KC_100%
        ("q=_", ["Jane Smith"]),  # a literal _, not any one character
        ("q=Zo%C3%AB", ["Zoë Ünal"]),
        ("q=%F0%9F%98%80", []),
        ("q=+omar+", ["Omar Haddad"]),
        ("evidence=with", ["Janet Smythe", "Zoë Ünal"]),
        ("evidence=without", ["Omar Haddad", "Jane Smith"]),
        ("expired=yes", ["Jane Smith"]),  # expired yesterday; Omar's expires today and still counts
        ("expired=no", ["Omar Haddad", "Janet Smythe", "Zoë Ünal"]),
        ("q=jan&evidence=with", ["Janet Smythe"]),
        ("q=smith&expired=yes&evidence=without&order=oldest", ["Jane Smith"]),
    ],
)
def test_queue_search_and_filters(client, auth, searchable_queue, query, expected):
    auth.login(role=Role.ADMIN)
    response = client.get(f"/admin/certifications?{query}")
    assert response.status_code == 200
    assert queue_names(response.get_data(as_text=True)) == expected


def test_an_empty_search_says_so(client, auth, searchable_queue):
    auth.login(role=Role.ADMIN)
    html = client.get("/admin/certifications?q=nobody").get_data(as_text=True)
    assert "0 pending certifications matching “nobody”, newest first." in html
    assert "The queue is empty for this search and these filters." in html


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=" + "a" * 201, "Search for at most 200 characters."),
        ("evidence=maybe", "Not a valid choice."),
        ("expired=soon", "Not a valid choice."),
    ],
)
def test_hostile_queue_input_is_a_clear_400(client, auth, searchable_queue, query, message):
    auth.login(role=Role.ADMIN)
    response = client.get(f"/admin/certifications?{query}")
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)


def test_huge_or_odd_page_numbers_are_never_a_500(client, auth, searchable_queue):
    auth.login(role=Role.ADMIN)
    assert client.get("/admin/certifications?page=99999999999999999999").status_code == 404
    assert client.get("/admin/certifications?page=2").status_code == 404
    assert client.get("/admin/certifications?page=abc").status_code == 200  # read as the first page
    assert client.get("/admin/certifications?q=%00").status_code == 400


def test_queue_pages_are_numbered_and_keep_the_search(client, auth, app):
    with app.app_context():
        profile = factories.make_profile(display_name="Many Submissions")
        for _ in range(25 * 7 + 1):
            factories.make_certification(profile, status="pending", issuing_body="eim")
    auth.login(role=Role.ADMIN)
    html = client.get("/admin/certifications?q=many&page=4").get_data(as_text=True)
    numbers = re.search(r'<ul class="page-numbers">(.*?)</ul>', html, re.S).group(1)
    # The first and last pages, and those around the fourth; the current one is not a link.
    assert re.findall(r">(\d+|…)<", numbers) == ["1", "2", "3", "4", "5", "6", "7", "8"]
    assert '<span aria-current="page">4</span>' in numbers
    assert 'href="/admin/certifications?page=8&amp;q=many"' in numbers
    assert "Page 4 of 8" in html
    html = client.get("/admin/certifications?q=many").get_data(as_text=True)
    numbers = re.search(r'<ul class="page-numbers">(.*?)</ul>', html, re.S).group(1)
    assert re.findall(r">(\d+|…)<", numbers) == ["1", "2", "3", "4", "…", "8"]


def test_queue_can_show_what_waits_for_the_therapist(client, auth, app):
    with app.app_context():
        waiting = factories.make_certification(
            factories.make_profile(display_name="Waiting Therapist"),
            status="pending",
            info_requested="A clearer scan, please.",
        )
        factories.make_certification(factories.make_profile(display_name="Fresh Submission"), status="pending")
        assert waiting.id
    auth.login(role=Role.ADMIN)
    html = client.get("/admin/certifications?waiting=therapist").get_data(as_text=True)
    assert "Waiting Therapist" in html and "Fresh Submission" not in html
    html = client.get("/admin/certifications?waiting=admin").get_data(as_text=True)
    assert "Fresh Submission" in html and "Waiting Therapist" not in html


# ---------------------------------------------------------------- the certification page and its evidence


def test_certification_page_shows_therapist_data_and_pdf_evidence_inline(client, auth, pending):
    auth.login(role=Role.ADMIN)
    response = client.get(f"/admin/certifications/{pending['id']}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    for text in ("Jane Smith", "jane@example.com", "MP-100", "DN-1", "27", "Myopain Seminars"):
        assert text in html
    assert f'<iframe class="evidence-frame" src="/admin/certifications/{pending["id"]}/evidence#' in html
    assert f'href="/admin/certifications/{pending["id"]}/evidence/download"' in html
    # This page alone may frame same-origin documents; it still cannot be framed itself.
    policy = response.headers["Content-Security-Policy"]
    assert "frame-src 'self'" in policy and "object-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "object-src 'none'" in client.get("/admin/certifications").headers["Content-Security-Policy"]


def test_evidence_may_be_framed_by_this_site_only_and_downloads_with_a_safe_name(client, auth, pending):
    auth.login(role=Role.ADMIN)
    inline = client.get(f"/admin/certifications/{pending['id']}/evidence")
    assert inline.status_code == 200 and inline.mimetype == "application/pdf"
    assert inline.data.startswith(b"%PDF-")
    assert "frame-ancestors 'self'" in inline.headers["Content-Security-Policy"]
    assert "default-src 'none'" in inline.headers["Content-Security-Policy"]
    assert inline.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert inline.headers["X-Content-Type-Options"] == "nosniff"
    assert inline.headers["Content-Disposition"].startswith("inline;")
    assert "no-store" in inline.headers["Cache-Control"]

    download = client.get(f"/admin/certifications/{pending['id']}/evidence/download")
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "/" not in disposition and ".." not in disposition and '"certificate"' not in disposition
    assert "certificate_.pdf" in disposition
    assert download.headers["X-Frame-Options"] == "DENY"


def test_image_evidence_is_shown_in_an_img(client, auth, app):
    with app.app_context():
        profile = factories.make_profile()
        certification_id = factories.make_certification(
            profile, status="pending", evidence=factories.make_evidence("png")
        ).id
    auth.login(role=Role.ADMIN)
    html = client.get(f"/admin/certifications/{certification_id}").get_data(as_text=True)
    assert f'<img class="evidence-image" src="/admin/certifications/{certification_id}/evidence"' in html
    assert client.get(f"/admin/certifications/{certification_id}/evidence").mimetype == "image/png"


def test_certification_without_evidence_says_so_and_has_no_evidence_route(client, auth, app):
    with app.app_context():
        certification_id = factories.make_certification(factories.make_profile(), status="pending").id
    auth.login(role=Role.ADMIN)
    assert "No evidence document was uploaded" in client.get(f"/admin/certifications/{certification_id}").get_data(
        as_text=True
    )
    assert client.get(f"/admin/certifications/{certification_id}/evidence").status_code == 404
    assert client.get("/admin/certifications/999999").status_code == 404


# ---------------------------------------------------------------- decisions


def test_approving_verifies_records_an_audit_event_and_tells_the_therapist(client, auth, app, pending):
    admin_id = auth.login(role=Role.ADMIN)
    version = seen_version(client.get(f"/admin/certifications/{pending['id']}").get_data(as_text=True))
    response = client.post(f"/admin/certifications/{pending['id']}/approve", data={"approve-version": version})
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/certifications")
    assert "The certification is verified" in client.get("/admin/certifications").get_data(as_text=True)

    decided = certification(app, pending["id"])
    assert (decided.status, decided.reviewer_id, decided.version) == ("verified", admin_id, version + 1)
    assert abs(decided.decided_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert recorded_decisions(app, pending["id"]) == [
        (
            "certification.verified",
            admin_id,
            {"source": "review", "profile_id": pending["profile_id"], "credential_id": "MP-100"},
        )
    ]
    [mail] = mail_to(app, pending["email"])
    assert mail.subject == "Your certification is verified"
    assert "verified badge" in mail.body and "nothing more you need to do" in mail.body
    assert mail.body.endswith("http://localhost/therapist/certifications")
    assert notices_of(app, pending["user_id"]) == [f"Your certification is verified: {mail.body.split(chr(10))[0]}"]
    with app.app_context():
        assert db.session.get(Certification, pending["id"]).profile.verified_on(date.today())


def test_rejecting_needs_a_reason(client, auth, app, pending):
    auth.login(role=Role.ADMIN)
    response = client.post(f"/admin/certifications/{pending['id']}/reject", data={"reject-version": 1})
    assert response.status_code == 400
    assert "Choose a reason." in response.get_data(as_text=True)
    response = client.post(
        f"/admin/certifications/{pending['id']}/reject",
        data={"reject-version": 1, "reject-reason": "other", "reject-details": "  "},
    )
    assert response.status_code == 400
    assert "Explain the reason for the rejection." in response.get_data(as_text=True)
    assert certification(app, pending["id"]).status == "pending"
    assert recorded_decisions(app, pending["id"]) == [] and mail_to(app, pending["email"]) == []


def test_rejecting_with_a_common_reason_tells_the_therapist_what_to_do(client, auth, app, pending):
    admin_id = auth.login(role=Role.ADMIN)
    response = client.post(
        f"/admin/certifications/{pending['id']}/reject",
        data={
            "reject-version": 1,
            "reject-reason": "name_mismatch",
            "reject-details": "The certificate says J. Smyth.",
        },
    )
    assert response.status_code == 302
    decided = certification(app, pending["id"])
    reason = "The name on the document does not match the profile. The certificate says J. Smyth."
    assert (decided.status, decided.reviewer_id, decided.reason) == ("rejected", admin_id, reason)
    assert decided.decided_at is not None
    [(action, actor, details)] = recorded_decisions(app, pending["id"])
    assert (action, actor, details["reason"]) == ("certification.rejected", admin_id, reason)
    [mail] = mail_to(app, pending["email"])
    assert mail.subject == "Your certification could not be verified"
    assert reason in mail.body and "What to do next" in mail.body
    assert len(notices_of(app, pending["user_id"])) == 1


def test_rejecting_for_another_reason_stores_the_admins_words(client, auth, app, pending):
    auth.login(role=Role.ADMIN)
    client.post(
        f"/admin/certifications/{pending['id']}/reject",
        data={"reject-version": 1, "reject-reason": "other", "reject-details": "This is a massage course."},
    )
    assert certification(app, pending["id"]).reason == "This is a massage course."


def test_asking_for_more_information_keeps_it_pending_and_tells_the_therapist(client, auth, app, pending):
    admin_id = auth.login(role=Role.ADMIN)
    response = client.post(
        f"/admin/certifications/{pending['id']}/request-information", data={"info-version": 1, "info-message": ""}
    )
    assert response.status_code == 400 and "Write what the therapist should send." in response.get_data(as_text=True)

    client.post(
        f"/admin/certifications/{pending['id']}/request-information",
        data={"info-version": 1, "info-message": "Please upload both pages of the certificate."},
    )
    asked = certification(app, pending["id"])
    assert (asked.status, asked.info_requested, asked.reviewer_id) == (
        "pending",
        "Please upload both pages of the certificate.",
        admin_id,
    )
    assert recorded_decisions(app, pending["id"])[0][:2] == ("certification.info_requested", admin_id)
    [mail] = mail_to(app, pending["email"])
    assert mail.subject == "We need more information about your certification"
    assert "Please upload both pages" in mail.body and "replace its evidence document" in mail.body
    html = client.get(f"/admin/certifications/{pending['id']}").get_data(as_text=True)
    assert "More information was asked for" in html and "Waiting for the therapist" in html

    # Approving later clears the request.
    client.post(f"/admin/certifications/{pending['id']}/approve", data={"approve-version": asked.version})
    approved = certification(app, pending["id"])
    assert (approved.status, approved.info_requested) == ("verified", None)


def test_an_expired_certification_cannot_be_approved(client, auth, app):
    with app.app_context():
        certification_id = factories.make_certification(
            factories.make_profile(), status="pending", expires_on=date.today() - timedelta(days=1)
        ).id
    auth.login(role=Role.ADMIN)
    response = client.post(
        f"/admin/certifications/{certification_id}/approve", data={"approve-version": 1}, follow_redirects=True
    )
    assert "so it cannot be verified" in response.get_data(as_text=True)
    assert certification(app, certification_id).status == "pending"


def test_a_decision_without_the_version_seen_is_refused(client, auth, app, pending):
    auth.login(role=Role.ADMIN)
    assert client.post(f"/admin/certifications/{pending['id']}/approve", data={}).status_code == 400
    assert (
        client.post(f"/admin/certifications/{pending['id']}/approve", data={"approve-version": "x"}).status_code == 400
    )
    assert certification(app, pending["id"]).status == "pending"


# ---------------------------------------------------------------- two admins at once


def test_the_second_admin_is_told_it_was_already_decided_and_nothing_is_overwritten(app, pending):
    first_client, second_client = app.test_client(), app.test_client()
    first_id = AuthActions(app, first_client).login(role=Role.ADMIN, email="first@example.com")
    AuthActions(app, second_client).login(role=Role.ADMIN, email="second@example.com")
    # Both open the same certification...
    page = f"/admin/certifications/{pending['id']}"
    first_version = seen_version(first_client.get(page).get_data(as_text=True))
    second_version = seen_version(second_client.get(page).get_data(as_text=True), "reject")
    assert first_version == second_version
    # ...the first approves, then the second rejects what they saw.
    first_client.post(f"{page}/approve", data={"approve-version": first_version})
    response = second_client.post(
        f"{page}/reject", data={"reject-version": second_version, "reject-reason": "unreadable"}, follow_redirects=True
    )
    html = response.get_data(as_text=True)
    assert "This certification was already decided: first@example.com marked it verified" in html
    assert "Your decision was not saved." in html
    decided = certification(app, pending["id"])
    assert (decided.status, decided.reviewer_id, decided.reason) == ("verified", first_id, None)
    assert [action for action, *_ in recorded_decisions(app, pending["id"])] == ["certification.verified"]
    assert [mail.subject for mail in mail_to(app, pending["email"])] == ["Your certification is verified"]


def test_a_decision_on_a_certification_changed_since_it_was_opened_is_refused(app, pending):
    first_client, second_client = app.test_client(), app.test_client()
    AuthActions(app, first_client).login(role=Role.ADMIN, email="first@example.com")
    AuthActions(app, second_client).login(role=Role.ADMIN, email="second@example.com")
    page = f"/admin/certifications/{pending['id']}"
    version = seen_version(second_client.get(page).get_data(as_text=True))
    first_client.post(f"{page}/request-information", data={"info-version": version, "info-message": "Second page?"})
    html = second_client.post(f"{page}/approve", data={"approve-version": version}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "first@example.com asked the therapist for more information" in html
    assert certification(app, pending["id"]).status == "pending"


def test_a_decision_racing_another_at_the_database_is_refused_by_optimistic_locking(app, pending):
    """The version check passes, then another admin's decision commits before ours is written."""
    with app.app_context():
        admin = factories.make_user(role=Role.ADMIN)

        def another_admin_commits_first(session, flush_context, instances):
            session.connection().execute(
                update(Certification.__table__)
                .where(Certification.__table__.c.id == pending["id"])
                .values(version=Certification.__table__.c.version + 1)
            )

        event.listen(db.session, "before_flush", another_admin_commits_first)
        try:
            with pytest.raises(decisions.AlreadyDecided, match="at the same moment"):
                decisions.approve(pending["id"], 1, admin)
        finally:
            event.remove(db.session, "before_flush", another_admin_commits_first)
    assert certification(app, pending["id"]).status == "pending"
    assert recorded_decisions(app, pending["id"]) == []
    assert mail_to(app, pending["email"]) == [] and notices_of(app, pending["user_id"]) == []


def test_rejection_text_refuses_unknown_or_missing_reasons():
    with pytest.raises(decisions.DecisionError):
        decisions.rejection_text("because")
    with pytest.raises(decisions.DecisionError):
        decisions.rejection_text("other", "")
    assert decisions.rejection_text("expired") == "The certification has expired."


FUTURE, PAST = date.today() + timedelta(days=30), date.today() - timedelta(days=1)


@pytest.mark.parametrize(
    ("expires_on", "expected", "unexpected"),
    [
        (FUTURE, f"badge in search until {FUTURE:%d %B %Y}.", None),
        (PAST, "badge in search. There is nothing more", f"until {PAST:%d %B %Y}"),
    ],
    ids=["future-expiry", "past-expiry"],
)
def test_verified_mail_never_promises_a_day_already_gone(app, expires_on, expected, unexpected):
    with app.app_context():
        user = factories.make_user(role=Role.THERAPIST, email="ann@example.com")
        profile = factories.make_profile(user=user, display_name="Ann Lee")
        certification = factories.make_certification(profile, status="verified", expires_on=expires_on)
        decisions.notify_verified(certification)
        db.session.commit()
        body = db.session.scalar(select(OutboxMessage.body))
    assert expected in body
    if unexpected is not None:
        assert unexpected not in body
