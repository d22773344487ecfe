"""Diary entries: record a day (a headache day, or none in one tap), an attack over several days, read them back."""

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from directory.extensions import db
from directory.models import DiaryEntry, DiaryMedicine, Role, TreatmentSession, User, utcnow
from directory.models.diary import DURATIONS, EARLIEST_DAY, MEDICINE_CLASSES, RELIEF_LEVELS
from directory.services.core.text import gettext, long_day_label, page_locale
from directory.services.diary import measures, terms
from directory.services.diary.measures import DayRecord

MAX_NOTES = 2000
WEEK_DAYS = 8  # today and the 7 days before it: none of them late yet


class DiaryError(ValueError):
    """A diary change cannot be made; the message is for the patient, in the page's language."""


def _t(text: str, **values: object) -> str:
    """A message in the page's language (the API's: by Accept-Language; English outside a request)."""
    return str(gettext(text, **values))


@dataclass(frozen=True)
class DayAnswers:
    """What a patient says about one day. Features: True, False, or None for not recorded."""

    headache: bool
    pain: int | None = None
    duration: str | None = None
    features: Mapping[str, bool | None] = field(default_factory=dict)
    # (class, how well it helped or None)
    medicines: Sequence[tuple[str, str | None]] = ()
    function_level: int | None = None
    triggers: Sequence[str] = ()
    notes: str | None = None


NO_HEADACHE = DayAnswers(headache=False)


def check_day(day: date, today: date) -> None:
    """Raises DiaryError for a day in the future or before 2000."""
    if day > today:
        raise DiaryError(_t("That day has not come yet: a diary entry is for today or a day before."))
    if day < EARLIEST_DAY:
        raise DiaryError(_t("The diary starts on 1 January 2000: check the year."))


def check_answers(answers: DayAnswers) -> None:
    """Raises DiaryError when an answer is outside its scale or list."""
    if answers.pain is not None and not 0 <= answers.pain <= 10:
        raise DiaryError(_t("Pain is a number from 0 (none) to 10 (worst imaginable)."))
    if answers.duration is not None and answers.duration not in DURATIONS:
        raise DiaryError(_t("Choose how long the headache lasted from the list."))
    if set(answers.features) - set(terms.FEATURE_CODES):
        raise DiaryError(_t("Unknown headache feature."))
    classes = [medicine_class for medicine_class, _ in answers.medicines]
    unknown = sorted(set(classes) - set(MEDICINE_CLASSES))
    if unknown:
        raise DiaryError(
            _t(
                "Unknown medicine class: %(unknown)s. Use one of %(classes)s.",
                unknown=", ".join(unknown),
                classes=", ".join(MEDICINE_CLASSES),
            )
        )
    if len(set(classes)) != len(classes):
        raise DiaryError(_t("Each medicine class once a day, please."))
    if any(relief is not None and relief not in RELIEF_LEVELS for _, relief in answers.medicines):
        raise DiaryError(_t("Choose how well the medicine helped from the list."))
    if answers.function_level is not None and not 0 <= answers.function_level <= 4:
        raise DiaryError(_t("How much it limited the day is from 0 (not at all) to 4 (in bed)."))
    if set(answers.triggers) - set(terms.TRIGGER_CODES):
        raise DiaryError(_t("Choose triggers from the list."))
    if answers.notes and len(answers.notes) > MAX_NOTES:
        raise DiaryError(_t("Keep the notes under %(max)s characters.", max=MAX_NOTES))
    if not answers.headache and (
        answers.pain is not None
        or answers.duration is not None
        or any(v is not None for v in answers.features.values())
    ):
        raise DiaryError(_t("A day without headache has no pain, duration or headache features."))


def day_words(day: date) -> str:
    """A day as the pages say it: Tuesday 4 March 2025; in Spanish 'martes, 4 de marzo de 2025'."""
    if page_locale() is not None:
        return long_day_label(day)
    return f"{day:%A} {day.day} {day:%B %Y}"


def _check_patient(patient: User) -> None:
    if patient.role != Role.PATIENT:
        raise DiaryError(_t("Only patients keep a headache diary."))


def entry_for(patient_id: int, day: date) -> DiaryEntry | None:
    """The patient's entry for that day, if any."""
    return db.session.scalar(select(DiaryEntry).where(DiaryEntry.patient_id == patient_id, DiaryEntry.day == day))


def _fill(entry: DiaryEntry, answers: DayAnswers) -> None:
    entry.headache = answers.headache
    entry.pain = answers.pain if answers.headache else None
    entry.duration = answers.duration if answers.headache else None
    for code in terms.FEATURE_CODES:
        setattr(entry, code, answers.features.get(code) if answers.headache else None)
    entry.function_level = answers.function_level
    entry.triggers = sorted(answers.triggers) or None
    entry.notes = (answers.notes or "").strip() or None
    entry.medicines = [DiaryMedicine(medicine_class=c, relief=r) for c, r in answers.medicines]


def record_day(
    patient: User, day: date, answers: DayAnswers, today: date | None = None, replace: bool = True
) -> DiaryEntry:
    """Save the patient's entry for a day (a new one, or a change to theirs when replace); raises DiaryError."""
    today = today or date.today()
    _check_patient(patient)
    check_day(day, today)
    check_answers(answers)
    entry = entry_for(patient.id, day)
    if entry is not None and not replace:
        raise DiaryError(_t("%(day)s is already in your diary: open it to change it.", day=day_words(day)))
    if entry is None:
        entry = DiaryEntry(patient_id=patient.id, day=day, source="form")
        db.session.add(entry)
    else:
        entry.updated_at = utcnow()
    # An entry saved, or changed, more than 7 days after its day comes from memory: it is late.
    entry.late = bool(entry.late) or entry.source == "import" or measures.is_late(day, today)
    _fill(entry, answers)
    try:
        db.session.commit()
    except IntegrityError:
        # The same day saved twice at once (two taps, two tabs): the unique constraint kept one.
        db.session.rollback()
        raise DiaryError(_t("%(day)s is already in your diary: open it to change it.", day=day_words(day))) from None
    return entry


def record_no_headache(patient: User, day: date, today: date | None = None) -> DiaryEntry:
    """The one-tap entry: no headache that day; raises DiaryError when the day already has an entry."""
    return record_day(patient, day, NO_HEADACHE, today, replace=False)


@dataclass(frozen=True)
class AttackResult:
    saved: list[date]
    skipped: list[date]


def record_attack(
    patient: User, first_day: date, last_day: date, answers: DayAnswers, today: date | None = None
) -> AttackResult:
    """An attack over several days: the first day saved (or changed), each later day up to last_day saved when it has no entry yet."""
    today = today or date.today()
    check_day(last_day, today)
    if last_day < first_day:
        raise DiaryError(_t("The last day of the headache must be on or after its first day."))
    if (last_day - first_day).days > 31:
        raise DiaryError(_t("Record an attack of at most a month at once."))
    record_day(patient, first_day, answers, today)
    saved, skipped = [first_day], []
    for n in range(1, (last_day - first_day).days + 1):
        day = first_day + timedelta(days=n)
        if entry_for(patient.id, day) is not None:
            skipped.append(day)
            continue
        record_day(patient, day, answers, today, replace=False)
        saved.append(day)
    return AttackResult(saved, skipped)


def delete_entry(patient: User, day: date) -> bool:
    """Delete the patient's entry for a day; whether there was one."""
    entry = entry_for(patient.id, day)
    if entry is None:
        return False
    db.session.delete(entry)
    db.session.commit()
    return True


def entries_between(patient_id: int, first: date, last: date) -> dict[date, DiaryEntry]:
    """The patient's entries from first to last (both included), by day."""
    rows = db.session.scalars(
        select(DiaryEntry).where(DiaryEntry.patient_id == patient_id, DiaryEntry.day.between(first, last))
    )
    return {entry.day: entry for entry in rows}


def week(patient_id: int, today: date | None = None) -> list[tuple[date, DiaryEntry | None]]:
    """Today and the 7 days before it, newest first, each with its entry or None."""
    today = today or date.today()
    first = today - timedelta(days=WEEK_DAYS - 1)
    entries = entries_between(patient_id, first, today)
    return [(day, entries.get(day)) for day in (today - timedelta(days=n) for n in range(WEEK_DAYS))]


def day_records(patient_id: int) -> list[DayRecord]:
    """Every entry of the patient as the measures read it, oldest first (two queries, no objects)."""
    return day_records_of([patient_id]).get(patient_id, [])


def day_records_of(patient_ids: Sequence[int], imported_as_late: bool = False) -> dict[int, list[DayRecord]]:
    """Each patient's entries as the measures read them, oldest first: two queries for them all.

    imported_as_late: entries imported from CSV are read as late, so that no window takes them (the outcome
    figures' guard against a diary filled in afterwards; the patient's own charts do count them).
    Read through the connection, not the ORM session: a million rows are read plainly, several times faster.
    """
    connection = db.session.connection()
    medicines: dict[int, set[str]] = defaultdict(set)
    for entry_id, medicine_class in connection.execute(
        select(DiaryMedicine.entry_id, DiaryMedicine.medicine_class)
        .join(DiaryEntry, DiaryEntry.id == DiaryMedicine.entry_id)
        .where(DiaryEntry.patient_id.in_(patient_ids))
    ).all():
        medicines[entry_id].add(medicine_class)
    rows = connection.execute(
        select(
            DiaryEntry.id,
            DiaryEntry.patient_id,
            DiaryEntry.day,
            DiaryEntry.headache,
            DiaryEntry.pain,
            DiaryEntry.duration,
            DiaryEntry.one_side,
            DiaryEntry.throbbing,
            DiaryEntry.worse_with_activity,
            DiaryEntry.nausea_or_vomiting,
            DiaryEntry.light_and_sound,
            DiaryEntry.aura_5_60_min,
            DiaryEntry.late,
            DiaryEntry.source,
        )
        .where(DiaryEntry.patient_id.in_(patient_ids))
        .order_by(DiaryEntry.patient_id, DiaryEntry.day)
    ).all()
    records: dict[int, list[DayRecord]] = defaultdict(list)
    empty: frozenset[str] = frozenset()
    # Unpacked as plain tuples: over a million rows, several times faster than attribute access on each row.
    for (
        entry_id,
        patient_id,
        day,
        headache,
        pain,
        duration,
        one_side,
        throbbing,
        worse,
        nausea,
        light,
        aura,
        late,
        source,
    ) in (tuple(row) for row in rows):
        records[patient_id].append(
            DayRecord(
                day,
                headache,
                pain,
                duration,
                one_side,
                throbbing,
                worse,
                nausea,
                light,
                aura,
                frozenset(medicines[entry_id]) if entry_id in medicines else empty,
                bool(late) or (imported_as_late and source != "form"),
            )
        )
    return dict(records)


def session_days(patient_id: int) -> list[date]:
    """The days of the patient's treatment sessions, oldest first."""
    return list(
        db.session.scalars(
            select(TreatmentSession.day).where(TreatmentSession.patient_id == patient_id).order_by(TreatmentSession.day)
        )
    )


@dataclass(frozen=True)
class Diary:
    """Everything the diary's pages and the summary JSON show, read once."""

    records: list[DayRecord]
    sessions: list[date]
    summary: measures.Summary
    alerts: measures.Alerts
    today: date


def read_diary(patient_id: int, today: date | None = None) -> Diary:
    """The patient's records, sessions, own summary (late entries counted) and alerts."""
    today = today or date.today()
    records = day_records(patient_id)
    sessions = session_days(patient_id)
    summary = measures.summarise(records, sessions[0] if sessions else None, include_late=True)
    return Diary(records, sessions, summary, measures.alerts(records, today), today)
