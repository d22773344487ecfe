"""Accounts: patients, therapists and admins."""

from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Optional

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from directory.extensions import Model
from directory.models.types import UTCDateTime, utcnow

if TYPE_CHECKING:
    from directory.models.practitioner import TherapistProfile


class Role(StrEnum):
    PATIENT = "patient"
    THERAPIST = "therapist"
    ADMIN = "admin"


class User(UserMixin, Model):
    __table_args__ = (
        CheckConstraint("role IN ('patient', 'therapist', 'admin')", name="role"),
        CheckConstraint("language IN ('en', 'es')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20), default=Role.PATIENT)
    name: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(default=True)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Bumped when the password changes, so that every other session and reset link dies.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The language of the notices and mail sent to them later (directory.i18n.LANGUAGES): the page's
    # language at sign-up, then the language switcher's last choice while signed in.
    language: Mapped[str] = mapped_column(String(2), default="en", server_default="en")

    profile: Mapped[Optional["TherapistProfile"]] = relationship(back_populates="user", cascade="all, delete-orphan")
    notices: Mapped[list["Notice"]] = relationship(back_populates="user", cascade="all, delete-orphan")

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def is_therapist(self) -> bool:
        return self.role == Role.THERAPIST

    @property
    def is_patient(self) -> bool:
        return self.role == Role.PATIENT

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class Notice(Model):
    """A message shown in the app; every mail a user gets about their account activity is also one."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    message: Mapped[str] = mapped_column(Text)
    link: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="notices")


class OutboxMessage(Model):
    """A mail kept in the database by the outbox backend, readable by admins."""

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
