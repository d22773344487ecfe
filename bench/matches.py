"""POST /api/v1/matches: a migraine patient in midtown Manhattan, ranked against the whole directory."""

from sqlalchemy import func, select

from bench.common import summary, timings_ms
from directory.extensions import db
from directory.models import TherapistProfile
from directory.services.questionnaire import clinical

ANSWERS = {
    "age": 38,
    "red_flags": {flag.id: "no" for flag in clinical.RED_FLAGS},
    "headache": {
        "days_per_month": 5,
        "frequent_for": "gt_1y",
        "lifetime_attacks": "10_plus",
        "duration": "4h_3d",
        "side": "one",
        "quality": ["throbbing"],
        "severity": "severe",
        "worse_with_activity": True,
        "nausea": "moderate",
        "vomiting": False,
        "light_sensitive": True,
        "sound_sensitive": True,
    },
    "neck": {
        "pain_with_headache": True,
        "provoked_by_movement_or_posture": True,
        "provoked_by_pressure": True,
        "improved_with_neck": "yes",
        "clinician_found_disorder": "unsure",
    },
    "preferences": {
        "latitude": 40.7549,
        "longitude": -73.9840,
        "max_distance_km": 25,
        "first_consultation": "either",
        "languages": ["en", "es"],
        "availability": ["weekday_evening", "weekend"],
        "max_fee": 150,
        "insurance": "self_pay",
        "accessibility": ["step_free"],
        "practitioner_gender": "woman",
    },
}
TARGET_P95_MS = 60


def measure(app, runs: int) -> dict:
    """Time the matches endpoint; the answer must hold ranked practitioners."""
    with app.app_context():
        engine = db.engine.dialect.name
        practitioners = db.session.scalar(select(func.count()).select_from(TherapistProfile))
        client = app.test_client()
        first = client.post("/api/v1/matches", json=ANSWERS)
        assert first.status_code == 200, first.get_data(as_text=True)
        ranked = first.get_json()["practitioners"]
        assert len(ranked) == 20 and ranked[0]["reasons"], "expected 20 ranked practitioners with reasons"
        samples = timings_ms(lambda: client.post("/api/v1/matches", json=ANSWERS), runs)
    stats = summary(samples)
    return {
        "engine": engine,
        "practitioners": practitioners,
        "api": stats,
        "best_score": ranked[0]["score"],
        "targets": {"api_p95_ms_max": TARGET_P95_MS},
        "meets_targets": stats["p95_ms"] <= TARGET_P95_MS,
    }


def report(result: dict) -> str:
    """One line of figures for the terminal."""
    api = result["api"]
    return (
        f"matches [{result['engine']}, {result['practitioners']:,} practitioners]: p50 {api['p50_ms']} ms "
        f"p95 {api['p95_ms']} ms | target p95 <= {TARGET_P95_MS} ms {'met' if result['meets_targets'] else 'NOT met'}"
    )
