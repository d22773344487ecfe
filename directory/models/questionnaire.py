"""Questionnaire answers, kept only under a token that expires unless the patient saves them."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from directory.extensions import Model
from directory.models.types import UTCDateTime, utcnow


class QuestionnaireResponse(Model):
    """One patient's answers and the assessment made from them."""

    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    assessment: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # None once saved to an account: kept until the patient deletes it.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
