"""Phone first, desktop too: the first result in the first screen, the Filters panel, List / Map, the profile's
request in reach, single checkboxes on one line, the menu, the home page's place box, the questionnaire's
disclaimer near the top and the stop page's tap-to-call number.

Each test runs at phone size (390 x 844, dark) and desktop size (1366 x 900, light), with axe on each page.
The live server's database is shared by every browser test of the session, so this module's practitioners
carry a "Layout-" prefix and live around a made-up town, Lanternfield, NE, far from the other journeys' places.
"""

import re
from datetime import UTC, datetime
from typing import NamedTuple
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import select

from directory.extensions import db
from directory.models import Notice, QuestionnaireResponse, Role, User
from directory.services.questionnaire import clinical
from tests import factories
from tests.e2e.conftest import assert_fits_width, check_accessibility

TOWN = "Lanternfield, NE"
SEARCH = "/search?q=Lanternfield%2C+NE"
LANTERNFIELD = (41.2000, -98.7000)
PROFILE = "/practitioners/layout-ines-moreau"
INES = "Layout-Inès Moreau"
PATIENT, THERAPIST = "layout.patient@example.com", "layout.therapist@example.com"
REVIEWS = (
    "Listened first, needled second. My neck-related headaches are down to one a week.",
    "Clear about what dry needling can and cannot do for migraine. No pressure at all.",
    "The clinic is quiet and dim, which helps when a migraine is brewing.",
    "Explained every step; the soreness after the first session faded within a day.",
    "Booked me in the same week and sent exercises to do at home.",
    "Careful with my blood-thinner question and checked with my doctor first.",
)

SCREENS = {
    "phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "color_scheme": "dark"},
    "desktop": {"viewport": {"width": 1366, "height": 900}, "color_scheme": "light"},
}


class Screen(NamedTuple):
    size: str
    page: Page

    @property
    def height(self) -> int:
        return SCREENS[self.size]["viewport"]["height"]


@pytest.fixture(params=list(SCREENS))
def screen(request, browser, base_url):
    """A fresh browser at phone or desktop size."""
    context = browser.new_context(base_url=base_url, **SCREENS[request.param])
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield Screen(request.param, page)
    context.close()


@pytest.fixture(scope="module")
def layout_data(live_server):
    """Lanternfield, five practitioners near it (one with a long page of reviews), a patient with saved answers."""
    app = live_server[1]
    with app.app_context():
        factories.make_town("Lanternfield", "NE", LANTERNFIELD[0], LANTERNFIELD[1], 7_000)
        db.session.commit()
        therapist = factories.make_user(Role.THERAPIST, email=THERAPIST, name="Inès")
        near = {"verified": True, "profession": "pt", "city": "Lanternfield", "region": "NE"}
        ines = factories.make_profile(
            user=therapist,
            display_name=INES,
            slug="layout-ines-moreau",
            latitude=41.2050,
            longitude=-98.7050,
            headache_types=("migraine", "tension_type", "cervicogenic"),
            languages=("en", "es", "fr"),
            modes=("in_person", "video"),
            slots=((0, 8 * 60, 12 * 60), (2, 13 * 60, 18 * 60), (4, 9 * 60, 15 * 60)),
            clinic_name="Lanternfield Headache & Neck Clinic",
            street="14 Prairie Lane",
            postal_code="68801",
            phone="+1 308 555 0142",
            fee_min=95,
            fee_max=140,
            session_minutes=50,
            bio="I treat tension-type and neck-related headaches with dry needling, exercise and advice.\n\n" * 3,
            **near,
        )
        for index, text in enumerate(REVIEWS):
            factories.make_review(ines, rating=5 - index % 2, text=text)
        for index, name in enumerate(("Jonas Berg", "Kai Okafor", "Lena Ruiz", "Milo Hart")):
            factories.make_profile(
                display_name=f"Layout-{name}",
                slug=f"layout-{name.lower().replace(' ', '-')}",
                latitude=41.21 + index * 0.01,
                longitude=-98.71,
                headache_types=("migraine",),
                languages=("en", "es"),
                fee_min=80,
                fee_max=120,
                **near,
            )
        patient = factories.make_user(Role.PATIENT, email=PATIENT, name="Noor")
        answers = {"age": 38, "red_flags": {}, "needling_safety": ["blood_thinners"]}
        db.session.add(
            QuestionnaireResponse(
                token="l" * 43,
                answers=answers,
                assessment=clinical.to_api_dict(clinical.assess(answers)),
                user_id=patient.id,
            )
        )
        db.session.commit()


def box(locator: Locator) -> dict:
    found = locator.bounding_box()
    assert found is not None, f"{locator} has no box"
    return found


def within_screen(screen: Screen, locator: Locator) -> bool:
    """Whether the element is wholly inside the browser's window as it is scrolled now."""
    where = box(locator)
    return where["y"] >= 0 and where["y"] + where["height"] <= screen.height


def beside(check: Locator, label: Locator) -> None:
    """The box left of its label on the same line: side by side, overlapping vertically."""
    square, text = box(check), box(label)
    assert square["x"] + square["width"] <= text["x"], (square, text)
    assert square["y"] < text["y"] + text["height"] and text["y"] < square["y"] + square["height"], (square, text)
    # The box sits on the label's first line, not beside a later one.
    assert abs(square["y"] - text["y"]) < 16, (square, text)


def log_in(page: Page, email: str) -> None:
    page.goto("/auth/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_label("Password")).to_have_count(0)


def open_filters(page: Page) -> None:
    page.locator("details.filters > summary").click()
    expect(page.locator("details.filters")).to_have_attribute("open", "")


# -- search --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_filters", [False, True], ids=["no-filters", "filters"])
def test_after_a_search_the_first_result_is_in_the_first_screen(screen, layout_data, with_filters):
    page = screen.page
    page.goto("/search")
    page.get_by_label("Town, city or ZIP code").fill(TOWN)
    if with_filters:
        open_filters(page)
        page.get_by_role("checkbox", name="Migraine").check()
        page.get_by_label("Speaks").select_option(label="Spanish")
        page.get_by_role("checkbox", name="Accepting new patients").check()
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-heading")).to_have_text("5 practitioners within 15 miles of Lanternfield, NE, US")
    assert page.evaluate("window.scrollY") == 0
    first = page.locator(".practitioner-card").first
    # The card starts in the first screen, its name readable there.
    assert within_screen(screen, first.locator("h3")), box(first)
    assert box(first)["y"] < screen.height - 150
    if with_filters:
        expect(page.locator("details.filters > summary")).to_have_text("Filters (3)")
    assert_fits_width(page)
    check_accessibility(page, f"layout-search-{screen.size}-{'filters' if with_filters else 'plain'}")


def test_filters_shows_the_count_opens_and_clears_to_the_place(screen, layout_data):
    page = screen.page
    page.goto(f"{SEARCH}&headache=migraine&language=es&sort=rating")
    summary = page.locator("details.filters > summary")
    expect(summary).to_have_text("Filters (2)")
    expect(page.locator("details.filters")).not_to_have_attribute("open", "")
    expect(page.get_by_label("Speaks")).to_be_hidden()

    summary.click()
    expect(page.get_by_role("checkbox", name="Migraine")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Migraine")).to_be_checked()
    expect(page.get_by_label("Speaks")).to_have_value("es")
    check_accessibility(page, f"layout-filters-open-{screen.size}")

    page.locator(".filter-panel").get_by_role("link", name="Clear filters").click()
    assert parse_qs(urlsplit(page.url).query) == {"q": [TOWN]}
    expect(summary).to_have_text("Filters")
    expect(page.get_by_role("link", name="Clear filters")).to_have_count(0)


def test_list_first_and_a_map_switch_on_a_phone(screen, layout_data):
    page = screen.page
    page.goto(SEARCH)
    results_map = page.locator("#results-map")
    cards = page.locator(".practitioner-card")
    expect(page.locator("#results-map[data-markers='5']")).to_have_count(1)
    if screen.size == "desktop":
        # Side by side, no switch.
        expect(page.get_by_role("group", name="Show the results as")).to_be_hidden()
        expect(results_map).to_be_visible()
        assert box(results_map)["x"] > box(cards.first)["x"] + box(cards.first)["width"]
        return
    switch = page.get_by_role("group", name="Show the results as")
    expect(switch).to_be_visible()
    expect(switch.get_by_role("button", name="List")).to_have_attribute("aria-pressed", "true")
    expect(cards.first).to_be_visible()
    expect(results_map).to_be_hidden()

    switch.get_by_role("button", name="Map").click()
    expect(results_map).to_be_visible()
    expect(cards.first).to_be_hidden()
    expect(switch.get_by_role("button", name="Map")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#results-map .map-pin")).to_have_count(5)
    assert within_screen(screen, page.locator("#results-map .map-pin").first)
    check_accessibility(page, "layout-search-map-phone")

    switch.get_by_role("button", name="List").click()
    expect(cards.first).to_be_visible()
    expect(results_map).to_be_hidden()


@pytest.mark.parametrize("width", [390, 1366])
def test_without_script_one_search_button_sends_the_sort_and_the_list_comes_first(
    browser, base_url, layout_data, width
):
    context = browser.new_context(
        base_url=base_url, viewport={"width": width, "height": 844}, java_script_enabled=False
    )
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(SEARCH)
        submits = page.locator('#search-form button[type="submit"], button[type="submit"][form="search-form"]')
        expect(submits).to_have_count(1)
        expect(page.locator("#results-map")).to_be_hidden()  # nothing to draw it
        expect(page.get_by_role("group", name="Show the results as")).to_be_hidden()
        names = page.locator(".practitioner-card h3")
        expect(names.first).to_have_text(INES)
        page.get_by_label("Sort by").select_option(label="Most experienced")
        assert "sort=" not in page.url
        page.get_by_role("button", name="Search", exact=True).click()
        assert parse_qs(urlsplit(page.url).query)["sort"] == ["experience"]
        expect(page.get_by_label("Sort by")).to_have_value("experience")
        # The panel is a <details>: it opens without script too.
        open_filters(page)
        expect(page.get_by_role("checkbox", name="Migraine")).to_be_visible()
    finally:
        context.close()


# -- profile -------------------------------------------------------------------------------------------------


def test_the_profile_keeps_its_contact_and_request_in_reach(screen, layout_data):
    page = screen.page
    page.goto(PROFILE)
    expect(page.get_by_role("heading", level=1)).to_have_text(INES)
    action = page.get_by_role("link", name="Log in to request a consultation")
    expect(action).to_have_count(1)
    facts = page.locator(".key-facts")
    expect(facts).to_contain_text("14 Prairie Lane")
    expect(facts.get_by_role("link", name="+1 308 555 0142")).to_have_attribute("href", "tel:+13085550142")
    expect(facts).to_contain_text("$95–140 per session for 50 minutes")
    # Without scrolling: the address, phone and fee, and the request, neither over the other.
    assert page.evaluate("window.scrollY") == 0
    assert within_screen(screen, facts)
    assert within_screen(screen, action)
    if screen.size == "phone":  # the request is a bar at the bottom of the screen, below the facts
        assert box(facts)["y"] + box(facts)["height"] <= box(page.locator("#request-consultation"))["y"]
    check_accessibility(page, f"layout-profile-{screen.size}")

    # Halfway down, among the reviews: still in reach.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight / 2)")
    assert page.evaluate("window.scrollY") > 300
    assert within_screen(screen, action)

    # At the end it rests above the footer: the emergency text and the last of the page are never under it.
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    assert within_screen(screen, action)
    card = box(page.locator("#request-consultation"))
    footer = box(page.locator(".site-footer .disclaimer"))
    assert card["y"] + card["height"] <= footer["y"]
    assert within_screen(screen, page.locator(".site-footer .emergency-number").first)
    if screen.size == "phone":
        last_review = box(page.locator(".review").last)
        assert last_review["y"] + last_review["height"] <= card["y"]
    assert_fits_width(page)

    action.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Log in")


# -- single checkboxes and the consultation form's legend ------------------------------------------------------


def test_single_checkboxes_sit_on_one_line_with_their_labels(screen, layout_data):
    page = screen.page
    page.goto("/auth/login")
    beside(page.get_by_role("checkbox", name="Keep me logged in on this device"), page.locator('label[for="remember"]'))

    page.goto(SEARCH)
    open_filters(page)
    beside(page.get_by_role("checkbox", name="Accepting new patients"), page.locator('label[for="accepting"]'))

    log_in(page, PATIENT)
    page.goto(PROFILE)
    page.get_by_role("link", name="Request a first consultation").click()
    consent = page.get_by_role("checkbox", name="Share a summary of my questionnaire answers with this practitioner")
    beside(consent, page.locator('label[for="share_answers"]'))
    # Every legend stays inside its box: a long one wraps within the border, never across it.
    for group in page.locator("fieldset.field-group").all():
        legend, border = box(group.locator("legend")), box(group)
        assert legend["y"] > border["y"] + 1 and legend["x"] > border["x"], (legend, border)
        assert legend["x"] + legend["width"] <= border["x"] + border["width"]
    check_accessibility(page, f"layout-consultation-form-{screen.size}")

    page.context.clear_cookies()
    log_in(page, THERAPIST)
    page.goto("/therapist/profile")
    accepting = page.get_by_role("checkbox", name=re.compile("accepting new patients", re.IGNORECASE))
    beside(accepting, page.locator(f'label[for="{accepting.get_attribute("id")}"]'))


# -- navigation ----------------------------------------------------------------------------------------------


def test_the_navigation_is_one_line_and_the_menu_opens(screen, layout_data):
    page = screen.page
    page.goto("/")
    navigation = page.get_by_role("navigation", name="Main")
    header = box(page.locator(".site-header"))
    assert header["height"] <= 80, header
    menu = navigation.locator("summary", has_text="Menu")
    links = navigation.get_by_role("link", name="Find a practitioner")
    if screen.size == "desktop":
        expect(menu).to_be_hidden()
        expect(links).to_be_visible()
        tops = {round(box(item)["y"]) for item in navigation.locator(".nav-links > li").all()}
        assert len(tops) == 1, tops
        return
    brand = box(navigation.get_by_role("link", name="Needle & Nerve"))
    button = box(menu)
    assert abs((brand["y"] + brand["height"] / 2) - (button["y"] + button["height"] / 2)) < 6
    expect(links).to_be_hidden()
    # The keyboard opens it (the summary is a real button), with a visible focus ring.
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid", outline
    page.keyboard.press("Enter")
    expect(links).to_be_visible()
    expect(navigation.get_by_role("link", name="Sign up")).to_be_visible()
    assert header["height"] == box(page.locator(".site-header"))["height"]  # it opens over the page
    check_accessibility(page, "layout-menu-open-phone")
    # Escape closes it and gives the focus back to its button.
    page.keyboard.press("Escape")
    expect(links).to_be_hidden()
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"
    page.keyboard.press("Enter")
    links.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a dry-needling practitioner")


# -- home page -----------------------------------------------------------------------------------------------


def test_the_home_page_place_box_searches(screen, layout_data):
    page = screen.page
    page.goto("/")
    place = page.get_by_role("search", name="Find a practitioner near you").get_by_label("Town, city or ZIP code")
    assert within_screen(screen, place)
    check_accessibility(page, f"layout-home-{screen.size}")
    place.fill(TOWN)
    place.press("Enter")
    expect(page.locator("#results-heading")).to_have_text("5 practitioners within 15 miles of Lanternfield, NE, US")
    page.goto("/")
    page.get_by_label("Town, city or ZIP code").fill(TOWN)
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_label("Town, city or ZIP code")).to_have_value(TOWN)
    assert within_screen(screen, page.locator(".practitioner-card h3").first)


# -- questionnaire -------------------------------------------------------------------------------------------


def expect_disclaimer_near_the_top(screen: Screen, name: str) -> None:
    note = screen.page.locator(".q-disclaimer")
    expect(note).to_contain_text(clinical.DISCLAIMER)
    where = box(note)
    assert where["y"] < 200 and within_screen(screen, note), (name, where)


def test_the_disclaimer_is_near_the_top_of_every_step(screen, layout_data):
    page = screen.page
    page.goto("/questionnaire/")
    expect_disclaimer_near_the_top(screen, "introduction")
    page.get_by_role("link", name="Start").click()
    for number in range(1, 7):
        expect(page.locator(".q-progress")).to_have_text(f"Step {number} of 6")
        expect_disclaimer_near_the_top(screen, f"step {number}")
        if number == 1:
            page.get_by_label("How old are you?").fill("38")
            page.get_by_label("Where are you?").fill(TOWN)
        if number == 2:
            page.get_by_role("button", name="None of these apply to me").click()
        elif number < 6:
            page.get_by_role("button", name="Continue").click()
    check_accessibility(page, f"layout-questionnaire-step-6-{screen.size}")


def test_the_stop_page_number_is_a_tap_to_call_link(screen, layout_data):
    page = screen.page
    page.goto("/questionnaire/step/1")
    page.get_by_label("How old are you?").fill("41")
    page.get_by_label("Where are you?").fill(TOWN)
    page.get_by_role("button", name="Continue").click()
    group = page.locator("fieldset", has=page.locator("legend", has_text="In the past month, have you had a headache"))
    group.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Please get help now")
    call = page.get_by_role("link", name="Call 911")
    expect(call).to_have_attribute("href", "tel:911")
    assert within_screen(screen, call)
    expect(page.locator(".stop .stop-call").get_by_role("link", name="911", exact=True)).to_have_attribute(
        "href", "tel:911"
    )
    # The advice comes first here; the disclaimer still shows, after it.
    expect(page.locator(".q-disclaimer")).to_contain_text(clinical.DISCLAIMER)
    assert box(page.locator(".q-disclaimer"))["y"] > box(call)["y"]
    assert_fits_width(page)
    check_accessibility(page, f"layout-stop-{screen.size}")


# -- times ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("zone", "shown"), [("America/Los_Angeles", "Dec 1, 2026"), ("Europe/Madrid", "Dec 2, 2026")], ids=["la", "madrid"]
)
def test_a_notice_is_dated_in_the_viewers_own_zone(browser, base_url, layout_data, site_app, zone, shown):
    # 03:15 UTC on 2 December is still 1 December in Los Angeles (19:15) and 2 December in Madrid (04:15).
    with site_app.app_context():
        patient = db.session.scalar(select(User).where(User.email == PATIENT))
        db.session.add(
            Notice(
                user_id=patient.id,
                message=f"Layout notice in {zone}",
                created_at=datetime(2026, 12, 2, 3, 15, tzinfo=UTC),
            )
        )
        db.session.commit()
    context = browser.new_context(base_url=base_url, timezone_id=zone, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        log_in(page, PATIENT)
        page.goto("/account/")
        notice = page.locator("li", has_text=f"Layout notice in {zone}")
        expect(notice.locator("time")).to_have_text(shown)
        check_accessibility(page, f"layout-notice-{zone.split('/')[1].lower()}")
    finally:
        context.close()
