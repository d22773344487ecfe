"""Outcomes refresh: 10,000 consenting patients with 120 diary days each (1.2 million entries).

Targets (issue 17): the whole refresh under 60 s, on SQLite and on PostgreSQL; one patient's refresh under 100 ms.

    python -m bench.outcomes                                  # SQLite (a file in a temp folder)
    bin/with-postgres .venv/bin/python -m bench.outcomes      # PostgreSQL
"""

import argparse
import itertools
import random
import time
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from bench.common import bench_app, summary, timings_ms, write_results
from directory.extensions import db
from directory.models import (
    ConsultationRequest,
    DiaryEntry,
    DiaryMedicine,
    OutcomeConsent,
    TreatmentSession,
    User,
    utcnow,
)
from directory.services.core.bulk import bulk_insert
from directory.services.outcomes import refresh
from tests import factories
from tests.conftest import reset_database

PATIENTS = 10_000
DAYS = 120
PER_PRACTITIONER = 50
TARGET_REFRESH_S = 60.0
TARGET_ONE_PATIENT_MS = 100.0


def seed(patients: int, today: date, rng: random.Random) -> list[int]:
    """Practitioners with 50 consenting patients each; each patient 120 days around a first session 100 days ago."""
    profiles = [factories.make_profile(verified=True).id for _ in range(max(1, patients // PER_PRACTITIONER))]
    now = utcnow()
    first_id = (db.session.scalar(select(db.func.max(User.id))) or 0) + 1
    password = factories.password_hash()
    users, consultations, sessions, consents = [], [], [], []
    entries, medicines = [], []
    entry_ids = itertools.count(1)
    first_session = today - timedelta(days=100)
    for n in range(patients):
        uid = first_id + n
        profile_id = profiles[n % len(profiles)]
        users.append(
            {
                "id": uid,
                "email": f"bench.outcome.{n}@example.com",
                "password_hash": password,
                "role": "patient",
                "name": None,
                "active": True,
                "email_confirmed_at": now,
                "session_version": 1,
                "created_at": now,
            }
        )
        consultations.append(
            {
                "id": n + 1,
                "patient_id": uid,
                "profile_id": profile_id,
                "mode": "in_person",
                "status": "completed",
                "created_at": now,
                "updated_at": now,
                "completed_at": now,
            }
        )
        sessions.append(
            {"id": n + 1, "patient_id": uid, "day": first_session, "consultation_id": n + 1, "created_at": now}
        )
        consents.append({"id": n + 1, "patient_id": uid, "profile_id": profile_id, "given_at": now})
        before = rng.uniform(0.2, 0.6)
        after = before * rng.uniform(0.4, 1.0)
        start = first_session - timedelta(days=28)
        for d in range(DAYS):
            day = start + timedelta(days=d)
            headache = rng.random() < (before if day < first_session else after)
            entry_id = next(entry_ids)
            entries.append(
                {
                    "id": entry_id,
                    "patient_id": uid,
                    "day": day,
                    "headache": headache,
                    "pain": rng.randrange(2, 9) if headache else None,
                    "duration": "4h_24h" if headache else None,
                    "source": "form",
                    "late": False,
                    "recorded_at": now,
                    "updated_at": now,
                }
            )
            if headache and rng.random() < 0.5:
                medicines.append({"id": entry_id, "entry_id": entry_id, "medicine_class": "simple"})
    bulk_insert(User, users)
    bulk_insert(ConsultationRequest, consultations)
    bulk_insert(TreatmentSession, sessions)
    bulk_insert(OutcomeConsent, consents)
    bulk_insert(DiaryEntry, entries)
    bulk_insert(DiaryMedicine, medicines)
    db.session.commit()
    return [row["id"] for row in users]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=PATIENTS)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)

    app = bench_app("outcomes")
    rng = random.Random(17)
    today = date.today()
    with app.app_context():
        reset_database()
        engine = db.engine.dialect.name
        started = time.perf_counter()
        patient_ids = seed(args.patients, today, rng)
        seed_s = time.perf_counter() - started
        entries = db.session.scalar(select(db.func.count()).select_from(DiaryEntry))
        db.session.remove()

        started = time.perf_counter()
        first = refresh.refresh(today)
        full_s = time.perf_counter() - started
        db.session.remove()

        started = time.perf_counter()
        unchanged = refresh.refresh(today)
        unchanged_s = time.perf_counter() - started

        changed_patient = patient_ids[len(patient_ids) // 2]
        db.session.execute(
            update(DiaryEntry)
            .where(DiaryEntry.patient_id == changed_patient, DiaryEntry.day == today - timedelta(days=20))
            .values(headache=False, pain=None, duration=None, updated_at=datetime.now(UTC))
        )
        db.session.commit()
        started = time.perf_counter()
        one_changed = refresh.refresh(today)
        one_changed_s = time.perf_counter() - started

        one_patient = summary(
            timings_ms(lambda: refresh.refresh_patient(rng.choice(patient_ids), today), runs=args.runs, warmup=3)
        )
        db.session.remove()

    result = {
        "engine": engine,
        "patients": args.patients,
        "entries": entries,
        "seed_s": round(seed_s, 1),
        "full_refresh_s": round(full_s, 2),
        "full_refresh_recomputed": first.recomputed_patients,
        "practitioners_shown": first.practitioners_shown,
        "evaluable_patients": first.evaluable_patients,
        "incremental_refresh_nothing_changed_s": round(unchanged_s, 2),
        "incremental_refresh_nothing_changed_recomputed": unchanged.recomputed_patients,
        "incremental_refresh_one_diary_changed_s": round(one_changed_s, 2),
        "incremental_refresh_one_diary_changed_recomputed": one_changed.recomputed_patients,
        "one_patient_refresh": one_patient,
        "targets": {"full_refresh_s": TARGET_REFRESH_S, "one_patient_ms": TARGET_ONE_PATIENT_MS},
        "met": full_s < TARGET_REFRESH_S and one_patient["p95_ms"] < TARGET_ONE_PATIENT_MS,
    }
    path = write_results(f"outcomes_{engine}", result)
    print(f"Outcomes refresh, {args.patients:,} consenting patients, {entries:,} diary entries, {engine}:")
    print(f"  seeding                           {seed_s:7.1f} s")
    print(
        f"  full refresh (every result)       {full_s:7.2f} s  (target < {TARGET_REFRESH_S:.0f} s); "
        f"{first.practitioners_shown} practitioners show figures"
    )
    print(f"  incremental, nothing changed      {unchanged_s:7.2f} s  ({unchanged.recomputed_patients} recomputed)")
    print(f"  incremental, one diary changed    {one_changed_s:7.2f} s  ({one_changed.recomputed_patients} recomputed)")
    print(
        f"  one patient's refresh             p50 {one_patient['p50_ms']:.1f} ms  p95 {one_patient['p95_ms']:.1f} ms"
        f"  (target < {TARGET_ONE_PATIENT_MS:.0f} ms)"
    )
    print(f"  targets {'met' if result['met'] else 'NOT met'} -> {path}", flush=True)
    return 0 if result["met"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
