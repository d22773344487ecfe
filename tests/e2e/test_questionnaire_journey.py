"""A patient answers the questionnaire on a phone: ranked results with reasons, the emergency stop, the back button.

The live server's database is shared by every browser test of the session, so this module's
practitioners carry a "Quest-" prefix and live around a made-up town, Quillmere, OR, far from
the places the other journeys use.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from directory.extensions import db
from directory.services.questionnaire import clinical
from tests import factories
from tests.e2e.conftest import assert_fits_width, check_accessibility

QUILLMERE = (44.3000, -121.9000)
LUCIA, OSCAR, PAUL = "Quest-Lucía Ferrer", "Quest-Oscar Lind", "Quest-Paul Neck"


@pytest.fixture(scope="module")
def practitioners(live_server):
    """Quillmere in the gazetteer and three verified practitioners near it."""
    app = live_server[1]
    with app.app_context():
        factories.make_town("Quillmere", "OR", QUILLMERE[0], QUILLMERE[1], 12_000)
        db.session.commit()
        verified = {"verified": True, "profession": "pt", "city": "Quillmere", "region": "OR"}
        factories.make_profile(
            display_name=LUCIA,
            slug="quest-lucia-ferrer",
            latitude=44.305,
            longitude=-121.905,
            headache_types=("migraine", "tension_type"),
            languages=("en", "es"),
            modes=("in_person", "video"),
            **verified,
        )
        factories.make_profile(
            display_name=OSCAR,
            slug="quest-oscar-lind",
            latitude=44.290,
            longitude=-121.880,
            headache_types=("migraine",),
            languages=("en",),
            **verified,
        )
        factories.make_profile(
            display_name=PAUL,
            slug="quest-paul-neck",
            latitude=44.310,
            longitude=-121.920,
            headache_types=("cervicogenic",),
            languages=("en",),
            **verified,
        )


@pytest.fixture
def errors(phone_page):
    raised = []
    phone_page.on("pageerror", lambda error: raised.append(str(error)))
    return raised


def check_step(page: Page, number: int, name: str) -> None:
    expect(page.locator(".q-progress")).to_have_text(f"Step {number} of 6")
    expect(page.get_by_text(clinical.DISCLAIMER)).to_be_visible()
    assert_fits_width(page)
    check_accessibility(page, name)


def answer(page: Page, question: str, choice: str) -> None:
    """Tap one answer of the question whose legend starts with these words."""
    group = page.locator("fieldset", has=page.locator("legend", has_text=question))
    group.get_by_label(choice, exact=True).check()


def say_no_to_every_warning_sign(page: Page) -> None:
    # The script hides follow-up questions as it loads and as answers change: ask the page
    # afresh each time instead of working through a list taken once.
    page.wait_for_load_state("load")
    unanswered = page.locator('.q-question:not([hidden]) input[type=radio][value="no"]:not(:checked)')
    while unanswered.count():
        unanswered.first.check()


def continue_to(page: Page, number_or_title: str) -> None:
    page.get_by_role("button", name=re.compile("^(Continue|See my results)$")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(number_or_title)


def start(page: Page) -> None:
    page.goto("/")
    page.get_by_role("link", name="Answer a few questions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a practitioner who fits your headaches")
    page.get_by_role("link", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")


def test_a_migraine_patient_gets_ranked_practitioners_with_reasons(phone_page, practitioners, errors):
    page = phone_page
    page.goto("/questionnaire/")
    assert_fits_width(page)
    check_accessibility(page, "questionnaire-intro")
    start(page)
    check_step(page, 1, "questionnaire-1-about-you")
    page.get_by_label("How old are you?").fill("34")
    continue_to(page, "Warning signs")

    check_step(page, 2, "questionnaire-2-warning-signs")
    # Over-50 questions are not asked at 34; the injury follow-up waits for a "yes".
    expect(page.locator('input[name="giant_cell_arteritis"]')).to_have_count(0)
    follow_up = page.locator('[data-depends-on="head_injury"]')
    expect(follow_up).to_be_hidden()
    answer(page, "Did this headache start after a head injury", "Yes")
    expect(follow_up).to_be_visible()
    answer(page, "Did this headache start after a head injury", "No")
    expect(follow_up).to_be_hidden()
    say_no_to_every_warning_sign(page)
    continue_to(page, "Your headaches")

    check_step(page, 3, "questionnaire-3-headaches")
    page.get_by_label("On how many days a month do you have a headache?").fill("5")
    answer(page, "How long have your headaches come this often?", "More than a year")
    answer(page, "How many headaches like this", "10 or more")
    answer(page, "If you take nothing for it", "4 hours to 3 days")
    answer(page, "Where is the pain?", "On one side of my head")
    page.get_by_label("Throbbing or pulsing").check()
    answer(page, "How strong is the pain?", "Severe: I have to stop")
    answer(page, "Does everyday activity", "Yes")
    answer(page, "Do you feel nauseated", "Quite a lot")
    answer(page, "Does light bother you", "Yes")
    answer(page, "Does noise bother you", "Yes")
    continue_to(page, "Aura")

    check_step(page, 4, "questionnaire-4-aura")
    details = page.locator('[data-depends-on="present"]')
    expect(details).to_be_hidden()
    answer(page, "Before or during your headaches, do you get an aura", "Yes")
    expect(details).to_be_visible()
    answer(page, "Before or during your headaches, do you get an aura", "No")
    expect(details).to_be_hidden()
    continue_to(page, "Neck and medicines")

    check_step(page, 5, "questionnaire-5-neck-medicines")
    page.get_by_label("Simple painkillers").select_option("1_4")
    answer(page, "Do you have neck pain with your headaches?", "No")
    continue_to(page, "Safety and what suits you")

    check_step(page, 6, "questionnaire-6-preferences")
    page.get_by_label("I am afraid of needles").check()
    page.get_by_label("Where should we look?").fill("Quillmere, OR")
    page.get_by_text("More about what suits you (optional)").click()
    page.get_by_text("Languages you speak", exact=True).first.click()
    page.get_by_label("Spanish", exact=True).check()
    continue_to(page, "Your results")

    assert_fits_width(page)
    expect(page.get_by_text("Migraine without aura")).to_be_visible()
    expect(page.locator(".badge-confidence").first).to_have_text("likely")
    cards = page.locator(".match-card")
    expect(cards.first.locator("h3")).to_contain_text(LUCIA)
    names = cards.locator("h3").all_inner_texts()
    assert names.index(next(n for n in names if OSCAR in n)) < names.index(next(n for n in names if PAUL in n))
    first_reasons = cards.first.locator(".reasons li").all_inner_texts()
    assert "Treats migraine" in first_reasons and "Speaks Spanish" in first_reasons
    # Miles: the unit offered while the country is unknown (a US-first site), and the US one.
    assert any(re.fullmatch(r"(Under 1 mi|\d+(\.\d)? mi) away", reason) for reason in first_reasons)
    expect(cards.first.locator(".match-score")).to_contain_text(re.compile(r"Fit \d+ out of 100"))
    expect(page.get_by_text("I am afraid of needles")).to_be_visible()
    expect(page.locator("#results-map[data-markers]")).to_have_count(1)
    assert page.locator("#results-map").get_attribute("data-markers") == str(cards.count())
    expect(page.get_by_text(clinical.DISCLAIMER)).to_be_visible()
    check_accessibility(page, "questionnaire-results")
    cards.first.get_by_role("link", name=re.compile("request a consultation")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(LUCIA)
    assert errors == []


def test_a_thunderclap_headache_stops_at_the_emergency_page(phone_page, practitioners, errors):
    page = phone_page
    start(page)
    page.get_by_label("How old are you?").fill("41")
    continue_to(page, "Warning signs")
    say_no_to_every_warning_sign(page)
    answer(page, "In the past month, have you had a headache that went from nothing", "Yes")
    continue_to(page, "Please get help now")
    expect(page.get_by_text(clinical.LEVEL_MESSAGES[clinical.EMERGENCY])).to_be_visible()
    expect(page.get_by_text(clinical.DISCLAIMER)).to_be_visible()
    expect(page.locator(".practitioner-card")).to_have_count(0)
    expect(page.locator('a[href*="/search"], a[href*="/practitioners/"]')).to_have_count(0)
    assert LUCIA not in page.content()
    assert_fits_width(page)
    check_accessibility(page, "questionnaire-stop-emergency")
    # The results stay closed.
    page.goto("/questionnaire/results")
    expect(page.get_by_role("heading", level=1)).to_have_text("Please get help now")
    assert errors == []


def answer_the_first_steps(page: Page, age: str, days: str) -> None:
    """A patient who knows they have migraine, with no warning signs, up to the headache questions."""
    start(page)
    page.get_by_label("How old are you?").fill(age)
    page.get_by_label("Migraine", exact=True).check()
    continue_to(page, "Warning signs")
    say_no_to_every_warning_sign(page)
    continue_to(page, "Your headaches")
    page.get_by_label("On how many days a month do you have a headache?").fill(days)


def test_the_back_button_keeps_the_answers(page, practitioners):
    answer_the_first_steps(page, age="52", days="9")
    answer(page, "How strong is the pain?", "Moderate: it gets in the way")
    continue_to(page, "Aura")

    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your headaches")
    expect(page.get_by_label("On how many days a month do you have a headache?")).to_have_value("9")
    expect(page.get_by_label("Moderate: it gets in the way")).to_be_checked()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warning signs")
    expect(page.locator('input[name="giant_cell_arteritis"][value="no"]')).to_be_checked()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_have_text("About you")
    expect(page.get_by_label("How old are you?")).to_have_value("52")
    expect(page.get_by_label("Migraine", exact=True)).to_be_checked()
    page.go_forward()
    page.go_forward()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your headaches")
    # The page's own Back button keeps what was typed on this step, too.
    page.get_by_label("On how many days a month do you have a headache?").fill("11")
    page.get_by_role("button", name="Back").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warning signs")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_label("On how many days a month do you have a headache?")).to_have_value("11")
    check_accessibility(page, "questionnaire-3-headaches-desktop")


def test_use_my_location_looks_near_the_patient(located_page, practitioners):
    page = located_page(*QUILLMERE)
    answer_the_first_steps(page, age="38", days="4")
    continue_to(page, "Aura")
    continue_to(page, "Neck and medicines")
    continue_to(page, "Safety and what suits you")
    place = page.get_by_label("Where should we look?")
    place.fill("somewhere I will not search")
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#locate-status")).to_have_text(
        "We will look near your current location. Type a town, city or ZIP code to change it."
    )
    expect(place).to_have_value("")
    assert page.locator('input[name="latitude"]').input_value() == "44.30000"
    continue_to(page, "Your results")
    expect(page.locator(".match-card h3").first).to_contain_text("Quest-")
    check_accessibility(page, "questionnaire-results-my-location")
