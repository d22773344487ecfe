"""The diary as CSV (the format of docs/diary.md): export every entry, import a file all or nothing.

Import reads UTF-8 with or without a byte-order mark (Windows-1252 when it is not UTF-8), commas,
semicolons or tabs, and Excel's quoting. Every bad line is reported by its number; a file with any
error imports nothing, so nothing is ever half-imported.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from directory.extensions import db
from directory.models import DiaryEntry, DiaryMedicine, Role, TreatmentSession, User, utcnow
from directory.models.diary import DURATIONS, EARLIEST_DAY, MEDICINE_CLASSES
from directory.services.core.audit import csv_safe
from directory.services.core.bulk import table_of
from directory.services.core.text import megabytes, number_label
from directory.services.diary import terms
from directory.services.diary.entries import MAX_NOTES, DayAnswers, DiaryError, _t, check_answers

COLUMNS = (
    "date",
    "headache",
    "pain",
    "duration",
    *terms.FEATURE_CODES,
    "medicines",
    "function",
    "session",
    "notes",
)
REQUIRED_COLUMNS = ("date", "headache")
MAX_BYTES = 2 * 1024 * 1024
MAX_REPORTED_ERRORS = 50
YES, NO = "yes", "no"
# What a spreadsheet turns into a formula, and so what the export guards with a leading quote.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


@dataclass(frozen=True)
class ImportRow:
    line: int
    day: date
    answers: DayAnswers | None  # None: a row saying only that a session took place that day
    session: bool


@dataclass(frozen=True)
class ImportResult:
    imported: int
    errors: list[LineError]
    sessions: int = 0


def _yes_no(value: bool | None) -> str:
    return "" if value is None else YES if value else NO


def export_csv(patient_id: int) -> str:
    """Every entry of the patient as CSV text, oldest first, with a header; cells safe to open in a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    medicines: dict[int, list[str]] = {}
    for entry_id, medicine_class in db.session.execute(
        select(DiaryMedicine.entry_id, DiaryMedicine.medicine_class)
        .join(DiaryEntry, DiaryEntry.id == DiaryMedicine.entry_id)
        .where(DiaryEntry.patient_id == patient_id)
        .order_by(DiaryMedicine.id)
    ):
        medicines.setdefault(entry_id, []).append(medicine_class)
    sessions = set(db.session.scalars(select(TreatmentSession.day).where(TreatmentSession.patient_id == patient_id)))
    entries = db.session.scalars(select(DiaryEntry).where(DiaryEntry.patient_id == patient_id).order_by(DiaryEntry.day))
    for entry in entries:
        writer.writerow(
            [
                entry.day.isoformat(),
                _yes_no(entry.headache),
                "" if entry.pain is None else entry.pain,
                entry.duration or "",
                *(_yes_no(getattr(entry, code)) for code in terms.FEATURE_CODES),
                ";".join(medicines.get(entry.id, [])),
                "" if entry.function_level is None else entry.function_level,
                _yes_no(entry.day in sessions),
                csv_safe(entry.notes or ""),
            ]
        )
        sessions.discard(entry.day)
    # A session on a day without an entry is kept too: a row saying only that.
    for day in sorted(sessions):
        writer.writerow([day.isoformat(), *[""] * (len(COLUMNS) - 3), YES, ""])
    return buffer.getvalue()


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves "CSV" in the Windows code page.
        return data.decode("cp1252", errors="replace")


def _dialect(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    return max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","


class _BadCell(ValueError):
    pass


def _flag(value: str, column: str) -> bool | None:
    value = value.strip().lower()
    if value == "":
        return None
    if value in (YES, "y", "true", "1"):
        return True
    if value in (NO, "n", "false", "0"):
        return False
    raise _BadCell(_t("%(column)s must be yes or no, not %(value)s.", column=column, value=repr(value[:20])))


def _number(value: str, column: str, low: int, high: int) -> int | None:
    value = value.strip()
    if value == "":
        return None
    try:
        number = int(value)
    except ValueError:
        raise _BadCell(
            _t(
                "%(column)s must be a whole number from %(low)s to %(high)s, not %(value)s.",
                column=column,
                low=low,
                high=high,
                value=repr(value[:20]),
            )
        ) from None
    if not low <= number <= high:
        raise _BadCell(
            _t(
                "%(column)s must be from %(low)s to %(high)s, not %(number)s.",
                column=column,
                low=low,
                high=high,
                number=number,
            )
        )
    return number


def _day(value: str, today: date) -> date:
    value = value.strip()
    try:
        day = date.fromisoformat(value)
        if len(value) != 10:
            raise ValueError
    except ValueError:
        raise _BadCell(
            _t("date must be written YYYY-MM-DD, for example 2025-03-14, not %(value)s.", value=repr(value[:20]))
        ) from None
    if day > today:
        raise _BadCell(_t("date %(value)s is in the future.", value=value))
    if day < EARLIEST_DAY:
        raise _BadCell(_t("date %(value)s is before 2000.", value=value))
    return day


def _unquoted(text: str) -> str:
    # The export guards a formula-like note with a leading quote: take it off again.
    return text[1:] if text.startswith("'") and text[1:].startswith(_FORMULA_STARTS) else text


def _row(cells: dict[str, str], line: int, today: date) -> ImportRow:
    day = _day(cells.get("date", ""), today)
    headache = _flag(cells.get("headache", ""), "headache")
    session = bool(_flag(cells.get("session", ""), "session"))
    if headache is None:
        others = [name for name, value in cells.items() if value.strip() and name not in ("date", "session")]
        if session and not others:
            return ImportRow(line, day, None, True)
        raise _BadCell(_t("headache must be yes or no."))
    duration = cells.get("duration", "").strip().lower() or None
    if duration is not None and duration not in DURATIONS:
        raise _BadCell(
            _t(
                "duration must be one of %(durations)s, not %(value)s.",
                durations=", ".join(DURATIONS),
                value=repr(duration[:20]),
            )
        )
    medicine_text = cells.get("medicines", "").strip().lower()
    classes = [part.strip() for part in medicine_text.split(";") if part.strip()] if medicine_text else []
    unknown = [c for c in classes if c not in MEDICINE_CLASSES]
    if unknown:
        raise _BadCell(
            _t(
                "unknown medicine class %(value)s: use %(classes)s, separated by ';'.",
                value=repr(unknown[0][:20]),
                classes=", ".join(MEDICINE_CLASSES),
            )
        )
    if len(set(classes)) != len(classes):
        raise _BadCell(_t("a medicine class is named twice."))
    notes = _unquoted(cells.get("notes", ""))
    if len(notes) > MAX_NOTES:
        raise _BadCell(_t("notes are longer than %(max)s characters.", max=MAX_NOTES))
    answers = DayAnswers(
        headache=headache,
        pain=_number(cells.get("pain", ""), "pain", 0, 10),
        duration=duration,
        features={code: _flag(cells.get(code, ""), code) for code in terms.FEATURE_CODES},
        medicines=[(c, None) for c in classes],
        function_level=_number(cells.get("function", ""), "function", 0, 4),
        notes=notes or None,
    )
    try:
        check_answers(answers)
    except DiaryError as error:
        raise _BadCell(str(error)) from None
    return ImportRow(line, day, answers, session)


def _csv_problem(error: csv.Error) -> str:
    """What the csv module says about a line, in the page's language where it is the one it says over a long cell."""
    text = str(error)
    if text.startswith("field larger than field limit"):
        return _t("a cell is longer than %(limit)s characters", limit=number_label(csv.field_size_limit()))
    return text


def parse(data: bytes, today: date) -> tuple[list[ImportRow], list[LineError]]:
    """The rows of a diary CSV and the errors by line (line 1 is the header); raises DiaryError for a file that is not one."""
    if len(data) > MAX_BYTES:
        raise DiaryError(
            _t("The file is larger than %(size)s; a diary of many years is far smaller.", size=megabytes(MAX_BYTES))
        )
    if b"\x00" in data:
        raise DiaryError(_t("This is not a CSV text file."))
    text = _decode(data)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_dialect(text))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except StopIteration:
        raise DiaryError(_t("The file is empty.")) from None
    except csv.Error:
        raise DiaryError(_t("The file cannot be read as CSV.")) from None
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    unknown = [name for name in header if name and name not in COLUMNS]
    errors: list[LineError] = []
    if missing or unknown:
        names = {
            "missing": ", ".join(missing),
            "unknown": ", ".join(repr(name[:30]) for name in unknown),
            "columns": ", ".join(COLUMNS),
        }
        if missing and unknown:
            message = _t(
                "The header row is missing the column %(missing)s and unknown column %(unknown)s; "
                "the columns are %(columns)s.",
                **names,
            )
        elif missing:
            message = _t("The header row is missing the column %(missing)s; the columns are %(columns)s.", **names)
        else:
            message = _t("The header row is unknown column %(unknown)s; the columns are %(columns)s.", **names)
        return [], [LineError(1, message)]
    rows: list[ImportRow] = []
    seen: dict[date, int] = {}
    try:
        for cells in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                errors.append(
                    LineError(
                        line, _t("%(cells)s cells for %(columns)s columns.", cells=len(cells), columns=len(header))
                    )
                )
                continue
            try:
                row = _row(dict(zip(header, cells, strict=False)), line, today)
            except _BadCell as error:
                errors.append(LineError(line, str(error)))
                continue
            if row.day in seen:
                errors.append(
                    LineError(
                        line,
                        _t(
                            "date %(day)s is repeated (first on line %(line)s).",
                            day=row.day.isoformat(),
                            line=seen[row.day],
                        ),
                    )
                )
                continue
            seen[row.day] = line
            rows.append(row)
    except csv.Error as error:
        errors.append(
            LineError(reader.line_num, _t("this line cannot be read as CSV (%(error)s).", error=_csv_problem(error)))
        )
    return rows, errors


def import_csv(patient: User, data: bytes, today: date | None = None) -> ImportResult:
    """Import a diary CSV: all its rows, or none when any line has an error (raises DiaryError for an unreadable file)."""
    if patient.role != Role.PATIENT:
        raise DiaryError(_t("Only patients keep a headache diary."))
    today = today or date.today()
    rows, errors = parse(data, today)
    existing = set(db.session.scalars(select(DiaryEntry.day).where(DiaryEntry.patient_id == patient.id)))
    for row in rows:
        if row.day in existing and row.answers is not None:
            errors.append(
                LineError(
                    row.line,
                    _t(
                        "your diary already has %(day)s: delete that day first, or leave the line out.",
                        day=row.day.isoformat(),
                    ),
                )
            )
    if not rows and not errors:
        errors.append(LineError(2, _t("The file has a header but no diary rows.")))
    if errors:
        errors.sort(key=lambda e: e.line)
        return ImportResult(0, errors)
    session_days = set(
        db.session.scalars(select(TreatmentSession.day).where(TreatmentSession.patient_id == patient.id))
    )
    now = utcnow()
    entry_rows: list[dict[str, Any]] = []
    medicines_by_day: dict[date, list[str]] = {}
    session_rows: list[dict[str, Any]] = []
    for row in rows:
        if row.session and row.day not in session_days:
            session_rows.append(
                {"patient_id": patient.id, "day": row.day, "recorded_by_id": patient.id, "created_at": now}
            )
            session_days.add(row.day)
        answers = row.answers
        if answers is None:
            continue
        entry_rows.append(
            {
                "patient_id": patient.id,
                "day": row.day,
                "headache": answers.headache,
                "pain": answers.pain,
                "duration": answers.duration,
                **{code: answers.features.get(code) for code in terms.FEATURE_CODES},
                "function_level": answers.function_level,
                "notes": answers.notes,
                "source": "import",
                "late": True,
                "recorded_at": now,
                "updated_at": now,
            }
        )
        if answers.medicines:
            medicines_by_day[row.day] = [c for c, _ in answers.medicines]
    # Core inserts, not objects: a two-year file is 730 rows, and building an object per row is most of the time.
    if entry_rows:
        connection = db.session.connection()
        connection.execute(insert(table_of(DiaryEntry)), entry_rows)
        if medicines_by_day:
            ids = connection.execute(
                select(DiaryEntry.id, DiaryEntry.day).where(
                    DiaryEntry.patient_id == patient.id, DiaryEntry.day.in_(list(medicines_by_day))
                )
            ).all()
            connection.execute(
                insert(table_of(DiaryMedicine)),
                [
                    {"entry_id": entry_id, "medicine_class": c, "relief": None}
                    for entry_id, day in ids
                    for c in medicines_by_day[day]
                ],
            )
    if session_rows:
        db.session.execute(insert(TreatmentSession), session_rows)
    entries, sessions = len(entry_rows), len(session_rows)
    try:
        db.session.commit()
    except IntegrityError:
        # The same file sent twice at once: the first import holds these days.
        db.session.rollback()
        raise DiaryError(_t("Some of these days were saved in your diary meanwhile; nothing was imported.")) from None
    return ImportResult(entries, [], sessions)
