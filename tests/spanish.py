"""Checks that a page is in Spanish: no sentence of the catalog's English left in what a reader sees.

Shared by the Spanish tests of each area (tests/integration/test_spanish*.py).
"""

import html
import re
from pathlib import Path

from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parent.parent / "directory" / "translations"
PO = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "es" / "LC_MESSAGES" / "messages.mo"
POT = TRANSLATIONS / "messages.pot"


def catalog():
    with PO.open("rb") as file:
        return read_po(file, locale="es")


def english_phrases() -> list[str]:
    """Every catalog msgid of four words or more, as plain text: placeholders and markup taken out."""
    phrases = []
    for message in catalog():
        if not message.id:
            continue
        for msgid in message.id if isinstance(message.id, tuple) else (message.id,):
            # The fixed text between placeholders and tags: each piece must not show on a Spanish page.
            for piece in re.split(r"%\(\w+\)[sd]|<[^>]+>", msgid):
                text = " ".join(html.unescape(piece).split()).strip(" .,:;()")
                if len(text.split()) >= 4:
                    phrases.append(text)
    return phrases


def page_text(response) -> str:
    """The words a reader sees, and the attributes read aloud or shown (alt, aria-label, placeholder, title)."""
    page = response.get_data(as_text=True)
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    attributes = " ".join(re.findall(r'(?:alt|aria-label|placeholder|title)="([^"]*)"', page))
    text = re.sub(r"<[^>]+>", " ", page) + " " + attributes
    return " ".join(html.unescape(text).split())


def assert_spanish(response, status: int = 200):
    assert response.status_code == status, response.status_code
    page = response.get_data(as_text=True)
    assert '<html lang="es">' in page
    text = page_text(response)
    left = sorted({phrase for phrase in english_phrases() if phrase in text})
    assert not left, left
