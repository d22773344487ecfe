"""The dry-needling directory: create_app builds the Flask application."""
import logging
from datetime import date
from urllib.parse import urlsplit

from flask import Flask, abort, render_template, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from werkzeug.routing import IntegerConverter

from config import BASE_DIR, Config, ProductionConfig, config_from_env
from directory.extensions import csrf, db, limiter, login_manager, migrate
from directory.forms import contains_nul
from directory.http_caching import register_http_caching


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
    register_extensions(app)
    register_blueprints(app)
    register_errorhandlers(app)
    register_input_guard(app)
    register_security_headers(app)
    register_http_caching(app)
    register_template_helpers(app)
    register_commands(app)
    return app


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(BASE_DIR / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)

    from directory.models import User
    from directory.services import listing  # noqa: F401  (registers the flush hook that keeps search in step)

    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to continue."
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
    from directory.consultations import bp as consultations_bp
    from directory.reviews import bp as reviews_bp
    from directory.auth import bp as auth_bp
    from directory.main import bp as main_bp
    from directory.practitioners import bp as practitioners_bp
    from directory.questionnaire import bp as questionnaire_bp
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
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    csrf.exempt(api_bp)  # no cookies are involved: the API is public and stateless


def render_error(status: int, message: str | None = None):
    """The one error page for every status, as HTML, or JSON for API clients."""
    if request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json":
        from directory.api.problems import problem

        return problem(status, detail=message)
    return render_template(f"errors/{status}.html", message=message), status


def register_errorhandlers(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    for status in (400, 403, 404, 405, 413, 429):

        def handler(error, status=status):
            return render_error(status, getattr(error, "description", None) if status in (400, 413) else None)

        app.register_error_handler(status, handler)

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(400, "The form had expired. Please go back, reload the page and send it again.")

    @app.errorhandler(OperationalError)
    def database_unavailable(error):
        db.session.rollback()
        app.logger.error("Database unavailable: %s", error.orig)
        return render_error(503)

    @app.errorhandler(500)
    def internal_error(error):
        db.session.rollback()
        return render_error(500)


NUL_MESSAGE = "The request contains a NUL character, which no field accepts."


def register_input_guard(app: Flask) -> None:
    """Refuse NUL characters in a URL's path and in API requests, before any view sees them.

    PostgreSQL can neither store nor compare one, so a NUL would otherwise reach the database as
    an error. Forms refuse them field by field instead (directory.forms.Form), keeping what was typed.
    """

    @app.before_request
    def refuse_nul_characters():
        texts = [request.path]
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

    @app.after_request
    def set_headers(response):
        response.headers.setdefault("Content-Security-Policy", csp)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response


def register_template_helpers(app: Flask) -> None:
    from directory import filters, vocabulary

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters.update(
        distance=filters.distance, fee_range=filters.fee_range, clock=filters.clock, labels=filters.labels
    )

    @app.context_processor
    def inject_globals():
        return {"site_name": app.config["SITE_NAME"], "vocabulary": vocabulary, "today": date.today()}


def register_commands(app: Flask) -> None:
    from directory.cli import register

    register(app)


logging.getLogger("directory").setLevel(logging.INFO)
