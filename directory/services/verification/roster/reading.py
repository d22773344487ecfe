"""Reading a roster file: its encoding, its delimiter, the header and the rows, refusing what is not a CSV roster."""

import codecs
import csv
import io
import itertools
import re
from dataclasses import dataclass

from directory.services.core.text import N_, gettext, megabytes, ngettext, number_label
from directory.services.verification.roster.dates import parse_roster_date

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 100_000
DELIMITERS = (",", ";", "\t", "|")


class RosterError(ValueError):
    """A roster cannot be read or used; the message is for the admin (in the page's language)."""


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
    (b"%PDF", N_("a PDF document")),
    (b"\x89PNG", N_("a PNG image")),
    (b"\xff\xd8\xff", N_("a JPEG image")),
    (b"GIF8", N_("a GIF image")),
    (b"PK\x03\x04", N_("a ZIP archive (an .xlsx workbook is one)")),
    (b"\xd0\xcf\x11\xe0", N_("an old Excel (.xls) or Word file")),
    (b"\x1f\x8b", N_("a gzip archive")),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_SNIFF_CHARS = 64 * 1024
_SNIFF_RECORDS = 50


def read_roster(data: bytes, max_bytes: int = MAX_BYTES) -> Roster:
    """Decode and parse an uploaded CSV roster; raises RosterError when it is empty, too big, binary or not a table."""
    if not data:
        raise RosterError(gettext("The file is empty."))
    if len(data) > max_bytes:
        raise RosterError(
            gettext(
                "The file is %(size)s MB; the limit is %(limit)s.",
                size=number_label(len(data) / 2**20, decimals=1),
                limit=megabytes(max_bytes),
            )
        )
    text, encoding = _decode(data)
    return _parse(text, encoding, _sniff_delimiter(text))


def _decode(data: bytes) -> tuple[str, str]:
    """The text and the codec used: a BOM decides, else strict UTF-8, else Windows-1252."""
    for magic, kind in _SIGNATURES:
        if data.startswith(magic):
            raise RosterError(
                gettext(
                    "This looks like %(kind)s, not a CSV file. Export the roster as CSV and upload that.",
                    kind=gettext(kind),
                )
            )
    if data.startswith(codecs.BOM_UTF8):
        text, encoding = _decode_as(data[len(codecs.BOM_UTF8) :], "utf-8"), "utf-8-sig"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text, encoding = _decode_as(data, "utf-16"), "utf-16"
    elif b"\x00" in data:
        raise RosterError(
            gettext("The file contains binary data (NUL bytes), not text. Upload the roster as a CSV file.")
        )
    else:
        text, encoding = _decode_unmarked(data)
    _reject_binary_text(text)
    if not text.strip(" \t\r\n\f\v,;|"):
        raise RosterError(gettext("The file is empty."))
    return text, encoding


def _decode_as(data: bytes, codec: str) -> str:
    """Decode text whose byte-order mark named its codec."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        name = codec.upper()
        raise RosterError(
            gettext("The file starts with a %(codec)s byte-order mark but is not valid %(codec)s text.", codec=name)
        ) from None


def _decode_unmarked(data: bytes) -> tuple[str, str]:
    """Strict UTF-8, else Windows-1252 (a superset of Latin-1 for printable text)."""
    for codec in ("utf-8", "cp1252"):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    raise RosterError(
        gettext("The file's text encoding was not recognized. Save the roster as 'CSV UTF-8' and upload it again.")
    )


def _reject_binary_text(text: str) -> None:
    """Refuse decoded text full of control characters: a binary file that happened to decode."""
    sample = text[:_SNIFF_CHARS]
    if "\x00" in text or len(_CONTROL.findall(sample)) > len(sample) // 100:
        raise RosterError(gettext("The file contains binary data, not text. Upload the roster as a CSV file."))


def _sniff_delimiter(text: str) -> str:
    """The delimiter among , ; tab | that splits the header and keeps rows consistent (csv.Sniffer breaks ties)."""
    sample = text[:_SNIFF_CHARS]
    if len(text) > _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    scores = {delimiter: _consistency(sample, delimiter) for delimiter in DELIMITERS}
    best = max(scores.values())
    if best == 0:
        raise RosterError(
            gettext(
                "Only one column was found. Save the roster as CSV with columns separated by commas, semicolons, "
                "tabs or |."
            )
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
                raise RosterError(
                    gettext(
                        "The roster has more than %(max)s rows; split it into smaller files.",
                        max=number_label(MAX_ROWS),
                    )
                )
            shorter += len(cells) < len(headers)
            cells = cells[: len(headers)] + _trim(cells[len(headers) :])
            longer += len(cells) > len(headers)
            rows.append(cells + [""] * (len(headers) - len(cells)))
            numbers.append(number)
    except csv.Error as error:
        raise RosterError(
            gettext(
                "The file could not be read as CSV near line %(line)d (%(error)s); is a quote left open?",
                line=reader.line_num,
                error=error,
            )
        ) from None
    if headers is None:
        raise RosterError(gettext("The file is empty."))
    if not rows:
        raise RosterError(gettext("The file has a header row but no data rows."))
    return Roster(headers, rows, encoding, delimiter, _shape_warnings(longer, shorter), tuple(numbers))


def _header(cells: list[str]) -> list[str]:
    """The column names, refusing a first row that is plainly data; unnamed columns become 'Column N'."""
    if not any(re.search(r"[^\W\d_]", cell) for cell in cells) or any(parse_roster_date(cell) for cell in cells):
        shown = ", ".join(f"'{cell}'" for cell in cells[:4])
        raise RosterError(
            gettext(
                "The first row should name the columns (for example 'Name' and 'Credential ID') "
                "but it looks like data: %(cells)s.",
                cells=shown,
            )
        )
    return [cell or gettext("Column %(number)d", number=position) for position, cell in enumerate(cells, start=1)]


def _shape_warnings(longer: int, shorter: int) -> tuple[str, ...]:
    """Plain notes about rows whose cell count differs from the header's."""
    warnings = []
    if longer:
        warnings.append(
            ngettext(
                "%(count)s row has more cells than the header; the extra cells are ignored.",
                "%(count)s rows have more cells than the header; the extra cells are ignored.",
                longer,
                count=number_label(longer),
            )
        )
    if shorter:
        warnings.append(
            ngettext(
                "%(count)s row has fewer cells than the header; the missing cells are read as empty.",
                "%(count)s rows have fewer cells than the header; the missing cells are read as empty.",
                shorter,
                count=number_label(shorter),
            )
        )
    return tuple(warnings)
