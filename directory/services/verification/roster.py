"""Roster import: read a certifying body's CSV roster and confirm pending certifications against it."""

import codecs
import csv
import io
import itertools
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Row, select
from sqlalchemy.orm.exc import StaleDataError

from directory.extensions import db
from directory.models import Certification, CertificationStatus, TherapistProfile, User, utcnow
from directory.services.core import audit
from directory.services.core.text import fold
from directory.vocabulary import CERTIFYING_BODIES, label

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
UNMATCHED_SHOWN = 50
WARNINGS_SHOWN = 20
DELIMITERS = (",", ";", "\t", "|")
FIELDS = ("name", "credential_id", "issuing_body", "obtained_on", "expires_on")
REQUIRED_FIELDS = ("name", "credential_id")
FIELD_LABELS = {
    "name": "name",
    "credential_id": "credential id",
    "issuing_body": "issuing body",
    "obtained_on": "date obtained",
    "expires_on": "expiry date",
}


class RosterError(ValueError):
    """A roster cannot be read or used; the message is for the admin."""


# ---------------------------------------------------------------- reading the file


@dataclass(frozen=True)
class Roster:
    """A parsed roster: the header, the non-empty data rows and how the file was read."""

    headers: list[str]
    rows: list[list[str]]
    encoding: str
    delimiter: str
    warnings: tuple[str, ...] = ()
    # The spreadsheet row of each entry in rows (the header is row 1 unless blank rows precede it).
    row_numbers: tuple[int, ...] = ()


_SIGNATURES = (
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook is one)"),
    (b"\xd0\xcf\x11\xe0", "an old Excel (.xls) or Word file"),
    (b"\x1f\x8b", "a gzip archive"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 50


def read_roster(data: bytes, max_bytes: int = MAX_BYTES) -> Roster:
    """Decode and parse an uploaded CSV roster; raises RosterError when it is empty, too big, binary or not a table."""
    if not data:
        raise RosterError("The file is empty.")
    if len(data) > max_bytes:
        raise RosterError(f"The file is {len(data) / 2**20:.1f} MB; the limit is {max_bytes / 2**20:g} MB.")
    text, encoding = _decode(data)
    return _parse(text, encoding, _sniff_delimiter(text))


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the codec used: a BOM decides, else strict UTF-8, else Windows-1252."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            raise RosterError(f"This looks like {kind}, not a CSV file. Export the roster as CSV and upload that.")
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _decode_as(data[len(codecs.BOM_UTF8) :], "utf-8"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _decode_as(data, "utf-16"), "utf-16"
    elif b"\x00" in data:
        raise RosterError("The file contains binary data (NUL bytes), not text. Upload the roster as a CSV file.")
    else:
        text, encoding = _decode_unmarked(data)
    _reject_binary_text(text)
    if not text.strip(" \t\r\n\f\v,;|"):
        raise RosterError("The file is empty.")
    return text, encoding


def _decode_as(data: bytes, codec: str) -> str:
    """Decode text whose byte-order mark named its codec."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        name = codec.upper()
        raise RosterError(f"The file starts with a {name} byte-order mark but is not valid {name} text.") from None


def _decode_unmarked(data: bytes) -> tuple[str, str]:
    """Strict UTF-8, else Windows-1252 (a superset of Latin-1 for printable text)."""
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    raise RosterError(
        "The file's text encoding was not recognised. Save the roster as 'CSV UTF-8' and upload it again."
    )


def _reject_binary_text(text: str) -> None:
    """Refuse decoded text full of control characters: a binary file that happened to decode."""
    sample = text[:_SNIFF_CHARS]
    if "\x00" in text or len(_CONTROL.findall(sample)) > len(sample) // 100:
        raise RosterError("The file contains binary data, not text. Upload the roster as a CSV file.")


def _sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the header and keeps rows consistent (csv.Sniffer breaks ties)."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    scores = {delimiter: _consistency(sample, delimiter) for delimiter in DELIMITERS}
    best = max(scores.values())
    if best == 0:
        raise RosterError(
            "Only one column was found. Save the roster as CSV with columns separated by commas, semicolons, tabs or |."
        )
    sniffed = _sniffed(sample)
    if sniffed is not None and scores[sniffed] == best:
        return sniffed
    return next(delimiter for delimiter in DELIMITERS if scores[delimiter] == best)


def _sniffed(sample: str) -> str | None:
    """csv.Sniffer's guess among the allowed delimiters, if it makes one."""
    try:
        return csv.Sniffer().sniff(sample, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return None


def _consistency(sample: str, delimiter: str) -> int:
    """How many of the first records have as many cells as the header (0 when the header does not split)."""
    reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter, skipinitialspace=True)
    try:
        records = [record for record in itertools.islice(reader, _SNIFF_RECORDS * 2) if any(c.strip() for c in record)]
    except csv.Error:
        return 0
    records = records[:_SNIFF_RECORDS]
    width = len(_trim(records[0])) if records else 0
    if width < 2:
        return 0
    return sum(len(_trim(record)) == width for record in records)


def _trim(cells: list[str]) -> list[str]:
    """The cells without trailing empty ones (a trailing delimiter adds nothing)."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def _parse(text: str, encoding: str, delimiter: str) -> Roster:
    """Split the text into a header and padded, stripped data rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, skipinitialspace=True)
    headers: list[str] | None = None
    rows: list[list[str]] = []
    numbers: list[int] = []
    longer = shorter = 0
    try:
        for number, record in enumerate(reader, start=1):
            cells = [cell.strip() for cell in record]
            if not any(cells):
                continue
            if headers is None:
                headers = _header(_trim(cells))
                continue
            if len(rows) == MAX_ROWS:
                raise RosterError(f"The roster has more than {MAX_ROWS:,} rows; split it into smaller files.")
            shorter += len(cells) < len(headers)
            cells = cells[: len(headers)] + _trim(cells[len(headers) :])
            longer += len(cells) > len(headers)
            rows.append(cells + [""] * (len(headers) - len(cells)))
            numbers.append(number)
    except csv.Error as error:
        raise RosterError(
            f"The file could not be read as CSV near line {reader.line_num} ({error}); is a quote left open?"
        ) from None
    if headers is None:
        raise RosterError("The file is empty.")
    if not rows:
        raise RosterError("The file has a header row but no data rows.")
    return Roster(headers, rows, encoding, delimiter, _shape_warnings(longer, shorter), tuple(numbers))


def _header(cells: list[str]) -> list[str]:
    """The column names, refusing a first row that is plainly data; unnamed columns become 'Column N'."""
    if not any(re.search(r"[^\W\d_]", cell) for cell in cells) or any(parse_roster_date(cell) for cell in cells):
        shown = ", ".join(f"'{cell}'" for cell in cells[:4])
        raise RosterError(
            "The first row should name the columns (for example 'Name' and 'Credential ID') "
            f"but it looks like data: {shown}."
        )
    return [cell or f"Column {position}" for position, cell in enumerate(cells, start=1)]


def _shape_warnings(longer: int, shorter: int) -> tuple[str, ...]:
    """Plain notes about rows whose cell count differs from the header's."""
    warnings = []
    if longer:
        warnings.append(f"{_rows(longer)} more cells than the header; the extra cells are ignored.")
    if shorter:
        warnings.append(f"{_rows(shorter)} fewer cells than the header; the missing cells are read as empty.")
    return tuple(warnings)


def _rows(count: int) -> str:
    """'1 row has' or '12 rows have'."""
    return "1 row has" if count == 1 else f"{count:,} rows have"


# ---------------------------------------------------------------- mapping columns to fields


def _header_key(text: str) -> str:
    """A header reduced for comparison: 'Cert #' -> 'cert number', 'credentialId' -> 'credential id'."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text).replace("#", " number ").replace("_", " ")
    words = [_HEADER_WORDS.get(word, word) for word in fold(text).split()]
    return " ".join(words)


_HEADER_WORDS = {
    "no": "number",
    "nr": "number",
    "num": "number",
    "nbr": "number",
    "licence": "license",
    "organisation": "organization",
}
_EXACT_HEADERS = {
    "name": (
        "name",
        "full name",
        "fullname",
        "practitioner",
        "practitioner name",
        "licensee",
        "licensee name",
        "therapist",
        "therapist name",
        "participant",
        "participant name",
        "student",
        "student name",
        "holder",
        "certificate holder",
        "member",
        "member name",
        "candidate",
        "candidate name",
        "attendee",
        "attendee name",
        "clinician",
        "graduate",
        "name of practitioner",
        "person",
    ),
    "credential_id": (
        "credential id",
        "credential",
        "credential number",
        "credential code",
        "certificate number",
        "certificate id",
        "certificate",
        "certificate code",
        "cert",
        "cert number",
        "cert id",
        "certification number",
        "certification id",
        "certification code",
        "id",
        "id number",
        "registration number",
        "registration id",
        "member id",
        "membership number",
        "reference",
        "reference number",
        "credential ref",
        "certificate ref",
    ),
    "issuing_body": (
        "issuing body",
        "issuer",
        "issued by",
        "provider",
        "training provider",
        "course provider",
        "certifying body",
        "certified by",
        "organization",
        "body",
        "awarding body",
        "awarded by",
        "institute",
        "institution",
        "school",
    ),
    "obtained_on": (
        "date obtained",
        "obtained",
        "obtained on",
        "issued",
        "issue date",
        "date issued",
        "issued on",
        "completion date",
        "date completed",
        "completed",
        "completed on",
        "date of completion",
        "certification date",
        "date certified",
        "certified on",
        "award date",
        "date awarded",
        "awarded",
        "awarded on",
        "date",
        "start date",
        "valid from",
        "date of issue",
    ),
    "expires_on": (
        "expiry",
        "expiry date",
        "expires",
        "expires on",
        "expiration",
        "expiration date",
        "valid until",
        "valid to",
        "valid thru",
        "valid through",
        "valid till",
        "exp",
        "exp date",
        "expiry on",
        "date of expiry",
        "renewal date",
        "renewal due",
        "end date",
        "until",
        "expire date",
        "expiring",
    ),
}
_EXACT = {field: {_header_key(text) for text in texts} for field, texts in _EXACT_HEADERS.items()}
# Looser patterns for spellings not in the lists above, tried only when no exact spelling claims the field.
_PATTERNS = {
    "credential_id": re.compile(r"\b(credential|certificate|certification|cert)\b.*\b(id|number|code|ref)\b"),
    "expires_on": re.compile(r"\b(expir\w*|exp|valid (until|to|thru|through|till))\b"),
    "obtained_on": re.compile(
        r"\b(obtain\w*|issued?|complet\w*|award\w*|certified)\b.*\b(date|on)\b"
        r"|\bdate\b.*\b(obtain\w*|issue|complet\w*|award\w*)"
    ),
    "issuing_body": re.compile(r"\b(issuer|issuing|provider|organi[sz]ation|institut\w*|academy|body)\b"),
    "name": re.compile(r"\b(name|practitioner|licensee|therapist|participant|holder)\b"),
}
# A field that names a person only in part: never guessed as the whole name.
_PARTIAL_NAME = re.compile(
    r"\b(first|last|given|family|sur|middle|user|file|course|program\w*|provider|company|business|clinic)\b"
)


def guess_mapping(headers: Sequence[str]) -> dict[str, int | None]:
    """The column index of each field, guessed from common header spellings (None when no column fits)."""
    keys = [_header_key(header) for header in headers]
    candidates = []
    for field in FIELDS:
        for position, key in enumerate(keys):
            if key in _EXACT[field]:
                candidates.append((0, FIELDS.index(field), position, field))
            elif _PATTERNS[field].search(key) and not (field == "name" and _PARTIAL_NAME.search(key)):
                candidates.append((1, FIELDS.index(field), position, field))
    mapping: dict[str, int | None] = dict.fromkeys(FIELDS)
    taken: set[int] = set()
    for _, _, position, field in sorted(candidates):
        if mapping[field] is None and position not in taken:
            mapping[field] = position
            taken.add(position)
    return mapping


def required_column(mapping: Mapping[str, int | None], field: str) -> int:
    """The column mapped to a required field; raises RosterError when none is."""
    column = mapping.get(field)
    if column is None:
        raise RosterError(f"Choose the column that holds the {FIELD_LABELS[field]}.")
    return column


def check_mapping(mapping: Mapping[str, int | None], headers: Sequence[str]) -> None:
    """Raise RosterError naming a missing required field, an unknown field, a column out of range or one used twice."""
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise RosterError(f"Unknown roster field '{unknown[0]}'.")
    for field in REQUIRED_FIELDS:
        required_column(mapping, field)
    used: dict[int, str] = {}
    for field in FIELDS:
        position = mapping.get(field)
        if position is None:
            continue
        if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < len(headers):
            raise RosterError(
                f"The column chosen for the {FIELD_LABELS[field]} (column {position}) is not in the file, "
                f"which has {len(headers)} columns."
            )
        if position in used:
            raise RosterError(
                f"Column '{headers[position]}' is chosen for both the {FIELD_LABELS[used[position]]} "
                f"and the {FIELD_LABELS[field]}."
            )
        used[position] = field


# ---------------------------------------------------------------- dates


_MONTH_NAMES = (
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
)
_MONTHS = {name: number for number, full in enumerate(_MONTH_NAMES, start=1) for name in (full, full[:3])} | {"sept": 9}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_IGNORED_WORDS = {"of", "the"} | {name for full in _WEEKDAYS for name in (full, full[:3])}
_TIME = r"(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?: ?[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?"
_YEAR_FIRST = re.compile(r"(\d{4})([-/.])(\d{1,2})\2(\d{1,2})" + _TIME)
_YEAR_LAST = re.compile(r"(\d{1,2})([-/.])(\d{1,2})\2(\d{4}|\d{2})" + _TIME)
_DATE_WORDS = re.compile(r"[a-z]+|\d+")
_ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b")


def parse_roster_date(text: str) -> date | None:
    """A date from a roster cell (2024-03-01, 03/01/2024 US, 01.03.2024, 1 March 2024, Mar 1, 2024), else None."""
    text = text.strip()
    if match := _YEAR_FIRST.fullmatch(text):
        year, month, day = int(match[1]), int(match[3]), int(match[4])
    elif match := _YEAR_LAST.fullmatch(text):
        first, second, year = int(match[1]), int(match[3]), _full_year(match[4])
        # Dots are day-first (01.03.2024); slashes and dashes are US month-first unless that cannot be.
        day_first = match[2] == "." or first > 12
        day, month = (first, second) if day_first else (second, first)
    else:
        return _parse_worded_date(text)
    return _valid_date(year, month, day)


def _parse_worded_date(text: str) -> date | None:
    """'1 March 2024', 'Mar 1, 2024', '1-Mar-24', 'Friday 1st of March 2024'."""
    words = [word for word in _DATE_WORDS.findall(_ORDINAL.sub("", text.lower())) if word not in _IGNORED_WORDS]
    months = [word for word in words if not word.isdigit()]
    numbers = [word for word in words if word.isdigit()]
    if len(months) != 1 or months[0] not in _MONTHS or len(numbers) != 2:
        return None
    if len(numbers[0]) == 4:
        numbers.reverse()
    day, year = numbers
    if len(day) > 2 or len(year) not in (2, 4):
        return None
    return _valid_date(_full_year(year), _MONTHS[months[0]], int(day))


def _full_year(text: str) -> int:
    """A four-digit year; two digits pivot like strptime's %y (69-99 -> 1900s)."""
    year = int(text)
    if len(text) == 2:
        year += 1900 if year >= 69 else 2000
    return year


def _valid_date(year: int, month: int, day: int) -> date | None:
    """The date, or None when it does not exist or the year is implausible."""
    if not 1900 <= year <= 2200:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


# ---------------------------------------------------------------- names, credentials and bodies


_TITLES = frozenset(
    [
        "dr",
        "doctor",
        "prof",
        "professor",
        "mr",
        "mrs",
        "ms",
        "miss",
        "mx",
        "sir",
        "dame",
        "pt",
        "dpt",
        "mpt",
        "mspt",
        "bpt",
        "msc",
        "bsc",
        "phd",
        "md",
        "dc",
        "lac",
        "ocs",
        "scs",
        "cscs",
        "atc",
        "faaompt",
        "mcsp",
        "mphty",
        "mscpt",
        "cmpt",
        "jr",
        "sr",
        "ii",
        "iii",
    ]
)
_DASHES = dict.fromkeys(map(ord, "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"))


def normalise_credential(text: str | None) -> str:
    """A credential id for exact comparison: no spaces or dashes, upper-case ('dn-12 34' -> 'DN1234')."""
    return "".join((text or "").split()).translate(_DASHES).upper()


def name_tokens(name: str) -> tuple[str, ...]:
    """A name's words, given name first, without accents, case, punctuation or titles: 'Smith, Dr. Jo' -> jo smith."""
    name = name.replace("\u2019", "'").replace("\u2018", "'")
    parts = [words for part in name.split(",") if (words := _name_words(part))]
    if len(parts) == 2:  # 'Smith, Jane'
        parts.reverse()
    return tuple(word for words in parts for word in words)


def _name_words(part: str) -> list[str]:
    """The folded words of a comma-separated part of a name, titles dropped (also 'Ph.D.' as a whole)."""
    words = fold(part).split()
    if "".join(words) in _TITLES:
        return []
    return [word for word in words if word not in _TITLES]


def names_match(first: str, second: str) -> bool:
    """Loose name equality: same first and last word, one word set inside the other, or 'J. Smith' for 'Jane Smith'."""
    a, b = name_tokens(first), name_tokens(second)
    if not a or not b:
        return False
    if a[0] == b[0] and a[-1] == b[-1]:
        return True
    common = set(a) & set(b)
    if len(common) >= 2 and (common == set(a) or common == set(b)):
        return True
    return a[-1] == b[-1] and (len(a[0]) == 1 or len(b[0]) == 1) and a[0][0] == b[0][0]


def _body_names() -> dict[str, frozenset[str]]:
    """Folded ways of writing each certifying body: code, label, its parts around brackets, initials."""
    extra = {"istop": ("gunn ims", "gunn"), "travell_simons": ("travell and simons",), "aamt": ("dni",)}
    names = {}
    for code, text in CERTIFYING_BODIES:
        main, _, bracketed = text.partition("(")
        initials = "".join(word[0] for word in main.split() if word[0].isupper())
        forms = {code.replace("_", " "), text, main, bracketed.rstrip(")"), initials, *extra.get(code, ())}
        names[code] = frozenset(fold(form) for form in forms if fold(form))
    return names


_BODY_NAMES = _body_names()
_BODY_CODES = frozenset(_BODY_NAMES)


def _body_matches(roster_text: str, code: str, other_name: str | None) -> bool:
    """Whether the roster's issuing-body cell names the certification's body ('Myopain Seminars LLC' names myopain)."""
    if code == "other":
        if not other_name:
            return True  # nothing to compare against
        names = frozenset({fold(other_name)})
    else:
        names = _BODY_NAMES.get(code, frozenset())
    text = fold(roster_text)
    return any(text == name or text.startswith(name + " ") for name in names)


def _body_label(code: str, other_name: str | None) -> str:
    """The name a person reads for a certification's issuing body."""
    return other_name if code == "other" and other_name else label(CERTIFYING_BODIES, code)


# ---------------------------------------------------------------- preview


@dataclass(frozen=True)
class RosterItem:
    """One pending certification and what the roster says about it."""

    certification_id: int
    therapist_name: str
    credential_id: str | None
    issuing_body: str
    version: int
    roster_row: int | None = None
    roster_name: str | None = None
    roster_obtained_on: date | None = None
    roster_expires_on: date | None = None
    reason: str = ""
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class UnmatchedRow:
    """A roster row that names no pending certification."""

    row: int
    name: str
    credential_id: str


@dataclass(frozen=True)
class RosterPreview:
    """What applying a roster would do: certifications it confirms, finds expired, contradicts or does not mention."""

    confirmed: tuple[RosterItem, ...]
    expired: tuple[RosterItem, ...]
    contradicted: tuple[RosterItem, ...]
    not_mentioned: tuple[RosterItem, ...]
    unmatched_count: int
    unmatched_rows: tuple[UnmatchedRow, ...]
    warnings: tuple[str, ...]
    issuing_body: str | None
    today: date


@dataclass(frozen=True)
class _RowFacts:
    """The mapped cells of one roster row, dates parsed."""

    row: int
    name: str
    credential_id: str
    issuing_body: str
    obtained_on: date | None
    expires_on: date | None
    notes: tuple[str, ...]


def preview(
    roster: Roster, mapping: Mapping[str, int | None], issuing_body: str | None = None, *, today: date | None = None
) -> RosterPreview:
    """Classify every pending certification (of one body, if given); raises RosterError for a bad mapping or body."""
    check_mapping(mapping, roster.headers)
    if issuing_body is not None and issuing_body not in _BODY_CODES:
        raise RosterError(f"Unknown issuing body '{issuing_body}'.")
    today = today or utcnow().date()
    index = _index_by_credential(roster, required_column(mapping, "credential_id"))
    groups: dict[str, list[RosterItem]] = {"confirmed": [], "expired": [], "contradicted": [], "not_mentioned": []}
    matched: set[str] = set()
    for certification in _pending_certifications(issuing_body):
        key = normalise_credential(certification.credential_id)
        rows = index.get(key) if key else None
        if rows:
            matched.add(key)
            kind, item = _classify(certification, [_row_facts(roster, mapping, i) for i in rows], today)
        else:
            kind, item = "not_mentioned", _not_mentioned(certification)
        groups[kind].append(item)
    unmatched = sorted(i for key, rows in index.items() if key not in matched for i in rows)
    return RosterPreview(
        confirmed=tuple(groups["confirmed"]),
        expired=tuple(groups["expired"]),
        contradicted=tuple(groups["contradicted"]),
        not_mentioned=tuple(groups["not_mentioned"]),
        unmatched_count=len(unmatched),
        unmatched_rows=tuple(_unmatched_row(roster, mapping, i) for i in unmatched[:UNMATCHED_SHOWN]),
        warnings=_preview_warnings(roster, index, groups),
        issuing_body=issuing_body,
        today=today,
    )


# id, credential_id, issuing_body, issuing_body_other, version, expires_on, display_name.
PendingRow = Row[int, str | None, str, str | None, int, date | None, str]


def _pending_certifications(issuing_body: str | None) -> list[PendingRow]:
    """Every pending certification with its therapist's display name, in one query."""
    query = (
        select(
            Certification.id,
            Certification.credential_id,
            Certification.issuing_body,
            Certification.issuing_body_other,
            Certification.version,
            Certification.expires_on,
            TherapistProfile.display_name,
        )
        .join(TherapistProfile, Certification.profile_id == TherapistProfile.id)
        .where(Certification.status == CertificationStatus.PENDING.value)
        .order_by(Certification.id)
    )
    if issuing_body is not None:
        query = query.where(Certification.issuing_body == issuing_body)
    return list(db.session.execute(query))


def _index_by_credential(roster: Roster, column: int) -> dict[str, list[int]]:
    """Row positions by normalised credential id ('' collects the rows without one)."""
    index: dict[str, list[int]] = defaultdict(list)
    for position, row in enumerate(roster.rows):
        index[normalise_credential(row[column])].append(position)
    return index


def _row_facts(roster: Roster, mapping: Mapping[str, int | None], position: int) -> _RowFacts:
    """Read the mapped cells of one row, noting dates that cannot be read."""
    row, number = roster.rows[position], roster.row_numbers[position]
    cells = {field: row[column] if column is not None else "" for field, column in mapping.items()}
    notes = []
    dates = {}
    for field in ("obtained_on", "expires_on"):
        text = cells.get(field, "")
        dates[field] = parse_roster_date(text) if text else None
        if text and dates[field] is None:
            notes.append(f"Row {number}: cannot read the {FIELD_LABELS[field]} '{text}'.")
    return _RowFacts(
        row=number,
        name=cells["name"],
        credential_id=cells["credential_id"],
        issuing_body=cells.get("issuing_body", ""),
        obtained_on=dates["obtained_on"],
        expires_on=dates["expires_on"],
        notes=tuple(notes),
    )


def _classify(certification: PendingRow, rows: list[_RowFacts], today: date) -> tuple[str, RosterItem]:
    """Confirmed by the first row without objection, expired by a matching row with a past date, else contradicted."""
    for facts in rows:
        if not _objections(certification, facts, today):
            return "confirmed", _item(certification, facts)
    for facts in rows:
        # The same rule as one-by-one approval: an expired certification is never verified.
        if not any(_mismatches(certification, facts)):
            return "expired", _item(certification, facts, _expiry(certification, facts, today))
    facts = rows[0]
    return "contradicted", _item(certification, facts, "; ".join(_objections(certification, facts, today)))


def _objections(certification: PendingRow, facts: _RowFacts, today: date) -> list[str]:
    """Why a row with the certification's credential id does not confirm it (empty when it does)."""
    name, body = _mismatches(certification, facts)
    return [reason for reason in (name, _expiry(certification, facts, today), body) if reason]


def _expiry(certification: PendingRow, facts: _RowFacts, today: date) -> str:
    """Why the certification counts as expired, by its own expiry date or the roster's ('' when it does not)."""
    if certification.expires_on is not None and certification.expires_on < today:
        return f"The certification says it expired on {certification.expires_on.isoformat()}"
    if facts.expires_on is not None and facts.expires_on < today:
        return f"Roster says it expired on {facts.expires_on.isoformat()}"
    return ""


def _mismatches(certification: PendingRow, facts: _RowFacts) -> tuple[str, str]:
    """Where the row and the certification disagree on the name and on the issuing body ('' where they agree)."""
    name = body = ""
    if not facts.name:
        name = f"Row {facts.row} gives no name"
    elif not names_match(facts.name, certification.display_name):
        name = f"Name on roster is '{facts.name}', profile says '{certification.display_name}'"
    code, other = certification.issuing_body, certification.issuing_body_other
    if facts.issuing_body and not _body_matches(facts.issuing_body, code, other):
        named = _body_label(code, other)
        body = f"Roster names issuing body '{facts.issuing_body}', the certification says '{named}'"
    return name, body


def _item(certification: PendingRow, facts: _RowFacts, reason: str = "") -> RosterItem:
    """A preview item for a certification the roster mentions."""
    return RosterItem(
        certification_id=certification.id,
        therapist_name=certification.display_name,
        credential_id=certification.credential_id,
        issuing_body=certification.issuing_body,
        version=certification.version,
        roster_row=facts.row,
        roster_name=facts.name,
        roster_obtained_on=facts.obtained_on,
        roster_expires_on=facts.expires_on,
        reason=reason,
        notes=facts.notes,
    )


def _not_mentioned(certification: PendingRow) -> RosterItem:
    """A preview item for a certification the roster does not mention."""
    if normalise_credential(certification.credential_id):
        reason = "Credential id not on the roster"
    else:
        reason = "The certification has no credential id"
    return RosterItem(
        certification_id=certification.id,
        therapist_name=certification.display_name,
        credential_id=certification.credential_id,
        issuing_body=certification.issuing_body,
        version=certification.version,
        reason=reason,
    )


def _unmatched_row(roster: Roster, mapping: Mapping[str, int | None], position: int) -> UnmatchedRow:
    """The row number, name and credential id of a row that matched nothing."""
    row = roster.rows[position]
    return UnmatchedRow(
        roster.row_numbers[position],
        row[required_column(mapping, "name")],
        row[required_column(mapping, "credential_id")],
    )


def _preview_warnings(
    roster: Roster, index: dict[str, list[int]], groups: dict[str, list[RosterItem]]
) -> tuple[str, ...]:
    """The file's warnings, rows without a credential id, repeated ids and unreadable dates (the first few)."""
    warnings = list(roster.warnings)
    if index.get(""):
        warnings.append(f"{_rows(len(index['']))} no credential id.")
    repeated = sum(1 for key, rows in index.items() if key and len(rows) > 1)
    if repeated:
        warnings.append(
            f"{repeated:,} credential ids appear on more than one row; the first row that confirms is used."
        )
    notes = [note for kind in ("confirmed", "expired", "contradicted") for item in groups[kind] for note in item.notes]
    warnings.extend(notes[:WARNINGS_SHOWN])
    if len(notes) > WARNINGS_SHOWN:
        warnings.append(f"... and {len(notes) - WARNINGS_SHOWN:,} more dates that cannot be read.")
    return tuple(warnings)


# ---------------------------------------------------------------- applying


@dataclass(frozen=True)
class SkippedCertification:
    """A confirmed certification that applying left alone, and why."""

    certification_id: int
    reason: str


@dataclass(frozen=True)
class ApplyResult:
    """What applying a preview did; verified holds the objects so the caller can notify their therapists."""

    verified_ids: tuple[int, ...]
    skipped: tuple[SkippedCertification, ...]
    verified: tuple[Certification, ...]

    @property
    def skipped_ids(self) -> tuple[int, ...]:
        """The ids of the skipped certifications."""
        return tuple(skip.certification_id for skip in self.skipped)


def apply_preview(preview: RosterPreview, admin: User, today: date) -> ApplyResult:
    """Verify the confirmed certifications in one transaction, an audit event each; raises RosterError on a clash."""
    items = {item.certification_id: item for item in preview.confirmed}
    found = _lock_for_update(items)
    verified, skipped = [], []
    # No autoflush: reading an expired admin mid-way would flush half-made changes (two version bumps).
    with db.session.no_autoflush:
        for certification_id, item in items.items():
            reason = _skip_reason(found.get(certification_id), item, today)
            if reason:
                skipped.append(SkippedCertification(certification_id, reason))
            else:
                verified.append(_verify(found[certification_id][0], item, admin))
    try:
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise RosterError(
            "Another admin changed one of these certifications at the same moment; nothing was verified. "
            "Preview the roster again."
        ) from None
    return ApplyResult(tuple(c.id for c in verified), tuple(skipped), tuple(verified))


def _lock_for_update(items: Mapping[int, RosterItem]) -> dict[int, tuple[Certification, str]]:
    """Re-read the certifications (fresh, locked where the database can) with their therapists' current names."""
    query = (
        select(Certification, TherapistProfile.display_name)
        .join(TherapistProfile, Certification.profile_id == TherapistProfile.id)
        .where(Certification.id.in_(list(items)))
        .order_by(Certification.id)
        .with_for_update(of=Certification)
        .execution_options(populate_existing=True)
    )
    return {certification.id: (certification, name) for certification, name in db.session.execute(query)}


def _skip_reason(found: tuple[Certification, str] | None, item: RosterItem, today: date) -> str:
    """Why a confirmed certification must not be verified now ('' when it can be)."""
    if found is None:
        return "The certification no longer exists"
    certification, display_name = found
    if certification.status != CertificationStatus.PENDING:
        return f"No longer pending: it was {certification.status} meanwhile"
    if certification.version != item.version:
        return "The certification changed after the preview"
    if not names_match(item.roster_name or "", display_name):
        return f"The profile name changed to '{display_name}' after the preview"
    if item.roster_expires_on is not None and item.roster_expires_on < today:
        return f"Roster says it expired on {item.roster_expires_on.isoformat()}"
    if certification.expires_on is not None and certification.expires_on < today:
        return f"The certification says it expired on {certification.expires_on.isoformat()}"
    return ""


def _verify(certification: Certification, item: RosterItem, admin: User) -> Certification:
    """Mark one certification verified by the roster and record it in the audit trail."""
    certification.status = CertificationStatus.VERIFIED.value
    certification.reviewer_id = admin.id
    certification.decided_at = utcnow()
    if certification.expires_on is None and item.roster_expires_on is not None:
        certification.expires_on = item.roster_expires_on
    audit.record(
        admin,
        "certification.verified",
        "certification",
        certification.id,
        source="roster",
        row=item.roster_row,
        credential_id=certification.credential_id,
        roster_name=item.roster_name,
        roster_expires_on=item.roster_expires_on.isoformat() if item.roster_expires_on else None,
    )
    return certification
