"""A patient keeps a shortlist; result cards show the next opening; the map's pins are numbered, also in dark mode."""

import re

import pytest
from playwright.sync_api import expect

from directory.extensions import db
from directory.models import Role
from tests import factories
from tests.e2e.conftest import check_accessibility

# A made-up town far from every other test's practitioners.
TOWN = ("Savebrook", "ND", 47.40, -101.10)
NAME = "Shortlist Sam Physio"


@pytest.fixture
def savebrook(site_app):
    with site_app.app_context():
        name, region, lat, lon = TOWN
        if factories.make_town(name, region, lat, lon, 4000):
            db.session.commit()
            # Open every day, all day: the hint is "This morning", "This afternoon" or "This evening".
            factories.make_profile(
                display_name=NAME,
                slug="shortlist-sam",
                latitude=lat + 0.01,
                longitude=lon,
                slots=tuple((day, 0, 1440) for day in range(7)),
                verified=True,
            )
            factories.make_user(Role.PATIENT, email="shortlist.patient@example.com")
    return "shortlist.patient@example.com"


def test_a_patient_saves_a_practitioner_and_removes_them_again(page, savebrook):
    page.emulate_media(color_scheme="dark")
    page.goto("/search?q=Savebrook,+ND")
    card = page.locator(".practitioner-card", has_text=NAME)
    expect(card.locator(".next-opening dd")).to_have_text(re.compile(r"^This (morning|afternoon|evening)$"))
    expect(card.locator(".pin-number")).to_have_text("1")
    pins = page.locator("#results-map .map-pin")
    expect(pins).to_have_count(1)
    expect(pins.first).to_have_text("1")
    expect(page.locator("#results-map .map-place")).to_have_count(1)
    # Leaflet's white zoom buttons follow the dark theme.
    zoom = page.locator("#results-map .leaflet-control-zoom-in")
    expect(zoom).to_have_css("background-color", "rgb(29, 33, 37)")
    check_accessibility(page, "shortlist-search-dark")

    card.get_by_role("link", name=NAME).click()
    expect(page.get_by_text("to save practitioners to a shortlist")).to_be_visible()
    page.get_by_role("link", name="Log in", exact=True).last.click()
    page.get_by_label("Email address").fill(savebrook)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(NAME)

    page.get_by_role("button", name="Save to my shortlist").click()
    expect(page.get_by_text(f"{NAME} is saved to your shortlist.")).to_be_visible()
    expect(page.get_by_text("✓ Saved")).to_be_visible()
    check_accessibility(page, "shortlist-profile-saved")

    page.goto("/account/saved")
    expect(page.get_by_role("heading", level=1)).to_have_text("Saved practitioners")
    expect(page.get_by_role("link", name=NAME)).to_be_visible()
    check_accessibility(page, "shortlist-saved-page")
    page.get_by_role("button", name=f"Remove {NAME} from my saved practitioners").click()
    expect(page.get_by_text(f"{NAME} is no longer on your shortlist.")).to_be_visible()
    expect(page.get_by_text("You have not saved any practitioner yet.")).to_be_visible()
