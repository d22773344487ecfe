"""Nearby search: the API against the plain-SQL floor and the naive way.

The query: the nearest 20 verified practitioners treating migraine within 50 km of midtown
Manhattan, on a directory seeded like the population (dense where people are dense).

    python -m bench.search --practitioners 100000          # SQLite (a file in a temp folder)
    DATABASE_URL=postgresql+psycopg://... python -m bench.search --practitioners 100000
"""

import argparse
import math
import os
import sys
import tempfile
import time
from datetime import date

from geopy.distance import great_circle
from sqlalchemy import select, text
from sqlalchemy.orm import selectinload

from bench.common import summary, timings_ms, write_results
from config import Config, TestingConfig
from directory import create_app, demo
from directory.extensions import db
from directory.models import TherapistProfile
from directory.services.geo import gazetteer
from directory.services.geo.points import Point, bounding_box
from directory.services.search import ratings
from directory.services.search.listing import HEADACHE_BITS
from directory.services.search.nearby import HALF_RADIAN, RADIAN, haversine_limit

MIDTOWN = Point(40.7549, -73.9840)
RADIUS_KM = 50
HEADACHE = "migraine"
HEADACHE_BIT = HEADACHE_BITS[HEADACHE]
API_URL = f"/api/v1/practitioners?near={MIDTOWN.latitude}|{MIDTOWN.longitude}|{RADIUS_KM}|km&headache_type={HEADACHE}&per_page=20"


def floor_sql(
    boxes,
    point: Point = MIDTOWN,
    radius_km: float = RADIUS_KM,
    verified: bool = True,
    headache: str | None = HEADACHE,
    sort: str = "distance",
    prior: tuple[float, float] = (0.0, 0.0),
) -> str:
    """The page of results by one hand-written query on the listing, run through the driver alone."""
    box = " OR ".join(
        f"(lat_band IN ({', '.join(map(str, b.latitude_bands))})"
        f" AND latitude BETWEEN {b.min_lat} AND {b.max_lat} AND longitude BETWEEN {b.min_lon} AND {b.max_lon})"
        for b in boxes
    )
    lat0, lon0 = math.radians(point.latitude), math.radians(point.longitude)
    # The same arithmetic as the service's (no radians() calls), written out with literals.
    half_dlat = f"sin(latitude * {HALF_RADIAN} - ({lat0 / 2}))"
    half_dlon = f"sin(longitude * {HALF_RADIAN} - ({lon0 / 2}))"
    nearness = f"{half_dlat} * {half_dlat} + {math.cos(lat0)} * cos(latitude * {RADIAN}) * {half_dlon} * {half_dlon}"
    conditions = [f"({box})"]
    if verified:
        conditions.append(f"verified_until >= '{date.today().isoformat()}'")
    if headache:
        bit = HEADACHE_BITS[headache]
        conditions.append(f"(headache_mask & {bit}) = {bit}")
    prior_mean, prior_weight = prior
    order = {
        "distance": "nearness, profile_id",
        "rating": f"(rating_total + {prior_weight} * {prior_mean}) / (review_count + {prior_weight}) DESC, nearness, profile_id",
        "experience": "practising_since IS NULL, practising_since, nearness, profile_id",
    }[sort]
    return f"""
        SELECT profile_id, nearness FROM (
            SELECT profile_id, review_count, rating_total, practising_since, {nearness} AS nearness FROM search_listing
            WHERE {" AND ".join(conditions)}
        ) AS candidates
        WHERE nearness <= {haversine_limit(radius_km)} ORDER BY {order} LIMIT 20
    """


# The queries people send: no filters, verified only (the default), each sort, dense and rural.
RURAL = Point(44.08, -103.23)  # Rapid City, South Dakota: few practitioners for hundreds of kilometres
CASES = (
    ("dense, no filters, nearest", MIDTOWN, 25, False, None, "distance"),
    ("dense, verified only, nearest", MIDTOWN, 25, True, None, "distance"),
    ("dense, verified only, best rated", MIDTOWN, 50, True, None, "rating"),
    ("dense, verified only, most experienced", MIDTOWN, 50, True, None, "experience"),
    ("rural, no filters, nearest", RURAL, 50, False, None, "distance"),
    ("rural, verified only, nearest", RURAL, 50, True, None, "distance"),
    ("rural, verified only, best rated", RURAL, 50, True, None, "rating"),
)


def case_url(point: Point, radius_km: float, verified: bool, headache: str | None, sort: str) -> str:
    """The API URL of one case."""
    url = f"/api/v1/practitioners?near={point.latitude}|{point.longitude}|{radius_km}|km&verified_only={str(verified).lower()}&sort={sort}&per_page=20"
    return url + (f"&headache_type={headache}" if headache else "")


def measure_cases(app, runs: int) -> list[dict]:
    """Each of CASES through the API beside its plain-SQL floor; asserts they agree."""
    results = []
    with app.app_context():
        client = app.test_client()
        prior = (ratings.site_mean_rating(), app.config["REVIEW_PRIOR_WEIGHT"])
        raw = db.engine.raw_connection()
        try:
            for name, point, radius_km, verified, headache, sort in CASES:
                url = case_url(point, radius_km, verified, headache, sort)
                answer = client.get(url)
                assert answer.status_code == 200, answer.get_data(as_text=True)
                api_ids = [item["id"] for item in answer.get_json()["items"]]
                sql = floor_sql(bounding_box(point, radius_km), point, radius_km, verified, headache, sort, prior)

                def floor(sql=sql):
                    cursor = raw.cursor()
                    cursor.execute(sql)
                    rows = cursor.fetchall()
                    cursor.close()
                    return rows

                assert [row[0] for row in floor()] == api_ids, f"the floor query and the API disagree: {name}"
                floor_stats = summary(timings_ms(floor, runs))
                api_stats = summary(timings_ms(lambda url=url: client.get(url), runs))
                results.append(
                    {
                        "case": name,
                        "query": url,
                        "matches_on_page": len(api_ids),
                        "api": api_stats,
                        "floor_sql": floor_stats,
                        "api_p95_over_floor_p95": round(api_stats["p95_ms"] / floor_stats["p95_ms"], 2),
                    }
                )
        finally:
            raw.close()
    return results


def report_cases(cases: list[dict]) -> str:
    """One line per case for the terminal."""
    return "\n".join(
        f"  {case['case']:<40} {case['matches_on_page']:>2} hits | API p50 {case['api']['p50_ms']:>7} ms p95 {case['api']['p95_ms']:>7} ms"
        f" | floor p95 {case['floor_sql']['p95_ms']:>7} ms | {case['api_p95_over_floor_p95']}x"
        for case in cases
    )


def naive_search() -> list[tuple[float, int]]:
    """Every practitioner loaded as an object, filtered and measured in Python."""
    today = date.today()
    profiles = db.session.scalars(
        select(TherapistProfile).options(
            selectinload(TherapistProfile.headache_types),
            selectinload(TherapistProfile.certifications),
            selectinload(TherapistProfile.user),
        )
    ).all()
    found = []
    for profile in profiles:
        if not (profile.published and profile.user.active):
            continue
        if HEADACHE not in {t.code for t in profile.headache_types}:
            continue
        if not any(c.counts_on(today) for c in profile.certifications):
            continue
        distance = great_circle(MIDTOWN.as_tuple, (profile.latitude, profile.longitude)).km
        if distance <= RADIUS_KM:
            found.append((distance, profile.id))
    db.session.expunge_all()
    return sorted(found)[:20]


def seed_directory(app, practitioners: int, seed: int = 1) -> float:
    """Fill the app's database afresh with the gazetteer and a demo directory, settled; returns the seeding seconds."""
    with app.app_context():
        engine = db.engine.dialect.name
        print(f"[{engine}] preparing {practitioners:,} practitioners ...", flush=True)
        db.drop_all()
        db.create_all()
        started = time.perf_counter()
        gazetteer.load_places()
        places_seconds = time.perf_counter() - started
        started = time.perf_counter()
        seeded = demo.seed_demo(practitioners, seed=seed)
        seed_seconds = time.perf_counter() - started
        db.session.commit()
        # Settle the tables as autovacuum would in production, so that it does not run mid-measurement.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
            if engine == "postgresql":
                # The throw-away server commits asynchronously, and VACUUM marks a page all-visible
                # (what index-only scans need) only once the commits before it are on disk.
                connection.execute(text("CHECKPOINT"))
                connection.execute(text("VACUUM"))
        print(
            f"[{engine}] places in {places_seconds:.1f} s, {seeded.practitioners:,} practitioners seeded in {seed_seconds:.1f} s",
            flush=True,
        )
    return seed_seconds


def prepare_app(practitioners: int):
    """An app on DATABASE_URL (or a SQLite file in a temp folder) with the gazetteer and a fresh demo directory."""
    database_url = os.environ.get("DATABASE_URL")
    workdir = tempfile.mkdtemp(prefix="bench-")

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url or f"sqlite:///{workdir}/bench.sqlite3"
        SERVER_NAME = "localhost"
        RATING_MEAN_CACHE_SECONDS = Config.RATING_MEAN_CACHE_SECONDS  # as in production

    if database_url and not database_url.startswith("postgresql+psycopg"):
        BenchConfig.SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://" + database_url.split("://", 1)[1]
    app = create_app(BenchConfig)
    seed_seconds = seed_directory(app, practitioners)
    app.config["BENCH_SEED_SECONDS"] = round(seed_seconds, 1)
    return app


def measure(app, runs: int, naive_runs: int) -> dict:
    """The API, the plain-SQL floor and the naive way on the same query; asserts they agree."""
    with app.app_context():
        engine = db.engine.dialect.name
        practitioners = db.session.scalar(select(db.func.count()).select_from(TherapistProfile))
        client = app.test_client()
        first = client.get(API_URL)
        assert first.status_code == 200, first.get_data(as_text=True)
        api_ids = [item["id"] for item in first.get_json()["items"]]
        total = first.get_json()["total"]
        capped = first.get_json()["total_is_capped"]

        sql = floor_sql(bounding_box(MIDTOWN, RADIUS_KM))
        raw = db.engine.raw_connection()
        try:

            def floor():
                cursor = raw.cursor()
                cursor.execute(sql)
                rows = cursor.fetchall()
                cursor.close()
                return rows

            floor_ids = [row[0] for row in floor()]
            assert floor_ids == api_ids, "the floor query and the API disagree"
            floor_samples = timings_ms(floor, runs)
        finally:
            raw.close()

        api_samples = timings_ms(lambda: client.get(API_URL), runs)
        naive_samples = []
        if naive_runs:
            naive_ids = [profile_id for _, profile_id in naive_search()]
            assert naive_ids == api_ids, "the naive way and the API disagree"
            naive_samples = timings_ms(naive_search, naive_runs, warmup=1)

    api, floor_stats = summary(api_samples), summary(floor_samples)
    result = {
        "engine": engine,
        "practitioners": practitioners,
        "seed_seconds": app.config.get("BENCH_SEED_SECONDS"),
        "query": API_URL,
        "matches_within_radius": f"{total}+" if capped else total,
        "api": api,
        "floor_sql": floor_stats,
        "api_p95_over_floor_p95": round(api["p95_ms"] / floor_stats["p95_ms"], 2),
    }
    targets = {"api_p95_ms_max": 20 if practitioners <= 100_000 else 60, "api_over_floor_max": 3}
    met = (
        api["p95_ms"] <= targets["api_p95_ms_max"] and result["api_p95_over_floor_p95"] <= targets["api_over_floor_max"]
    )
    if naive_samples:
        naive = summary(naive_samples)
        result["naive_python"] = naive
        result["naive_p50_over_api_p50"] = round(naive["p50_ms"] / api["p50_ms"], 1)
        targets["naive_over_api_min"] = 50
        met = met and result["naive_p50_over_api_p50"] >= 50
    result["targets"] = targets
    result["meets_targets"] = met
    return result


def report(result: dict) -> str:
    """One line of figures for the terminal."""
    api, floor = result["api"], result["floor_sql"]
    naive = (
        f" | naive p50 {result['naive_python']['p50_ms']:.0f} ms, {result['naive_p50_over_api_p50']}x the API"
        if "naive_python" in result
        else ""
    )
    return (
        f"search [{result['engine']}, {result['practitioners']:,} practitioners, {result['matches_within_radius']} matches]: "
        f"API p50 {api['p50_ms']} ms p95 {api['p95_ms']} ms | floor p50 {floor['p50_ms']} ms p95 {floor['p95_ms']} ms | "
        f"API/floor p95 {result['api_p95_over_floor_p95']}x{naive} | targets {'met' if result['meets_targets'] else 'NOT met'}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practitioners", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--naive-runs", type=int, default=3)
    args = parser.parse_args(argv)
    app = prepare_app(args.practitioners)
    result = measure(app, args.runs, args.naive_runs)
    result["cases"] = measure_cases(app, args.runs)
    path = write_results(f"search_{result['engine']}_{args.practitioners}", result)
    print(report(result), "->", path)
    print(report_cases(result["cases"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
