"""The refresh: who counts, each counted patient's result (recomputed only when their diary changed), the site-wide
strata and every practitioner's figures; each run writes its counts to the audit log. Nothing here logs diary values.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from flask import current_app
from sqlalchemy import delete, exists, func, select, tuple_

from directory.extensions import db
from directory.models import (
    ConsultationRequest,
    ConsultationStatus,
    DiaryEntry,
    OutcomeConsent,
    OutcomeResult,
    OutcomeStratum,
    OutcomeSummary,
    Role,
    TreatmentSession,
    User,
    utcnow,
)
from directory.services.core import audit
from directory.services.core.bulk import bulk_insert
from directory.services.diary import entries as diary_entries
from directory.services.outcomes import disclosure
from directory.services.outcomes.figures import (
    ALL,
    PractitionerFigures,
    SiteFigures,
    practitioner_figures,
    site_figures,
)
from directory.services.outcomes.results import STRATA, PatientResult, follow_up_over, patient_result

# Patients whose diaries are read in one query.
CHUNK = 500


@dataclass(frozen=True)
class RefreshRun:
    """What one refresh did, as counts (the audit log keeps them, small ones as "fewer than 11")."""

    counted_patients: int
    recomputed_patients: int
    removed_results: int
    evaluable_patients: int
    practitioners_shown: int


def _counted_pairs(patient_id: int | None = None) -> list[tuple[int, int]]:
    """(patient, practitioner) for every active consent of an active patient with a completed consultation there."""
    completed = exists().where(
        ConsultationRequest.patient_id == OutcomeConsent.patient_id,
        ConsultationRequest.profile_id == OutcomeConsent.profile_id,
        ConsultationRequest.status == ConsultationStatus.COMPLETED,
    )
    query = (
        select(OutcomeConsent.patient_id, OutcomeConsent.profile_id)
        .join(User, User.id == OutcomeConsent.patient_id)
        .where(OutcomeConsent.revoked_at.is_(None), User.active.is_(True), User.role == Role.PATIENT, completed)
    )
    if patient_id is not None:
        query = query.where(OutcomeConsent.patient_id == patient_id)
    return [(row[0], row[1]) for row in db.session.execute(query)]


def _consenting_patients() -> Any:
    return select(OutcomeConsent.patient_id).where(OutcomeConsent.revoked_at.is_(None)).distinct().subquery()


def _first_sessions(patient_id: int | None) -> dict[int, date]:
    query = select(TreatmentSession.patient_id, func.min(TreatmentSession.day)).group_by(TreatmentSession.patient_id)
    if patient_id is None:
        consenting = _consenting_patients()
        query = query.join(consenting, consenting.c.patient_id == TreatmentSession.patient_id)
    else:
        query = query.where(TreatmentSession.patient_id == patient_id)
    return {row[0]: row[1] for row in db.session.execute(query)}


def _diary_states(patient_id: int | None) -> dict[int, tuple[int, datetime | None]]:
    """Each consenting patient's number of entries and latest change: a result is recomputed when they move."""
    query = select(DiaryEntry.patient_id, func.count(), func.max(DiaryEntry.updated_at)).group_by(DiaryEntry.patient_id)
    if patient_id is None:
        consenting = _consenting_patients()
        query = query.join(consenting, consenting.c.patient_id == DiaryEntry.patient_id)
    else:
        query = query.where(DiaryEntry.patient_id == patient_id)
    return {row[0]: (row[1], row[2]) for row in db.session.execute(query)}


def fingerprint(first_session: date, over: bool, entries: int, latest: datetime | None) -> str:
    """What a result depends on: the first session, whether the follow-up is over, and the diary's entries."""
    stamp = latest.isoformat() if latest else "-"
    return f"{first_session.isoformat()}|{int(over)}|{entries}|{stamp}"


def _result_row(
    patient_id: int, profile_id: int, first: date, result: PatientResult, mark: str, now: datetime
) -> dict[str, Any]:
    return {
        "patient_id": patient_id,
        "profile_id": profile_id,
        "first_session": first,
        "status": result.status,
        "baseline_headache_days": result.baseline_headache_days,
        "follow_up_headache_days": result.follow_up_headache_days,
        "change": result.change,
        "responder_50": result.responder_50,
        "chronic": result.chronic,
        "overuse": result.overuse,
        "fingerprint": mark,
        "computed_at": now,
    }


def _update_results(today: date, patient_id: int | None, full: bool) -> tuple[int, int, int]:
    """Bring outcome_result in line with the consents and diaries; (counted patients, recomputed, removed)."""
    pairs = _counted_pairs(patient_id)
    firsts = _first_sessions(patient_id)
    # A patient starts counting with their first session, on or before today.
    pairs = [(p, q) for p, q in pairs if p in firsts and firsts[p] <= today]
    states = _diary_states(patient_id)
    marks = {p: fingerprint(firsts[p], follow_up_over(firsts[p], today), *states.get(p, (0, None))) for p, _ in pairs}
    stored_query = select(OutcomeResult.patient_id, OutcomeResult.profile_id, OutcomeResult.fingerprint)
    if patient_id is not None:
        stored_query = stored_query.where(OutcomeResult.patient_id == patient_id)
    stored = {(row[0], row[1]): row[2] for row in db.session.execute(stored_query)}
    wanted = set(pairs)
    gone = [pair for pair in stored if pair not in wanted]
    changed = sorted({p for p, q in pairs if full or stored.get((p, q)) != marks[p]})
    recompute = set(changed)
    stale = gone + [pair for pair in stored if pair[0] in recompute and pair in wanted]
    for start in range(0, len(stale), CHUNK):
        db.session.execute(
            delete(OutcomeResult).where(
                tuple_(OutcomeResult.patient_id, OutcomeResult.profile_id).in_(stale[start : start + CHUNK])
            )
        )
    profiles_of: dict[int, list[int]] = defaultdict(list)
    for p, q in pairs:
        profiles_of[p].append(q)
    now = utcnow()
    for start in range(0, len(changed), CHUNK):
        chunk = changed[start : start + CHUNK]
        records = diary_entries.day_records_of(chunk, imported_as_late=True)
        rows = []
        for p in chunk:
            result = patient_result(records.get(p, []), firsts[p], today)
            rows += [_result_row(p, q, firsts[p], result, marks[p], now) for q in profiles_of[p]]
        bulk_insert(OutcomeResult, rows)
    return len(profiles_of), len(changed), len(gone)


def _as_result(row: Any) -> PatientResult:
    return PatientResult(
        row.status,
        row.baseline_headache_days,
        row.follow_up_headache_days,
        row.change,
        row.responder_50,
        row.chronic,
        row.overuse,
    )


_RESULT_COLUMNS = (
    OutcomeResult.patient_id,
    OutcomeResult.profile_id,
    OutcomeResult.status,
    OutcomeResult.baseline_headache_days,
    OutcomeResult.follow_up_headache_days,
    OutcomeResult.change,
    OutcomeResult.responder_50,
    OutcomeResult.chronic,
    OutcomeResult.overuse,
)


def _refresh_strata(now: datetime) -> SiteFigures:
    """The site-wide figures from every evaluable patient, each once, stored for the incremental refresh."""
    evaluable: dict[int, PatientResult] = {}
    for row in db.session.execute(select(*_RESULT_COLUMNS).where(OutcomeResult.status == "evaluable")):
        evaluable.setdefault(row.patient_id, _as_result(row))
    site = site_figures(list(evaluable.values()))
    db.session.execute(delete(OutcomeStratum))
    bulk_insert(
        OutcomeStratum,
        [
            {
                "code": code,
                "evaluable": site.evaluable.get(code, 0),
                "median_change": site.median_change.get(code),
                "responder_share": site.responder_share.get(code),
                "refreshed_at": now,
            }
            for code in (ALL, *STRATA)
        ],
    )
    return site


def stored_site_figures() -> SiteFigures:
    """The site-wide figures as the last full refresh stored them (empty before the first)."""
    rows = list(db.session.scalars(select(OutcomeStratum)))
    return SiteFigures(
        {r.code: r.evaluable for r in rows},
        {r.code: r.median_change for r in rows},
        {r.code: r.responder_share for r in rows},
    )


def _summary_row(profile_id: int, figures: PractitionerFigures, now: datetime) -> dict[str, Any]:
    change, share = figures.median_change, figures.responder_share
    return {
        "profile_id": profile_id,
        "started": figures.started,
        "evaluable": figures.evaluable,
        "recording": figures.recording,
        "stopped": figures.stopped,
        "responders": figures.responders,
        "median_change": change.value if change else None,
        "median_change_low": change.low if change else None,
        "median_change_high": change.high if change else None,
        "responder_share": share.value if share else None,
        "responder_share_low": share.low if share else None,
        "responder_share_high": share.high if share else None,
        "expected_change": figures.expected_change,
        "expected_share": figures.expected_share,
        "label": figures.label,
        "ranking_part": figures.ranking_part,
        "refreshed_at": now,
    }


def _refresh_summaries(site: SiteFigures, now: datetime, profile_ids: Iterable[int] | None = None) -> int:
    """Recompute the figures of these practitioners (all when None); how many may show them."""
    query = select(*_RESULT_COLUMNS)
    chosen = None if profile_ids is None else sorted(set(profile_ids))
    if chosen is not None:
        query = query.where(OutcomeResult.profile_id.in_(chosen))
    grouped: dict[int, list[PatientResult]] = defaultdict(list)
    for row in db.session.execute(query):
        grouped[row.profile_id].append(_as_result(row))
    if chosen is None:
        db.session.execute(delete(OutcomeSummary))
    else:
        db.session.execute(delete(OutcomeSummary).where(OutcomeSummary.profile_id.in_(chosen)))
    prior_weight = float(current_app.config["OUTCOME_PRIOR_WEIGHT"])
    rows = [
        _summary_row(profile_id, practitioner_figures(results, site, prior_weight), now)
        for profile_id, results in grouped.items()
    ]
    bulk_insert(OutcomeSummary, rows)
    return sum(1 for row in rows if row["median_change"] is not None)


def refresh(today: date | None = None, full: bool = False) -> RefreshRun:
    """Refresh every result whose consent or diary changed (all of them when full), then the site-wide strata and
    every practitioner's figures; records the run's counts in the audit log and commits."""
    today = today or date.today()
    now = utcnow()
    counted, recomputed, removed = _update_results(today, None, full)
    site = _refresh_strata(now)
    shown = _refresh_summaries(site, now)
    run = RefreshRun(counted, recomputed, removed, site.evaluable.get(ALL, 0), shown)
    audit.record(
        None,
        "outcomes.refreshed",
        "outcomes",
        None,
        counted_patients=disclosure.audit_count(run.counted_patients),
        recomputed_patients=disclosure.audit_count(run.recomputed_patients),
        removed_results=disclosure.audit_count(run.removed_results),
        evaluable_patients=disclosure.audit_count(run.evaluable_patients),
        practitioners_shown=run.practitioners_shown,
        full=full,
    )
    db.session.commit()
    return run


def refresh_patient(patient_id: int, today: date | None = None) -> int:
    """Recompute one patient's results and the figures of the practitioners they count (or counted) for, against the
    site-wide strata of the last full refresh; commits; how many of those practitioners may show figures."""
    today = today or date.today()
    before = set(db.session.scalars(select(OutcomeResult.profile_id).where(OutcomeResult.patient_id == patient_id)))
    _update_results(today, patient_id, full=True)
    after = set(db.session.scalars(select(OutcomeResult.profile_id).where(OutcomeResult.patient_id == patient_id)))
    shown = _refresh_summaries(stored_site_figures(), utcnow(), before | after)
    db.session.commit()
    return shown
