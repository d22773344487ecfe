"""Nearby search, pinned further: the circle's edge, totals, each sort's ties, filter edges and what a hit carries.

Every expected figure is worked out by hand in a comment; none comes from the code under test.
"""

from datetime import date

import pytest

from directory.models import Role
from directory.services.geo.points import Point
from directory.services.search.nearby import SearchFilters, SearchHit, nearby_practitioners
from tests import factories
from tests.sql import sent_statements

MIDTOWN = Point(40.7549, -73.9840)
TODAY = date(2026, 11, 22)
ANYONE = SearchFilters(verified_only=False)
SORTS = ("distance", "rating", "experience")


def names(page) -> list[str]:
    return [hit.profile.display_name for hit in page.hits]


def search(**kwargs):
    kwargs.setdefault("today", TODAY)
    filters = kwargs.pop("filters", ANYONE)
    return nearby_practitioners(kwargs.pop("point", MIDTOWN), kwargs.pop("radius_km", 50), filters, **kwargs)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


@pytest.fixture
def around_the_edge(ctx):
    """Practitioners here and around 10 km north-east of MIDTOWN, all inside the 10 km bounding box.

    The box reaches 0.0899° of latitude (10 / 6371.0088 rad) and 0.1188° of longitude (0.0899° / cos 40.75°).
    Distances by hand (haversine, R = 6371.0088 km).
    """
    factories.make_profile(display_name="Here", practising_since=2000)
    factories.make_profile(display_name="9.9 km", latitude=40.8179, longitude=-73.9010, practising_since=2010)
    factories.make_profile(display_name="10.1 km", latitude=40.8192, longitude=-73.8992, practising_since=2001)
    factories.make_profile(display_name="Corner, 12.5 km", latitude=40.8349, longitude=-73.8790)


@pytest.mark.parametrize("sort", SORTS)
def test_just_inside_the_radius_is_found_and_just_outside_is_not(around_the_edge, sort):
    page = search(radius_km=10, sort=sort)
    assert sorted(names(page)) == ["9.9 km", "Here"]
    assert page.total == 2
    wider = search(radius_km=13, sort=sort)
    assert sorted(names(wider)) == ["10.1 km", "9.9 km", "Corner, 12.5 km", "Here"]
    assert wider.total == 4


@pytest.mark.parametrize("sort", SORTS)
def test_a_circle_over_two_latitude_bands_finds_practitioners_in_each(ctx, sort):
    """The index is read band by band: the southmost and the northmost band of the box must both be read.

    From 40.52 N a 10 km box reaches 40.4301-40.6099 (0.0899° each way): bands 521 (40.25-40.50)
    and 522 (40.50-40.75). 40.44 and 40.60 are 8.9 km south and north (0.08° of 111.19 km).
    """
    factories.make_profile(display_name="South, band 521", latitude=40.44, longitude=-73.98)
    factories.make_profile(display_name="North, band 522", latitude=40.60, longitude=-73.98)
    factories.make_profile(display_name="Further north, band 522", latitude=40.62, longitude=-73.98)  # 11.1 km
    page = search(point=Point(40.52, -73.98), radius_km=10, sort=sort)
    assert sorted(names(page)) == ["North, band 522", "South, band 521"]
    assert page.total == 2


@pytest.mark.parametrize("sort", SORTS)
def test_the_total_counts_only_the_circle_when_one_page_holds_less(around_the_edge, sort):
    # One a page: nearest first, the small circle (10 / 8 = 1.25 km) fills it with "Here"; the total
    # still counts the whole 10 km circle, not its box.
    page = search(radius_km=10, sort=sort, per_page=1)
    assert (len(page.hits), page.total, page.pages, page.has_next) == (1, 2, 2, True)
    second = search(radius_km=10, sort=sort, per_page=1, page=2)
    assert (len(second.hits), second.total, second.has_next) == (1, 2, False)
    beyond = search(radius_km=10, sort=sort, per_page=1, page=3)
    assert (beyond.hits, beyond.total, beyond.has_prev) == ([], 2, True)


def test_experience_and_distance_orders_inside_the_circle(around_the_edge):
    assert names(search(radius_km=13, sort="distance")) == ["Here", "9.9 km", "10.1 km", "Corner, 12.5 km"]
    assert names(search(radius_km=13, sort="experience")) == ["Here", "10.1 km", "9.9 km", "Corner, 12.5 km"]


@pytest.mark.parametrize("sort", SORTS)
def test_a_practitioner_exactly_on_the_radius_is_found(ctx, sort):
    # The antipode of (0, 0) is (0, 180): its haversine term is sin²(90°) = 1.0 exactly, and so is the
    # limit of any radius of at least half the globe (R·π = 20015.11 km).
    factories.make_profile(display_name="Antipode", latitude=0.0, longitude=180.0)
    page = search(point=Point(0.0, 0.0), radius_km=20016, sort=sort)
    assert (names(page), page.total) == (["Antipode"], 1)
    assert page.hits[0].distance_km == pytest.approx(20015.115, abs=0.001)  # geopy's R·π: 6371.009 × 3.1415927
    # Someone at the origin fills a page of one from the small circle; the total counts the antipode too.
    factories.make_profile(display_name="Origin", latitude=0.0, longitude=0.0)
    first = search(point=Point(0.0, 0.0), radius_km=20016, sort=sort, per_page=1)
    assert first.total == 2


def test_a_small_radius_is_searched_in_one_circle(ctx):
    # Under 8 km there is no smaller circle first (8 / 8 = 1 km is the least). Due north: 0.0400° = 4.45 km,
    # 0.0450° = 5.00 km, 0.0460° = 5.11 km (111.1951 km a degree).
    factories.make_profile(display_name="4.4 km", latitude=40.7949)
    factories.make_profile(display_name="5.1 km", latitude=40.8009)
    factories.make_profile(display_name="Here")
    page = search(radius_km=5)
    assert (names(page), page.total) == (["Here", "4.4 km"], 2)
    assert (names(search(radius_km=5, per_page=1)), search(radius_km=5, per_page=1).total) == (["Here"], 2)


def _page_statements(run) -> int:
    """How many page statements (those that bring the profiles' columns) run() sends."""
    with sent_statements("therapist_profile.slug") as sent:
        run()
    return len(sent)


# Due north of MIDTOWN (111.1951 km a degree). With a 64 km radius the inner circles are 2 km (64 / 32)
# and 8 km (64 / 8).
def _north(km: float) -> float:
    return MIDTOWN.latitude + km / 111.1951


@pytest.mark.parametrize(("cap", "statements"), [(5, 3), (50, 2)])
def test_the_middle_circle_is_tried_only_where_the_radius_holds_more_than_the_cap(app, ctx, cap, statements):
    # 2 km holds one, 8 km two, the whole radius six: a page of three needs the whole radius either way.
    # Above the cap (6 > 5) the 8 km circle is tried before it; at or under it, the whole radius at once.
    app.config["SEARCH_COUNT_CAP"] = cap
    for km in (1, 5, 30, 31, 32, 33):
        factories.make_profile(display_name=f"{km} km", latitude=_north(km))
    found = []
    assert _page_statements(lambda: found.append(search(radius_km=64, per_page=3))) == statements
    assert (names(found[0]), found[0].total) == (["1 km", "5 km", "30 km"], min(6, cap))


def test_a_dense_centre_fills_the_page_from_the_middle_circle(app, ctx):
    # 2 km holds one, 8 km four, the whole radius eight (over a cap of 5): the page comes from the 8 km circle,
    # the same page the whole radius gives.
    app.config["SEARCH_COUNT_CAP"] = 5
    for km in (1, 5, 5.5, 6, 30, 31, 32, 33):
        factories.make_profile(display_name=f"{km} km", latitude=_north(km))
    found = []
    assert _page_statements(lambda: found.append(search(radius_km=64, per_page=3))) == 2
    assert (names(found[0]), found[0].total, found[0].total_is_capped) == (["1 km", "5 km", "5.5 km"], 5, True)


@pytest.mark.parametrize("sort", SORTS)
def test_an_empty_first_page_totals_0(ctx, sort):
    factories.make_profile(display_name="Philadelphia", latitude=39.9526, longitude=-75.1652)  # about 130 km
    for per_page in (1, 20):
        page = search(radius_km=50, sort=sort, per_page=per_page)
        assert (page.hits, page.total, page.pages, page.has_next) == ([], 0, 1, False)
    filtered = search(radius_km=200, sort=sort, filters=SearchFilters(verified_only=False, gender="woman"))
    assert (filtered.hits, filtered.total) == ([], 0)


def test_a_page_beyond_the_end_counts_only_the_filtered(ctx):
    for i in range(3):
        factories.make_profile(display_name=f"Migraine {i}", latitude=40.75 + i * 0.01, headache_types=("migraine",))
    factories.make_profile(display_name="Neck", latitude=40.80, headache_types=("cervicogenic",))
    migraine = SearchFilters(verified_only=False, headache_types=("migraine",))
    for sort in SORTS:
        beyond = search(filters=migraine, sort=sort, per_page=2, page=3)
        assert (beyond.hits, beyond.total, beyond.pages) == ([], 3, 2)
    assert search(per_page=2, page=3).total == 4


# -- the sorts' ties ----------------------------------------------------------------------


def test_equal_ratings_put_the_nearer_first(ctx):
    # Created first (the lower id) but further north: 0.05° = 5.6 km, 0.01° = 1.1 km; no reviews: the same prior.
    factories.make_profile(display_name="Further", latitude=40.8049)
    factories.make_profile(display_name="Nearer", latitude=40.7649)
    assert names(search(sort="rating")) == ["Nearer", "Further"]


def test_equal_experience_puts_the_nearer_first(ctx):
    factories.make_profile(display_name="Further, 2010", latitude=40.8049, practising_since=2010)
    factories.make_profile(display_name="Nearer, 2010", latitude=40.7649, practising_since=2010)
    factories.make_profile(display_name="Here, unknown")
    factories.make_profile(display_name="Furthest, 2015", latitude=40.8549, practising_since=2015)
    assert names(search(sort="experience")) == ["Nearer, 2010", "Further, 2010", "Furthest, 2015", "Here, unknown"]


def test_the_rating_sort_uses_the_configured_prior_weight(app, ctx):
    factories.make_profile(display_name="Ten at 2", latitude=40.750, review_count=10, rating_total=20)
    factories.make_profile(display_name="Twenty at 4.5", latitude=40.760, review_count=20, rating_total=90)
    factories.make_profile(display_name="One five", latitude=40.770, review_count=1, rating_total=5)
    # Site mean C = (20 + 90 + 5) / (10 + 20 + 1) = 115 / 31 = 3.7096774. With m = 10 (the default):
    # Twenty (90 + 37.096774) / 30 = 4.2365591; One five (5 + 37.096774) / 11 = 3.8269795;
    # Ten (20 + 37.096774) / 20 = 2.8548387.
    page = search(sort="rating")
    assert names(page) == ["Twenty at 4.5", "One five", "Ten at 2"]
    assert [hit.rating for hit in page.hits] == [
        pytest.approx(4.2365591),
        pytest.approx(3.8269795),
        pytest.approx(2.8548387),
    ]
    # With m = 0 the plain means rank: 5.0, 4.5, 2.0.
    app.config["REVIEW_PRIOR_WEIGHT"] = 0
    page = search(sort="rating")
    assert names(page) == ["One five", "Twenty at 4.5", "Ten at 2"]
    assert [hit.rating for hit in page.hits] == [5.0, 4.5, 2.0]


# -- the filters' edges ----------------------------------------------------------------------


@pytest.fixture
def three(ctx):
    factories.make_profile(
        display_name="A", latitude=40.750, fee_min=80, insurance_accepted="Blue_Cross", accepts_self_pay=True
    )
    factories.make_profile(
        display_name="B", latitude=40.760, fee_min=None, insurance_accepted="BlueXCross", accepts_self_pay=False
    )
    factories.make_profile(
        display_name="C", latitude=40.770, fee_min=81, insurance_accepted="Allianz Österreich", accepts_self_pay=False
    )


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (SearchFilters(verified_only=False, max_fee=80), ["A"]),  # at the budget counts; no fee given does not
        (SearchFilters(verified_only=False, max_fee=81), ["A", "C"]),
        (SearchFilters(verified_only=False, max_fee=0), []),
        (SearchFilters(verified_only=False, insurance="Blue_Cross"), ["A"]),  # "_" is no wildcard
        (SearchFilters(verified_only=False, insurance="  BLUE_cross "), ["A"]),
        (SearchFilters(verified_only=False, insurance="österreich"), ["C"]),
        (SearchFilters(verified_only=False, insurance="self pay"), ["A"]),
        (SearchFilters(verified_only=False, insurance="SelfPay"), ["A"]),
        (SearchFilters(verified_only=False, insurance="self_pay"), ["A"]),
        (SearchFilters(verified_only=False, insurance="None"), ["A"]),
        (SearchFilters(verified_only=False, insurance="--"), []),  # nothing left once folded: nobody
        (SearchFilters(verified_only=False, insurance=""), ["A", "B", "C"]),
    ],
)
def test_filter_edges(three, filters, expected):
    page = search(filters=filters)
    assert (names(page), page.total) == (expected, len(expected))


def test_by_default_only_verified_practitioners_are_found(ctx):
    factories.make_profile(display_name="Unverified", latitude=40.750)
    factories.make_profile(display_name="Verified", latitude=40.760, verified=True)
    page = nearby_practitioners(MIDTOWN, 50, today=TODAY)
    assert (names(page), page.total, page.hits[0].verified) == (["Verified"], 1, True)


def test_a_suspended_practitioner_is_not_counted(ctx):
    factories.make_profile(display_name="Listed")
    factories.make_profile(display_name="Suspended", user=factories.make_user(Role.THERAPIST, active=False))
    factories.make_profile(display_name="Draft", published=False)
    page = search()
    assert (names(page), page.total) == (["Listed"], 1)


# -- what a hit carries --------------------------------------------------------------------


def test_a_hit_carries_its_profile_columns_and_codes_in_vocabulary_order(ctx):
    profile = factories.make_profile(
        display_name="Dr Full",
        slug="dr-full",
        profession="Physiotherapist",
        clinic_name="Head Clinic",
        city="New York",
        country="US",
        latitude=40.7649,  # 0.01° north: 1.11 km (111.1951 km a degree)
        longitude=-73.9840,
        accepting_new_patients=False,
        fee_min=70,
        fee_max=140,
        currency="USD",
        headache_types=("tension_type", "migraine"),
        modes=("video", "in_person"),
        languages=("es", "de"),
        review_count=2,
        rating_total=9,
        verified=True,
    )
    (hit,) = search().hits
    assert isinstance(hit, SearchHit)
    assert tuple(hit.profile) == (
        profile.id,
        "dr-full",
        "Dr Full",
        "Physiotherapist",
        "Head Clinic",
        "New York",
        "US",
        40.7649,
        -73.9840,
        False,
        70,
        140,
        "USD",
        2,
        None,  # no photo
    )
    assert hit.distance_km == pytest.approx(1.112, abs=0.001)
    assert hit.verified is True
    assert hit.rating == pytest.approx(4.5)  # the only reviews: C = 9 / 2 = 4.5, so (9 + 45) / 12 = 4.5
    assert hit.headache_types == ("migraine", "tension_type")
    assert hit.consultation_modes == ("in_person", "video")
    assert hit.languages == ("de", "es")


# -- what each hit and page carries (mutation survivors of nearby.py) --------------------------------------


def test_a_hit_carries_the_plain_average_of_its_reviews(ctx):
    # 9 stars over 2 reviews: 4.5 (not 9 x 2, nor the Bayesian score).
    factories.make_profile(display_name="Two reviews", review_count=2, rating_total=9)
    factories.make_profile(display_name="No reviews", latitude=40.7600, review_count=0, rating_total=0)
    hits = search().hits
    assert [(h.profile.display_name, h.average) for h in hits] == [("Two reviews", 4.5), ("No reviews", None)]


def test_a_hit_brings_the_contact_columns_only_when_asked(ctx):
    factories.make_profile(
        display_name="Contact",
        street="350 5th Ave",
        region="NY",
        postal_code="10118",
        phone="+1 212 555 0123",
        website="https://calm.example",
        gender="woman",
    )
    assert search().hits[0].contact is None
    assert nearby_practitioners(MIDTOWN, 50, SearchFilters(verified_only=False), today=TODAY).hits[0].contact is None
    contact = search(with_contact=True).hits[0].contact
    assert contact == ("350 5th Ave", "NY", "10118", "+1 212 555 0123", "https://calm.example", "woman")


def test_a_page_is_twenty_by_default_and_keeps_its_filters(ctx):
    for i in range(21):
        factories.make_profile(display_name=f"P{i:02}", latitude=40.7549 + i * 0.001, verified=i % 2 == 0)
    filters = SearchFilters(verified_only=True)
    page = nearby_practitioners(MIDTOWN, 50, filters, today=TODAY)
    assert (len(page.hits), page.per_page, page.filters) == (11, 20, filters)
    page = nearby_practitioners(MIDTOWN, 50, SearchFilters(verified_only=False), today=TODAY)
    assert (len(page.hits), page.total, page.pages) == (20, 21, 2)


def test_an_insurer_of_punctuation_only_matches_nobody(ctx):
    factories.make_profile(display_name="Anyone", insurance_accepted="Aetna")
    assert search(filters=SearchFilters(verified_only=False, insurance="%%!")).hits == []
    assert search(filters=SearchFilters(verified_only=False, insurance="%%!")).total == 0


def test_an_unknown_sort_is_refused_with_the_sorts_named(ctx):
    with pytest.raises(ValueError, match=r"^sort must be one of distance, rating, experience$"):
        search(sort="price")


def test_exactly_as_many_as_the_cap_is_not_capped(app):
    app.config["SEARCH_COUNT_CAP"] = 5
    with app.app_context():
        for i in range(5):
            factories.make_profile(display_name=f"P{i}", latitude=40.7549 + i * 0.001)
        page = search(per_page=3)
        assert (page.total, page.total_is_capped) == (5, False)


def test_a_page_past_the_end_still_reports_the_whole_total(ctx):
    # Three practitioners, three a page: page 2 is empty, and the total is still 3 (page 9 too).
    for i in range(3):
        factories.make_profile(display_name=f"P{i}", latitude=40.7549 + i * 0.001)
    assert [(p.hits, p.total) for p in (search(per_page=3, page=2), search(per_page=3, page=9))] == [([], 3), ([], 3)]
