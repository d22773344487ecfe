"""Deterministic demo headache diaries: months of days, sessions on a completed consultation, shared with the practitioner."""

import itertools
import random
from collections.abc import Iterator, Sequence
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
    consents: list[dict[str, Any]] = field(default_factory=list)


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
        result.sessions.extend(
            _weekly_sessions(
                session_ids,
                patient_id,
                consultation,
                therapist_of.get(consultation["profile_id"]),
                first_session,
                today,
                first_note="Dry needling: upper trapezius and suboccipital muscles.",
            )
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


# Outcome cohorts: patients who keep the diary and consent to count toward their practitioner's figures. At 10,000
# practitioners, 12 have a cohort big enough to show figures (most of them reach 25 evaluable) and 60 a small one.
SHOWN_COHORTS_PER = 800  # practitioners per big cohort, at most 12
SMALL_COHORTS_PER = 160  # practitioners per small cohort, at most 60
BIG_COHORT = (34, 60)
SMALL_COHORT = (3, 22)
# Without any treatment a diary shows fewer days over time; about a fifth fewer here ("placebo-sized").
PLACEBO_FACTOR = 0.8


@dataclass
class DemoCohorts:
    users: list[dict[str, Any]] = field(default_factory=list)
    consultations: list[dict[str, Any]] = field(default_factory=list)
    # (consultation, the practitioner's own effect: the share of headache days it takes away beyond placebo)
    patients: list[tuple[dict[str, Any], float]] = field(default_factory=list)


def demo_cohorts(
    seed: int,
    now: datetime,
    profiles: Sequence[dict[str, Any]],
    first_user_id: int,
    first_consultation_id: int,
    password_hash: str,
) -> DemoCohorts:
    """Patients with a completed consultation at a few practitioners, each practitioner with an effect of their own."""
    rng = random.Random(seed * 104729 + 17)
    published = [p for p in profiles if p["published"]]
    big = max(1, min(12, len(profiles) // SHOWN_COHORTS_PER))
    small = min(60, len(profiles) // SMALL_COHORTS_PER)
    chosen = [published[0], *rng.sample(published[1:], min(len(published) - 1, big + small - 1))]
    result = DemoCohorts()
    user_ids, consultation_ids = itertools.count(first_user_id), itertools.count(first_consultation_id)
    for n, profile in enumerate(chosen):
        size = rng.randint(*(BIG_COHORT if n < big else SMALL_COHORT))
        # A modest effect beyond placebo, different for each practitioner: some help more, some less.
        effect = rng.gauss(0.08, 0.12)
        for _ in range(size):
            uid = next(user_ids)
            result.users.append(
                {
                    "id": uid,
                    "email": f"diary.patient{uid}@demo.example",
                    "password_hash": password_hash,
                    "role": "patient",
                    "name": f"Diary patient {uid}",
                    "active": True,
                    "email_confirmed_at": now,
                    "session_version": 1,
                    "created_at": now,
                }
            )
            created = now - timedelta(days=rng.randrange(40, 260))
            consultation = {
                "id": next(consultation_ids),
                "patient_id": uid,
                "profile_id": profile["id"],
                "mode": "in_person",
                "preferred_times": "Weekday mornings",
                "message": "Headaches most weeks; a friend recommended dry needling.",
                "status": "completed",
                "created_at": created,
                "updated_at": created + timedelta(days=5),
                "completed_at": created + timedelta(days=5),
                "proposed_at": None,
                "proposed_time": None,
            }
            result.consultations.append(consultation)
            result.patients.append((consultation, effect))
    return result


def _weekly_sessions(
    ids: Iterator[int],
    patient_id: int,
    consultation: dict[str, Any],
    recorded_by_id: int | None,
    first: date,
    today: date,
    first_note: str | None = None,
) -> list[dict[str, Any]]:
    """SESSIONS weekly needling sessions from `first`, none after today; the first may carry a note."""
    days = [first + timedelta(weeks=week) for week in range(SESSIONS)]
    return [
        {
            "id": next(ids),
            "patient_id": patient_id,
            "day": day,
            "consultation_id": consultation["id"],
            "recorded_by_id": recorded_by_id,
            "note": first_note if day == first else None,
            "created_at": datetime.combine(day, time(12, 0), tzinfo=UTC),
        }
        for day in days
        if day <= today
    ]


def _entry(entry_id: int, patient_id: int, day: date) -> dict[str, Any]:
    recorded = datetime.combine(day, time(21, 0), tzinfo=UTC)
    row: dict[str, Any] = dict.fromkeys(
        (
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
        )
    )
    row.update(
        id=entry_id,
        patient_id=patient_id,
        day=day,
        headache=False,
        source="form",
        late=False,
        recorded_at=recorded,
        updated_at=recorded,
    )
    return row


def add_cohort_diaries(
    result: DemoDiaries,
    cohorts: DemoCohorts,
    seed: int,
    today: date,
    therapist_of: dict[int, int],
) -> None:
    """The cohorts' diaries: a spread of episodic and chronic baselines taken in a bad month (so regression toward
    the mean follows), a placebo-sized easing, each practitioner's own effect, drop-outs and gaps; and the consents."""
    rng = random.Random(seed * 15485863 + 17)
    entry_ids = itertools.count(max((row["id"] for row in result.entries), default=0) + 1)
    medicine_ids = itertools.count(max((row["id"] for row in result.medicines), default=0) + 1)
    session_ids = itertools.count(max((row["id"] for row in result.sessions), default=0) + 1)
    consent_ids = itertools.count(1)
    for consultation, effect in cohorts.patients:
        patient_id = consultation["patient_id"]
        chronic = rng.random() < 0.3
        usual = rng.uniform(15, 24) if chronic else rng.uniform(3, 13)
        baseline = min(26.0, usual * rng.uniform(1.0, 1.35))
        after = max(0.0, usual * (PLACEBO_FACTOR - effect) * rng.uniform(0.75, 1.25))
        overuse = rng.random() < (0.45 if chronic else 0.1)
        started_ago = rng.randrange(30, 84) if rng.random() < 0.1 else rng.randrange(90, 220)
        first = today - timedelta(days=started_ago)
        last = 84 + rng.randrange(0, 40) if rng.random() >= 0.15 else rng.randrange(15, 70)
        gaps = 0.35 if rng.random() < 0.05 else 0.06
        for n in range(-28, last + 1):
            if n == 0:
                continue
            day = first + timedelta(days=n - 1 if n > 0 else n)
            if day > today or rng.random() < gaps:
                continue
            # The easing comes over the first four weeks after the first session.
            monthly = baseline if n < 0 else baseline + (after - baseline) * min(1.0, n / 28)
            row = _entry(next(entry_ids), patient_id, day)
            if rng.random() < monthly / 28:
                pain = rng.randrange(3, 9)
                row.update(
                    headache=True, pain=pain, duration=rng.choice(DURATIONS[1:]), function_level=min(4, pain // 2)
                )
                if overuse or rng.random() < 0.35:
                    medicine = "triptan" if overuse and chronic else "simple" if not overuse else "combination"
                    result.medicines.append(
                        {"id": next(medicine_ids), "entry_id": row["id"], "medicine_class": medicine, "relief": "some"}
                    )
            result.entries.append(row)
        result.sessions.extend(
            _weekly_sessions(
                session_ids, patient_id, consultation, therapist_of.get(consultation["profile_id"]), first, today
            )
        )
        result.consents.append(
            {
                "id": next(consent_ids),
                "patient_id": patient_id,
                "profile_id": consultation["profile_id"],
                "given_at": datetime.combine(first, time(12, 0), tzinfo=UTC),
                "revoked_at": None,
            }
        )
