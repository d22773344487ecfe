"""Comparing a roster row with a certification: people's names, credential ids and certifying bodies."""

from directory.services.core.text import fold
from directory.vocabulary import CERTIFYING_BODIES

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


BODY_CODES = frozenset(_BODY_NAMES)


def body_matches(roster_text: str, code: str, other_name: str | None) -> bool:
    """Whether the roster's issuing-body cell names the certification's body ('Myopain Seminars LLC' names myopain)."""
    if code == "other":
        if not other_name:
            return True  # nothing to compare against
        names = frozenset({fold(other_name)})
    else:
        names = _BODY_NAMES.get(code, frozenset())
    text = fold(roster_text)
    return any(text == name or text.startswith(name + " ") for name in names)
