"""Time a 10,000-row roster preview against 10,000 pending certifications.

Run: cd /work/main && .venv/bin/python -m bench.roster_preview
"""

import codecs
import json
import platform
import random
import statistics
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert

from config import TestingConfig
from directory import create_app
from directory.extensions import db
from directory.models import Certification, TherapistProfile, User, utcnow
from directory.services.verification.roster.mapping import guess_mapping
from directory.services.verification.roster.preview import preview
from directory.services.verification.roster.reading import read_roster
from tests.conftest import reset_database

CERTIFICATIONS = 10_000
RUNS = 5
TODAY = date(2025, 6, 1)
RESULTS = Path(__file__).resolve().parent / "results" / "roster_preview.json"
FIRST = ("Jane", "José", "Ana", "Chris", "Mónica", "Bob", "Aoife", "Łukasz", "Zoë", "Ahmed", "Mary-Jane", "Søren")
LAST = ("Smith", "Muñoz", "García López", "O'Brien", "Nguyen", "Stone", "Kowalski", "Ærø", "Park", "Walsh")
BODIES = ("myopain", "kinetacore", "eim", "idn", "aamt", "dgsa")


def seed(rng: random.Random) -> list[tuple[int, str, str]]:
    """Insert therapists with one pending certification each; returns (id, name, credential id)."""
    now = utcnow()
    people = [
        (n, f"{rng.choice(FIRST)} {rng.choice(LAST)}", f"{rng.choice(BODIES).upper()}-{n:06d}")
        for n in range(1, CERTIFICATIONS + 1)
    ]
    db.session.execute(
        insert(User),
        [
            {
                "id": n,
                "email": f"therapist{n}@example.com",
                "password_hash": "x",
                "role": "therapist",
                "active": True,
                "session_version": 1,
                "created_at": now,
            }
            for n, _, _ in people
        ],
    )
    db.session.execute(
        insert(TherapistProfile),
        [
            {
                "id": n,
                "user_id": n,
                "display_name": name,
                "slug": f"therapist-{n}",
                "currency": "USD",
                "accepts_self_pay": True,
                "accepting_new_patients": True,
                "published": True,
                "review_count": 0,
                "rating_total": 0,
                "created_at": now,
                "updated_at": now,
            }
            for n, name, _ in people
        ],
    )
    db.session.execute(
        insert(Certification),
        [
            {
                "id": n,
                "profile_id": n,
                "issuing_body": credential.split("-")[0].lower(),
                "credential_id": credential,
                "status": "pending",
                "obtained_on": TODAY - timedelta(days=400),
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
            for n, _, credential in people
        ],
    )
    db.session.commit()
    return people


def roster_bytes(rng: random.Random, people: list[tuple[int, str, str]]) -> tuple[bytes, dict[str, int]]:
    """A semicolon CSV with a BOM: 60% confirming rows, 15% contradicting, 25% unknown ids."""
    lines = ["Full name;Certificate number;Provider;Completion date;Valid until"]
    expected = {"confirmed": 0, "contradicted": 0, "unmatched": 0}
    for _, name, credential in rng.sample(people, 7_500):
        first, last = name.split(" ", 1)
        if len(lines) <= 6_000:
            shown = rng.choice((name, f"Dr. {name}", f'"{last}, {first}"', f"{first[0]}. {last}", f"{name}, DPT"))
            expires = rng.choice(("", "2027-03-01", "03/01/2027", "1 March 2028"))
            expected["confirmed"] += 1
        else:
            shown, expires = rng.choice((("Someone Else", "2027-03-01"), (name, "2024-12-31")))
            expected["contradicted"] += 1
        lines.append(f"{shown};{credential.lower().replace('-', ' ')};;01.03.2024;{expires}")
    for n in range(2_500):
        lines.append(f"Unknown Person {n};ZZ-{n:06d};;2024-03-01;2027-03-01")
        expected["unmatched"] += 1
    expected["not_mentioned"] = CERTIFICATIONS - expected["confirmed"] - expected["contradicted"]
    return codecs.BOM_UTF8 + ("\r\n".join(lines) + "\r\n").encode("utf-8"), expected


def time_preview(data: bytes) -> tuple[float, object]:
    """One read + guess + preview, timed."""
    started = time.perf_counter()
    roster = read_roster(data)
    result = preview(roster, guess_mapping(roster.headers), None, today=TODAY)
    return time.perf_counter() - started, result


def main() -> None:
    """Seed, run the preview RUNS times, print and save the figures."""
    rng = random.Random(20250601)
    app = create_app(TestingConfig)
    with app.app_context():
        reset_database()
        seeded = time.perf_counter()
        people = seed(rng)
        seed_seconds = time.perf_counter() - seeded
        data, expected = roster_bytes(rng, people)
        timings = []
        for _ in range(RUNS):
            seconds, result = time_preview(data)
            timings.append(seconds)
        counts = {
            "confirmed": len(result.confirmed),
            "contradicted": len(result.contradicted),
            "not_mentioned": len(result.not_mentioned),
            "unmatched": result.unmatched_count,
        }
        dialect = db.engine.dialect.name
    assert counts == expected, (counts, expected)
    figures = {
        "roster_rows": 10_000,
        "roster_bytes": len(data),
        "pending_certifications": CERTIFICATIONS,
        "database": dialect,
        "runs": RUNS,
        "seconds": [round(t, 4) for t in timings],
        "median_seconds": round(statistics.median(timings), 4),
        "max_seconds": round(max(timings), 4),
        "seed_seconds": round(seed_seconds, 2),
        "counts": counts,
        "python": platform.python_version(),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"read_roster + guess_mapping + preview, 10,000 rows x {CERTIFICATIONS:,} pending ({dialect}), {RUNS} runs")
    print(f"median {figures['median_seconds']:.3f} s, max {figures['max_seconds']:.3f} s; counts {counts}")
    print(f"written to {RESULTS.relative_to(Path.cwd()) if RESULTS.is_relative_to(Path.cwd()) else RESULTS}")


if __name__ == "__main__":
    main()
