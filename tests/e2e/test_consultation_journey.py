"""The whole loop: find, request, be seen, review; the new rating shows on the profile and in search."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import update

from directory.extensions import db
from directory.models import ConsultationRequest, Role
from tests import factories
from tests.e2e.conftest import assert_fits_width, check_accessibility

PASSWORD = factories.PASSWORD
# A made-up town far from every other test's practitioners, so counts here are ours alone.
TOWN = ("Quietbrook", "MT", 46.10, -110.40)


@pytest.fixture
def people(site_app):
    with site_app.app_context():
        name, region, lat, lon = TOWN
        factories.make_town(name, region, lat, lon, 9000)
        therapist = factories.make_user(Role.THERAPIST, email="loop.therapist@example.com", name="Lee")
        factories.make_profile(
            user=therapist,
            display_name="Loop Lee Physio",
            slug="loop-lee-physio",
            latitude=lat + 0.01,
            longitude=lon,
            modes=("in_person", "video"),
            slots=((1, 9 * 60, 12 * 60),),
            verified=True,
            headache_types=("tension_type",),
        )
        factories.make_user(Role.PATIENT, email="loop.patient@example.com", name="Robin")
    return {"patient": "loop.patient@example.com", "therapist": "loop.therapist@example.com"}


def log_in(page, email):
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page):
    page.get_by_role("button", name="Log out").click()


def test_request_accept_complete_review(page, phone_page, people, site_app):
    # The patient finds the practitioner and asks for a first consultation.
    log_in(page, people["patient"])
    page.goto("/search?q=Quietbrook%2C+MT")
    page.get_by_role("link", name="Loop Lee Physio").click()
    page.get_by_role("link", name="Request a first consultation").click()
    check_accessibility(page, "consultation-request")
    page.get_by_label("Video first consultation").check()
    page.get_by_label("Tuesday 09:00–12:00").check()
    page.get_by_label("Message (optional)").fill("Pressing headaches most afternoons for a year.")
    page.get_by_role("button", name="Send the request").click()
    expect(page.get_by_text("Your request was sent to Loop Lee Physio")).to_be_visible()
    expect(page.get_by_text("Waiting for an answer")).to_be_visible()
    check_accessibility(page, "my-requests")
    log_out(page)

    # The therapist accepts, proposing a time in the practice's own zone (Quietbrook, MT: Denver time).
    year = datetime.now(UTC).year + 1
    local_time = f"{datetime(year, 6, 2):%A}, June 2, {year}, 10:00 (Denver time)"
    log_in(page, people["therapist"])
    page.get_by_role("link", name="Requests").click()
    check_accessibility(page, "inbox")
    page.get_by_role("link", name="Robin").click()
    expect(page.get_by_text("The patient did not share questionnaire answers.")).to_be_visible()
    check_accessibility(page, "inbox-request")
    page.get_by_label("Proposed date and time").fill(f"{year}-06-01T08:00")
    page.get_by_role("button", name="Accept and propose this time").click()
    expect(page.get_by_text("Accepted: the patient has been told.")).to_be_visible()
    log_out(page)

    # That time does not suit: the patient asks for another, and the therapist reads why on the request.
    first_time = f"{datetime(year, 6, 1):%A}, June 1, {year}, 08:00 (Denver time)"
    log_in(phone_page, people["patient"])
    phone_page.goto("/consultations/")
    phone_page.locator("summary", has_text="Ask for another time").click()
    phone_page.get_by_label("What would suit you better? (optional)").fill(
        "I drop my son at school until 9; any later morning works."
    )
    phone_page.get_by_role("button", name="Ask for another time").click()
    expect(phone_page.get_by_text("The practitioner is asked for another time.")).to_be_visible()
    phone_page.locator("summary", has_text="Menu").click()  # on a phone, Log out is in the menu
    phone_page.get_by_role("button", name="Log out").click()
    log_in(page, people["therapist"])
    page.get_by_role("link", name="Requests").click()
    page.get_by_role("link", name="Robin").click()
    expect(page.get_by_text(first_time)).to_be_visible()
    expect(page.get_by_text("I drop my son at school until 9; any later morning works.")).to_be_visible()
    check_accessibility(page, "inbox-request-another-time")
    page.get_by_label("Proposed date and time").fill(f"{year}-06-02T10:00")
    page.get_by_role("button", name="Accept and propose this time").click()
    expect(page.get_by_text("Accepted: the patient has been told.")).to_be_visible()
    expect(page.get_by_text("I drop my son at school")).to_have_count(0)
    expect(page.get_by_text(f"{local_time} · waiting for the patient to confirm")).to_be_visible()
    # Not before it took place.
    expect(page.get_by_role("button", name="Mark as completed")).to_have_count(0)
    expect(page.get_by_text("You can mark it as completed once the consultation time has passed.")).to_be_visible()
    log_out(page)

    # The patient confirms the proposed time, and sees it in the practice's zone with the address.
    log_in(page, people["patient"])
    page.goto("/consultations/")
    expect(page.get_by_text(f"Proposed time: {local_time}")).to_be_visible()
    check_accessibility(page, "my-requests-proposed")
    page.get_by_role("button", name="Confirm this time").click()
    expect(page.get_by_text(f"Confirmed: {local_time}. The practitioner has been told.")).to_be_visible()
    expect(page.locator(".card", has_text="Loop Lee Physio").get_by_text(f"Confirmed: {local_time}")).to_be_visible()
    check_accessibility(page, "my-requests-confirmed")
    log_out(page)
    # The same on a phone in dark mode.
    log_in(phone_page, people["patient"])
    phone_page.goto("/consultations/")
    expect(phone_page.get_by_text(f"Confirmed: {local_time}")).to_be_visible()
    assert_fits_width(phone_page)
    check_accessibility(phone_page, "my-requests-confirmed-phone-dark")

    # The day comes and goes; the therapist sees the confirmation and marks the consultation as done.
    with site_app.app_context():
        db.session.execute(
            update(ConsultationRequest)
            .where(ConsultationRequest.patient.has(email=people["patient"]))
            .values(proposed_at=datetime.now(UTC) - timedelta(hours=1))
        )
        db.session.commit()
    log_in(page, people["therapist"])
    page.get_by_role("link", name="Requests").click()
    page.get_by_role("link", name="Robin").click()
    expect(page.get_by_text(f"{local_time} · confirmed by the patient")).to_be_visible()
    page.get_by_role("button", name="Mark as completed").click()
    expect(page.get_by_text("Marked as completed.")).to_be_visible()
    log_out(page)

    # The patient sees each change and reviews.
    log_in(page, people["patient"])
    expect(page.get_by_text("Loop Lee Physio marked your first consultation as done")).to_be_visible()
    page.goto("/consultations/")
    expect(page.get_by_text("Took place")).to_be_visible()
    page.get_by_role("link", name="Review this practitioner").click()
    check_accessibility(page, "review-write")
    page.get_by_label("4 – good").check()
    page.get_by_label("Your review").fill("Listened carefully and explained what needling can and cannot do.")
    page.get_by_role("button", name="Publish the review").click()
    expect(page.get_by_text("Thank you: your review is published.")).to_be_visible()
    expect(page.get_by_text("Listened carefully and explained")).to_be_visible()
    expect(page.locator(".rating-score")).to_contain_text("from 1 review")
    check_accessibility(page, "profile-with-review")

    # The rating shows in search too.
    page.goto("/search?q=Quietbrook%2C+MT")
    card = page.locator(".practitioner-card", has_text="Loop Lee Physio")
    expect(card).to_contain_text(re.compile(r"\d\.\d / 5 from 1 review"))
