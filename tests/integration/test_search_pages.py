"""The search page and the public profile page, through the test client."""

import html
import re

import pytest

from directory.extensions import db
from directory.models import Review, Role, TherapistProfile
from tests import factories


@pytest.fixture
def listed(app, places):
    with app.app_context():
        profile = factories.make_profile(
            display_name="Dr Ana Ruiz",
            slug="ana-ruiz",
            latitude=40.7484,
            longitude=-73.9857,
            verified=True,
            headache_types=("migraine", "tension_type"),
            languages=("en", "es"),
            fee_min=90,
            fee_max=130,
            bio="Careful <b>assessment</b> first.",
            slots=((0, 9 * 60, 13 * 60),),
            review_count=2,
            rating_total=9,
        )
        factories.make_profile(display_name="Unverified Ben", latitude=40.7500, longitude=-73.99)
        return profile.id


def test_empty_search_page_shows_the_form(client):
    response = client.get("/search")
    assert response.status_code == 200
    assert 'name="q"' in response.get_data(as_text=True)


def test_search_by_zip_lists_verified_practitioners_with_their_facts(client, listed):
    page = client.get("/search?q=10001").get_data(as_text=True)
    assert "1 practitioner within 15 miles of" in page
    assert "Dr Ana Ruiz" in page and "Unverified Ben" not in page
    assert "✓ Verified certification" in page
    assert "Migraine, Tension-type headache" in page
    assert "English, Spanish" in page
    assert "$90–130 per session" in page
    assert "from 2 reviews" in page
    assert 'data-lat="40.7484"' in page


def test_show_all_includes_unverified(client, listed):
    page = client.get("/search?q=10001&show=all").get_data(as_text=True)
    assert "2 practitioners within" in page and "Certification not verified" in page


def test_radius_in_miles(client, listed):
    page = client.get("/search?q=New+York%2C+NY&radius=3&unit=mi&show=all").get_data(as_text=True)
    assert "2 practitioners within 3 miles of New York, NY, US" in page
    assert "2.7 mi away" in page


def test_ambiguous_place_offers_candidates_and_keeps_the_filters(client, places):
    response = client.get("/search?q=Springfield&headache=migraine&radius=40")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Which place did you mean?" in page
    assert page.count("Springfield, ") >= 3
    assert "headache=migraine" in page and "radius=40" in page


@pytest.mark.parametrize(
    "query",
    ["zzzzqqqx", "😀😀", "a" * 10_000, "'; DROP TABLE place; --", "<script>alert(1)</script>", "\x00\x01", "   "],
    ids=["unknown", "emoji", "huge", "sql", "html", "control", "blank"],
)
def test_hostile_place_input_gets_a_clear_400_and_keeps_the_form(client, places, query):
    response = client.get("/search", query_string={"q": query, "headache": "migraine", "radius": "30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="q-error"' in page
    assert 'value="30"' in page
    assert re.search(r'<input checked id="headache-\d" name="headache" type="checkbox" value="migraine">', page)
    assert "<script>alert(1)</script>" not in page


@pytest.mark.parametrize(
    "args",
    [
        {"q": "10001", "radius": "0"},
        {"q": "10001", "radius": "abc"},
        {"q": "10001", "unit": "parsec"},
        {"q": "10001", "sort": "price"},
        {"q": "10001", "headache": "flu"},
        {"lat": "400", "lon": "0"},
        {"q": "10001", "page": "-1"},
        {"lat": "40", "lon": "-73", "radius": "9" * 400},
        {"q": "10001", "max_fee": "9" * 400},
        {"lat": "nan", "lon": "1"},
        {"lat": "inf", "lon": "1"},
        {"lat": "9" * 400, "lon": "1"},
    ],
)
def test_invalid_parameters_are_a_400_not_a_500(client, places, args):
    assert client.get("/search", query_string=args).status_code == 400


def test_filters_panel_counts_the_choices_and_the_form_has_one_submit_button(client, listed):
    page = client.get("/search?q=10001&headache=migraine&headache=tension_type&accepting=y").get_data(as_text=True)
    assert '<details class="filters">\n      <summary>Filters (3)</summary>' in page
    assert page.count('type="submit"') == 1 and '<button type="submit" class="button">Search</button>' in page
    # The sort sits above the results, outside the form element but sent with it.
    assert re.search(r'<select aria-describedby="sort-help" form="search-form" id="sort" name="sort">', page)
    # "Clear filters": the same place, nothing else.
    assert page.count('<a class="clear-filters" href="/search?q=10001">Clear filters</a>') == 1
    assert '<p class="clear-filters"><a href="/search?q=10001">Clear filters</a></p>' in page


def test_filters_panel_opens_on_an_error_and_without_choices_has_no_count_or_clear_link(client, listed):
    plain = client.get("/search?q=10001").get_data(as_text=True)
    assert "<summary>Filters</summary>" in plain and "Clear filters" not in plain
    wrong = client.get("/search?q=10001&radius=0")
    assert wrong.status_code == 400
    assert '<details class="filters" open>' in wrong.get_data(as_text=True)


def test_clear_filters_keeps_a_location_from_the_browser(client, listed):
    page = client.get("/search?lat=40.7484&lon=-73.9857&language=es").get_data(as_text=True)
    assert 'href="/search?lat=40.7484&amp;lon=-73.9857">Clear filters</a>' in page


def test_location_from_the_browser(client, listed):
    page = client.get("/search?lat=40.7484&lon=-73.9857").get_data(as_text=True)
    assert "within 15 miles of your location" in page and "Dr Ana Ruiz" in page


def test_pagination_links_keep_the_query(app, client, places):
    with app.app_context():
        for i in range(25):
            factories.make_profile(display_name=f"P{i}", latitude=40.75 + i * 0.001, verified=True)
    page = client.get("/search?q=10001&sort=rating&headache=tension_type").get_data(as_text=True)
    assert "Page 1 of 2" in page
    assert 'rel="next"' in page and "sort=rating" in page and "page=2" in page


def test_profile_page_shows_everything_published(app, client, listed):
    with app.app_context():
        patient = factories.make_user(Role.PATIENT)
        db.session.add(
            Review(author_id=patient.id, profile_id=listed, rating=5, text="Very careful and kind practitioner.")
        )
        db.session.commit()
    page = client.get("/practitioners/ana-ruiz?back=/search%3Fq%3D10001").get_data(as_text=True)
    assert "Dr Ana Ruiz" in page
    assert "Careful &lt;b&gt;assessment&lt;/b&gt; first." in page
    assert "Monday 09:00–13:00" in page
    assert "Myopain Seminars" in page and "Verified" in page
    assert "Very careful and kind practitioner." in page
    assert "from 1 review" in page
    assert 'href="/search?q=10001"' in page
    assert 'id="profile-map"' in page


def test_profile_back_link_refuses_other_sites(client, listed):
    page = client.get("/practitioners/ana-ruiz?back=https://evil.example/").get_data(as_text=True)
    assert "evil.example" not in page


def test_unpublished_and_suspended_profiles_are_404(app, client):
    with app.app_context():
        factories.make_profile(slug="draft", published=False)
        factories.make_profile(slug="suspended", user=factories.make_user(Role.THERAPIST, active=False))
    assert client.get("/practitioners/draft").status_code == 404
    assert client.get("/practitioners/suspended").status_code == 404


def _footer(response) -> str:
    html = response.get_data(as_text=True)
    return html[html.index("<footer") :]


def test_the_footer_names_the_searched_places_emergency_number(client, places):
    footer = _footer(client.get("/search?q=10001"))
    assert 'href="tel:911"' in footer
    assert "in the UK" not in footer


def test_the_footer_names_the_number_for_a_searched_location(client, places):
    footer = _footer(client.get("/search?lat=40.75&lon=-73.99"))
    assert 'href="tel:911"' in footer
    assert "in the UK" not in footer


def test_without_a_place_the_footer_gives_the_general_list(client, places):
    footer = _footer(client.get("/search"))
    assert 'href="tel:999"' in footer and 'href="tel:000"' in footer


@pytest.fixture
def fee_ranges(app, places):
    """Verified practices near 10001 with fees from $50 to $200: ranges, single fees and none."""
    with app.app_context():
        ranges = [(50, None), (90, 150), (130, 180), (150, None), (100, 149), (140, 200), (None, None), (60, 80)]
        for n, (low, high) in enumerate(ranges):
            factories.make_profile(
                display_name=f"Fees {n}", latitude=40.748 + n / 1000, verified=True, fee_min=low, fee_max=high
            )


def test_the_fee_filter_never_lists_a_fee_above_the_limit(client, fee_ranges):
    page = client.get("/search?q=10001&max_fee=150").get_data(as_text=True)
    fees = re.findall(r"<dt>Fee</dt><dd>\$(\d+)(?:–(\d+))? per session</dd>", page)
    assert sorted(int(high or low) for low, high in fees) == [50, 80, 149, 150, 150]
    assert "Fees 2" not in page and "Fees 5" not in page and "Fees 6" not in page
    body = client.get("/api/v1/practitioners?location=10001&max_fee=150").get_json()
    assert sorted(item["fee_max"] or item["fee_min"] for item in body["items"]) == [50, 80, 149, 150, 150]


def test_result_cards_show_a_small_lazy_photo_with_alt_text(app, client, listed):
    with app.app_context():
        photo = factories.make_photo(db.session.get(TherapistProfile, listed))
        photo_id = photo.id
    page = client.get("/search?q=10001&show=all").get_data(as_text=True)
    assert (
        f'<img class="card-photo" src="/therapist/profiles/{listed}/photo?v={photo_id}" alt="Photo of Dr Ana Ruiz"'
        ' width="56" height="56" loading="lazy" decoding="async">'
    ) in page
    # One photo: the practitioner without one gets no empty image.
    assert page.count('class="card-photo"') == 1


def test_result_cards_hint_at_the_next_weekly_opening(client, listed):
    page = client.get("/search?q=10001&show=all").get_data(as_text=True)
    # Dr Ana Ruiz opens on Mondays 9:00-13:00 (New York time); the wording depends on today.
    assert re.search(
        r'<div class="next-opening"><dt>Next opening</dt><dd>'
        r"(This morning|This afternoon|Tomorrow morning|Monday morning|Next Monday morning)</dd></div>",
        page,
    )
    # Unverified Ben has no weekly openings: no hint.
    assert page.count('class="next-opening"') == 1


def test_cards_are_numbered_across_pages_as_the_map_pins_are(app, client, places):
    with app.app_context():
        for i in range(25):
            factories.make_profile(display_name=f"P{i}", latitude=40.75 + i * 0.001, verified=True)
    first = client.get("/search?q=10001").get_data(as_text=True)
    second = client.get("/search?q=10001&page=2").get_data(as_text=True)
    assert '<ol class="cards" start="1">' in first and 'data-number="1"' in first and 'data-number="20"' in first
    assert '<ol class="cards" start="21">' in second and 'data-number="21"' in second
    assert '<span class="pin-number" aria-hidden="true">25</span>' in second
    # The map knows where the searched place is, for its own pin.
    assert 'data-place-lat="' in second and 'data-place-name="10001 New York, NY"' in second


def test_a_page_past_the_end_says_so_and_links_to_the_last(app, client, places):
    with app.app_context():
        for i in range(25):
            factories.make_profile(display_name=f"P{i}", latitude=40.75 + i * 0.001, verified=True)
    page = html.unescape(client.get("/search?q=10001&page=999").get_data(as_text=True))
    assert "Page 999 is past the end: these results fill 2 pages." in page
    assert '<a href="/search?q=10001&page=2">Go to the last page</a>' in page
    assert "No practitioner matches" not in page


def test_accessibility_features_are_a_list_not_a_comma_run(app, client):
    with app.app_context():
        factories.make_profile(slug="quiet", accessibility=("step_free", "dim_quiet_room"), verified=True)
    page = client.get("/practitioners/quiet").get_data(as_text=True)
    assert '<ul class="plain-list access-list"><li>Step-free access</li><li>Dim, quiet treatment room</li></ul>' in page
