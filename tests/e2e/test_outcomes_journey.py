"""Outcomes on profiles in the browser: a profile with figures and one without, and a patient giving their consent."""

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from directory.extensions import db
from directory.models import Role
from directory.services.outcomes import refresh
from tests import factories
from tests.e2e.conftest import assert_fits_width, check_accessibility
from tests.e2e.test_diary_journey import log_in, open_menu_link

HEADING = "How patients fared, from their headache diaries"


@pytest.fixture
def practices(site_app, request):
    """One practitioner with 25 evaluable consenting patients, one with 24; and a patient who may consent."""
    tag = request.node.name.replace("_", "-")[-24:]
    started = date.today() - timedelta(days=100)
    with site_app.app_context():
        shown = factories.make_profile(verified=True, display_name=f"Counted Physio {tag}", slug=f"counted-{tag}")
        hidden = factories.make_profile(verified=True, display_name=f"Quiet Physio {tag}", slug=f"quiet-{tag}")
        for n in range(25):
            factories.make_outcome_patient(shown, started, 2, 4 if n % 2 else 2)
        for n in range(24):
            factories.make_outcome_patient(hidden, started, 2, 4 if n % 2 else 2)
        patient = factories.make_user(Role.PATIENT, email=f"consent-{tag}@example.com", name="Jo")
        factories.make_completed_consultation(patient, hidden)
        refresh.refresh()
        db.session.commit()
        return {
            "shown": shown.slug,
            "hidden": hidden.slug,
            "hidden_name": hidden.display_name,
            "patient": patient.email,
        }


def test_a_profile_shows_figures_with_context_only_from_25_evaluable_patients(phone_page, practices):
    page = phone_page
    page.goto(f"/practitioners/{practices['shown']}")
    section = page.get_by_role("region", name=HEADING)
    expect(section).to_be_visible()
    expect(section.get_by_text("There is no control group")).to_be_visible()
    expect(section.get_by_text("about a quarter of patients are")).to_be_visible()
    expect(section.get_by_text("Change in headache days a month (median)")).to_be_visible()
    expect(section.get_by_text("95 % interval").first).to_be_visible()
    check_accessibility(page, "profile-with-outcomes")
    assert_fits_width(page)
    page.goto(f"/practitioners/{practices['hidden']}")
    expect(page.get_by_role("heading", name="Reviews")).to_be_visible()
    expect(page.get_by_role("heading", name=HEADING)).to_have_count(0)
    assert "kept a diary" not in page.content() and "outcome" not in page.inner_text("main").lower()
    check_accessibility(page, "profile-without-outcomes")


def test_a_patient_counts_their_result_and_stops_again(phone_page, practices):
    page = phone_page
    log_in(page, practices["patient"])
    open_menu_link(page, "link", "My diary")
    page.get_by_role("link", name="Count my anonymous result toward a practitioner's outcome figures").click()
    expect(page.get_by_role("heading", name="Count my anonymous result")).to_be_visible()
    expect(page.get_by_text("Does not count")).to_be_visible()
    check_accessibility(page, "outcome-consent")
    page.get_by_role(
        "button", name=f"Count my anonymous result toward {practices['hidden_name']}'s outcome figures"
    ).click()
    expect(page.get_by_text("They are not told who counts")).to_be_visible()
    expect(page.get_by_text("Counts", exact=True)).to_be_visible()
    page.get_by_role("button", name=f"Stop counting my result for {practices['hidden_name']}").click()
    expect(page.get_by_text("taken out of that practitioner's figures at the next nightly update")).to_be_visible()
    assert_fits_width(page)
