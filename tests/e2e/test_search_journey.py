"""A patient searches for practitioners: by ZIP code, city, their location; filters, sorts, maps, profiles.

The live server's database is shared by every browser test of the session, so this module's
practitioners carry a "Search-" prefix and live around Boulder, CO, Springfield and a made-up
town in Wyoming, far from the New York profiles the other journeys create; exact lists are
asserted only there.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from directory.extensions import db
from directory.models import Place
from tests import factories
from tests.e2e.conftest import assert_fits_width, check_accessibility

PLACES = [
    # kind, name, region, postal code, latitude, longitude, population
    ("city", "New York", "NY", None, 40.7128, -74.0060, 8_000_000),
    ("postal_code", "New York", "NY", "10001", 40.7506, -73.9972, 0),
    ("city", "Boulder", "CO", None, 40.01499, -105.27055, 108_000),
    ("postal_code", "Boulder", "CO", "80302", 40.0381, -105.3172, 0),
    ("city", "Springfield", "IL", None, 39.8017, -89.6437, 114_000),
    ("city", "Springfield", "MA", None, 42.1015, -72.5898, 154_000),
    ("city", "Springfield", "MO", None, 37.2153, -93.2982, 170_000),
    ("city", "Fernhollow", "WY", None, 43.0000, -108.0000, 2_000),
    ("city", "Larkspur Flats", "WY", None, 44.5000, -107.0000, 1_500),
]
# Larkspur Flats, WY: practices whose fees straddle $150 (name, lowest fee, highest fee).
FEE_PRACTICES = [
    ("Search-Fee 130-180", 130, 180),
    ("Search-Fee 90-150", 90, 150),
    ("Search-Fee 150", 150, None),
    ("Search-Fee 60-151", 60, 151),
    ("Search-Fee unknown", None, None),
]

# Around Boulder, nearest first from the city centre; every one has 10 reviews, so the
# Bayesian order is the order of the totals whatever the site's mean rating is.
ALMA, BRUNO, CHIARA, DEV = "Search-Alma Reyes", "Search-Bruno Keller", "Search-Chiara Dunn", "Search-Dev Patel"
BOULDER_BY_DISTANCE = [ALMA, BRUNO, CHIARA, DEV]
BOULDER_BY_RATING = [DEV, ALMA, CHIARA, BRUNO]
PAGE_NAMES = [f"Search-Page {n:02d}" for n in range(1, 24)]


def _add_place(kind, name, region, postal_code, latitude, longitude, population):
    """Insert a gazetteer row unless another test already did (a duplicate city would be ambiguous)."""
    exists = db.session.scalar(
        select(Place.id).where(
            Place.kind == kind, Place.name == name, Place.region == region, Place.postal_code == postal_code
        )
    )
    if exists is None:
        db.session.add(
            Place(
                kind=kind,
                name=name,
                search_key=name.lower(),
                postal_code=postal_code,
                region=region,
                country="US",
                latitude=latitude,
                longitude=longitude,
                population=population,
            )
        )


@pytest.fixture(scope="module")
def directory_data(live_server):
    """The places and this module's practitioners, in the live server's database."""
    app = live_server[1]
    with app.app_context():
        for row in PLACES:
            _add_place(*row)
        db.session.commit()
        boulder = {"verified": True, "review_count": 10, "profession": "pt", "city": "Boulder", "region": "CO"}
        factories.make_profile(
            display_name=ALMA,
            slug="search-alma-reyes",
            latitude=40.0176,
            longitude=-105.2797,
            headache_types=("migraine", "tension_type"),
            languages=("en", "es"),
            rating_total=48,
            fee_min=80,
            fee_max=120,
            bio="Gentle needling for migraine.",
            **boulder,
        )
        factories.make_profile(
            display_name=BRUNO,
            slug="search-bruno-keller",
            latitude=40.0300,
            longitude=-105.2500,
            headache_types=("migraine", "cervicogenic"),
            languages=("en", "de"),
            rating_total=42,
            **boulder,
        )
        factories.make_profile(
            display_name=CHIARA,
            slug="search-chiara-dunn",
            latitude=39.9900,
            longitude=-105.2500,
            headache_types=("tension_type",),
            languages=("en", "es"),
            rating_total=45,
            **boulder,
        )
        factories.make_profile(
            display_name=DEV,
            slug="search-dev-patel",
            latitude=40.0500,
            longitude=-105.2000,
            headache_types=("migraine",),
            languages=("en", "es", "hi"),
            rating_total=49,
            **boulder,
        )
        factories.make_profile(
            display_name="Search-Unverified Eve",
            slug="search-unverified-eve",
            latitude=40.02,
            longitude=-105.27,
            headache_types=("migraine",),
            languages=("es",),
            verified=False,
        )
        factories.make_profile(
            display_name="Search-Denver Fiona",
            slug="search-denver-fiona",
            latitude=39.7392,
            longitude=-104.9903,
            headache_types=("migraine",),
            languages=("es",),
            verified=True,
        )
        factories.make_profile(
            display_name="Search-Nora Quinn",
            slug="search-nora-quinn",
            latitude=40.7484,
            longitude=-73.9857,
            verified=True,
            languages=("en", "fr"),
        )
        factories.make_profile(
            display_name="Search-Unverified Uma",
            slug="search-unverified-uma",
            latitude=40.7490,
            longitude=-73.9860,
            verified=False,
        )
        factories.make_profile(
            display_name="Search-Ozark Owen",
            slug="search-ozark-owen",
            latitude=37.2100,
            longitude=-93.2900,
            verified=True,
            headache_types=("migraine",),
        )
        factories.make_profile(
            display_name="Search-Lincoln Lia",
            slug="search-lincoln-lia",
            latitude=39.8000,
            longitude=-89.6400,
            verified=True,
            headache_types=("migraine",),
        )
        # Fernhollow, WY: 23 practitioners treating cluster headache, one per year of experience,
        # and one more experienced who does not treat it (first if the filter were lost).
        for index, name in enumerate(PAGE_NAMES):
            factories.make_profile(
                display_name=name,
                slug=f"search-page-{index + 1:02d}",
                verified=True,
                latitude=43.0 + index * 0.002,
                longitude=-108.0,
                headache_types=("cluster",),
                practising_since=1990 + index,
            )
        for index, (name, low, high) in enumerate(FEE_PRACTICES):
            factories.make_profile(
                display_name=name,
                slug=f"search-fee-{index}",
                verified=True,
                latitude=44.5 + index * 0.002,
                longitude=-107.0,
                fee_min=low,
                fee_max=high,
            )
        factories.make_profile(
            display_name="Search-Page Other",
            slug="search-page-other",
            latitude=43.001,
            longitude=-108.001,
            verified=True,
            headache_types=("tension_type",),
            practising_since=1980,
        )


@pytest.fixture
def errors(page):
    """JavaScript errors raised on the page during the test (tiles failing to load are not errors)."""
    raised = []
    page.on("pageerror", lambda error: raised.append(str(error)))
    return raised


def card_names(page: Page) -> list[str]:
    return page.locator(".practitioner-card h3").all_inner_texts()


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def search_for(page: Page, place: str) -> None:
    page.goto("/search")
    page.get_by_label("Town, city or ZIP code").fill(place)
    page.get_by_role("button", name="Search", exact=True).click()


def wait_for_markers(page: Page) -> int:
    """Wait for the map script to place its markers; the number it placed."""
    results_map = page.locator("#results-map[data-markers]")
    expect(results_map).to_have_count(1)
    return int(results_map.get_attribute("data-markers"))


def test_search_form_then_search_by_zip_code(page, directory_data, errors):
    page.goto("/search")
    expect(page.get_by_role("heading", level=1)).to_have_text("Find a dry-needling practitioner")
    expect(page.locator(".practitioner-card")).to_have_count(0)
    check_accessibility(page, "search-form")

    page.get_by_label("Town, city or ZIP code").fill("80302")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-heading")).to_have_text("4 practitioners within 15 miles of 80302 Boulder, CO")
    assert card_names(page) == BOULDER_BY_DISTANCE
    alma = page.locator(".practitioner-card").first
    expect(alma).to_contain_text("2.4 mi away")
    expect(alma).to_contain_text("✓ Verified certification")
    expect(alma).to_contain_text("Migraine, Tension-type headache")
    expect(alma).to_contain_text("English, Spanish")
    expect(alma).to_contain_text("$80–120 per session")
    expect(alma).to_contain_text("from 10 reviews")
    assert query_of(page)["q"] == ["80302"]
    assert wait_for_markers(page) == 4
    check_accessibility(page, "search-results")

    # Miles by default in the US; switched to km on the form, and remembered for the next search.
    open_filters(page)
    page.get_by_label("Unit").select_option("km")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-heading")).to_have_text("4 practitioners within 15 km of 80302 Boulder, CO")
    # The empty form now offers km, with the km default distance.
    search_for(page, "10001")
    expect(page.locator("#results-heading")).to_contain_text("within 25 km of 10001 New York, NY")
    nora = page.locator(".practitioner-card", has_text="Search-Nora Quinn")
    expect(nora).to_have_count(1)
    expect(nora).to_contain_text("English, French")
    expect(page.locator(".practitioner-card", has_text="Search-Unverified Uma")).to_have_count(0)
    assert errors == []


def test_search_by_city_shows_a_marker_per_card(page, directory_data, errors):
    search_for(page, "Boulder, CO")
    expect(page.locator("#results-heading")).to_have_text("4 practitioners within 15 miles of Boulder, CO, US")
    assert card_names(page) == BOULDER_BY_DISTANCE
    assert wait_for_markers(page) == 4
    # Numbered pins, as the cards are numbered, and one more pin for the searched place.
    pins = page.locator("#results-map .map-pin")
    expect(pins).to_have_count(4)
    expect(pins.first).to_have_attribute("title", f"1. {ALMA}")
    expect(pins.nth(1)).to_have_text("2")
    expect(page.locator(".practitioner-card").nth(1).locator(".pin-number")).to_have_text("2")
    expect(page.locator("#results-map .map-place")).to_have_count(1)
    expect(page.locator("#results-map .map-place")).to_have_attribute("title", "Searched place: Boulder, CO, US")

    pins.nth(1).click()
    popup_link = page.locator("#results-map .leaflet-popup-content a")
    expect(popup_link).to_have_text(f"2. {BRUNO}")
    popup_link.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(BRUNO)
    # No tile can load on this machine: the list and the markers do not depend on them.
    assert errors == []


def open_filters(page: Page) -> None:
    """Open the search form's "Filters (n)" panel."""
    page.locator("details.filters > summary").click()
    expect(page.locator("details.filters")).to_have_attribute("open", "")


def test_filters_and_rating_sort_narrow_the_list(page, directory_data, errors):
    search_for(page, "Boulder, CO")
    open_filters(page)
    page.get_by_role("checkbox", name="Migraine").check()
    page.get_by_label("Speaks").select_option(label="Spanish")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#results-heading")).to_have_text("2 practitioners within 15 miles of Boulder, CO, US")
    assert card_names(page) == [ALMA, DEV]
    assert wait_for_markers(page) == 2
    expect(page.locator("#results-map .map-pin")).to_have_count(2)
    # The results come first: the panel is closed again and counts the two choices.
    expect(page.locator("details.filters > summary")).to_have_text("Filters (2)")
    expect(page.locator("details.filters")).not_to_have_attribute("open", "")

    # With script a new sort applies at once, without pressing Search.
    page.get_by_label("Sort by").select_option(label="Best rated")
    page.wait_for_url(re.compile(r"sort=rating"))
    assert card_names(page) == [DEV, ALMA]
    expect(page.locator(".practitioner-card").first).to_contain_text("/ 5 from 10 reviews")
    query = query_of(page)
    assert (query["headache"], query["language"], query["sort"]) == (["migraine"], ["es"], ["rating"])

    open_filters(page)
    page.get_by_role("checkbox", name="Migraine").uncheck()
    page.get_by_label("Speaks").select_option(label="Any language")
    page.get_by_role("button", name="Search", exact=True).click()
    assert card_names(page) == BOULDER_BY_RATING
    assert errors == []


def test_the_fee_filter_never_lists_a_fee_above_the_limit(page, directory_data, errors):
    search_for(page, "Larkspur Flats, WY")
    assert len(card_names(page)) == len(FEE_PRACTICES)
    open_filters(page)
    page.get_by_label("Highest fee per session").fill("150")
    page.get_by_role("button", name="Search", exact=True).click()
    assert sorted(card_names(page)) == ["Search-Fee 150", "Search-Fee 90-150"]
    fees = page.locator(".practitioner-card .facts div:has(dt:text-is('Fee')) dd").all_inner_texts()
    assert sorted(fees) == ["$150 per session", "$90–150 per session"]
    check_accessibility(page, "search-fee-filter")
    assert errors == []


def expect_query_intact(page: Page, results_url: str) -> None:
    assert page.url == results_url
    expect(page.get_by_label("Town, city or ZIP code")).to_have_value("Boulder, CO")
    expect(page.locator("details.filters > summary")).to_have_text("Filters (2)")
    open_filters(page)
    expect(page.get_by_role("checkbox", name="Migraine")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Tension-type headache")).not_to_be_checked()
    expect(page.get_by_label("Speaks")).to_have_value("es")
    expect(page.get_by_label("Sort by")).to_have_value("rating")
    assert card_names(page) == [DEV, ALMA]


def test_profile_and_back_to_the_same_results(page, directory_data, errors):
    page.goto("/search?q=Boulder%2C+CO&headache=migraine&language=es&sort=rating")
    results_url = page.url
    assert card_names(page) == [DEV, ALMA]

    page.get_by_role("link", name=ALMA).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ALMA)
    expect(page.get_by_text("Gentle needling for migraine.")).to_be_visible()
    expect(page.locator("#profile-map[data-markers='1'] .leaflet-marker-icon")).to_have_count(1)
    check_accessibility(page, "profile")

    page.go_back()
    expect_query_intact(page, results_url)

    page.get_by_role("link", name=ALMA).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ALMA)
    page.get_by_role("link", name="Back to the results").click()
    expect_query_intact(page, results_url)
    assert errors == []


def test_choose_among_ambiguous_places(page, directory_data, errors):
    page.goto("/search")
    page.get_by_label("Town, city or ZIP code").fill("Springfield")
    open_filters(page)
    page.get_by_role("checkbox", name="Migraine").check()
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.get_by_role("heading", name="Which place did you mean?")).to_be_visible()
    choices = page.locator(".candidates a")
    expect(choices).to_have_count(3)
    assert [re.sub(r" \(.*", "", text) for text in choices.all_inner_texts()] == [
        "Springfield, MO, US",
        "Springfield, MA, US",
        "Springfield, IL, US",
    ]
    check_accessibility(page, "search-ambiguous")

    page.get_by_role("link", name=re.compile(r"^Springfield, MO")).click()
    expect(page.locator("#results-heading")).to_contain_text("1 practitioner within 15 miles of Springfield, MO, US")
    assert card_names(page) == ["Search-Ozark Owen"]
    open_filters(page)
    expect(page.get_by_role("checkbox", name="Migraine")).to_be_checked()
    assert query_of(page)["headache"] == ["migraine"]
    assert errors == []


def test_unknown_place_says_so_and_keeps_the_filters(page, directory_data):
    page.goto("/search")
    page.get_by_label("Town, city or ZIP code").fill("Zzyzxqville")
    open_filters(page)
    page.get_by_label("Distance").fill("40")
    page.get_by_role("checkbox", name="Cluster headache").check()
    page.get_by_label("Speaks").select_option(label="German")
    page.get_by_role("button", name="Search", exact=True).click()
    expect(page.locator("#q-error")).to_contain_text("No place by that name was found.")
    expect(page.get_by_label("Town, city or ZIP code")).to_have_value("Zzyzxqville")
    expect(page.locator("details.filters > summary")).to_have_text("Filters (2)")
    open_filters(page)
    expect(page.get_by_label("Distance")).to_have_value("40")
    expect(page.get_by_role("checkbox", name="Cluster headache")).to_be_checked()
    expect(page.get_by_label("Speaks")).to_have_value("de")
    expect(page.locator(".practitioner-card")).to_have_count(0)
    check_accessibility(page, "search-unknown-place")


def test_pagination_keeps_the_query(page, directory_data, errors):
    page.goto("/search?q=Fernhollow%2C+WY&headache=cluster&sort=experience")
    expect(page.locator("#results-heading")).to_have_text("23 practitioners within 15 miles of Fernhollow, WY, US")
    assert card_names(page) == PAGE_NAMES[:20]
    assert wait_for_markers(page) == 20
    expect(page.get_by_text("Page 1 of 2")).to_be_visible()

    page.get_by_role("link", name="Next →").click()
    expect(page.get_by_text("Page 2 of 2")).to_be_visible()
    assert card_names(page) == PAGE_NAMES[20:]
    assert wait_for_markers(page) == 3
    query = query_of(page)
    assert (query["q"], query["headache"], query["sort"], query["page"]) == (
        ["Fernhollow, WY"],
        ["cluster"],
        ["experience"],
        ["2"],
    )
    open_filters(page)
    expect(page.get_by_role("checkbox", name="Cluster headache")).to_be_checked()
    expect(page.get_by_label("Sort by")).to_have_value("experience")

    page.get_by_role("link", name="← Previous").click()
    assert card_names(page) == PAGE_NAMES[:20]
    assert errors == []


def test_search_works_without_javascript(browser, base_url, directory_data):
    context = browser.new_context(base_url=base_url, java_script_enabled=False)
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto("/search")
        expect(page.get_by_role("button", name="Use my location")).to_be_hidden()
        page.get_by_label("Town, city or ZIP code").fill("Boulder, CO")
        page.get_by_role("button", name="Search", exact=True).click()
        expect(page.locator("#results-heading")).to_have_text("4 practitioners within 15 miles of Boulder, CO, US")
        assert card_names(page) == BOULDER_BY_DISTANCE
        expect(page.locator("#results-map[data-markers]")).to_have_count(0)
        page.get_by_role("link", name=CHIARA).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(CHIARA)
        page.get_by_role("link", name="Back to the results").click()
        assert card_names(page) == BOULDER_BY_DISTANCE
    finally:
        context.close()


def test_use_my_location_searches_near_it(located_page, directory_data):
    page = located_page(40.06, -105.19)
    page.goto("/search")
    page.get_by_role("button", name="Use my location").click()
    expect(page.locator("#results-heading")).to_have_text("4 practitioners within 15 miles of your location")
    assert card_names(page) == [DEV, BRUNO, ALMA, CHIARA]
    query = query_of(page)
    assert (query["lat"], query["lon"]) == (["40.06000"], ["-105.19000"])
    assert wait_for_markers(page) == 4


def test_results_on_a_phone_in_dark_mode(phone_page, directory_data):
    phone_page.goto("/search?q=Boulder%2C+CO")
    assert card_names(phone_page) == BOULDER_BY_DISTANCE
    assert wait_for_markers(phone_page) == 4
    assert_fits_width(phone_page)
    check_accessibility(phone_page, "search-results-phone-dark")
