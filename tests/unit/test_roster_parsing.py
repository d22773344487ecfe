"""Reading messy roster files, guessing their columns, dates and loose name matching (no database)."""

import codecs
from datetime import date

import pytest

from directory.services.verification.roster.dates import parse_roster_date
from directory.services.verification.roster.mapping import check_mapping, guess_mapping
from directory.services.verification.roster.names import name_tokens, names_match, normalise_credential
from directory.services.verification.roster.reading import RosterError, read_roster

HEADER = "Full name,Certificate number,Provider,Completion date,Valid until"


def test_utf8_bom_is_removed_and_reported():
    roster = read_roster(codecs.BOM_UTF8 + f"{HEADER}\nJane Smith,DN-1,Myopain,2024-03-01,2026-03-01\n".encode())
    assert roster.encoding == "utf-8-sig"
    assert roster.headers == ["Full name", "Certificate number", "Provider", "Completion date", "Valid until"]
    assert roster.rows == [["Jane Smith", "DN-1", "Myopain", "2024-03-01", "2026-03-01"]]
    assert roster.delimiter == "," and roster.warnings == ()


def test_plain_ascii_is_read_as_utf8():
    assert read_roster(b"Name,ID\nJane,1\n").encoding == "utf-8"


@pytest.mark.parametrize("delimiter", [";", "\t", "|", ","])
def test_delimiter_is_sniffed(delimiter):
    lines = (
        ["Name", "Credential ID", "Issued"],
        ["Jane Smith", "DN-1", "01.03.2024"],
        ["Bob Stone", "DN-2", "02.03.2024"],
    )
    data = "\r\n".join(delimiter.join(line) for line in lines).encode()
    roster = read_roster(data)
    assert roster.delimiter == delimiter
    assert roster.rows == [["Jane Smith", "DN-1", "01.03.2024"], ["Bob Stone", "DN-2", "02.03.2024"]]


def test_quoted_commas_stay_in_one_cell():
    roster = read_roster(b'Name,ID,Body\n"Smith, Jane",DN-1,"Myopain Seminars, LLC"\n"Stone, Bob", DN-2 ,EIM\n')
    assert roster.delimiter == ","
    assert roster.rows == [["Smith, Jane", "DN-1", "Myopain Seminars, LLC"], ["Stone, Bob", "DN-2", "EIM"]]


def test_semicolons_with_quoted_commas_in_names():
    roster = read_roster('Name;ID\n"Smith, Jane";DN-1\n"Muñoz, José";DN-2\nBob Stone;DN-3\n'.encode())
    assert roster.delimiter == ";"
    assert [row[0] for row in roster.rows] == ["Smith, Jane", "Muñoz, José", "Bob Stone"]


def test_extra_cells_are_kept_and_missing_cells_padded_with_warnings():
    data = b"Name,ID,Expiry\nJane,1,2026-01-01,note,more\nBob,2\nAnn,3,,\nEve,4,2026-01-01,x\nTom,5,2026-01-01,,\n"
    roster = read_roster(data)
    assert roster.rows == [
        ["Jane", "1", "2026-01-01", "note", "more"],
        ["Bob", "2", ""],
        ["Ann", "3", ""],
        ["Eve", "4", "2026-01-01", "x"],
        ["Tom", "5", "2026-01-01"],
    ]
    assert roster.warnings == (
        "2 rows have more cells than the header; the extra cells are ignored.",
        "1 row has fewer cells than the header; the missing cells are read as empty.",
    )


def test_whitespace_is_stripped_and_empty_rows_skipped_keeping_spreadsheet_row_numbers():
    data = b'  Name , ID \n\n  Jane Smith  ,  DN-1 \n,\n , \n"Bob\nStone",DN-2\nAnn,DN-3\n'
    roster = read_roster(data)
    assert roster.headers == ["Name", "ID"]
    assert [row[:2] for row in roster.rows] == [["Jane Smith", "DN-1"], ["Bob\nStone", "DN-2"], ["Ann", "DN-3"]]
    # Row 1 header, 2 blank, 3 Jane, 4 ",", 5 " , ", 6 Bob (two lines, one record), 7 Ann.
    assert roster.row_numbers == (3, 6, 7)


def test_unnamed_header_cells_get_a_column_label():
    roster = read_roster(b"Name,,ID\nJane,x,1\n")
    assert roster.headers == ["Name", "Column 2", "ID"]


def test_cp1252_is_the_fallback_encoding():
    data = "Name;ID\nJosé Muñoz;DN-1\nZoë Ærø;DN-2\n".encode("cp1252")
    assert data.count(b"\xe9") == 1  # really not UTF-8
    roster = read_roster(data)
    assert roster.encoding == "cp1252"
    assert roster.rows == [["José Muñoz", "DN-1"], ["Zoë Ærø", "DN-2"]]


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_a_bom(codec):
    text = "Name\tID\r\nJosé Muñoz\tDN-1\r\n"
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}.get(codec, b"")
    roster = read_roster(bom + text.encode(codec))
    assert roster.encoding == "utf-16"
    assert roster.delimiter == "\t"
    assert roster.rows == [["José Muñoz", "DN-1"]]


@pytest.mark.parametrize("data", [b"", b"   \r\n\n", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\n\n", b",,,\n;;\n"])
def test_empty_file_is_refused(data):
    with pytest.raises(RosterError, match=r"^The file is empty\.$"):
        read_roster(data)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "This looks like a PNG image, not a CSV file."),
        (b"%PDF-1.7\n%\xe2\xe3", "This looks like a PDF document, not a CSV file."),
        (b"PK\x03\x04\x14\x00\x06\x00", "This looks like a ZIP archive (an .xlsx workbook is one), not a CSV file."),
        (b"Name,ID\nJane\x00,1\n", "The file contains binary data (NUL bytes), not text."),
        (bytes(range(1, 32)) * 20, "The file contains binary data, not text."),
    ],
)
def test_binary_file_is_refused(data, message):
    with pytest.raises(RosterError) as error:
        read_roster(data)
    assert str(error.value).startswith(message)


def test_undecodable_bytes_are_refused():
    # 0x81 and 0x8d are undefined in Windows-1252 and invalid as UTF-8.
    with pytest.raises(RosterError, match="text encoding was not recognized"):
        read_roster(b"Name,ID\nJ\x81\x8dne,1\n")


def test_utf8_bom_with_invalid_utf8_is_refused():
    with pytest.raises(RosterError, match="UTF-8 byte-order mark but is not valid UTF-8"):
        read_roster(codecs.BOM_UTF8 + "Name,ID\nJosé,1\n".encode("cp1252"))


def test_file_over_20_mb_is_refused():
    line = b"Jane Smith,DN-0000001,Myopain,2024-03-01\n"
    data = b"Name,ID,Body,Issued\n" + line * (21 * 1024 * 1024 // len(line) + 1)
    with pytest.raises(RosterError, match=r"^The file is 21\.0 MB; the limit is 20 MB\.$"):
        read_roster(data)


def test_size_limit_can_be_lowered():
    with pytest.raises(RosterError, match=r"the limit is 0\.5 MB"):
        read_roster(b"Name,ID\n" + b"Jane,1\n" * 100_000, max_bytes=512 * 1024)


def test_single_column_is_refused():
    with pytest.raises(RosterError, match=r"^Only one column was found\."):
        read_roster(b"Name\nJane Smith\nBob Stone\n")


def test_first_row_that_is_data_is_refused():
    with pytest.raises(RosterError, match="The first row should name the columns") as error:
        read_roster(b"Jane Smith,DN-1,2024-03-01\nBob Stone,DN-2,2024-03-02\n")
    assert "'Jane Smith', 'DN-1', '2024-03-01'" in str(error.value)


def test_header_without_rows_is_refused():
    with pytest.raises(RosterError, match=r"^The file has a header row but no data rows\.$"):
        read_roster(b"Name,ID\n\n")


def test_more_than_100000_rows_is_refused():
    with pytest.raises(RosterError, match=r"^The roster has more than 100,000 rows"):
        read_roster(b"Name,ID\n" + b"J,1\n" * 100_001)


def test_exactly_100000_rows_is_accepted():
    assert len(read_roster(b"Name,ID\n" + b"J,1\n" * 100_000).rows) == 100_000


def test_unclosed_quote_is_reported_with_a_line():
    data = b'Name,ID\n"Jane,1\n' + b"x" * 200_000 + b"\n"
    with pytest.raises(RosterError, match=r"could not be read as CSV near line \d+"):
        read_roster(data)


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Full name", "name"),
        ("Name", "name"),
        ("Practitioner", "name"),
        ("LICENSEE", "name"),
        ("Therapist name", "name"),
        ("Name of certificate holder", "name"),
        ("Credential ID", "credential_id"),
        ("Certificate number", "credential_id"),
        ("Cert #", "credential_id"),
        ("Cert. No.", "credential_id"),
        ("credential_id", "credential_id"),
        ("credentialId", "credential_id"),
        ("Certificate Ref", "credential_id"),
        ("Issuer", "issuing_body"),
        ("Provider", "issuing_body"),
        ("Issued by", "issuing_body"),
        ("Training provider", "issuing_body"),
        ("Date obtained", "obtained_on"),
        ("Issued", "obtained_on"),
        ("Completion date", "obtained_on"),
        ("Date of completion", "obtained_on"),
        ("Issue Date", "obtained_on"),
        ("Expiry", "expires_on"),
        ("Expiration date", "expires_on"),
        ("Valid until", "expires_on"),
        ("EXPIRES ON", "expires_on"),
        ("Exp. date", "expires_on"),
        ("Certificate expiry", "expires_on"),
    ],
)
def test_header_spellings_are_guessed(header, field):
    mapping = guess_mapping(["Unrelated", header])
    assert mapping[field] == 1
    assert [f for f, column in mapping.items() if column is not None] == [field]


@pytest.mark.parametrize("header", ["First name", "Last name", "Email", "Course name", "Hours", "Licence number"])
def test_headers_that_fit_no_field_are_left_out(header):
    assert set(guess_mapping([header]).values()) == {None}


def test_a_whole_header_row_is_guessed_one_column_per_field():
    headers = ["#", "Licensee", "Email", "Cert #", "Issuer", "Issued", "Expiration Date", "Notes"]
    assert guess_mapping(headers) == {
        "name": 1,
        "credential_id": 3,
        "issuing_body": 4,
        "obtained_on": 5,
        "expires_on": 6,
    }


def test_exact_spelling_wins_over_a_loose_one():
    assert guess_mapping(["Certificate code number", "Certificate number"])["credential_id"] == 1


def test_check_mapping_accepts_a_valid_mapping():
    check_mapping({"name": 0, "credential_id": 1, "issuing_body": None}, ["Name", "ID"])


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ({"name": None, "credential_id": 1}, "Choose the column that holds the name."),
        ({"name": 0}, "Choose the column that holds the credential id."),
        (
            {"name": 0, "credential_id": 2},
            "The column chosen for the credential id (column 2) is not in the file, which has 2 columns.",
        ),
        (
            {"name": -1, "credential_id": 1},
            "The column chosen for the name (column -1) is not in the file, which has 2 columns.",
        ),
        (
            {"name": 0, "credential_id": 1, "expires_on": 0},
            "Column 'Name' is chosen for both the name and the expiry date.",
        ),
        ({"name": 0, "credential_id": 1, "email": None}, "Unknown roster field 'email'."),
    ],
)
def test_check_mapping_names_the_problem(mapping, message):
    with pytest.raises(RosterError) as error:
        check_mapping(mapping, ["Name", "ID"])
    assert str(error.value) == message


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-01", date(2024, 3, 1)),
        ("2024-03-01T00:00:00", date(2024, 3, 1)),
        ("2024-03-01 13:45:00", date(2024, 3, 1)),
        ("03/01/2024", date(2024, 3, 1)),
        ("3/1/2024", date(2024, 3, 1)),
        ("3/1/24", date(2024, 3, 1)),
        ("13/01/2024", date(2024, 1, 13)),
        ("12/01/2024", date(2024, 12, 1)),
        ("01.03.2024", date(2024, 3, 1)),
        ("1.3.2024", date(2024, 3, 1)),
        ("2024/03/01", date(2024, 3, 1)),
        ("1 March 2024", date(2024, 3, 1)),
        ("1 Mar 2024", date(2024, 3, 1)),
        ("Mar 1, 2024", date(2024, 3, 1)),
        ("March 1st, 2024", date(2024, 3, 1)),
        ("1-Mar-24", date(2024, 3, 1)),
        ("Friday 1st of March 2024", date(2024, 3, 1)),
        ("  29 Feb 2024 ", date(2024, 2, 29)),
    ],
)
def test_roster_dates_are_parsed(text, expected):
    assert parse_roster_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "soon",
        "2024-02-30",
        "31/31/2024",
        "13.13.2024",
        "29 Feb 2023",
        "March 2024",
        "1 Smarch 2024",
        "2024-03-01x",
        "45352",
    ],
)
def test_unreadable_dates_are_none(text):
    assert parse_roster_date(text) is None


@pytest.mark.parametrize(
    ("roster_name", "profile_name"),
    [
        ("Jane Smith", "jane smith"),
        ("Dr. José Muñoz", "Jose Munoz, DPT"),
        ("Smith, Jane", "Jane Smith"),
        ("Smith, Jane, PT", "Dr Jane Smith"),
        ("J. Smith", "Jane Smith"),
        ("Jane Q. Smith", "Jane Smith"),
        ("Ana García López", "Ana Garcia"),
        ("Smith Jane", "Jane Smith"),
        ("Mary-Jane O’Brien", "Mary Jane O'Brien"),
        ("Jane Smith, Ph.D.", "Jane Smith"),
    ],
)
def test_names_that_match_loosely(roster_name, profile_name):
    assert names_match(roster_name, profile_name)
    assert names_match(profile_name, roster_name)


@pytest.mark.parametrize(
    ("roster_name", "profile_name"),
    [
        ("Jane Doe", "John Smith"),
        ("Smith", "Jane Smith"),
        ("J. Smith", "Karen Smith"),
        ("Jane Smith", "Jane Smithers"),
        ("Dr.", "Dr."),
        ("", "Jane Smith"),
        ("Ana García", "Ana Lopez"),
    ],
)
def test_names_that_do_not_match(roster_name, profile_name):
    assert not names_match(roster_name, profile_name)


def test_name_tokens_fold_accents_titles_and_order():
    assert name_tokens("Muñoz, Dr. José") == ("jose", "munoz")


def test_credential_ids_are_compared_without_spaces_dashes_or_case():
    assert normalise_credential("  dn-12 34\u2013a ") == "DN1234A"
    assert normalise_credential(None) == ""
