"""Deterministic demo headache diaries: months of days, sessions on a completed consultation, shared with the practitioner."""

import itertools
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from directory.models.diary import DURATIONS

DIARY_DAYS = 150
FIRST_SESSION_AGO = 95
SESSIONS = 6  # weekly, from the first
# Share of demo patients with a completed consultation who keep a diary too.
DIARY_SHARE = 0.2
MAX_DIARIES = 200


@dataclass
class DemoDiaries:
    entries: list[dict[str, Any]] = field(default_factory=list)
    medicines: list[dict[str, Any]] = field(default_factory=list)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    shares: list[dict[str, Any]] = field(default_factory=list)


def demo_diaries(
    seed: int,
    today: date,
    demo_patient_id: int,
    demo_consultation: dict[str, Any],
    consultations: Sequence[dict[str, Any]],
    therapist_of: dict[int, int],
) -> DemoDiaries:
    """Diaries for the demo patient (on their consultation with the demo therapist, shared) and for a share of the others."""
    # Its own generator: the rest of the demo data stays as it was for a given seed.
    rng = random.Random(seed * 7919 + 16)
    result = DemoDiaries()
    entry_ids, medicine_ids, session_ids, share_ids = (itertools.count(1) for _ in range(4))
    chosen = [demo_consultation]
    seen = {demo_patient_id}
    for consultation in consultations:
        if consultation["status"] != "completed" or consultation["patient_id"] in seen:
            continue
        if len(chosen) > MAX_DIARIES or rng.random() >= DIARY_SHARE:
            continue
        seen.add(consultation["patient_id"])
        chosen.append(consultation)
    for n, consultation in enumerate(chosen):
        patient_id = consultation["patient_id"]
        first_session = today - timedelta(days=FIRST_SESSION_AGO if n == 0 else rng.randrange(20, 140))
        # Before treatment: headache on about 40 % of days; it eases after the sessions, more for some than others.
        before = rng.uniform(0.3, 0.5) if n else 0.45
        after = before * (rng.uniform(0.35, 0.95) if n else 0.45)
        for ago in range(DIARY_DAYS, -1, -1):
            day = today - timedelta(days=ago)
            if n and rng.random() < 0.12:  # some days go unrecorded
                continue
            if n == 0 and ago == 0:
                continue  # today is left for the visitor to record in one tap
            weeks_in = (day - first_session).days / 7
            chance = before if weeks_in < 0 else before + (after - before) * min(1.0, max(weeks_in, 0) / 6)
            entry_id = next(entry_ids)
            recorded = datetime.combine(day, time(21, 0), tzinfo=UTC)
            row: dict[str, Any] = {
                "id": entry_id,
                "patient_id": patient_id,
                "day": day,
                "headache": False,
                "source": "form",
                "late": False,
                "recorded_at": recorded,
                "updated_at": recorded,
            }
            for column in (
                "pain",
                "duration",
                "one_side",
                "throbbing",
                "worse_with_activity",
                "nausea_or_vomiting",
                "light_and_sound",
                "aura_5_60_min",
                "function_level",
                "triggers",
                "notes",
            ):
                row[column] = None
            if rng.random() < chance:
                migraine = rng.random() < 0.5
                pain = rng.randrange(5, 9) if migraine else rng.randrange(2, 6)
                row.update(
                    headache=True,
                    pain=pain,
                    duration=rng.choice(DURATIONS[2:] if migraine else DURATIONS[:3]),
                    one_side=migraine and rng.random() < 0.8,
                    throbbing=migraine and rng.random() < 0.8,
                    worse_with_activity=migraine,
                    nausea_or_vomiting=migraine and rng.random() < 0.6,
                    light_and_sound=migraine and rng.random() < 0.8,
                    aura_5_60_min=migraine and rng.random() < 0.1,
                    function_level=min(4, pain // 2),
                )
                if rng.random() < 0.6:
                    medicine = "triptan" if migraine and rng.random() < 0.6 else "simple"
                    result.medicines.append(
                        {
                            "id": next(medicine_ids),
                            "entry_id": entry_id,
                            "medicine_class": medicine,
                            "relief": rng.choice(("some", "good", "complete")),
                        }
                    )
            result.entries.append(row)
        for week in range(SESSIONS):
            day = first_session + timedelta(weeks=week)
            if day > today:
                break
            result.sessions.append(
                {
                    "id": next(session_ids),
                    "patient_id": patient_id,
                    "day": day,
                    "consultation_id": consultation["id"],
                    "recorded_by_id": therapist_of.get(consultation["profile_id"]),
                    "note": "Dry needling: upper trapezius and suboccipital muscles." if week == 0 else None,
                    "created_at": datetime.combine(day, time(12, 0), tzinfo=UTC),
                }
            )
        if n == 0 or rng.random() < 0.5:
            result.shares.append(
                {
                    "id": next(share_ids),
                    "patient_id": patient_id,
                    "profile_id": consultation["profile_id"],
                    "granted_at": datetime.combine(first_session, time(12, 0), tzinfo=UTC),
                    "revoked_at": None,
                }
            )
    return result
