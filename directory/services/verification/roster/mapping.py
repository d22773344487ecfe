"""Which roster column holds which field: guessed from the headers, checked when the admin chooses."""

import re
from collections.abc import Mapping, Sequence

from directory.services.core.text import N_, fold, gettext, ngettext
from directory.services.verification.roster.reading import RosterError

FIELDS = ("name", "credential_id", "issuing_body", "obtained_on", "expires_on")


REQUIRED_FIELDS = ("name", "credential_id")


# Each field named inside a sentence ("Choose the column that holds the credential id."), translated where it is
# shown (field_label); FIELD_TITLES name it on its own, as the mapping form's labels do.
FIELD_LABELS = {
    "name": N_("name"),
    "credential_id": N_("credential id"),
    "issuing_body": N_("issuing body"),
    "obtained_on": N_("date obtained"),
    "expires_on": N_("expiry date"),
}
FIELD_TITLES = {
    "name": N_("Name"),
    "credential_id": N_("Credential id"),
    "issuing_body": N_("Issuing body"),
    "obtained_on": N_("Date obtained"),
    "expires_on": N_("Expiry date"),
}


def field_label(field: str) -> str:
    """A field's name inside a sentence, in the page's language."""
    return str(gettext(FIELD_LABELS[field]))


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
        raise RosterError(gettext("Choose the column that holds the %(field)s.", field=field_label(field)))
    return column


def check_mapping(mapping: Mapping[str, int | None], headers: Sequence[str]) -> None:
    """Raise RosterError naming a missing required field, an unknown field, a column out of range or one used twice."""
    unknown = sorted(set(mapping) - set(FIELDS))
    if unknown:
        raise RosterError(gettext("Unknown roster field '%(field)s'.", field=unknown[0]))
    for field in REQUIRED_FIELDS:
        required_column(mapping, field)
    used: dict[int, str] = {}
    for field in FIELDS:
        position = mapping.get(field)
        if position is None:
            continue
        if isinstance(position, bool) or not isinstance(position, int) or not 0 <= position < len(headers):
            raise RosterError(
                ngettext(
                    "The column chosen for the %(field)s (column %(position)s) is not in the file, "
                    "which has %(num)d column.",
                    "The column chosen for the %(field)s (column %(position)s) is not in the file, "
                    "which has %(num)d columns.",
                    len(headers),
                    field=field_label(field),
                    position=position,
                )
            )
        if position in used:
            raise RosterError(
                gettext(
                    "Column '%(column)s' is chosen for both the %(first)s and the %(second)s.",
                    column=headers[position],
                    first=field_label(used[position]),
                    second=field_label(field),
                )
            )
        used[position] = field
