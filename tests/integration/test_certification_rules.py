"""The certification rules have one owner (directory.models.certification): the issuing body's name,
"counts on a day", "verified but expired" and the two expiry windows read the same on every page,
in the API, in mails and in the SQL that search and the expiry run use."""

import html
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from directory.extensions import db
from directory.models import Certification, Role, User
from directory.models.certification import EXPIRY_NOTICE_DAYS, EXPIRY_WARNING_DAYS
from directory.services.core.text import day_label
from directory.services.geo.points import Point
from directory.services.practice import dashboard
from directory.services.search import nearby
from directory.services.verification import certifications, decisions
from tests import factories

TODAY = date.today()
ACADEMY = "Dry Needling Academy Perth"


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return html.unescape(response.get_data(as_text=True))


@pytest.fixture
def holder(app):
    """make(status, expires_on, **fields) -> (user id, profile id, certification id) of a listed therapist."""

    def make(status: str = "verified", expires_on: date | None = None, **fields) -> tuple[int, int, int]:
        with app.app_context():
            user = factories.make_user(role=Role.THERAPIST)
            profile = factories.make_profile(user=user, display_name="Dr Lee Park", slug="lee-park")
            certification = factories.make_certification(profile, status=status, expires_on=expires_on, **fields)
            return user.id, profile.id, certification.id

    return make


def log_in_as(client, app, user_id: int) -> None:
    with app.app_context():
        email = db.session.get(User, user_id).email
    client.post("/auth/logout")
    response = client.post("/auth/login", data={"email": email, "password": factories.PASSWORD})
    assert response.status_code == 302


def test_an_other_programme_reads_as_the_therapist_named_it_everywhere(app, client, auth, holder):
    user_id, profile_id, certification_id = holder("verified", issuing_body="other", issuing_body_other=ACADEMY)
    detail = client.get(f"/api/v1/practitioners/{profile_id}").get_json()
    assert [c["issuing_body"] for c in detail["certifications"]] == [ACADEMY]
    assert f"<strong>{ACADEMY}</strong>" in page(client, "/practitioners/lee-park")
    log_in_as(client, app, user_id)
    assert ACADEMY in page(client, "/therapist/certifications")
    assert f"<h1>{ACADEMY}</h1>" in page(client, f"/therapist/certifications/{certification_id}")
    auth.logout()
    auth.login(role="admin")
    assert f"<h1>{ACADEMY} certification of Dr Lee Park</h1>" in page(
        client, f"/admin/certifications/{certification_id}"
    )
    # Admins see that the programme is not one of ours.
    assert f"Other program ({ACADEMY}) (verified)" in page(client, f"/admin/users/{user_id}")


def test_the_admin_queue_names_an_other_programme_with_its_own_words(app, client, auth, holder):
    holder("pending", issuing_body="other", issuing_body_other=ACADEMY)
    auth.login(role="admin")
    assert f"Other program ({ACADEMY})" in page(client, "/admin/certifications")


def test_mails_name_the_body_as_the_therapist_did(app, holder, outbox):
    _, _, certification_id = holder("verified", expires_on=TODAY, issuing_body="other", issuing_body_other=ACADEMY)
    with app.app_context():
        decisions.notify_verified(db.session.get(Certification, certification_id))
        db.session.commit()
    assert [m.body.startswith(f"Your {ACADEMY} certification (CRED-") for m in outbox()] == [True]


def test_a_verified_certification_past_its_date_reads_expired_before_the_expiry_run(app, client, auth, holder):
    yesterday = TODAY - timedelta(days=1)
    user_id, profile_id, certification_id = holder("verified", expires_on=yesterday)
    detail = client.get(f"/api/v1/practitioners/{profile_id}").get_json()
    assert ([c["status"] for c in detail["certifications"]], detail["verified"]) == (["expired"], False)
    public = page(client, "/practitioners/lee-park")
    assert '<span class="badge badge-unverified">Expired</span>' in public and "valid until" not in public
    log_in_as(client, app, user_id)
    assert "Myopain Seminars has expired: add the renewed certificate." in page(client, "/therapist/")
    assert "It no longer counts towards your verified badge." in page(client, "/therapist/certifications")
    auth.logout()
    auth.login(role="admin")
    assert '<span class="badge badge-unverified">Expired</span>' in page(
        client, f"/admin/certifications/{certification_id}"
    )
    # The admin's user page said "(verified)" for it: it now says what every other page says.
    assert "Myopain Seminars (expired)" in page(client, f"/admin/users/{user_id}")
    with app.app_context():
        certification = db.session.get(Certification, certification_id)
        assert (certification.status, certification.status_on(TODAY)) == ("verified", "expired")
        assert certification.status_on(yesterday) == "verified" and certification.counts_on(yesterday)


@pytest.mark.parametrize(
    ("days_left", "warned"), [(0, True), (EXPIRY_WARNING_DAYS, True), (EXPIRY_WARNING_DAYS + 1, False)]
)
def test_the_therapist_is_warned_60_days_ahead(app, holder, days_left, warned):
    user_id, _, certification_id = holder("verified", expires_on=TODAY + timedelta(days=days_left))
    with app.app_context():
        certification = db.session.get(Certification, certification_id)
        assert (certifications.describe_status(certification, TODAY).code == "expiring") is warned
        steps = dashboard.next_steps(db.session.get(User, user_id), TODAY)
        assert any(step.text.startswith("Myopain Seminars expires on ") for step in steps) is warned


def test_the_dashboard_also_warns_about_a_pending_certification_expiring_soon(app, client, holder):
    # Kept as it was: the badge says "Awaiting verification", the dashboard asks for the renewal,
    # since our team cannot verify a certification once its date has passed.
    expires_on = TODAY + timedelta(days=20)
    user_id, _, _ = holder("pending", expires_on=expires_on)
    log_in_as(client, app, user_id)
    assert f"Myopain Seminars expires on {day_label(expires_on)}: add the renewed certificate." in page(
        client, "/therapist/"
    )
    assert "Awaiting verification" in page(client, "/therapist/certifications")


OFFSETS = (None, -2, -1, 0, 1, EXPIRY_NOTICE_DAYS, EXPIRY_NOTICE_DAYS + 1, EXPIRY_WARNING_DAYS, EXPIRY_WARNING_DAYS + 1)
DAYS = tuple(TODAY + timedelta(days=n) for n in (-1, 0, 1, 2, EXPIRY_NOTICE_DAYS))


def test_the_sql_forms_of_the_rules_agree_with_the_python_ones(app):
    with app.app_context():
        profile = factories.make_profile()
        for status in ("pending", "verified", "rejected", "expired"):
            for offset in OFFSETS:
                expires_on = None if offset is None else TODAY + timedelta(days=offset)
                factories.make_certification(profile, status=status, expires_on=expires_on)
        every = db.session.scalars(select(Certification)).all()
        for day in DAYS:

            def chosen(clause) -> set[int]:
                return set(db.session.scalars(select(Certification.id).where(clause)))

            assert chosen(Certification.past_expiry_on(day)) == {c.id for c in every if c.past_expiry_on(day)}
            for days in (EXPIRY_NOTICE_DAYS, EXPIRY_WARNING_DAYS):
                expected = {c.id for c in every if c.expires_within(day, days)}
                assert chosen(Certification.expires_within(day, days)) == expected, (day, days)


def test_search_s_verified_until_date_agrees_with_counts_on(app):
    """The listing stores the last day any certification counts; search compares it with today in SQL."""
    with app.app_context():
        profiles = {}
        for n, statuses in enumerate(
            [
                (("verified", 0),),
                (("verified", -1),),
                (("verified", None),),
                (("verified", 1), ("verified", 0)),
                (("expired", 5), ("pending", None)),
                (("rejected", None), ("verified", 2)),
            ]
        ):
            profile = factories.make_profile(display_name=f"Therapist {n}")
            for status, offset in statuses:
                expires_on = None if offset is None else TODAY + timedelta(days=offset)
                factories.make_certification(profile, status=status, expires_on=expires_on)
            profiles[profile.id] = profile
        unfiltered = nearby.SearchFilters(verified_only=False)
        for day in DAYS:
            expected = {profile_id: profile.verified_on(day) for profile_id, profile in profiles.items()}
            found = nearby.nearby_practitioners(Point(40.7549, -73.984), 10, unfiltered, today=day)
            assert {hit.profile.id: hit.verified for hit in found.hits} == expected, day
            verified_only = nearby.nearby_practitioners(Point(40.7549, -73.984), 10, today=day)
            assert {hit.profile.id for hit in verified_only.hits} == {p for p, yes in expected.items() if yes}, day
