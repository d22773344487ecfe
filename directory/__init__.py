"""The dry-needling directory: create_app builds the Flask application."""

import logging
import time
from datetime import date
from urllib.parse import urlsplit

from flask import Flask, abort, render_template, request
from flask_babel import lazy_gettext
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import BASE_DIR, Config, ProductionConfig, config_from_env
from directory.extensions import SessionCookies, babel, csrf, db, limiter, login_manager, migrate
from directory.forms import contains_nul
from directory.http_caching import register_http_caching
from directory.i18n import page_locale, register_languages
from directory.json_input import nesting_exceeds
from directory.services.core.text import gettext
from directory.transactions import end_request_transaction
from directory.urls import register_url_helpers


class DatabaseIdConverter(IntegerConverter):
    """<int:...> in every route: only numbers a database id can be (PostgreSQL's integer).

    A larger number matches no route, so it is a 404 like any unknown id, not a database error.
    """

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", 2**31 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(config_class: type[Config] | None = None) -> Flask:
    """Build the application for the given config class (from FLASK_CONFIG when none is given)."""
    config_class = config_class or config_from_env()
    if issubclass(config_class, ProductionConfig):
        config_class.check()
    app = Flask(
        __name__,
        template_folder=str(BASE_DIR / "templates"),
        instance_path=str(BASE_DIR / "instance"),
    )
    app.config.from_object(config_class)
    app.url_map.converters["int"] = DatabaseIdConverter
    register_languages(app)
    register_proxy_fix(app)
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_input_guard(app)
    register_security_headers(app)
    register_private_pages(app)
    register_housekeeping(app)
    register_http_caching(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_proxy_fix(app: Flask) -> None:
    """Take the client's address and scheme from the configured number of reverse proxies, and no more."""
    # Each trusted proxy appends one X-Forwarded-For entry; anything left of those came from the
    # client and is ignored. With no proxy configured the headers are not read at all, so a client
    # cannot choose the address its rate limits count against.
    proxies = app.config["PROXY_COUNT"]
    if proxies:
        # Flask documents this wrapping of wsgi_app, but its typing declares it a method.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]


def register_extensions(app: Flask) -> None:
    app.session_interface = SessionCookies()
    db.init_app(app)

    # Registered after Flask-SQLAlchemy's own teardown, so it runs first (teardowns run in reverse).
    @app.teardown_appcontext
    def close_session_quietly(error: BaseException | None) -> None:
        # The response is already made when the session closes: a connection the database dropped
        # meanwhile (a restart, an outage) must not turn it into a 500. The pool discards that connection.
        # A transaction that only read is committed first, which keeps psycopg's prepared statements.
        try:
            end_request_transaction(db.session(), error)
            db.session.remove()
        except SQLAlchemyError as close_error:
            # Invalidating closes the connection without the rollback that just failed.
            db.session.registry().invalidate()
            db.session.registry.clear()
            app.logger.warning("Closing the database session failed (%s).", type(close_error).__name__)

    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=page_locale)

    from directory.models import User
    from directory.services.search import listing  # noqa: F401  (registers the flush hook that keeps search in step)

    login_manager.login_view = "auth.login"
    login_manager.login_message = lazy_gettext("Please log in to continue.")
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        user_pk, _, version = user_id.partition(".")
        if not user_pk.isdigit() or not version.isdigit():
            return None
        user = db.session.get(User, int(user_pk))
        # A changed password or a suspension ends every open session.
        if user is None or not user.active or user.session_version != int(version):
            return None
        return user


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    # SQLite enforces foreign keys (and so ON DELETE) only when asked, per connection.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from directory.account import bp as account_bp
    from directory.admin import bp as admin_bp
    from directory.api import bp as api_bp
    from directory.auth import bp as auth_bp
    from directory.consultations import bp as consultations_bp
    from directory.diary import bp as diary_bp
    from directory.fhir import bp as fhir_bp
    from directory.main import bp as main_bp
    from directory.practitioners import bp as practitioners_bp
    from directory.questionnaire import bp as questionnaire_bp
    from directory.reviews import bp as reviews_bp
    from directory.therapist import bp as therapist_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(practitioners_bp)
    app.register_blueprint(auth_bp, url_prefix="/auth")
    app.register_blueprint(account_bp, url_prefix="/account")
    app.register_blueprint(therapist_bp, url_prefix="/therapist")
    app.register_blueprint(admin_bp, url_prefix="/admin")
    app.register_blueprint(consultations_bp, url_prefix="/consultations")
    app.register_blueprint(reviews_bp, url_prefix="/reviews")
    app.register_blueprint(questionnaire_bp, url_prefix="/questionnaire")
    app.register_blueprint(diary_bp, url_prefix="/diary")
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # no cookies are involved: the API is public and stateless
    app.register_blueprint(fhir_bp, url_prefix="/fhir")
    csrf.exempt(fhir_bp)  # read-only (GET) and stateless, as the JSON API


def render_error(status: int, message: str | None = None, **context):
    """The one error page for every status, as HTML, or JSON for API clients (an OperationOutcome under /fhir)."""
    from directory.fhir.responses import is_fhir_request, outcome_response

    if is_fhir_request():
        return outcome_response(status, message)
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        from directory.api.problems import problem

        return problem(status, detail=message)
    return render_template(f"errors/{status}.html", message=message, **context), status


def register_errorhandlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    for status in (400, 403, 404, 405, 413, 429):

        def handler(error, status=status):
            return render_error(status, getattr(error, "description", None) if status in (400, 413) else None)

        app.register_error_handler(status, handler)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, gettext("The form had expired. Please go back, reload the page and send it again."))

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        db.session.rollback()
        app.logger.error("Database unavailable: %s", error.orig)
        # Who is logged in cannot be known without the database: every template would ask it again
        # (Flask-Login's context processor loads the user), so the page is rendered as for a visitor
        # and shows no account links, which would be wrong for either.
        login_manager._update_request_context_with_user()
        return render_error(503, hide_account_links=True)

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return render_error(500)


NUL_MESSAGE = "The request contains a NUL character, which no field accepts."


def register_input_guard(app: Flask) -> None:
    """Refuse JSON nested too deeply, and NUL characters in a URL's path and in API requests, before any view sees them.

    Parsing JSON, and walking it for NUL characters, recurses once per level: a small body nested
    thousands deep would exhaust Python's stack. PostgreSQL can neither store nor compare a NUL, so
    one would otherwise reach the database as an error. Forms refuse NULs field by field instead
    (directory.forms.Form), keeping what was typed.
    """

    @app.before_request
    def refuse_deep_json():
        # Every request.get_json needs a JSON content type, so this covers every JSON body the app parses.
        limit = app.config["JSON_MAX_DEPTH"]
        if request.is_json and nesting_exceeds(request.get_data(cache=True), limit):
            abort(400, f"The JSON body is nested more than {limit} levels deep; no request needs that many.")

    @app.before_request
    def refuse_nul_characters():
        texts: list[object] = [request.path]
        if request.path.startswith("/api/"):
            texts += [list(request.args.items(multi=True)), request.get_json(silent=True) if request.is_json else None]
        if contains_nul(texts):
            abort(400, NUL_MESSAGE)


def register_security_headers(app: Flask) -> None:
    # Map tiles are the only thing the browser loads from elsewhere.
    tiles = urlsplit(app.config["MAP_TILE_URL"])
    tile_origin = f"{tiles.scheme}://{tiles.netloc}".replace("{s}", "*") if tiles.netloc else ""
    csp = (
        "default-src 'self'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: {tile_origin}; connect-src 'self'; font-src 'self'; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
    )

    headers = [
        ("Content-Security-Policy", csp),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "geolocation=(self), camera=(), microphone=()"),
    ]
    hsts = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")

    @app.after_request
    def set_headers(response):
        # A view may have set its own; one pass over the answer's headers rather than a search per header.
        # Werkzeug's Headers iterate as (name, value) pairs: .keys() gives the names.
        present = {name.lower() for name in response.headers.keys()}  # noqa: SIM118
        for name, value in [*headers, hsts] if app.config.get("SESSION_COOKIE_SECURE") else headers:
            if name.lower() not in present:
                response.headers.add(name, value)
        return response


# Pages that show health data (answers, shared summaries) or secrets (mailed links, personal records):
# the one list of what no browser or proxy may keep a copy of, and the back button must fetch again.
NO_STORE_BLUEPRINTS = frozenset({"account", "consultations", "questionnaire", "admin", "diary"})
NO_STORE_ENDPOINTS = frozenset({"auth.reset_password"})


def register_private_pages(app: Flask) -> None:
    """Send Cache-Control: no-store with every page of NO_STORE_BLUEPRINTS and NO_STORE_ENDPOINTS."""

    @app.after_request
    def do_not_store(response):
        endpoint = request.endpoint or ""
        private = request.blueprint in NO_STORE_BLUEPRINTS or endpoint in NO_STORE_ENDPOINTS
        # A view may have said more (private, no-store); anything weaker gives way.
        if private and "no-store" not in (response.headers.get("Cache-Control") or ""):
            response.headers["Cache-Control"] = "no-store"
        return response


def register_housekeeping(app: Flask) -> None:
    """Delete expired questionnaire answers without anyone running a command: a bounded purge, now and then.

    At most once per QUESTIONNAIRE_PURGE_INTERVAL_SECONDS in each process, at the start of a request,
    and at most QUESTIONNAIRE_PURGE_BATCH rows; `flask questionnaire purge` still deletes them all at once.
    """
    from directory.services.questionnaire import responses

    last_run: list[float] = []

    @app.before_request
    def purge_expired_answers():
        now = time.monotonic()
        interval = app.config["QUESTIONNAIRE_PURGE_INTERVAL_SECONDS"]
        if request.endpoint == "static" or (last_run and now - last_run[-1] < interval):
            return
        # Marked before running, so that a failing database is not asked again on every request.
        last_run[:] = [now]
        try:
            responses.purge_expired(limit=app.config["QUESTIONNAIRE_PURGE_BATCH"])
        except SQLAlchemyError as error:
            db.session.rollback()
            app.logger.warning(
                "Purging expired questionnaire answers failed (%s); the next run tries again.", type(error).__name__
            )


def register_template_helpers(app: Flask) -> None:
    from directory import filters, fragments, vocabulary
    from directory.forms import option_markup
    from directory.services.core.text import (
        catalog_in_context,
        catalog_plural,
        catalog_plural_in_context,
        catalog_text,
        clock,
        day_label,
        month_label,
        signed_number_label,
        template_gettext,
        translated,
        upper_first,
    )

    app.jinja_env.add_extension("jinja2.ext.do")
    # _() and ngettext() in templates through the page's kept catalog, as in Python (Flask-Babel installed
    # its own, which look the catalog up afresh each time); Jinja formats and escapes the values itself.
    # install_gettext_callables is added by the jinja2.ext.i18n extension (Flask-Babel loads it). Its _()
    # calls gettext() which calls catalog_text, each through the template context; template_gettext is one call.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=catalog_text,
        ngettext=catalog_plural,
        newstyle=True,
        pgettext=catalog_in_context,
        npgettext=catalog_plural_in_context,
    )
    app.jinja_env.globals["_"] = template_gettext
    register_url_helpers(app)
    app.jinja_env.filters.update(
        distance=filters.distance,
        fee_range=filters.fee_range,
        clock=clock,
        day=day_label,
        month=month_label,
        labels=filters.labels,
        number=filters.number,
        rating=filters.rating,
        signed=lambda value, decimals=1: signed_number_label(value, decimals=decimals),
        upper_first=upper_first,
        # A name marked with N_ where it is defined, or a Said message, shown in the page's language.
        translate=translated,
    )
    app.jinja_env.globals.update(
        option_markup=option_markup,
        cached_call=fragments.cached_call,
        field_key=fragments.field_key,
        # A global, not only in the context processor's dict, so that macros imported without context see it.
        vocabulary=vocabulary,
    )

    @app.context_processor
    def inject_globals():
        return {"site_name": app.config["SITE_NAME"], "today": date.today()}


def register_commands(app: Flask) -> None:
    from directory.cli import register

    register(app)


logging.getLogger("directory").setLevel(logging.INFO)
