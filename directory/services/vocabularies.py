"""Keep the vocabulary tables in step with directory.vocabulary."""
from sqlalchemy import select

from directory import vocabulary
from directory.extensions import db
from directory.models import AccessibilityFeature, ConsultationMode, HeadacheType, Language


def sync_vocabularies() -> None:
    """Insert or rename vocabulary rows so the tables hold exactly what the code knows."""
    tables = (
        (HeadacheType, vocabulary.HEADACHE_TYPES, True),
        (ConsultationMode, vocabulary.CONSULTATION_MODES, True),
        (AccessibilityFeature, vocabulary.ACCESSIBILITY_FEATURES, True),
        (Language, vocabulary.LANGUAGES, False),
    )
    for model, entries, ordered in tables:
        existing = {row.code: row for row in db.session.scalars(select(model))}
        for position, (code, name) in enumerate(entries):
            row = existing.get(code) or model(code=code)
            row.name = name
            if ordered:
                row.position = position
            db.session.add(row)
    db.session.commit()
