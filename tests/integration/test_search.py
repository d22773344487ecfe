"""The nearby-search service: distance, every filter, every sort, pagination and visibility."""

from datetime import date, timedelta

import pytest

from directory.extensions import db
from directory.models import Role
from directory.services.geo.points import Point
from directory.services.search.nearby import SearchFilters, haversine_limit, nearby_practitioners
from tests import factories

MIDTOWN = Point(40.7549, -73.9840)
TODAY = date(2026, 11, 22)


def names(page) -> list[str]:
    return [hit.profile.display_name for hit in page.hits]


def search(**kwargs):
    kwargs.setdefault("today", TODAY)
    filters = kwargs.pop("filters", SearchFilters(verified_only=False))
    return nearby_practitioners(kwargs.pop("point", MIDTOWN), kwargs.pop("radius_km", 50), filters, **kwargs)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield


def test_results_are_within_the_radius_and_nearest_first(ctx):
    factories.make_profile(display_name="Brooklyn", latitude=40.6782, longitude=-73.9442)  # about 9 km
    factories.make_profile(display_name="Midtown", latitude=40.7549, longitude=-73.9840)
    factories.make_profile(display_name="Philadelphia", latitude=39.9526, longitude=-75.1652)  # about 130 km
    page = search()
    assert names(page) == ["Midtown", "Brooklyn"]
    assert page.total == 2
    assert page.hits[0].distance_km == pytest.approx(0, abs=0.01)
    assert page.hits[1].distance_km == pytest.approx(9.1, abs=0.3)
    assert names(search(radius_km=200)) == ["Midtown", "Brooklyn", "Philadelphia"]


def test_search_across_the_antimeridian(ctx):
    factories.make_profile(display_name="Taveuni east", latitude=-16.8, longitude=-179.95)
    factories.make_profile(display_name="Taveuni west", latitude=-16.8, longitude=179.95)
    page = search(point=Point(-16.8, 179.99), radius_km=20)
    assert sorted(names(page)) == ["Taveuni east", "Taveuni west"]


def test_search_near_the_north_pole(ctx):
    factories.make_profile(display_name="Across the pole", latitude=89.9, longitude=10.0)
    page = search(point=Point(89.9, -170.0), radius_km=50)
    assert names(page) == ["Across the pole"]
    assert page.hits[0].distance_km == pytest.approx(22.2, abs=0.5)


def test_unpublished_and_suspended_practitioners_are_hidden(ctx):
    factories.make_profile(display_name="Listed")
    factories.make_profile(display_name="Draft", published=False)
    factories.make_profile(display_name="Suspended", user=factories.make_user(Role.THERAPIST, active=False))
    assert names(search()) == ["Listed"]


def test_verified_only_uses_unexpired_verified_certifications(ctx):
    current = factories.make_profile(display_name="Current", latitude=40.75)
    factories.make_certification(current, expires_on=TODAY)
    expired = factories.make_profile(display_name="Expired yesterday", latitude=40.76)
    factories.make_certification(expired, expires_on=TODAY - timedelta(days=1))
    pending = factories.make_profile(display_name="Pending", latitude=40.77)
    factories.make_certification(pending, status="pending")
    factories.make_profile(display_name="None", latitude=40.78)
    verified = search(filters=SearchFilters(verified_only=True))
    assert names(verified) == ["Current"]
    assert [hit.verified for hit in search().hits] == [True, False, False, False]
    # The day after the expiry date the last one stops counting too.
    assert names(search(filters=SearchFilters(verified_only=True), today=TODAY + timedelta(days=1))) == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (SearchFilters(verified_only=False, headache_types=("migraine",)), ["A", "B"]),
        (SearchFilters(verified_only=False, headache_types=("migraine", "cervicogenic")), ["B"]),
        (SearchFilters(verified_only=False, modes=("video",)), ["B", "C"]),
        (SearchFilters(verified_only=False, modes=("home_visit", "video")), ["B", "C"]),
        (SearchFilters(verified_only=False, languages=("es",)), ["A"]),
        (SearchFilters(verified_only=False, languages=("es", "de")), ["A", "C"]),
        (SearchFilters(verified_only=False, accepting_new_patients=True), ["A", "C"]),
        (SearchFilters(verified_only=False, availability=("weekend",)), ["C"]),
        (SearchFilters(verified_only=False, availability=("weekday_evening",)), ["A"]),
        (SearchFilters(verified_only=False, availability=("weekday_morning", "weekend")), ["B", "C"]),
        # The top of the range: A ($80-120) only from 120; B gives one fee ($100), its top.
        (SearchFilters(verified_only=False, max_fee=90), ["C"]),
        (SearchFilters(verified_only=False, max_fee=119), ["B", "C"]),
        (SearchFilters(verified_only=False, max_fee=120), ["A", "B", "C"]),
        (SearchFilters(verified_only=False, max_fee=99), ["C"]),
        (SearchFilters(verified_only=False, max_fee=60), ["C"]),
        (SearchFilters(verified_only=False, max_fee=49), []),
        (SearchFilters(verified_only=False, insurance="aetna"), ["B"]),
        (SearchFilters(verified_only=False, insurance="Self-pay"), ["A", "B"]),
        (SearchFilters(verified_only=False, insurance="50%_off"), []),
        (SearchFilters(verified_only=False, accessibility=("step_free",)), ["A", "B"]),
        (SearchFilters(verified_only=False, accessibility=("step_free", "hearing_loop")), ["B"]),
        (SearchFilters(verified_only=False, gender="woman"), ["A"]),
        (SearchFilters(verified_only=False, gender="nonbinary"), []),
    ],
)
def test_each_filter(ctx, filters, expected):
    factories.make_profile(
        display_name="A",
        latitude=40.750,
        headache_types=("migraine", "tension_type"),
        languages=("en", "es"),
        accepting_new_patients=True,
        slots=((1, 17 * 60, 20 * 60),),
        fee_min=80,
        fee_max=120,
        accepts_self_pay=True,
        accessibility=("step_free",),
        gender="woman",
    )
    factories.make_profile(
        display_name="B",
        latitude=40.760,
        headache_types=("migraine", "cervicogenic"),
        modes=("in_person", "video"),
        accepting_new_patients=False,
        slots=((2, 8 * 60, 12 * 60),),
        fee_min=100,
        insurance_accepted="Aetna, Cigna",
        accepts_self_pay=True,
        accessibility=("step_free", "hearing_loop"),
        gender="man",
    )
    factories.make_profile(
        display_name="C",
        latitude=40.770,
        modes=("video",),
        languages=("de",),
        accepting_new_patients=True,
        slots=((6, 10 * 60, 14 * 60),),
        fee_min=50,
        accepts_self_pay=False,
    )
    assert names(search(filters=filters)) == expected


def test_the_fee_filter_never_lists_a_fee_above_the_limit_and_leaves_out_unknown_fees(ctx):
    factories.make_profile(display_name="130-180", latitude=40.750, fee_min=130, fee_max=180)
    factories.make_profile(display_name="90-150", latitude=40.751, fee_min=90, fee_max=150)
    factories.make_profile(display_name="150", latitude=40.752, fee_min=150)
    factories.make_profile(display_name="No fee given", latitude=40.753)
    assert sorted(names(search(filters=SearchFilters(verified_only=False, max_fee=150)))) == ["150", "90-150"]
    assert len(names(search(filters=SearchFilters(verified_only=False)))) == 4


def test_a_changed_fee_range_moves_the_listing_s_top_fee(ctx):
    profile = factories.make_profile(display_name="Changes", latitude=40.750, fee_min=90, fee_max=200)
    assert names(search(filters=SearchFilters(verified_only=False, max_fee=150))) == []
    profile.fee_max = 140
    db.session.commit()
    assert names(search(filters=SearchFilters(verified_only=False, max_fee=150))) == ["Changes"]
    profile.fee_max = None  # one fee, $90
    db.session.commit()
    assert names(search(filters=SearchFilters(verified_only=False, max_fee=90))) == ["Changes"]


def test_sort_by_rating_uses_the_bayesian_average(ctx):
    # One perfect review does not beat many very good ones (site mean here is about 4.3).
    factories.make_profile(display_name="One five", latitude=40.750, review_count=1, rating_total=5)
    factories.make_profile(display_name="Forty at 4.6", latitude=40.760, review_count=40, rating_total=184)
    factories.make_profile(display_name="None yet", latitude=40.770)
    factories.make_profile(display_name="Ten at 3", latitude=40.740, review_count=10, rating_total=30)
    page = search(sort="rating")
    assert names(page) == ["Forty at 4.6", "One five", "None yet", "Ten at 3"]
    assert page.hits[0].rating == pytest.approx((184 + 10 * (219 / 51)) / 50)
    assert page.hits[2].rating is None


def test_sort_by_experience_puts_unknown_last(ctx):
    factories.make_profile(display_name="Since 2015", latitude=40.750, practising_since=2015)
    factories.make_profile(display_name="Unknown", latitude=40.751)
    factories.make_profile(display_name="Since 1998", latitude=40.760, practising_since=1998)
    assert names(search(sort="experience")) == ["Since 1998", "Since 2015", "Unknown"]


def test_unknown_sort_is_refused(ctx):
    with pytest.raises(ValueError, match="sort must be one of"):
        search(sort="price")


def test_pagination(ctx):
    for i in range(7):
        factories.make_profile(display_name=f"P{i}", latitude=40.75 + i * 0.01)
    first, third, beyond = search(per_page=3), search(per_page=3, page=3), search(per_page=3, page=4)
    assert names(first) == ["P0", "P1", "P2"] and first.pages == 3 and first.has_next and not first.has_prev
    assert names(third) == ["P6"] and third.total == 7 and not third.has_next
    assert names(beyond) == [] and beyond.total == 7


def test_equal_distances_keep_a_stable_order(ctx):
    ids = [factories.make_profile(display_name=f"Same {i}").id for i in range(4)]
    assert [hit.profile.id for hit in search().hits] == ids


def test_nearest_first_in_a_dense_place_matches_the_full_ordering(ctx):
    # 30 practitioners within a few km, 10 more spread to 45 km: the small circle fills page 1,
    # page 2 needs the whole radius; both must equal the plain nearest-first order.
    for i in range(30):
        factories.make_profile(display_name=f"Near {i:02d}", latitude=40.7549 + i * 0.0009)
    for i in range(10):
        factories.make_profile(display_name=f"Far {i}", latitude=40.7549 - 0.05 - i * 0.03)
    everyone = names(search(per_page=100))
    assert len(everyone) == 40 and everyone[:30] == [f"Near {i:02d}" for i in range(30)]
    first, second = search(per_page=20), search(per_page=20, page=2)
    assert names(first) == everyone[:20] and names(second) == everyone[20:40]
    assert first.total == second.total == 40


def test_the_total_counts_the_whole_radius_whichever_circle_filled_the_page(ctx):
    for i in range(3):
        factories.make_profile(
            display_name=f"Queens {i}", latitude=40.7282, longitude=-73.7949 + i * 0.001
        )  # about 16 km
    factories.make_profile(display_name="Midtown", latitude=40.7549, longitude=-73.9840)
    # The small circle (6.25 km) holds nobody from Queens, one page from it, and nothing at all
    # from Newark: the total is still everyone within 50 km.
    assert [search(per_page=n).total for n in (1, 2, 20)] == [4, 4, 4]
    assert search(point=Point(40.7357, -74.1724), per_page=20).total == 4  # Newark
    assert search(per_page=1, page=9).total == 4


def test_counting_stops_at_the_cap(app):
    app.config["SEARCH_COUNT_CAP"] = 5
    with app.app_context():
        for i in range(7):
            factories.make_profile(display_name=f"P{i}", latitude=40.7549 + i * 0.001)
        page = search(per_page=3)
        assert (page.total, page.total_is_capped, page.pages) == (5, True, 2)
        assert names(page) == ["P0", "P1", "P2"]
        assert search(per_page=3, radius_km=0.2).total_is_capped is False


def test_searches_of_one_shape_each_keep_their_own_place_and_values(ctx):
    # One statement is built per shape of search and reused: nothing of one search may stick to the next.
    factories.make_profile(display_name="Midtown migraine", headache_types=["migraine"])
    factories.make_profile(
        display_name="Boston cluster", latitude=42.3601, longitude=-71.0589, headache_types=["cluster"]
    )
    boston = Point(42.3601, -71.0589)

    def treating(code):
        return SearchFilters(verified_only=False, headache_types=(code,))

    assert names(search(filters=treating("migraine"))) == ["Midtown migraine"]
    assert names(search(point=boston, filters=treating("cluster"))) == ["Boston cluster"]
    assert names(search(point=boston, filters=treating("migraine"))) == []
    assert names(search(filters=treating("cluster"))) == []


def test_a_bounding_box_corner_outside_the_radius_is_not_found(ctx):
    # Within 10 km the box reaches 0.0899° of latitude and 0.1188° of longitude (0.0899° / cos 40.75°);
    # its corner at +0.08°, +0.105° is about 12.5 km away: inside the box, outside the circle.
    factories.make_profile(display_name="Corner", latitude=40.8349, longitude=-73.8790)
    factories.make_profile(display_name="North, 8.9 km", latitude=40.8349, longitude=-73.9840)
    assert names(search(radius_km=10)) == ["North, 8.9 km"]
    assert search(radius_km=10).total == 1
    assert names(search(radius_km=13)) == ["North, 8.9 km", "Corner"]


def test_an_empty_search_has_a_total_of_0_and_one_page(ctx):
    factories.make_profile(display_name="Philadelphia", latitude=39.9526, longitude=-75.1652)  # about 130 km
    page = search(radius_km=50)
    assert (page.hits, page.total, page.total_is_capped, page.pages, page.has_prev, page.has_next) == (
        [],
        0,
        False,
        1,
        False,
        False,
    )
    beyond = search(radius_km=50, page=2)
    assert (beyond.hits, beyond.total, beyond.pages, beyond.has_prev, beyond.has_next) == ([], 0, 1, True, False)


def test_pages_round_up(ctx):
    for i in range(5):
        factories.make_profile(display_name=f"P{i}", latitude=40.7549 + i * 0.001)
    assert [
        (p.total, p.pages, p.has_next) for p in (search(per_page=5), search(per_page=4), search(per_page=2, page=2))
    ] == [(5, 1, False), (5, 2, True), (5, 3, True)]


@pytest.mark.parametrize(
    ("radius_km", "limit"),
    [
        (0, 0.0),
        (6671.7052, 0.25),  # R·π/3: sin²(π/6)
        (10007.5578, 0.5),  # R·π/2: sin²(π/4)
        (20015.1156, 1.0),  # R·π, half the globe: everything
        (30000, 1.0),  # further than that is still everything
    ],
)
def test_haversine_limit_worked_figures(radius_km, limit):
    assert haversine_limit(radius_km) == pytest.approx(limit, abs=1e-6)
