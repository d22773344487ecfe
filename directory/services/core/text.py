"""Text normalisation shared by search and the gazetteer."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_PUNCTUATION = re.compile(r"[^\w\s-]")


def fold(text: str) -> str:
    """Lower-case, accents removed, full-width forms narrowed and spaces collapsed: 'Zürich ' -> 'zurich'."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _PUNCTUATION.sub(" ", stripped.casefold().replace("'", ""))
    return _SPACES.sub(" ", stripped.replace("-", " ")).strip()


def slugify(text: str) -> str:
    """A URL-safe slug from a name."""
    return fold(text).replace(" ", "-")[:120] or "practitioner"


def escape_like(text: str) -> str:
    """Text for use inside a LIKE pattern with escape character backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
