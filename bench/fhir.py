"""The FHIR API's near searches against the JSON API's same search, in one run.

The midtown query of bench.search (within 50 km of midtown Manhattan, nearest 20) as FHIR asks
it: `Location?near=` (every listed practice) and `PractitionerRole?location.near=` with
`specialty=migraine`, each beside the JSON API's search with the same filters (FHIR lists
verified and unverified practitioners alike, so the API's is `verified_only=false`). The calls
alternate, API then FHIR, so that a busy machine slows both alike. Target: each FHIR p95 within
1.5 times its JSON API p95. The role search with `_include=PractitionerRole:*` (four resources a
hit) is measured too, for information.

    python -m bench.fhir --practitioners 100000                 # SQLite (a file in a temp folder)
    bin/with-postgres python -m bench.fhir --practitioners 100000
"""

import argparse
import sys
import time

from sqlalchemy import func, select

from bench.common import summary, write_results
from bench.search import MIDTOWN, RADIUS_KM, prepare_app
from directory.extensions import db
from directory.models import TherapistProfile

TARGET_RATIO = 1.5
NEAR = f"{MIDTOWN.latitude}|{MIDTOWN.longitude}|{RADIUS_KM}|km"
API = f"/api/v1/practitioners?near={NEAR}&verified_only=false&per_page=20"
PAIRS = (
    ("Location?near", f"/fhir/Location?near={NEAR}", API, True),
    (
        "PractitionerRole?location.near&specialty",
        f"/fhir/PractitionerRole?location.near={NEAR}&specialty=migraine",
        f"{API}&headache_type=migraine",
        True,
    ),
    (
        "PractitionerRole?location.near&specialty&_include=*",
        f"/fhir/PractitionerRole?location.near={NEAR}&specialty=migraine&_include=PractitionerRole:*",
        f"{API}&headache_type=migraine",
        False,
    ),
)


def _ids(client, fhir_url: str, api_url: str) -> tuple[list[int], list[int]]:
    fhir = client.get(fhir_url)
    api = client.get(api_url)
    assert fhir.status_code == 200 and api.status_code == 200, (fhir.get_data(as_text=True), api.get_data(as_text=True))
    matched = [int(e["resource"]["id"]) for e in fhir.get_json()["entry"] if e["search"]["mode"] == "match"]
    return matched, [item["id"] for item in api.get_json()["items"]]


def interleaved_ms(client, first: str, second: str, runs: int, warmup: int = 10) -> tuple[list[float], list[float]]:
    """Milliseconds of `runs` GETs of each URL, alternating which goes first."""
    for _ in range(warmup):
        client.get(first)
        client.get(second)
    samples: tuple[list[float], list[float]] = ([], [])
    for run in range(runs):
        order = ((0, first), (1, second)) if run % 2 == 0 else ((1, second), (0, first))
        for index, url in order:
            started = time.perf_counter()
            response = client.get(url)
            samples[index].append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200
    return samples


def measure(app, runs: int) -> dict:
    """Each FHIR near search beside the JSON API's same search; asserts they find the same practitioners in order."""
    with app.app_context():
        engine = db.engine.dialect.name
        practitioners = db.session.scalar(select(func.count()).select_from(TherapistProfile))
        client = app.test_client()
        cases = []
        for name, fhir_url, api_url, has_target in PAIRS:
            fhir_ids, api_ids = _ids(client, fhir_url, api_url)
            assert fhir_ids == api_ids and len(fhir_ids) == 20, f"FHIR and the JSON API disagree: {name}"
            api_samples, fhir_samples = interleaved_ms(client, api_url, fhir_url, runs)
            api_stats, fhir_stats = summary(api_samples), summary(fhir_samples)
            ratio = round(fhir_stats["p95_ms"] / api_stats["p95_ms"], 2)
            cases.append(
                {
                    "case": name,
                    "fhir_query": fhir_url,
                    "api_query": api_url,
                    "fhir": fhir_stats,
                    "api": api_stats,
                    "fhir_p95_over_api_p95": ratio,
                    "target": f"<= {TARGET_RATIO}" if has_target else None,
                    "meets_target": ratio <= TARGET_RATIO if has_target else None,
                }
            )
    return {
        "engine": engine,
        "practitioners": practitioners,
        "seed_seconds": app.config.get("BENCH_SEED_SECONDS"),
        "runs": runs,
        "cases": cases,
        "meets_targets": all(case["meets_target"] for case in cases if case["meets_target"] is not None),
    }


def report(result: dict) -> str:
    """Lines of figures for the terminal."""
    lines = [f"fhir [{result['engine']}, {result['practitioners']:,} practitioners, {result['runs']} runs each]:"]
    for case in result["cases"]:
        verdict = "" if case["meets_target"] is None else (" met" if case["meets_target"] else " NOT met")
        lines.append(
            f"  {case['case']:<52} FHIR p50 {case['fhir']['p50_ms']:>7} ms p95 {case['fhir']['p95_ms']:>7} ms"
            f" | API p50 {case['api']['p50_ms']:>7} ms p95 {case['api']['p95_ms']:>7} ms"
            f" | {case['fhir_p95_over_api_p95']}x{verdict}"
        )
    lines.append(f"  targets (FHIR p95 <= {TARGET_RATIO}x API p95): {'met' if result['meets_targets'] else 'NOT met'}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--practitioners", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args(argv)
    app = prepare_app(args.practitioners)
    result = measure(app, args.runs)
    path = write_results(f"fhir_{result['engine']}_{args.practitioners}", result)
    print(report(result), "->", path, flush=True)
    return 0 if result["meets_targets"] else 1


if __name__ == "__main__":
    sys.exit(main())
