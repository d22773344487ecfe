"""An admin clears a certification from the queue, and the therapist's verified badge appears in search.

The live server's database is shared by every browser test of the session: this module's
therapist lives in a made-up town (Quillbrook, VT) that no other journey uses.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from directory.extensions import db
from directory.models import Role
from directory.services.core import accounts
from tests import factories
from tests.e2e.conftest import assert_fits_width, check_accessibility

ADMIN_EMAIL = "admin-journey@example.com"
ADMIN_PASSWORD = "quiet-harbour-lantern-42"
THERAPIST = "Admin-Journey Quinn Harlow"
SEARCH = "/search?q=Quillbrook%2C+VT&radius=25&unit=km"


@pytest.fixture(scope="module")
def pending_certification(live_server):
    """An admin, and a published profile in Quillbrook whose only certification waits for verification."""
    app = live_server[1]
    with app.app_context():
        factories.make_town("Quillbrook", "VT", 44.3001, -72.1003, 3_000)
        db.session.commit()
        accounts.create_admin(ADMIN_EMAIL, ADMIN_PASSWORD)
        therapist = factories.make_user(role=Role.THERAPIST, email="quinn.harlow@example.com")
        profile = factories.make_profile(
            user=therapist,
            display_name=THERAPIST,
            slug="admin-journey-quinn-harlow",
            latitude=44.3050,
            longitude=-72.1100,
            city="Quillbrook",
            profession="pt",
        )
        certification = factories.make_certification(
            profile,
            status="pending",
            issuing_body="kinetacore",
            credential_id="KC-4242",
            evidence=factories.make_evidence("png", filename="kinetacore-certificate.png"),
        )
        return certification.id


def log_in_as_admin(page: Page) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(ADMIN_EMAIL)
    page.get_by_label("Password").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("You are logged in.")).to_be_visible()


def test_admin_approves_a_pending_certification_and_the_badge_appears_in_search(page, pending_certification):
    # Before: only "all practitioners" shows the therapist, without the badge.
    page.goto(SEARCH + "&show=all")
    card = page.locator(".practitioner-card", has_text=THERAPIST)
    expect(card.get_by_text("Certification not verified")).to_be_visible()
    page.goto(SEARCH)
    expect(page.locator(".practitioner-card", has_text=THERAPIST)).to_have_count(0)

    log_in_as_admin(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Admin overview")).to_be_visible()
    check_accessibility(page, "admin-dashboard")

    page.get_by_role("link", name=re.compile(r"pending verification")).click()
    expect(page.get_by_role("heading", name="Verification queue")).to_be_visible()
    check_accessibility(page, "admin-queue")

    # Found by the credential id, in any case, among however many wait.
    page.get_by_label("Name, email or credential id").fill("kc-4242")
    page.get_by_label("Evidence").select_option(label="Has evidence")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_text("1 pending certification matching “kc-4242”, newest first.")).to_be_visible()
    check_accessibility(page, "admin-queue-search")

    page.get_by_role("link", name=THERAPIST).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"KinetaCore certification of {THERAPIST}")
    expect(page.get_by_text("KC-4242")).to_be_visible()
    evidence = page.get_by_role("img", name=re.compile("Evidence document"))
    expect(evidence).to_be_visible()
    assert evidence.evaluate("image => image.naturalWidth") > 0  # the evidence route served the image
    expect(page.get_by_role("link", name="Download kinetacore-certificate.png")).to_be_visible()
    check_accessibility(page, "admin-certification")

    page.get_by_role("button", name="Approve and verify").click()
    expect(page.get_by_text("The certification is verified, and the therapist has been told.")).to_be_visible()
    expect(page.get_by_role("link", name=THERAPIST)).to_have_count(0)
    check_accessibility(page, "admin-queue-after-approval")

    page.goto(f"/admin/certifications/{pending_certification}")
    expect(page.get_by_text("Decided:")).to_be_visible()
    expect(page.get_by_role("button", name="Approve and verify")).to_have_count(0)

    page.goto(SEARCH)
    card = page.locator(".practitioner-card", has_text=THERAPIST)
    expect(card.get_by_text("✓ Verified certification")).to_be_visible()


def test_admin_pages_fit_a_phone_in_dark_mode(phone_page, pending_certification):
    log_in_as_admin(phone_page)
    for path, name in (
        ("/admin/", "admin-dashboard-phone-dark"),
        ("/admin/certifications", "admin-queue-phone-dark"),
        (f"/admin/certifications/{pending_certification}", "admin-certification-phone-dark"),
        ("/admin/audit", "admin-audit-phone-dark"),
    ):
        phone_page.goto(path)
        assert_fits_width(phone_page)
        check_accessibility(phone_page, name)
