"""Keep the vocabulary tables in step with directory.vocabulary."""

from collections.abc import Iterable
from typing import TypeVar

from sqlalchemy import select

from directory import vocabulary
from directory.extensions import db
from directory.models import AccessibilityFeature, ConsultationMode, HeadacheType, Language

VocabularyRow = TypeVar("VocabularyRow", HeadacheType, ConsultationMode, AccessibilityFeature, Language)


def sync_vocabularies() -> None:
    """Insert or rename vocabulary rows so the tables hold exactly what the code knows."""
    for position, headache_type in enumerate(_synced_rows(HeadacheType, vocabulary.HEADACHE_TYPES)):
        headache_type.position = position
    for position, mode in enumerate(_synced_rows(ConsultationMode, vocabulary.CONSULTATION_MODES)):
        mode.position = position
    for position, feature in enumerate(_synced_rows(AccessibilityFeature, vocabulary.ACCESSIBILITY_FEATURES)):
        feature.position = position
    _synced_rows(Language, vocabulary.LANGUAGES)
    db.session.commit()


def _synced_rows(model: type[VocabularyRow], entries: Iterable[tuple[str, str]]) -> list[VocabularyRow]:
    """The model's row for each (code, name) entry, in order: found or added, with the entry's name."""
    existing = {row.code: row for row in db.session.scalars(select(model))}
    rows = []
    for code, name in entries:
        row = existing.get(code) or model(code=code)
        row.name = name
        db.session.add(row)
        rows.append(row)
    return rows
