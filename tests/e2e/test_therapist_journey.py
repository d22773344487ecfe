"""A new therapist signs up, builds a profile, submits a certificate, publishes and is found in search."""

import re

from PIL import Image
from playwright.sync_api import expect
from sqlalchemy import select

from directory.extensions import db
from directory.models import OutboxMessage, Place
from tests.e2e.conftest import assert_fits_width, check_accessibility
from tests.factories import MINIMAL_PDF

EMAIL = "lee.park@example.com"
PASSWORD = "steady-hands-at-dawn"
CERTIFICATE = MINIMAL_PDF


def add_places(site_app) -> None:
    """The gazetteer rows the address and the search need (the live server starts with none)."""
    with site_app.app_context():
        if db.session.scalar(select(Place).where(Place.postal_code == "10001")) is not None:
            return
        db.session.add_all(
            [
                Place(
                    kind="postal_code",
                    name="New York",
                    search_key="new york",
                    postal_code="10001",
                    region="NY",
                    country="US",
                    latitude=40.7506,
                    longitude=-73.9972,
                    population=0,
                ),
                Place(
                    kind="city",
                    name="New York",
                    search_key="new york",
                    region="NY",
                    country="US",
                    latitude=40.7128,
                    longitude=-74.0060,
                    population=8_000_000,
                ),
            ]
        )
        db.session.commit()


def confirmation_link(site_app, email: str) -> str:
    with site_app.app_context():
        message = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient == email).order_by(OutboxMessage.id.desc())
        ).first()
        return re.search(r"https?://\S+", message.body).group(0)


def test_therapist_signs_up_builds_a_profile_and_is_found(page, phone_page, site_app, tmp_path):
    add_places(site_app)

    # Sign up as a therapist.
    page.goto("/auth/signup")
    check_accessibility(page, "therapist-signup")
    page.get_by_label("A practitioner offering dry needling").check()
    page.get_by_label("Your name (optional)").fill("Lee Park")
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password again").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_text(f"We sent a link to {EMAIL}")).to_be_visible()

    # Confirm the address from the mail, log in, then go to the therapist area.
    page.goto(confirmation_link(site_app, EMAIL))
    expect(page.get_by_text("Thank you: your email address is confirmed.")).to_be_visible()
    page.get_by_label("Email address").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("link", name="My practice", exact=True).click()
    expect(page.get_by_role("heading", name="My practice", level=1)).to_be_visible()
    expect(page.get_by_text("Not started", exact=True)).to_be_visible()
    check_accessibility(page, "therapist-dashboard-new")

    # Fill in the profile.
    page.get_by_role("link", name="Fill in your profile", exact=True).click()
    expect(page.get_by_role("heading", name="Create your profile", level=1)).to_be_visible()
    expect(page.get_by_label("Name shown to patients")).to_have_value("Lee Park")
    check_accessibility(page, "therapist-editor-new")
    page.get_by_label("Name shown to patients").fill("Lee Park, DPT")
    page.get_by_label("Profession").select_option("dpt")
    page.get_by_label("Practicing since (year)").fill("2015")
    page.get_by_label("About your work").fill("I look at the neck and shoulders first, then we decide together.")
    page.get_by_label("Street address").fill("350 5th Ave")
    page.get_by_label("Town or city").fill("New York")
    page.get_by_label("State, county or region").fill("NY")
    page.get_by_label("ZIP or postal code").fill("10001")
    page.get_by_label("Migraine", exact=True).check()
    page.get_by_label("Tension-type headache").check()
    page.get_by_label("In person").check()
    page.get_by_label("English").check()
    page.get_by_label("Spanish", exact=True).check()
    page.get_by_label("Lowest fee per session").fill("90")
    page.get_by_label("Highest fee per session").fill("130")
    page.locator("#availability-monday-start").fill("09:00")
    page.locator("#availability-monday-end").fill("17:00")
    page.get_by_role("button", name="Save profile").click()

    expect(page.get_by_text("Your profile is created.")).to_be_visible()
    expect(page.get_by_text("We could only place the pin at the center of 10001 New York, NY")).to_be_visible()
    latitude = page.get_by_label("Latitude")
    expect(latitude).to_have_value("40.7506")

    # Confirm the pin: drag it to the door, which fills the coordinates, and save.
    pin = page.locator("#pin-map .leaflet-marker-icon")
    expect(pin).to_be_visible()
    page.locator("#pin-map").evaluate("map => map.scrollIntoView({block: 'center'})")
    box = pin.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] - 4)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 30, box["y"] + box["height"] - 24, steps=8)
    page.mouse.up()
    expect(latitude).not_to_have_value("40.7506")
    moved = latitude.input_value()
    check_accessibility(page, "therapist-editor-pin")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your practice is placed at the coordinates you gave.")).to_be_visible()
    expect(page.get_by_label("Latitude")).to_have_value(str(float(moved)))

    # A photo chosen in the editor is saved with "Save profile"; a bad one is refused out loud.
    not_a_photo = tmp_path / "scan.png"
    not_a_photo.write_bytes(CERTIFICATE)
    page.get_by_label("Choose a photo").set_input_files(str(not_a_photo))
    page.get_by_label("Session length (minutes)").fill("50")
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your profile is saved.")).to_be_visible()
    expect(
        page.get_by_text("Your photo was not uploaded: A profile photo must be a JPEG or PNG image.")
    ).to_be_visible()
    expect(page.get_by_label("Session length (minutes)")).to_have_value("50")
    expect(page.get_by_alt_text("Your current photo")).to_have_count(0)
    photo = tmp_path / "me.png"
    Image.new("RGB", (60, 60), "teal").save(photo, "PNG")
    page.get_by_label("Choose a photo").set_input_files(str(photo))
    page.get_by_role("button", name="Save profile").click()
    expect(page.get_by_text("Your photo is saved.")).to_be_visible()
    expect(page.get_by_alt_text("Your current photo")).to_be_visible()
    check_accessibility(page, "therapist-editor-photo")

    # Submit a certificate.
    certificate = tmp_path / "dry-needling-certificate.pdf"
    certificate.write_bytes(CERTIFICATE)
    page.get_by_role("link", name="My practice", exact=True).click()
    check_accessibility(page, "therapist-dashboard-draft")
    page.get_by_role("link", name="Add a certification").click()
    check_accessibility(page, "therapist-add-certification")
    page.get_by_label("Certifying body").select_option("myopain")
    page.get_by_label("Course or level").fill("Level 2")
    page.get_by_label("Credential number").fill("MP-7781")
    page.get_by_label("Training hours").fill("54")
    page.get_by_label("Date obtained").fill("2021-06-30")
    page.get_by_label("Evidence document").set_input_files(str(certificate))
    page.get_by_role("button", name="Submit for verification").click()
    expect(page.get_by_text("Your certification is submitted.")).to_be_visible()
    expect(page.get_by_role("heading", name="Myopain Seminars, Level 2")).to_be_visible()
    expect(page.locator(".cert-list .badge")).to_have_text("Awaiting verification")
    check_accessibility(page, "therapist-certifications")
    page.get_by_role("link", name="See or change it").click()
    expect(page.get_by_role("link", name="dry-needling-certificate.pdf")).to_be_visible()
    check_accessibility(page, "therapist-certification")

    # Preview, then publish.
    page.get_by_role("link", name="My practice", exact=True).click()
    check_accessibility(page, "therapist-dashboard-pending")
    page.get_by_role("link", name="Preview").click()
    expect(page.get_by_role("heading", name="Lee Park, DPT", level=1)).to_be_visible()
    expect(page.get_by_text("It is not published yet")).to_be_visible()
    check_accessibility(page, "therapist-preview")
    page.get_by_role("link", name="Back to My practice").click()
    page.get_by_role("button", name="Publish my profile").click()
    expect(page.get_by_text("Your profile is published")).to_be_visible()
    expect(page.get_by_text("Awaiting verification").first).to_be_visible()
    check_accessibility(page, "therapist-dashboard-published")

    # A patient's search finds the profile once verified-only is off.
    page.goto("/search")
    check_accessibility(page, "therapist-search-form")
    page.get_by_label("Town, city or ZIP code").fill("10001")
    page.locator("details.filters > summary").click()  # the certification choice is one of the filters
    page.get_by_label("Certification").select_option("all")
    page.get_by_role("button", name="Search").click()
    card = page.locator(".practitioner-card", has_text="Lee Park, DPT")
    expect(card).to_be_visible()
    expect(card.get_by_text("Certification not verified")).to_be_visible()
    check_accessibility(page, "therapist-found-in-search")

    # On a phone, in dark mode: the editor and the dashboard fit the screen.
    phone_page.goto("/auth/login")
    check_accessibility(phone_page, "therapist-login-phone-dark")
    phone_page.get_by_label("Email address").fill(EMAIL)
    phone_page.get_by_label("Password").fill(PASSWORD)
    phone_page.get_by_role("button", name="Log in").click()
    phone_page.goto("/therapist/profile")
    expect(phone_page.get_by_label("Name shown to patients")).to_have_value("Lee Park, DPT")
    assert_fits_width(phone_page)
    check_accessibility(phone_page, "therapist-editor-phone-dark")
    phone_page.goto("/therapist/")
    assert_fits_width(phone_page)
    check_accessibility(phone_page, "therapist-dashboard-phone-dark")
