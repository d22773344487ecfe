"""Points, bounding boxes, distances and the FHIR near parameter (pure functions)."""

import math
import random

import pytest
from geopy.distance import great_circle
from hypothesis import given, settings
from hypothesis import strategies as st

from directory.services.geo.points import (
    EARTH_RADIUS_KM,
    Box,
    InvalidNear,
    Point,
    bounding_box,
    distance_km,
    distances_km_from,
    format_distance,
    km_to_miles,
    latitude_band,
    make_point,
    miles_to_km,
    parse_fhir_near,
    precise_distance_km,
)

ONE_DEGREE_KM = math.pi * EARTH_RADIUS_KM / 180  # an arc of one degree on a great circle
NEW_YORK = Point(40.7128, -74.006)
LONDON = Point(51.5074, -0.1278)


def approx_box(box: Box) -> tuple[float, ...]:
    # Boxes are widened by 1e-9 degrees against rounding; 1e-8 degrees is about a millimetre.
    return pytest.approx((box.min_lat, box.max_lat, box.min_lon, box.max_lon), abs=1e-8)


def as_tuple(box: Box) -> tuple[float, ...]:
    return (box.min_lat, box.max_lat, box.min_lon, box.max_lon)


# Points ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latitude", "longitude", "expected"),
    [
        (40.7, -73.9, Point(40.7, -73.9)),
        ("40.7", "-73.9", Point(40.7, -73.9)),
        (90, 180, Point(90.0, 180.0)),
        (-90, -180, Point(-90.0, -180.0)),
    ],
    ids=["floats", "numeric-strings", "north-pole-antimeridian", "south-pole-antimeridian"],
)
def test_make_point_accepts_coordinates_in_range(latitude, longitude, expected):
    assert make_point(latitude, longitude) == expected


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        (90.0001, 0),
        (-90.0001, 0),
        (0, 180.0001),
        (0, -180.0001),
        (float("nan"), 0),
        (0, float("nan")),
        (float("inf"), 0),
        (0, float("-inf")),
        ("north", 0),
        (None, 0),
        ("", ""),
    ],
    ids=[
        "lat-too-high",
        "lat-too-low",
        "lon-too-high",
        "lon-too-low",
        "lat-nan",
        "lon-nan",
        "lat-inf",
        "lon-minus-inf",
        "word",
        "none",
        "empty-strings",
    ],
)
def test_make_point_rejects_impossible_coordinates(latitude, longitude):
    with pytest.raises(ValueError):
        make_point(latitude, longitude)


def test_point_itself_refuses_out_of_range_values():
    with pytest.raises(ValueError, match="Latitude"):
        Point(100.0, 0.0)
    with pytest.raises(ValueError, match="finite"):
        Point(True, 0.0)


# Bounding boxes -------------------------------------------------------------------------------


def test_bounding_box_at_the_equator_is_square_in_degrees():
    (box,) = bounding_box(Point(0.0, 0.0), ONE_DEGREE_KM)
    assert as_tuple(box) == approx_box(Box(-1.0, 1.0, -1.0, 1.0))


def test_bounding_box_at_60_north_is_twice_as_wide_in_longitude():
    (box,) = bounding_box(Point(60.0, 10.0), ONE_DEGREE_KM)
    # delta_lon = asin(sin(1 degree) / cos(60 degrees)): a little over 2 degrees.
    assert as_tuple(box) == approx_box(Box(59.0, 61.0, 10.0 - 2.0003047799145306, 10.0 + 2.0003047799145306))


def test_bounding_box_of_radius_zero_is_the_point_itself():
    (box,) = bounding_box(Point(40.7, -73.9), 0.0)
    assert as_tuple(box) == approx_box(Box(40.7, 40.7, -73.9, -73.9))
    assert box.contains(Point(40.7, -73.9))
    assert not box.contains(Point(40.7, -73.89999))


def test_bounding_box_east_of_the_antimeridian_wraps_into_two_boxes():
    boxes = bounding_box(Point(0.0, 179.9), 50.0)
    half_width = 50.0 / ONE_DEGREE_KM  # 0.44966 degrees at the equator
    assert [as_tuple(box) for box in boxes] == [
        approx_box(Box(-half_width, half_width, 179.9 - half_width, 180.0)),
        approx_box(Box(-half_width, half_width, -180.0, 179.9 + half_width - 360.0)),
    ]
    across = Point(0.0, -179.8)  # 0.3 degrees east of the centre, across the line
    assert distance_km(Point(0.0, 179.9), across) < 50.0
    assert [box.contains(across) for box in boxes] == [False, True]


def test_bounding_box_west_of_the_antimeridian_wraps_into_two_boxes():
    boxes = bounding_box(Point(0.0, -179.9), 50.0)
    half_width = 50.0 / ONE_DEGREE_KM
    assert [as_tuple(box) for box in boxes] == [
        approx_box(Box(-half_width, half_width, -179.9 - half_width + 360.0, 180.0)),
        approx_box(Box(-half_width, half_width, -180.0, -179.9 + half_width)),
    ]
    across = Point(0.0, 179.8)
    assert distance_km(Point(0.0, -179.9), across) < 50.0
    assert [box.contains(across) for box in boxes] == [True, False]


def test_bounding_box_touching_the_antimeridian_exactly_stays_one_box():
    half_width = 50.0 / ONE_DEGREE_KM
    (box,) = bounding_box(Point(0.0, 180.0 - half_width - 1e-6), 50.0)
    assert 180.0 - 1e-6 < box.max_lon < 180.0


@pytest.mark.parametrize(
    ("centre", "expected"),
    [
        (Point(89.9, 10.0), Box(89.9 - 50.0 / ONE_DEGREE_KM, 90.0, -180.0, 180.0)),
        (Point(-89.9, -170.0), Box(-90.0, -89.9 + 50.0 / ONE_DEGREE_KM, -180.0, 180.0)),
        (Point(90.0, 0.0), Box(90.0 - 50.0 / ONE_DEGREE_KM, 90.0, -180.0, 180.0)),
    ],
    ids=["near-north-pole", "near-south-pole", "on-north-pole"],
)
def test_bounding_box_around_a_pole_covers_every_longitude(centre, expected):
    (box,) = bounding_box(centre, 50.0)
    assert as_tuple(box) == approx_box(expected)
    opposite = Point(centre.latitude, centre.longitude + 180.0 if centre.longitude <= 0 else centre.longitude - 180.0)
    assert distance_km(centre, opposite) < 50.0
    assert box.contains(opposite)


def test_bounding_box_at_the_pole_with_radius_zero_covers_every_longitude():
    (box,) = bounding_box(Point(-90.0, 0.0), 0.0)
    assert as_tuple(box) == approx_box(Box(-90.0, -90.0, -180.0, 180.0))


def test_bounding_box_larger_than_the_earth_is_the_whole_globe():
    (box,) = bounding_box(Point(10.0, 20.0), 25_000.0)
    assert as_tuple(box) == approx_box(Box(-90.0, 90.0, -180.0, 180.0))


@pytest.mark.parametrize("radius", [-1.0, float("nan"), float("inf")], ids=["negative", "nan", "infinite"])
def test_bounding_box_rejects_a_meaningless_radius(radius):
    with pytest.raises(ValueError, match="radius"):
        bounding_box(Point(0.0, 0.0), radius)


latitudes = st.floats(min_value=-90.0, max_value=90.0, allow_nan=False)
longitudes = st.floats(min_value=-180.0, max_value=180.0, allow_nan=False)


@settings(max_examples=500, deadline=None, database=None, derandomize=True)
@given(
    latitude=latitudes,
    longitude=longitudes,
    radius_km=st.floats(min_value=0.0, max_value=21_000.0, allow_nan=False),
    bearing=st.floats(min_value=0.0, max_value=360.0, allow_nan=False),
    fraction=st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
)
def test_every_point_within_the_radius_lies_in_a_bounding_box(latitude, longitude, radius_km, bearing, fraction):
    centre = Point(latitude, longitude)
    target = great_circle(kilometers=radius_km * fraction).destination(centre.as_tuple, bearing)
    point = Point(max(-90.0, min(90.0, target.latitude)), max(-180.0, min(180.0, target.longitude)))
    boxes = bounding_box(centre, radius_km)
    assert 1 <= len(boxes) <= 2
    assert all(-90.0 <= b.min_lat <= b.max_lat <= 90.0 and -180.0 <= b.min_lon <= b.max_lon <= 180.0 for b in boxes)
    if distance_km(centre, point) <= radius_km:
        assert any(box.contains(point) for box in boxes), (centre, point, boxes)
    for box in boxes:
        if box.contains(point):  # search finds a listing in its box only through the box's bands
            assert latitude_band(point.latitude) in box.latitude_bands, (point, box)


# By hand: floor((latitude + 90) * 4).
@pytest.mark.parametrize(
    ("latitude", "band"),
    [
        (-90.0, 0),
        (-89.76, 0),
        (-89.75, 1),
        (-0.0001, 359),
        (0.0, 360),
        (0.2499, 360),
        (0.25, 361),
        (40.7549, 523),
        (90.0, 720),
    ],
)
def test_latitude_band_is_the_quarter_degree_strip_counted_from_the_south_pole(latitude, band):
    assert latitude_band(latitude) == band


def test_a_box_lists_every_band_it_touches_edges_included():
    # 40.60 lies in band 522 (40.50-40.75), 40.75 is the first latitude of band 523, 41.0 of band 524.
    assert Box(40.60, 40.75, -74.1, -73.9).latitude_bands == [522, 523]
    assert Box(40.60, 40.7499, -74.1, -73.9).latitude_bands == [522]
    assert Box(-0.1, 0.3, 0.0, 1.0).latitude_bands == [359, 360, 361]
    assert Box(-90.0, 90.0, -180.0, 180.0).latitude_bands == list(range(721))


@settings(max_examples=200, deadline=None, database=None, derandomize=True)
@given(
    latitude=st.floats(min_value=-80.0, max_value=80.0),
    longitude=longitudes,
    radius_km=st.floats(min_value=0.0, max_value=500.0),
)
def test_bounding_boxes_are_no_wider_than_the_circle_needs(latitude, longitude, radius_km):
    centre = Point(latitude, longitude)
    boxes = bounding_box(centre, radius_km)
    height = sum(box.max_lat - box.min_lat for box in boxes) / len(boxes)
    assert height == pytest.approx(2 * radius_km / ONE_DEGREE_KM, abs=1e-8)
    width = sum(box.max_lon - box.min_lon for box in boxes)
    widest_latitude = math.radians(abs(latitude) + radius_km / ONE_DEGREE_KM)
    assert width <= 2 * radius_km / ONE_DEGREE_KM / math.cos(widest_latitude) + 1e-8


# Distances and units --------------------------------------------------------------------------


def test_distance_km_is_the_great_circle_distance():
    assert distance_km(NEW_YORK, LONDON) == pytest.approx(5570.23, abs=0.01)
    assert distance_km(NEW_YORK, NEW_YORK) == 0.0


def test_precise_distance_km_is_the_geodesic_on_the_ellipsoid():
    assert precise_distance_km(NEW_YORK, LONDON) == pytest.approx(5585.23, abs=0.01)


def test_distance_across_the_antimeridian_is_short():
    # geopy's great_circle uses its own mean radius, 6371.009 km.
    expected = 0.2 * ONE_DEGREE_KM * 6371.009 / EARTH_RADIUS_KM
    assert distance_km(Point(0.0, 179.9), Point(0.0, -179.9)) == pytest.approx(expected)


def test_miles_and_kilometres_convert_both_ways():
    assert km_to_miles(1.609344) == pytest.approx(1.0)
    assert miles_to_km(1.0) == 1.609344
    assert km_to_miles(miles_to_km(26.2)) == pytest.approx(26.2)


@pytest.mark.parametrize(
    ("km", "unit", "expected"),
    [
        (0.0, "km", "under 1 km"),
        (0.999, "km", "under 1 km"),
        (1.0, "km", "1 km"),
        (4.0, "km", "4 km"),
        (4.04, "km", "4 km"),
        (4.26, "km", "4.3 km"),
        (9.94, "km", "9.9 km"),
        (9.96, "km", "10 km"),
        (12.5, "km", "13 km"),
        (1234.4, "km", "1,234 km"),
        (1.0, "mi", "under 1 mi"),
        (miles_to_km(2.5), "mi", "2.5 mi"),
        (miles_to_km(10.4), "mi", "10 mi"),
        (100.0, "mi", "62 mi"),
    ],
    ids=[
        "zero",
        "just-under-1",
        "one",
        "whole-below-10",
        "rounds-down-to-whole",
        "one-decimal",
        "just-under-10",
        "rounds-up-to-10",
        "half-rounds-up",
        "thousands-separator",
        "under-1-mile",
        "miles-one-decimal",
        "miles-whole",
        "100-km-in-miles",
    ],
)
def test_format_distance_rounds_for_people(km, unit, expected):
    assert format_distance(km, unit) == expected


@pytest.mark.parametrize(
    ("km", "unit"),
    [(1.0, "m"), (1.0, "miles"), (-1.0, "km"), (float("nan"), "km"), (float("inf"), "mi")],
    ids=["metres", "miles-spelled-out", "negative", "nan", "infinite"],
)
def test_format_distance_rejects_bad_units_and_values(km, unit):
    with pytest.raises(ValueError):
        format_distance(km, unit)


# FHIR near ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected_point", "expected_km"),
    [
        ("40.7|-73.9|10|km", Point(40.7, -73.9), 10.0),
        ("40.7|-73.9|10|KM", Point(40.7, -73.9), 10.0),
        ("40.7|-73.9|10|mi", Point(40.7, -73.9), 16.09344),
        ("40.7|-73.9|10|Mi", Point(40.7, -73.9), 16.09344),
        ("40.7|-73.9|10|[mi_i]", Point(40.7, -73.9), 16.09344),
        ("40.7|-73.9|2.5", Point(40.7, -73.9), 2.5),
        ("40.7|-73.9", Point(40.7, -73.9), 25.0),
        ("40.7|-73.9||km", Point(40.7, -73.9), 25.0),
        ("40.7|-73.9|10|", Point(40.7, -73.9), 10.0),
        (" 40.7 | -73.9 | 5 | km ", Point(40.7, -73.9), 5.0),
        ("-90|180|0|km", Point(-90.0, 180.0), 0.0),
        ("+51.5|-.12|20000|km", Point(51.5, -0.12), 20000.0),
        ("0|0|12427|mi", Point(0.0, 0.0), 12427 * 1.609344),
    ],
    ids=[
        "km",
        "km-upper-case",
        "miles",
        "miles-mixed-case",
        "ucum-miles",
        "no-unit-means-km",
        "no-distance-uses-default",
        "empty-distance-uses-default",
        "empty-unit-means-km",
        "spaces",
        "extremes-zero-distance",
        "plus-sign-and-leading-dot",
        "just-under-the-limit-in-miles",
    ],
)
def test_parse_fhir_near_reads_point_and_radius(value, expected_point, expected_km):
    point, radius_km = parse_fhir_near(value, default_radius_km=25.0)
    assert point == expected_point
    assert radius_km == pytest.approx(expected_km)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "latitude\\|longitude"),
        ("40.7", "latitude\\|longitude"),
        ("40.7|-73.9|10|km|extra", "latitude\\|longitude"),
        ("north|-73.9|10|km", "latitude must be a decimal"),
        ("40.7|west|10|km", "longitude must be a decimal"),
        ("|-73.9", "latitude must be a decimal"),
        ("nan|0", "latitude must be a decimal"),
        ("0|inf", "longitude must be a decimal"),
        ("1e1|0", "latitude must be a decimal"),
        ("4_0|0", "latitude must be a decimal"),
        ("91|0|10|km", "Latitude must be between"),
        ("0|-181|10|km", "Longitude must be between"),
        ("40.7|-73.9|ten|km", "distance must be a decimal"),
        ("40.7|-73.9|-1|km", "distance must be a decimal|cannot be negative"),
        ("40.7|-73.9|20000.1|km", "at most 20,000 km"),
        ("40.7|-73.9|12500|mi", "at most 20,000 km"),
        ("40.7|-73.9|10|m", "unit must be km or mi"),
        ("40.7|-73.9|10|miles", "unit must be km or mi"),
        ("40.7|-73.9|10|[mi_us]", "unit must be km or mi"),
    ],
    ids=[
        "empty",
        "one-part",
        "five-parts",
        "latitude-word",
        "longitude-word",
        "latitude-missing",
        "nan",
        "inf",
        "exponent",
        "underscore",
        "latitude-out-of-range",
        "longitude-out-of-range",
        "distance-word",
        "negative-distance",
        "over-20000-km",
        "over-20000-km-in-miles",
        "metres",
        "miles-spelled-out",
        "us-survey-miles",
    ],
)
def test_parse_fhir_near_rejects_bad_values_with_a_clear_message(value, message):
    with pytest.raises(InvalidNear, match=message):
        parse_fhir_near(value, default_radius_km=25.0)


def test_invalid_near_is_a_value_error():
    assert issubclass(InvalidNear, ValueError)


def test_distance_is_geopy_s_great_circle_to_the_last_digit():
    rng = random.Random(14)
    for _ in range(2000):
        a = Point(rng.uniform(-90, 90), rng.uniform(-180, 180))
        b = Point(rng.uniform(-90, 90), rng.uniform(-180, 180))
        assert distance_km(a, b) == pytest.approx(great_circle(a.as_tuple, b.as_tuple).km, rel=1e-12, abs=1e-9)
    assert distance_km(Point(40.7484, -73.9857), Point(40.7484, -73.9857)) == 0.0


@given(latitudes, longitudes, latitudes, longitudes)
@settings(max_examples=300, deadline=None)
def test_distances_from_a_point_are_distance_km_to_the_last_bit(lat1, lon1, lat2, lon2):
    assert distances_km_from(Point(lat1, lon1))(lat2, lon2) == distance_km(Point(lat1, lon1), Point(lat2, lon2))
