"""Questionnaire answers kept on the server under an unguessable token, until they expire or are deleted.

Answers are health data: they are stored only here, validated against the shared answer schema
(``directory.services.questionnaire.answers``) on every save, never logged, and deleted after
``QUESTIONNAIRE_TTL_DAYS`` unless a patient saves them to their account. The token is the only
key: whoever holds it (the patient's session) may read the answers, except saved ones, which
only their owner may read.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import CursorResult, delete, select

from directory.extensions import db
from directory.models import QuestionnaireResponse, Role, User, utcnow
from directory.services.questionnaire import clinical
from directory.services.questionnaire.answers import AnswerError, answers_to_dict, parse_answers

TOKEN_BYTES = 32  # secrets.token_urlsafe(32): 43 characters, 256 bits
# The session key holding this visitor's token: the questionnaire, logging out and consultations read it.
TOKEN_KEY = "questionnaire_token"


class NotAllowed(PermissionError):
    """Only patients may save questionnaire answers to their account."""


def new_token() -> str:
    """A fresh unguessable token for one set of answers."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def find_response(token: str | None, user_id: int | None = None) -> QuestionnaireResponse | None:
    """The unexpired answers under this token; saved answers only for their owner (user_id)."""
    if not token or not isinstance(token, str) or len(token) > 64:
        return None
    response = db.session.scalar(select(QuestionnaireResponse).where(QuestionnaireResponse.token == token))
    if response is None:
        return None
    if response.user_id is not None:
        return response if response.user_id == user_id else None
    if response.expires_at is None or response.expires_at <= utcnow():
        return None
    return response


@dataclass(frozen=True)
class AssessedAnswers:
    """Answers checked against the shared schema (as the plain dict clinical reads) and their assessment."""

    answers: dict[str, Any]
    assessment: clinical.Assessment


def assess(answers: dict[str, Any]) -> AssessedAnswers:
    """Validate the answers against the shared schema, then assess them; raises AnswerError."""
    checked = answers_to_dict(parse_answers(answers))
    return AssessedAnswers(checked, clinical.assess(checked))


def record_answers(response: QuestionnaireResponse | None, answers: dict[str, Any]) -> QuestionnaireResponse:
    """Store the answers (a new record under a new token when response is None) with their assessment.

    Raises AnswerError when the answers do not fit the schema; nothing is stored then.
    """
    assessment = assess(answers).assessment
    if response is None:
        ttl = timedelta(days=current_app.config["QUESTIONNAIRE_TTL_DAYS"])
        response = QuestionnaireResponse(token=new_token(), expires_at=utcnow() + ttl)
        db.session.add(response)
    # A new dict, so that the JSON column sees the change.
    response.answers = dict(answers)
    response.assessment = clinical.to_api_dict(assessment)
    db.session.commit()
    return response


def save_to_account(response: QuestionnaireResponse, user: User) -> QuestionnaireResponse:
    """Keep the answers for this patient until they delete them; replaces answers saved before.

    Raises NotAllowed for therapists and admins.
    """
    if user.role != Role.PATIENT:
        raise NotAllowed("Only patients can save questionnaire answers.")
    db.session.execute(
        delete(QuestionnaireResponse).where(
            QuestionnaireResponse.user_id == user.id, QuestionnaireResponse.id != response.id
        )
    )
    response.user_id = user.id
    response.expires_at = None
    db.session.commit()
    return response


def saved_response(user_id: int) -> QuestionnaireResponse | None:
    """The answers a patient saved to their account, if any."""
    return db.session.scalars(
        select(QuestionnaireResponse)
        .where(QuestionnaireResponse.user_id == user_id)
        .order_by(QuestionnaireResponse.created_at.desc(), QuestionnaireResponse.id.desc())
        .limit(1)
    ).first()


def delete_response(response: QuestionnaireResponse) -> None:
    """Delete these answers at once."""
    db.session.delete(response)
    db.session.commit()


def discard_unsaved(token: str | None) -> None:
    """Delete the answers under this token unless a patient saved them to their account."""
    if not token or not isinstance(token, str):
        return
    db.session.execute(
        delete(QuestionnaireResponse).where(
            QuestionnaireResponse.token == token, QuestionnaireResponse.user_id.is_(None)
        )
    )
    db.session.commit()


def purge_expired(now: datetime | None = None, limit: int | None = None) -> int:
    """Delete unsaved responses past their expiry, the oldest first and at most limit of them; returns how many."""
    expired = select(QuestionnaireResponse.id).where(
        QuestionnaireResponse.user_id.is_(None),
        QuestionnaireResponse.expires_at <= (now or utcnow()),
    )
    if limit is not None:
        expired = expired.order_by(QuestionnaireResponse.expires_at).limit(limit)
    result = db.session.execute(delete(QuestionnaireResponse).where(QuestionnaireResponse.id.in_(expired)))
    # Session.execute is typed as returning a Result, as a session cannot promise a cursor for
    # every statement; a plain DELETE's result is a CursorResult, which holds the row count.
    if not isinstance(result, CursorResult):
        raise TypeError(f"a DELETE returned {type(result).__name__}, not a CursorResult")
    db.session.commit()
    return result.rowcount


__all__ = [
    "AnswerError",
    "AssessedAnswers",
    "NotAllowed",
    "assess",
    "delete_response",
    "discard_unsaved",
    "find_response",
    "new_token",
    "purge_expired",
    "record_answers",
    "save_to_account",
    "saved_response",
]
