"""The headache diary with two years of daily entries: its pages and summary JSON against a plain profile page, and a 730-row CSV import.

Targets (issue 16): the diary page and the summary JSON p95 under 3 times a plain profile page's p95,
measured in one run, the requests interleaved; a 730-row CSV import under 1 s.

    python -m bench.diary                                  # SQLite (a file in a temp folder)
    bin/with-postgres .venv/bin/python -m bench.diary      # PostgreSQL
"""

import argparse
import random
import sys
import time
from datetime import date, timedelta

from sqlalchemy import insert

from bench.common import bench_app, summary, write_results
from directory.extensions import db
from directory.models import DiaryEntry, DiaryMedicine, Role, TreatmentSession, User, utcnow
from directory.services.diary import csv_io
from tests import factories
from tests.conftest import reset_database

DAYS = 730
TARGET_RATIO = 3.0
TARGET_IMPORT_MS = 1000.0


def seed_two_years(patient_id: int, today: date, rng: random.Random) -> None:
    """A daily entry for each of the last 730 days, a third with headache and medicines, and six weekly sessions."""
    now = utcnow()
    entries, medicine_days = [], {}
    for n in range(DAYS):
        day = today - timedelta(days=DAYS - 1 - n)
        headache = rng.random() < 0.35
        migraine = headache and rng.random() < 0.5
        entries.append(
            {
                "patient_id": patient_id,
                "day": day,
                "headache": headache,
                "pain": rng.randrange(1, 10) if headache else None,
                "duration": rng.choice(("30m_4h", "4h_24h", "all_day")) if headache else None,
                "one_side": migraine if headache else None,
                "throbbing": migraine if headache else None,
                "worse_with_activity": migraine if headache else None,
                "nausea_or_vomiting": migraine if headache else None,
                "light_and_sound": migraine if headache else None,
                "aura_5_60_min": False if headache else None,
                "function_level": rng.randrange(0, 5) if headache else None,
                "triggers": None,
                "notes": "A note of a few words." if headache and rng.random() < 0.2 else None,
                "source": "form",
                "late": False,
                "recorded_at": now,
                "updated_at": now,
            }
        )
        if headache and rng.random() < 0.7:
            medicine_days[day] = "triptan" if migraine else "simple"
    inserted = db.session.execute(
        insert(DiaryEntry).returning(DiaryEntry.id, DiaryEntry.day, sort_by_parameter_order=True), entries
    ).all()
    medicines = [
        {"entry_id": entry_id, "medicine_class": medicine_days[day], "relief": "good"}
        for entry_id, day in inserted
        if day in medicine_days
    ]
    db.session.execute(insert(DiaryMedicine), medicines)
    first_session = today - timedelta(days=120)
    db.session.execute(
        insert(TreatmentSession),
        [{"patient_id": patient_id, "day": first_session + timedelta(weeks=w), "created_at": now} for w in range(6)],
    )
    db.session.commit()


def csv_of_730_days(today: date, rng: random.Random) -> bytes:
    lines = [",".join(csv_io.COLUMNS)]
    for n in range(DAYS):
        day = today - timedelta(days=DAYS - 1 - n)
        if rng.random() < 0.35:
            lines.append(
                f"{day.isoformat()},yes,{rng.randrange(1, 10)},4h_24h,yes,yes,no,yes,yes,no,triptan;simple,2,no,"
            )
        else:
            lines.append(f"{day.isoformat()},no,,,,,,,,,,,no,")
    return ("\n".join(lines) + "\n").encode()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--imports", type=int, default=5)
    args = parser.parse_args(argv)

    app = bench_app("diary")
    rng = random.Random(16)
    today = date.today()
    with app.app_context():
        reset_database()
        engine = db.engine.dialect.name
        profile = factories.make_profile(
            slug="bench-practitioner", verified=True, bio="Dry needling for headache.", slots=((1, 540, 720),)
        )
        slug = profile.slug
        patient = factories.make_user(Role.PATIENT, email="bench.patient@example.com", name="Bench")
        seed_two_years(patient.id, today, rng)
        importers = [
            factories.make_user(Role.PATIENT, email=f"importer{n}@example.com").id for n in range(args.imports)
        ]
        importer_emails = [db.session.get(User, n).email for n in importers]

    client = app.test_client()
    client.post("/auth/login", data={"email": "bench.patient@example.com", "password": factories.PASSWORD})
    urls = {
        "profile_page": f"/practitioners/{slug}",
        "diary_page": "/diary/",
        "charts_page": "/diary/charts",
        "summary_json": "/api/v1/me/diary/summary",
    }
    for url in urls.values():
        for _ in range(5):
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
    samples: dict[str, list[float]] = {name: [] for name in urls}
    # Interleaved, so that whatever slows the machine slows every page alike.
    for _ in range(args.runs):
        for name, url in urls.items():
            started = time.perf_counter()
            client.get(url)
            samples[name].append((time.perf_counter() - started) * 1000)
    figures = {name: summary(values) for name, values in samples.items()}
    profile_p95 = figures["profile_page"]["p95_ms"]
    ratios = {
        name: round(figures[name]["p95_ms"] / profile_p95, 2) for name in ("diary_page", "charts_page", "summary_json")
    }

    body = csv_of_730_days(today, rng)
    import_ms = []
    for email in importer_emails:
        importer = app.test_client()
        importer.post("/auth/login", data={"email": email, "password": factories.PASSWORD})
        started = time.perf_counter()
        response = importer.put("/api/v1/me/diary/entries", data=body, content_type="text/csv")
        import_ms.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200 and response.get_json()["imported"] == DAYS, response.get_data(as_text=True)
    result = {
        "engine": engine,
        "days": DAYS,
        "runs": args.runs,
        "pages": figures,
        "p95_ratio_to_profile_page": ratios,
        "import_730_rows_ms": {
            "runs": len(import_ms),
            "max_ms": round(max(import_ms), 1),
            "mean_ms": round(sum(import_ms) / len(import_ms), 1),
        },
        "targets": {"p95_ratio": TARGET_RATIO, "import_ms": TARGET_IMPORT_MS},
        "met": all(r < TARGET_RATIO for r in (ratios["diary_page"], ratios["summary_json"]))
        and max(import_ms) < TARGET_IMPORT_MS,
    }
    path = write_results(f"diary_{engine}", result)
    print(f"Headache diary, {DAYS} daily entries, {engine}, {args.runs} interleaved runs each:")
    for name, values in figures.items():
        ratio = "" if name == "profile_page" else f"  ({ratios[name]} x the profile page; target < {TARGET_RATIO})"
        print(f"  {name:<13} p50 {values['p50_ms']:7.2f} ms  p95 {values['p95_ms']:7.2f} ms{ratio}")
    print(
        f"  CSV import of {DAYS} rows (PUT /api/v1/me/diary/entries): max {max(import_ms):.0f} ms, "
        f"mean {sum(import_ms) / len(import_ms):.0f} ms over {len(import_ms)} (target < {TARGET_IMPORT_MS:.0f} ms)"
    )
    print(f"  targets {'met' if result['met'] else 'NOT met'} -> {path}", flush=True)
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
