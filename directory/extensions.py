"""Flask extensions, created unbound and initialised in create_app."""

from typing import TYPE_CHECKING

from flask import Flask, Request, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)

if TYPE_CHECKING:
    # mypy cannot take the attribute db.Model as a base class (python/mypy#8603); Flask-SQLAlchemy
    # builds it at run time from Base's body, so Base is what the type checker is shown.
    Model = Base
else:
    Model = db.Model


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions, with the signing serializer made once per set of keys.

    Flask builds a new serializer (and key list) for every request, even one that sends no cookie:
    a tenth of a small page's time. A request without the cookie gets an empty session at once.
    """

    def __init__(self) -> None:
        self._serializers: dict[tuple, URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()))
        if keys not in self._serializers:
            self._serializers = {keys: super().get_signing_serializer(app)}
        return self._serializers[keys]

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if app.secret_key and not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        return super().open_session(app, request)


class Logins(LoginManager):
    """Flask-Login, without hashing the visitor's address and browser when the session is empty.

    Flask-Login skips its session protection for an empty session (nobody is logged in) but makes
    the identifier first, on every request.
    """

    def _session_protection_failed(self) -> bool:
        return bool(session) and super()._session_protection_failed()


migrate = Migrate()
login_manager = Logins()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()
