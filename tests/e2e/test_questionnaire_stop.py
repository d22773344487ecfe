"""A patient with a thunderclap headache is told to get help at once, with or without JavaScript.

The warning-signs step shows the emergency advice the moment "Yes" is tapped; Continue goes
straight to the stop page, whatever is still blank; the stop page names the number of the
patient's country. Places live in the session-wide browser database: each is added only once.
"""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from directory.extensions import db
from directory.models import Place
from directory.services.questionnaire import clinical
from tests.e2e.conftest import assert_fits_width, check_accessibility

THUNDERCLAP = "In the past month, have you had a headache that went from nothing"
FEVER = "Have you had a fever or chills with this headache?"
PLACES = (
    # kind, name, region, country, postal code, latitude, longitude
    ("postal_code", "New York", "NY", "US", "10001", 40.7506, -73.9972),
    ("city", "London", None, "GB", None, 51.5085, -0.1257),
    ("city", "Sydney", None, "AU", None, -33.8679, 151.2073),
    ("city", "Madrid", None, "ES", None, 40.4165, -3.7026),
)


@pytest.fixture(scope="module")
def places(live_server):
    app = live_server[1]
    with app.app_context():
        for kind, name, region, country, postal_code, latitude, longitude in PLACES:
            known = select(Place.id).where(
                Place.search_key == name.lower(), Place.kind == kind, Place.country == country
            )
            if db.session.scalar(known) is None:
                db.session.add(
                    Place(
                        kind=kind,
                        name=name,
                        search_key=name.lower(),
                        region=region,
                        country=country,
                        postal_code=postal_code,
                        latitude=latitude,
                        longitude=longitude,
                        population=0 if postal_code else 3_000_000,
                    )
                )
        db.session.commit()


@pytest.fixture
def no_script_page(browser, base_url):
    context = browser.new_context(base_url=base_url, viewport={"width": 390, "height": 844}, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def errors(phone_page):
    raised = []
    phone_page.on("pageerror", lambda error: raised.append(str(error)))
    return raised


def answer(page: Page, question: str, choice: str) -> None:
    group = page.locator("fieldset", has=page.locator("legend", has_text=question))
    group.get_by_label(choice, exact=True).check()


def to_warning_signs(page: Page, place: str | None = None) -> None:
    page.goto("/questionnaire/step/1")
    page.get_by_label("How old are you?").fill("41")
    if place:
        page.get_by_label("Where are you?").fill(place)
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warning signs")


def test_yes_to_a_thunderclap_shows_the_advice_at_once_and_continue_stops(phone_page, errors):
    page = phone_page
    to_warning_signs(page)
    advice = page.locator('[data-advice="emergency"]')
    expect(advice).to_be_hidden()
    answer(page, THUNDERCLAP, "Yes")
    expect(advice).to_be_visible()
    expect(advice).to_contain_text(clinical.LEVEL_MESSAGES[clinical.EMERGENCY])
    # Under the answer, inside the live region that announces it.
    assert page.evaluate("""() => {
        const advice = document.getElementById('q-advice');
        const question = document.querySelector('[data-level] input[name="thunderclap"]').closest('.q-question');
        return advice.getAttribute('aria-live') === 'assertive' && question.nextElementSibling === advice;
    }""")
    expect(advice.locator('a[href="tel:911"]')).to_be_visible()  # the general list, no place given
    assert_fits_width(page)
    check_accessibility(page, "questionnaire-2-emergency-advice")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Please get help now")
    expect(page.locator(".practitioner-card")).to_have_count(0)
    check_accessibility(page, "questionnaire-stop-at-once")
    assert errors == []


def test_the_advice_follows_the_strongest_answer(phone_page, errors):
    page = phone_page
    to_warning_signs(page)
    today, now = page.locator('[data-advice="today"]'), page.locator('[data-advice="emergency"]')
    answer(page, FEVER, "Not sure")
    expect(today).to_be_visible()
    expect(today).to_contain_text(clinical.LEVEL_MESSAGES[clinical.TODAY])
    answer(page, THUNDERCLAP, "Not sure")
    expect(now).to_be_visible()
    expect(today).to_be_hidden()
    answer(page, THUNDERCLAP, "No")
    expect(today).to_be_visible()
    answer(page, FEVER, "No")
    expect(today).to_be_hidden()
    expect(now).to_be_hidden()
    answer(page, FEVER, "Yes")
    today.get_by_role("button", name="See what to do now").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Please see a doctor today")
    assert errors == []


def test_without_javascript_continue_goes_straight_to_the_stop_page(no_script_page):
    page = no_script_page
    to_warning_signs(page)
    answer(page, THUNDERCLAP, "Yes")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Please get help now")
    expect(page.get_by_text(clinical.LEVEL_MESSAGES[clinical.EMERGENCY])).to_be_visible()
    # (axe needs script: these pages are checked with it in the tests above.)
    # Back at the questions, the advice is there already and the answer kept.
    page.get_by_role("link", name="Go back to the questions").click()
    expect(page.locator('[data-advice="emergency"]')).to_be_visible()
    expect(page.locator('input[name="thunderclap"][value="yes"]')).to_be_checked()


@pytest.mark.parametrize("context", ["phone_page", "no_script_page"])
def test_none_of_these_apply_gets_through_the_step_in_one_action(request, context):
    page = request.getfixturevalue(context)
    to_warning_signs(page)
    answer(page, "Have you ever had cancer?", "Yes")
    page.get_by_role("button", name="None of these apply to me").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your headaches")
    page.get_by_role("button", name="Back").click()
    expect(page.locator('input[name="cancer_history"][value="yes"]')).to_be_checked()
    expect(page.locator('input[name="fever"][value="no"]')).to_be_checked()


@pytest.mark.parametrize(
    ("place", "number"), [("10001", "911"), ("London", "999"), ("Sydney", "000"), ("Madrid", "112")]
)
def test_the_stop_page_names_the_number_of_the_patients_country(page, places, place, number):
    to_warning_signs(page, place)
    answer(page, THUNDERCLAP, "Yes")
    expect(page.locator('[data-advice="emergency"] .stop-call')).to_contain_text(f"To get help now, call {number}")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Please get help now")
    call = page.locator(".stop .stop-call")
    expect(call).to_contain_text(re.compile(rf"^To get help now, call {number}\b"))
    expect(call.get_by_role("link", name=number, exact=True)).to_have_attribute("href", f"tel:{number}")
    expect(page.locator(".site-footer")).to_contain_text(f"in an emergency call {number}")
    expect(page.locator(".site-footer")).not_to_contain_text("your local emergency number")
    check_accessibility(page, f"questionnaire-stop-{number}")


def test_an_unknown_place_does_not_block_and_the_general_list_shows(page, places):
    to_warning_signs(page, "Atlantis under the sea")
    expect(page.get_by_text("We could not find the place you typed")).to_be_visible()
    answer(page, THUNDERCLAP, "Yes")
    page.get_by_role("button", name="Continue").click()
    call = page.locator(".stop .stop-call")
    expect(call).to_contain_text("call your local emergency number: 911 in the US and Canada, 999 or 112 in the UK")
    check_accessibility(page, "questionnaire-stop-general-list")
