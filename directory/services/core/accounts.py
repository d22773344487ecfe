"""Accounts: sign-up, email confirmation, passwords, deletion."""

import secrets
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, url_for
from flask_babel import force_locale
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from directory.extensions import db
from directory.i18n import DEFAULT_LANGUAGE, absolute_url
from directory.models import Role, StoredFile, User, utcnow
from directory.services.core import audit
from directory.services.core.mail import send_mail
from directory.services.core.passwords import check_password
from directory.services.core.text import N_, gettext

CONFIRM_SALT = "email-confirm"
RESET_SALT = "password-reset"


class AccountError(ValueError):
    """An account action cannot be done; the message is for the user."""


class InvalidToken(AccountError):
    """A link from an email is forged, expired or already used."""


@dataclass(frozen=True)
class Credentials:
    email: str
    password: str


def normalise_email(email: str) -> str:
    """The canonical, lower-cased form of an address; raises AccountError when it is not one."""
    try:
        result = validate_email(email.strip(), check_deliverability=False)
    except EmailNotValidError as error:
        raise AccountError(str(error)) from None
    return result.normalized.lower()


def find_user_by_email(email: str) -> User | None:
    """The user with this address, if any (compares normalised forms)."""
    try:
        email = normalise_email(email)
    except AccountError:
        return None
    return db.session.scalar(select(User).where(func.lower(User.email) == email))


def hash_password(password: str) -> str:
    """A salted hash of a password."""
    return generate_password_hash(password)


def register(
    email: str, password: str, role: str, name: str | None = None, language: str = DEFAULT_LANGUAGE
) -> User | None:
    """Create a patient or therapist account and mail the confirmation link; returns the new user.

    `language` is the one they signed up in: their later notices and mail are written in it.

    When the address already has an account, nothing is created: its owner gets a mail saying someone
    tried to sign up, and None is returned, so the caller answers alike and never says the address exists.
    Raises AccountError when the address is invalid, WeakPassword for a weak password.
    """
    if role not in (Role.PATIENT, Role.THERAPIST):
        raise AccountError("Choose whether you are a patient or a therapist.")
    email = normalise_email(email)
    check_password(password, current_app.config["PASSWORD_MIN_LENGTH"], email)
    # Hashed before the look-up, so that a taken address costs the same one hash as a new one.
    password_hash = hash_password(password)
    existing = find_user_by_email(email)
    if existing is not None:
        _send_signup_attempt(existing)
        db.session.commit()
        return None
    user = User(
        email=email, password_hash=password_hash, role=role, name=(name or "").strip() or None, language=language
    )
    db.session.add(user)
    try:
        db.session.flush()
    except IntegrityError:
        # The same address signed up a moment ago, in another request.
        db.session.rollback()
        existing = find_user_by_email(email)
        if existing is not None:
            _send_signup_attempt(existing)
            db.session.commit()
        return None
    _send_confirmation(user)
    db.session.commit()
    return user


def create_admin(email: str, password: str) -> User:
    """Create a confirmed admin account (raises AccountError or WeakPassword)."""
    email = normalise_email(email)
    check_password(password, current_app.config["PASSWORD_MIN_LENGTH"], email)
    if find_user_by_email(email):
        raise AccountError(f"An account with the address {email} already exists.")
    user = User(email=email, password_hash=hash_password(password), role=Role.ADMIN, email_confirmed_at=utcnow())
    db.session.add(user)
    db.session.flush()
    audit.record(None, "admin.created", "user", user.id, email=email)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials belong to, or None; costs one password hash either way."""
    user = find_user_by_email(email)
    if user is None:
        _spend_one_hash(password)
        return None
    return user if check_password_hash(user.password_hash, password) else None


_decoy_hash: str | None = None


def _spend_one_hash(password: str) -> None:
    """Do the work of one password check, so that timing does not reveal which addresses have accounts."""
    global _decoy_hash
    if _decoy_hash is None:
        # Making the decoy is itself the one hash of this call; later calls check against it.
        _decoy_hash = generate_password_hash(secrets.token_urlsafe(16))
    else:
        check_password_hash(_decoy_hash, password)


def _t(text: str, **values: object) -> str:
    """Mail in the language of the page it was asked from (the /es/ sign-up mails in Spanish)."""
    return str(gettext(text, **values))


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def _send_confirmation(user: User) -> None:
    token = _serializer(CONFIRM_SALT).dumps({"id": user.id, "email": user.email})
    link = url_for("auth.confirm_email", token=token, _external=True)
    send_mail(
        user.email,
        _t("Confirm your email address"),
        _t(
            "Welcome to %(site)s.\n\nConfirm your email address by opening this link:\n%(link)s\n\n"
            "If you did not sign up, ignore this mail.",
            site=current_app.config["SITE_NAME"],
            link=link,
        ),
    )


def _send_signup_attempt(user: User) -> None:
    # In the language of the account's owner, who reads it, whatever the page the attempt came from.
    with force_locale(user.language):
        send_mail(
            user.email,
            _t("Someone tried to sign up with your address"),
            _t(
                "Someone, perhaps you, tried to create an account at %(site)s with this address. It already has an "
                "account, so nothing was created or changed.\n\nLog in here:\n%(login)s\n\nForgot your password? "
                "Choose a new one here:\n%(forgot)s\n\nIf it was not you, ignore this mail; your account stays as it is.",
                site=current_app.config["SITE_NAME"],
                login=absolute_url("auth.login"),
                forgot=absolute_url("auth.forgot_password"),
            ),
        )


def resend_confirmation(user: User) -> None:
    """Mail a new confirmation link."""
    _send_confirmation(user)
    db.session.commit()


def confirm_email(token: str) -> User:
    """Mark the address in the token as confirmed; raises InvalidToken."""
    try:
        data = _serializer(CONFIRM_SALT).loads(token, max_age=current_app.config["EMAIL_CONFIRM_MAX_AGE"])
    except SignatureExpired:
        raise InvalidToken(N_("This confirmation link has expired. Log in to get a new one.")) from None
    except BadSignature:
        raise InvalidToken(N_("This confirmation link is not valid.")) from None
    user = db.session.get(User, data.get("id"))
    if user is None or user.email != data.get("email"):
        raise InvalidToken(N_("This confirmation link is not valid."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.commit()
    return user


def request_password_reset(email: str) -> None:
    """Mail a single-use reset link if the address has an account; says nothing either way."""
    user = find_user_by_email(email)
    if user is None or not user.active:
        return
    # The session version in the token makes it single-use: a reset bumps it.
    token = _serializer(RESET_SALT).dumps({"id": user.id, "v": user.session_version})
    link = url_for("auth.reset_password", token=token, _external=True)
    minutes = current_app.config["PASSWORD_RESET_MAX_AGE"] // 60
    send_mail(
        user.email,
        _t("Reset your password"),
        _t(
            "Someone asked to reset the password of your account.\n\nChoose a new password here (the link works once, "
            "for %(minutes)s minutes):\n%(link)s\n\nIf it was not you, ignore this mail; your password stays as it is.",
            minutes=minutes,
            link=link,
        ),
    )
    db.session.commit()


def user_for_reset_token(token: str) -> User:
    """The user a reset link belongs to; raises InvalidToken when expired, used or forged."""
    try:
        data = _serializer(RESET_SALT).loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except SignatureExpired:
        raise InvalidToken(N_("This reset link has expired. Ask for a new one.")) from None
    except BadSignature:
        raise InvalidToken(N_("This reset link is not valid. Ask for a new one.")) from None
    user = db.session.get(User, data.get("id"))
    if user is None or not user.active or user.session_version != data.get("v"):
        raise InvalidToken(N_("This reset link has already been used. Ask for a new one."))
    return user


def reset_password(token: str, password: str) -> User:
    """Set a new password from a reset link (raises InvalidToken or WeakPassword)."""
    user = user_for_reset_token(token)
    _set_password(user, password)
    # Following the link proves the address works.
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.commit()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a password after checking the current one (raises AccountError or WeakPassword)."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("Your current password is not right.")
    _set_password(user, new)
    db.session.commit()


def end_sessions(user: User) -> None:
    """End every session of this user: their session and remember cookies name the old version."""
    user.session_version += 1
    db.session.commit()


def _set_password(user: User, password: str) -> None:
    check_password(password, current_app.config["PASSWORD_MIN_LENGTH"], user.email)
    user.password_hash = hash_password(password)
    user.session_version += 1


def personal_data(user: User) -> dict[str, Any]:
    """Everything personal the account holds that is not public, for the user to download (the headache diary included)."""
    from directory.services.diary.personal_data import diary_data

    return {
        "account": {
            "email": user.email,
            "name": user.name,
            "role": user.role,
            "created_at": user.created_at.isoformat(),
            "email_confirmed_at": user.email_confirmed_at.isoformat() if user.email_confirmed_at else None,
        },
        "headache_diary": diary_data(user.id) if user.role == Role.PATIENT else None,
    }


def delete_account(user: User, password: str) -> None:
    """Delete a patient's or therapist's account and everything personal in it (raises AccountError)."""
    if user.role == Role.ADMIN:
        raise AccountError("Admin accounts are removed by another admin.")
    if not check_password_hash(user.password_hash, password):
        raise AccountError("Your password is not right.")
    # The headache diary (entries, sessions, shares, reminder) goes with the user row: ON DELETE CASCADE.
    # Photos and evidence outlive their rows' foreign keys (SET NULL): remove them with the account.
    files = []
    if user.profile is not None:
        files = [user.profile.photo_id] + [certification.evidence_id for certification in user.profile.certifications]
    db.session.delete(user)
    db.session.flush()
    db.session.execute(delete(StoredFile).where(StoredFile.id.in_([file_id for file_id in files if file_id])))
    db.session.commit()
